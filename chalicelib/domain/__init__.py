"""The business, in plain Python: no Chalice, no boto3. Surfaces call it; it calls store/."""
