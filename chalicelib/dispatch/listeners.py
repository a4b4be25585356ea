"""Importing this module registers every listener (app.py imports it once)."""
from chalicelib.dispatch import analysis  # noqa: F401  (deferred: analysis jobs)
from chalicelib.dispatch import notifications  # noqa: F401  (deferred: notifications)
from chalicelib.dispatch import webhooks  # noqa: F401  (deferred: webhook delivery jobs)
from chalicelib.realtime import fanout  # noqa: F401  (immediate: realtime pushes)
