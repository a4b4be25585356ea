"""Live connections as use cases: what the realtime edge records, finds and forgets.

The realtime edge never touches the connections table itself; it comes here. Each
call is one store access (the store module names its DynamoDB cost).
"""
from __future__ import annotations

from typing import Iterable

from chalicelib.model.connections import ConnectionRecord, Recipient
from chalicelib.store import connections as store
from chalicelib.store.base import now

# A socket is recorded just before $connect returns; until it returns, posts to it answer Gone.
OPENING_GRACE_SECONDS = 5


def record(connection: ConnectionRecord, audiences: Iterable[str]) -> None:
    """Save an accepted connection and its audience subscriptions (one batch write)."""
    store.save_connection(connection, audiences)


def find(connection_id: str) -> ConnectionRecord | None:
    """A live connection, or None when unknown or expired (1 GetItem)."""
    return store.get_connection(connection_id)


def forget(connection_id: str) -> None:
    """Delete a connection and its subscriptions (1 Query + 1 batch write)."""
    store.delete_connection(connection_id)


def recipients(audience: str) -> list[Recipient]:
    """The live connections following an audience (1 Query, whatever else is connected)."""
    return store.recipients(audience)


def others(audience: str, connection_id: str) -> int:
    """How many live connections of an audience are not this one (1 Query)."""
    return sum(1 for r in store.recipients(audience) if r.connection_id != connection_id)


def still_opening(connection: ConnectionRecord) -> bool:
    """Recorded so recently that a Gone answer means 'not open yet', not 'vanished'."""
    return connection.connected_at is not None and \
        (now() - connection.connected_at).total_seconds() < OPENING_GRACE_SECONDS
