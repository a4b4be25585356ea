"""Presence as the realtime edge sees it: a connection opened or closed; the domain decides.

The rules (first socket online, last socket offline, a chosen `away` survives) live in
domain/realtime_presence.py; this module names the audience that counts each principal's
sockets and publishes what changed.
"""
from __future__ import annotations

from chalicelib import dispatch
from chalicelib.domain import realtime_presence
from chalicelib.model.connections import ConnectionRecord
from chalicelib.realtime import audiences


def agent_connected(record: ConnectionRecord) -> None:
    agent_id = record.principal_id or ""
    dispatch.publish(realtime_presence.agent_connected(agent_id, audiences.agent(agent_id), record.connection_id))


def agent_disconnected(record: ConnectionRecord) -> None:
    agent_id = record.principal_id or ""
    dispatch.publish(realtime_presence.agent_disconnected(agent_id, audiences.agent(agent_id),
                                                          record.connection_id))


def visitor_connected(record: ConnectionRecord) -> None:
    site_id, visitor_id = record.site_id or "", record.principal_id or ""
    dispatch.publish(realtime_presence.visitor_connected(site_id, visitor_id, audiences.visitor(site_id, visitor_id),
                                                         record.connection_id))


def visitor_disconnected(record: ConnectionRecord) -> None:
    site_id, visitor_id = record.site_id or "", record.principal_id or ""
    dispatch.publish(realtime_presence.visitor_disconnected(site_id, visitor_id,
                                                            audiences.visitor(site_id, visitor_id),
                                                            record.connection_id))
