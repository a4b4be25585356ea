"""Listeners for domain events.

Two kinds:
- immediate listeners run in the request that raised the event (realtime
  pushes: the user is waiting for them);
- deferred listeners (notifications, webhooks, analysis) run in the events worker, so a
  slow listener never slows a request: from the chats table's stream for an event its
  change committed as an outbox item (`event.outboxed`, store/outbox.py: nothing is lost
  when the process dies after the commit), from the `events` SQS queue for the others.
  Deferred delivery is at least once: listeners are idempotent on the event id.

Nothing subscribes on import: app.py calls `install()` (the deferred listeners here) and
`chalicelib.realtime.install()` (the fan-out), once and explicitly.
"""
from __future__ import annotations

import json
from typing import Callable, Iterable

from chalicelib.dispatch import listeners
from chalicelib.model.events import Event
from chalicelib.observability import logger

Listener = Callable[[Event], None]

EVENTS_DLQ = "events-dlq"  # the events queue's dead-letter queue (chalicelib/resources.py)

_immediate: dict[str, list[Listener]] = {}
_deferred: dict[str, list[Listener]] = {}


def subscribe(event_name: str, listener: Listener, *, deferred: bool) -> None:
    """Idempotent: a listener subscribed twice to one event still runs once."""
    subscribed = (_deferred if deferred else _immediate).setdefault(event_name, [])
    if listener not in subscribed:
        subscribed.append(listener)


def install() -> None:
    """Subscribe the deferred listeners (analysis jobs, notifications, webhook jobs). Idempotent.
    Until it runs, publish queues nothing: an event with no deferred listener is not queued."""
    for event_name, listener in listeners.DEFERRED:
        subscribe(event_name, listener, deferred=True)


def publish(events: Iterable[Event]) -> None:
    """Run immediate listeners now; queue the events that have deferred listeners, unless their
    change's transaction committed them (outboxed: the stream hands them to the events worker)."""
    queued = []
    for event in events:
        for listener in _immediate.get(event.name, []):
            try:
                listener(event)
            except Exception:  # a push that fails must not undo a committed write
                logger.exception("immediate listener failed", extra={"event": event.name, "event_id": event.id})
        if event.name in _deferred and not event.outboxed:
            queued.append(event)
    if queued:
        from chalicelib.integrations import queues

        bodies = [json.dumps(event.to_dict()) for event in queued]
        try:
            queues.send_events(bodies)
        except Exception:
            # The write has committed: answering 500 would invite a duplicate retry. The whole
            # events go to the events DLQ, whose redrive puts them back on the queue (listeners
            # dedupe by event id); the log names them by id only, never their bodies (names,
            # emails, message text). See docs/events.md.
            _park(queued, bodies)


def _park(events: list[Event], bodies: list[str]) -> None:
    from chalicelib.integrations import queues

    ids = [{"event": e.name, "event_id": e.id, "site_id": e.site_id, "conversation_id": e.conversation_id}
           for e in events]
    try:
        queues.send_batch(EVENTS_DLQ, bodies)
    except Exception:
        logger.exception("events not queued, nor parked in the events DLQ: their deferred listeners will not "
                         "run", extra={"events": ids})
        return
    logger.exception("events not queued; parked in the events DLQ for redrive", extra={"events": ids})


def run_deferred(event: Event) -> None:
    """Called by the events worker for one queued or outboxed event. Raises so SQS (or the stream's
    mapping) retries it."""
    for listener in _deferred.get(event.name, []):
        listener(event)
