"""Fan-out: a domain event becomes frames on the live connections that should see it.

Runs as an immediate listener in whatever raised the event — a REST handler, a
WebSocket handler or an SQS worker — and posts through the one sender. Per
event: one Query per audience (concurrently), one check of who may still hear the
site (one BatchGetItem: the site and its listening agents' memberships, so a
removed agent or a suspended site hears nothing more), one render per recipient in
its own dialect, concurrent posts. A post answered Gone forgets that connection
(its dialect's disconnect runs, so presence stays right) and deletes its rows.
"""
from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

from chalicelib.domain import connections, messaging
from chalicelib.integrations import sockets as sender
from chalicelib.model import events as ev
from chalicelib.model.connections import Recipient
from chalicelib.model.conversations import reader_side
from chalicelib.observability import logger
from chalicelib.realtime import audiences, dialects, entrypoints

# Shared by every invocation a (Lambda or local) process serves; posts are I/O bound.
_pool = ThreadPoolExecutor(max_workers=32, thread_name_prefix="fanout")


@dataclass
class Delivery:
    audiences: int = 0
    recipients: int = 0
    posted: list[Recipient] = field(default_factory=list)
    gone: list[str] = field(default_factory=list)
    failed: int = 0


def _post(recipient: Recipient, frame: str | list[str]) -> str:
    """Post a frame, or a dialect's frames for one event in order (seed 004: an assignment is
    `conversation.updated` then `agent.assigned`)."""
    try:
        for one in [frame] if isinstance(frame, str) else frame:
            if not sender.send(recipient.endpoint, recipient.connection_id, one):
                return "gone"
        return "ok"
    except Exception:  # throttled or unreachable: this recipient misses it, the others do not
        logger.exception("post to connection failed", extra={"connection_id": recipient.connection_id})
        return "failed"


def _render(event: ev.Event, recipient: Recipient) -> str | list[str] | None:
    dialect = dialects.by_name(recipient.dialect)
    render = getattr(dialect, "render", None)
    return render(event, recipient) if render is not None else None


def deliver(event: ev.Event) -> Delivery:
    """Push one event to every live connection of its audiences (each connection at most once)."""
    names = audiences.for_event(event)
    delivery = Delivery(audiences=len(names))
    if not names:
        return delivery
    found: dict[str, Recipient] = {}
    for batch in _pool.map(connections.recipients, names):
        for recipient in batch:
            found.setdefault(recipient.connection_id, recipient)
    allowed = connections.entitled(event.site_id, found.values())
    delivery.recipients = len(allowed)
    frames = [(r, frame) for r in allowed if (frame := _render(event, r)) is not None]
    outcomes = list(_pool.map(lambda pair: _post(*pair), frames))
    for (recipient, _), outcome in zip(frames, outcomes):
        if outcome == "ok":
            delivery.posted.append(recipient)
        elif outcome == "gone":
            delivery.gone.append(recipient.connection_id)
        else:
            delivery.failed += 1
    # After the pool is done: forgetting may publish presence events, which deliver in turn.
    for connection_id in delivery.gone:
        entrypoints.forget(connection_id, "gone on post")
    return delivery


def push(event: ev.Event) -> None:
    """The immediate listener of every routed event (realtime.install subscribes it)."""
    delivery = deliver(event)
    if event.name == ev.MESSAGE_CREATED:
        message = event.payload["message"]
        readers = "agent" if reader_side(message["from"]) == "agents" else "visitor"
        if event.conversation_id and any(r.role == readers for r in delivery.posted):
            messaging.mark_delivered(message, event.conversation_id)
