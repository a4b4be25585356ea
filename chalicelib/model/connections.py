"""Live WebSocket connections as values: what $connect records and fan-out posts to.

Plain data, so dialects, the domain and the store can all pass them around.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

# API Gateway closes every connection after 2 h: rows expire then, and so does a visitor's presence lease.
CONNECTION_TTL_SECONDS = 2 * 3600


@dataclass(frozen=True)
class ConnectionRecord:
    """A live socket. `role` is the principal's kind (agent | visitor), whatever the dialect calls it."""

    connection_id: str
    dialect: str
    endpoint: str
    site_id: str | None = None
    role: str | None = None
    principal_id: str | None = None
    data: dict[str, Any] | None = None
    connected_at: datetime | None = None


@dataclass(frozen=True)
class Recipient:
    """A connection found through an audience: enough to render for it and post to it."""

    connection_id: str
    dialect: str
    endpoint: str
    role: str | None = None
    principal_id: str | None = None
    # The audience it was found through (fan-out keeps the first of an event's audiences): seed 004
    # tells an agent that subscribed to a conversation from one that only follows its site.
    audience: str | None = None


# Audience names (realtime/audiences.py says who follows each). Here, in the model, because the
# domain finds a principal's connections by them when it ends access (logout, removal, suspension).

def site_agents_audience(site_id: str) -> str:
    return f"site#{site_id}#agents"


def site_visitors_audience(site_id: str) -> str:
    return f"site#{site_id}#visitors"


def agent_audience(agent_id: str) -> str:
    return f"agent#{agent_id}"
