"""WebSocket machinery: dialect dispatch for $connect/$default/$disconnect, audiences and fan-out.

Nothing registers itself on import: app.py calls `install()` once, explicitly.
"""
from __future__ import annotations

from chalicelib import dispatch
from chalicelib.realtime import audiences, dialects, fanout
from chalicelib.realtime.console import ConsoleDialect


def install() -> None:
    """Subscribe the fan-out to every routed event and register seed 000's dialect. Idempotent:
    a second call subscribes and registers nothing new."""
    for name in sorted(audiences.ROUTED_EVENTS):
        dispatch.subscribe(name, fanout.push, deferred=False)
    dialects.register(ConsoleDialect())
