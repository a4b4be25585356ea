"""Visitor presence: online while a socket's lease runs, or while its REST calls are recent.

Pure: the caller passes the moment; tested without moto.
"""
from __future__ import annotations

from datetime import datetime, timedelta

from chalicelib.model.identity import Visitor

# A visitor is active while a socket is open (realtime presence, bounded by its lease) or
# when its REST calls were seen this recently (a widget without a socket).
ACTIVE_WINDOW = timedelta(minutes=5)


def presence(visitor: Visitor, moment: datetime) -> str:
    """Online while a socket's lease runs; otherwise when its REST calls were seen recently,
    unless the latest thing we heard was its last socket closing."""
    lease = visitor.online_until
    if visitor.status == "online" and lease is not None and lease > moment:
        return "online"
    disconnected_last = visitor.status == "offline" and lease is not None and lease >= visitor.last_seen
    if not disconnected_last and moment - visitor.last_seen <= ACTIVE_WINDOW:
        return "online"
    return "offline"
