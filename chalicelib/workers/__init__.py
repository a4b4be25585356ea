"""SQS consumers (their Chalice handlers are declared in app.py)."""
