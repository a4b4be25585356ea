"""Importing this module registers every listener (app.py imports it once)."""
from chalicelib.dispatch import notifications  # noqa: F401
