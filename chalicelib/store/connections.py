"""Live WebSocket connections: save on $connect, look up on $default, drop on $disconnect/Gone.

Access paths: a connection's rows are one Query on its pk; an audience's
connections are one Query on `audience-index`. moto does not enforce TTL, and
neither does DynamoDB promptly, so expired rows are filtered on read.
"""
from __future__ import annotations

from datetime import datetime, timezone
from typing import Iterable

# The values live in the model (dialects and the domain pass them around); re-exported for callers here.
from chalicelib.model.connections import CONNECTION_TTL_SECONDS, ConnectionRecord, Recipient
from chalicelib.store.models import ConnectionItem, LiveConnection, Subscription

__all__ = ["CONNECTION_TTL_SECONDS", "ConnectionRecord", "Recipient", "delete_connection", "get_connection",
           "get_connections", "recipients", "save_connection", "unsubscribe"]

_CONN_SK = "#conn"


def _expiry(now: datetime) -> datetime:
    return datetime.fromtimestamp(now.timestamp() + CONNECTION_TTL_SECONDS, tz=timezone.utc)


def _alive(item: ConnectionItem, now: datetime) -> bool:
    return item.expires_at is None or item.expires_at > now


def save_connection(record: ConnectionRecord, audiences: Iterable[str] = ()) -> None:
    now = datetime.now(timezone.utc)
    expires = _expiry(now)
    with LiveConnection.batch_write() as batch:
        batch.save(
            LiveConnection(
                pk=record.connection_id,
                sk=_CONN_SK,
                dialect=record.dialect,
                endpoint=record.endpoint,
                site_id=record.site_id,
                role=record.role,
                principal_id=record.principal_id,
                data=record.data,
                connected_at=record.connected_at or now,
                expires_at=expires,
            )
        )
        for audience in audiences:
            batch.save(
                Subscription(
                    pk=record.connection_id,
                    sk=f"aud#{audience}",
                    audience=audience,
                    dialect=record.dialect,
                    endpoint=record.endpoint,
                    role=record.role,
                    principal_id=record.principal_id,
                    expires_at=expires,
                )
            )


def _record_of(item: LiveConnection) -> ConnectionRecord:
    return ConnectionRecord(
        connection_id=item.pk,
        dialect=item.dialect,
        endpoint=item.endpoint,
        site_id=item.site_id,
        role=item.role,
        principal_id=item.principal_id,
        data=item.data,
        connected_at=item.connected_at,
    )


def get_connection(connection_id: str) -> ConnectionRecord | None:
    try:
        item = LiveConnection.get(connection_id, _CONN_SK)
    except LiveConnection.DoesNotExist:
        return None
    if not _alive(item, datetime.now(timezone.utc)):
        return None
    return _record_of(item)


def get_connections(connection_ids: Iterable[str]) -> list[ConnectionRecord]:
    """Live connections by id: 1 BatchGetItem (per 100 ids); unknown and expired ones are left out."""
    keys = [(connection_id, _CONN_SK) for connection_id in dict.fromkeys(connection_ids)]
    if not keys:
        return []
    now = datetime.now(timezone.utc)
    return [_record_of(item) for item in LiveConnection.batch_get(keys) if _alive(item, now)]


def follow(record: ConnectionRecord, audience: str) -> None:
    """One more audience for a live connection (seed 004's `subscribe`): 1 PutItem."""
    Subscription(pk=record.connection_id, sk=f"aud#{audience}", audience=audience, dialect=record.dialect,
                 endpoint=record.endpoint, role=record.role, principal_id=record.principal_id,
                 expires_at=_expiry(datetime.now(timezone.utc))).save()


def unfollow(connection_id: str, audience: str) -> None:
    """One audience less (seed 004's `unsubscribe`): 1 DeleteItem."""
    Subscription(pk=connection_id, sk=f"aud#{audience}").delete()


def unsubscribe(connection_id: str) -> None:
    """Delete a connection's subscriptions but keep the connection itself (one Query + one batch
    write): no audience finds it any more, and its $disconnect still finds its record."""
    items = [item for item in ConnectionItem.query(connection_id, attributes_to_get=["pk", "sk", "kind"])
             if item.sk != _CONN_SK]
    with ConnectionItem.batch_write() as batch:
        for item in items:
            batch.delete(item)


def delete_connection(connection_id: str) -> None:
    """Remove the connection and its subscriptions (one Query + one batch write)."""
    items = list(ConnectionItem.query(connection_id, attributes_to_get=["pk", "sk", "kind"]))
    with ConnectionItem.batch_write() as batch:
        for item in items:
            batch.delete(item)


def recipients(audience: str) -> list[Recipient]:
    """Live connections following an audience: one Query on audience-index (per 1 MB page).

    The index is keyed by audience, so the cost grows with the audience, never with
    the number of unrelated connections in the table.
    """
    now = datetime.now(timezone.utc)
    return [
        Recipient(connection_id=item.pk, dialect=item.dialect, endpoint=item.endpoint, role=item.role,
                  principal_id=item.principal_id, audience=audience)
        for item in Subscription.audience_index.query(audience)
        if _alive(item, now)
    ]
