"""The transactional outbox: domain events committed in the transaction of the change that raised them.

`Transaction.outbox(events)` (store/base.py) adds one item per event to the chats table, in the
same TransactWriteItems as the change: the event exists if and only if the change committed. The
table's stream (NEW_IMAGE) hands each new outbox item to the events worker (app.py
`process_outbox`), which runs the event's deferred listeners. See docs/events.md.
"""
from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone
from typing import Any, Mapping

from chalicelib.model.events import Event
from chalicelib.observability import current_request_id
from chalicelib.store.models import OUTBOX_KIND, OutboxItem

# The stream keeps a record 24 hours; the item stays a day longer, to look up what went through.
OUTBOX_TTL = timedelta(days=2)


def item_of(event: Event) -> OutboxItem:
    """The outbox item that commits `event` (its key is the event id: one item per event), naming the
    request that raised it, which the stream consumer's log lines and deliveries then carry."""
    return OutboxItem(*OutboxItem.key(event.id), event=event.to_dict(), request_id=current_request_id(),
                      expires_at=datetime.now(timezone.utc) + OUTBOX_TTL)


def event_of_stream_record(record: Mapping[str, Any]) -> Event | None:
    """The event a stream record (in Lambda's shape) commits: an outbox item's INSERT. None for any
    other change of the table (every write is on the stream; the deployed mapping filters them out,
    and the TTL's deletions of outbox items are REMOVEs). Raises ValueError/KeyError on a malformed one."""
    if record.get("eventName") != "INSERT":
        return None
    image = (record.get("dynamodb") or {}).get("NewImage") or {}
    if (image.get("kind") or {}).get("S") != OUTBOX_KIND:
        return None
    return Event.from_dict(json.loads(image["event"]["S"]))
