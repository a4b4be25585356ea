"""WebSocket machinery: dialect dispatch for $connect/$default/$disconnect, audiences and fan-out.

Nothing registers itself on import: app.py calls `install()` once, explicitly.
"""
from __future__ import annotations

from chalicelib import dispatch
from chalicelib.model import events as ev
from chalicelib.realtime import after_connect, audiences, customer_flow, dialects, fanout, visitor_chat
from chalicelib.realtime.console import ConsoleDialect


def install() -> None:
    """Subscribe the fan-out to every routed event and register seed 000's, 001's and 004's dialects. Idempotent:
    a second call subscribes and registers nothing new."""
    for name in sorted(audiences.ROUTED_EVENTS):
        dispatch.subscribe(name, fanout.push, deferred=False)
    dialects.register(ConsoleDialect())
    # Seed 001: its dialect; its sockets' first frames once open; its ended sessions' sockets closed
    # after the fan-out told them (subscribed after fanout.push, so it runs after it).
    dialects.register(visitor_chat.VisitorChatDialect())
    # Seed 004: WS /api/v1/realtime/ws (?role=customer|agent); its first frames and the customer's
    # resync go out through the same after-connect job.
    dialects.register(customer_flow.CustomerFlowDialect())
    dispatch.subscribe(ev.CONNECTION_ACCEPTED, after_connect.deliver, deferred=True)
    dispatch.subscribe(ev.CONVERSATION_CLOSED, visitor_chat.close_ended, deferred=False)
