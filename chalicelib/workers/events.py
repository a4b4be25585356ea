"""The `events` queue's consumer and the outbox's (the chats table's stream): both run deferred
listeners, one record at a time.

Failed records are reported one by one (see batch.py), so one poison event is retried
(then dead-lettered, or handed to the stream's on-failure queue) without holding back the rest.
"""
from __future__ import annotations

import json
from typing import Any

from chalicelib import dispatch
from chalicelib.domain import outbox
from chalicelib.model.events import Event
from chalicelib.observability import logger
from chalicelib.workers import batch


def _parse(body: str) -> Event:
    return Event.from_dict(json.loads(body))


def _run(event: Event) -> None:
    logger.info("running deferred listeners", extra={"event": event.name, "event_id": event.id})
    dispatch.run_deferred(event)


def handle_batch(raw_event: dict[str, Any], context: Any) -> dict[str, Any]:
    return batch.process(raw_event, context, queue="events", parse=_parse, run=_run)


def handle_stream_batch(raw_event: dict[str, Any], context: Any) -> dict[str, Any]:
    """The chats table's stream: the events committed as outbox items; the table's other changes are skipped."""
    return batch.process_stream(raw_event, context, stream="chats", parse=outbox.committed_event, run=_run)
