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
"""
from __future__ import annotations

from datetime import timedelta

from chalicelib import dispatch
from chalicelib.model import events as ev
from chalicelib.domain import agents
from chalicelib.realtime import audiences
from chalicelib.store import connections, tenants, visitors
from chalicelib.store.base import now
from chalicelib.store.connections import CONNECTION_TTL_SECONDS, ConnectionRecord


def _others(audience: str, connection_id: str) -> int:
    return sum(1 for r in connections.recipients(audience) if r.connection_id != connection_id)


def _agent_changes(record: ConnectionRecord, from_status: str, to_status: str) -> None:
    """When no other socket of this agent is live, move its status from `from_status` only."""
    agent_id = record.principal_id or ""
    if _others(audiences.agent(agent_id), record.connection_id):
        return
    agent = tenants.get_agent(agent_id)
    if agent is not None and agent.status == from_status:
        dispatch.publish(agents.set_status(agent, to_status).events)


def agent_connected(record: ConnectionRecord) -> None:
    _agent_changes(record, "offline", "online")


def agent_disconnected(record: ConnectionRecord) -> None:
    _agent_changes(record, "online", "offline")


def _visitor_event(name: str, site_id: str, visitor_id: str, visitor_name: str) -> ev.Event:
    return ev.Event(name, site_id, {"visitor": {"id": visitor_id, "name": visitor_name}})


def visitor_connected(record: ConnectionRecord) -> None:
    site_id, visitor_id = record.site_id or "", record.principal_id or ""
    if _others(audiences.visitor(site_id, visitor_id), record.connection_id):
        return
    lease = now() + timedelta(seconds=CONNECTION_TTL_SECONDS)
    visitor = visitors.set_presence(site_id, visitor_id, True, lease)
    if visitor is not None:
        dispatch.publish([_visitor_event(ev.VISITOR_ONLINE, site_id, visitor_id, visitor.name)])


def visitor_disconnected(record: ConnectionRecord) -> None:
    site_id, visitor_id = record.site_id or "", record.principal_id or ""
    if _others(audiences.visitor(site_id, visitor_id), record.connection_id):
        return
    visitor = visitors.set_presence(site_id, visitor_id, False, None)
    if visitor is not None:
        dispatch.publish([_visitor_event(ev.VISITOR_OFFLINE, site_id, visitor_id, visitor.name)])

