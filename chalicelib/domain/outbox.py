"""Events committed with their change (the transactional outbox, store/outbox.py): the stream
consumer asks which records carry one."""
from __future__ import annotations

from typing import Any, Mapping

from chalicelib.model.events import Event
from chalicelib.store import outbox as store


def committed_event(record: Mapping[str, Any]) -> Event | None:
    """The event an outbox item's stream record commits; None for any other change of the table."""
    return store.event_of_stream_record(record)
