"""The deferred listeners, in the order they run for one event: `dispatch.install()` subscribes them.

Each module lists its own (event name, listener) pairs; none subscribes itself on import.
"""
from __future__ import annotations

from typing import Callable

from chalicelib.dispatch import analysis, notifications, webhooks
from chalicelib.model.events import Event

DEFERRED: tuple[tuple[str, Callable[[Event], None]], ...] = (
    *analysis.LISTENERS,  # visitor messages -> analysis jobs
    *notifications.LISTENERS,  # agents' notifications
    *webhooks.LISTENERS,  # webhook delivery jobs
)
