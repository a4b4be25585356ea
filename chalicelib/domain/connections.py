"""Live connections as use cases: what the realtime edge records, finds and forgets, and how
access that was taken away ends on the sockets too.

The realtime edge never touches the connections table itself; it comes here. Each
call is one store access (the store module names its DynamoDB cost), but for ending
access (`end_*`), which names its own.

Ending access (logout, removal from a site, suspension) removes the connections'
subscriptions first — from then on no fan-out finds them — and then asks API Gateway to
close them (DeleteConnection; the local gateway emulates it). API Gateway then runs
`$disconnect`, which finds the connection's record and drops it the usual way, so presence
stays right. A connection the gateway no longer knows is deleted here outright.
"""
from __future__ import annotations

from typing import Iterable

from chalicelib.domain import suspension
from chalicelib.integrations import sockets
from chalicelib.model.connections import (
    ConnectionRecord,
    Recipient,
    agent_audience,
    site_agents_audience,
    site_visitors_audience,
)
from chalicelib.observability import logger
from chalicelib.store import connections as store
from chalicelib.store import tenants
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


def follow(connection: ConnectionRecord, audience: str) -> None:
    """Add an audience to a live connection (1 PutItem)."""
    store.follow(connection, audience)


def unfollow(connection_id: str, audience: str) -> None:
    """Remove one audience of a connection (1 DeleteItem)."""
    store.unfollow(connection_id, audience)


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


# -- who may still hear a site's events ---------------------------------------------------------

def entitled(site_id: str, found: Iterable[Recipient]) -> list[Recipient]:
    """Of a site's event's recipients, those still allowed to hear it: nobody while the site is
    suspended, and agents only while they are its members. 1 BatchGetItem (the site and the
    agents' memberships, read fresh) when agents are among them; else the cached site status."""
    recipients = list(found)
    if not recipients:
        return []
    agent_ids = {r.principal_id for r in recipients if r.role == "agent" and r.principal_id}
    if agent_ids:
        site, members = tenants.site_and_members(site_id, agent_ids)
        if site is None or suspension.is_suspended(site.status):
            return []
        suspension.remember(site)
    else:
        if suspension.suspended([site_id]):
            return []
        members = set()
    return [r for r in recipients if r.role != "agent" or r.principal_id in members]


# -- ending access ------------------------------------------------------------------------------

def _end(connections: Iterable[Recipient | ConnectionRecord], reason: str) -> int:
    ended = 0
    for connection in connections:
        store.unsubscribe(connection.connection_id)  # fan-out stops finding it now
        try:
            open_ = sockets.close(connection.endpoint, connection.connection_id)
        except Exception:  # unreachable or throttled: unsubscribed already, and every frame is re-checked
            logger.exception("closing a connection failed", extra={"connection_id": connection.connection_id,
                                                                   "reason": reason})
            open_ = True
        if not open_:  # the gateway had forgotten it: no $disconnect will come
            store.delete_connection(connection.connection_id)
        ended += 1
    if ended:
        logger.info("connections ended", extra={"count": ended, "reason": reason})
    return ended


def end_session(agent_id: str, session_id: str) -> int:
    """Logout: close the connections opened with this session. 1 Query + 1 BatchGetItem, then per
    connection 1 Query + 1 batch write + 1 DeleteConnection."""
    found = store.recipients(agent_audience(agent_id))
    opened = [c for c in store.get_connections(r.connection_id for r in found)
              if (c.data or {}).get("session_id") == session_id]
    return _end(opened, "logout")


def end_agent_on_site(site_id: str, agent_id: str) -> int:
    """Removal from a site: close the agent's connections to that site. 1 Query, then per connection
    as above."""
    return _end([r for r in store.recipients(site_agents_audience(site_id)) if r.principal_id == agent_id],
                "removed from site")


def end_site(site_id: str) -> int:
    """Suspension: close every agent and visitor connection of the site. 2 Queries, then per
    connection as above."""
    found = {r.connection_id: r for audience in (site_agents_audience(site_id), site_visitors_audience(site_id))
             for r in store.recipients(audience)}
    return _end(found.values(), "site suspended")
