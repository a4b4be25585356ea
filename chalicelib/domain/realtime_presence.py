"""Presence from live connections: the first socket brings someone online, the last takes them off.

Counting live connections (one Query on the principal's audience, expired rows
ignored) rather than keeping a counter means a missed `$disconnect` can never
leave someone online for good: its row expires, or a post answered Gone
forgets it and runs the disconnect path again.

- Agents: the first connection turns `offline` into `online` (a chosen `away`
  survives a page reload); the last disconnect turns `online` into `offline`
  (a chosen `away`/`offline` stays). Status changes raise `agent.status_changed`.
- Visitors: the first connection sets `online` with a lease as long as the
  connection may live; the last sets `offline`. They raise `visitor.online`
  and `visitor.offline`.

The realtime edge names the audience that counts (it owns audience names) and publishes
the events these return.
"""
from __future__ import annotations

from datetime import timedelta

from chalicelib.domain import agents, connections
from chalicelib.model import events as ev
from chalicelib.model.connections import CONNECTION_TTL_SECONDS
from chalicelib.store import tenants, visitors
from chalicelib.store.base import ConditionFailed, now


def _agent_moves(agent_id: str, audience: str, connection_id: str, from_status: str,
                 to_status: str) -> list[ev.Event]:
    """When no other socket of this agent is live, move its status from `from_status` only."""
    if connections.others(audience, connection_id):
        return []
    agent = tenants.get_agent(agent_id)
    if agent is None or agent.status != from_status:
        return []
    return agents.set_status(agent, to_status).events


def agent_connected(agent_id: str, audience: str, connection_id: str) -> list[ev.Event]:
    return _agent_moves(agent_id, audience, connection_id, "offline", "online")


def agent_disconnected(agent_id: str, audience: str, connection_id: str) -> list[ev.Event]:
    return _agent_moves(agent_id, audience, connection_id, "online", "offline")


def _visitor_event(name: str, site_id: str, visitor_id: str, visitor_name: str | None) -> ev.Event:
    return ev.Event(name, site_id, {"visitor": {"id": visitor_id, "name": visitor_name}})


def visitor_connected(site_id: str, visitor_id: str, audience: str, connection_id: str) -> list[ev.Event]:
    """The first tab: online for as long as a connection may live (1 Query + 1 UpdateItem)."""
    if connections.others(audience, connection_id):
        return []
    lease = now() + timedelta(seconds=CONNECTION_TTL_SECONDS)
    try:
        visitor = visitors.set_presence(site_id, visitor_id, True, lease)
    except ConditionFailed:  # no such visitor: nobody to announce
        return []
    return [_visitor_event(ev.VISITOR_ONLINE, site_id, visitor_id, visitor.name)]


def visitor_disconnected(site_id: str, visitor_id: str, audience: str, connection_id: str) -> list[ev.Event]:
    """The last tab closed: offline (1 Query + 1 UpdateItem)."""
    if connections.others(audience, connection_id):
        return []
    try:
        visitor = visitors.set_presence(site_id, visitor_id, False, None)
    except ConditionFailed:  # no such visitor: nobody to announce
        return []
    return [_visitor_event(ev.VISITOR_OFFLINE, site_id, visitor_id, visitor.name)]
