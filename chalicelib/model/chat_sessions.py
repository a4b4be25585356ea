"""Seed 001's chat sessions as values. A session IS a conversation (one domain core): it adds a
uuid, the end user it belongs to, and the origin its file links are built on.

The end user is a visitor of the business: a guest (a random uuid) or an external customer (a
uuid derived from the business's own customer id, so nobody can guess it).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class ChatSession:
    session_id: str  # a uuid
    site_id: str  # the seed's "business"
    visitor_id: str  # the end user (a uuid)
    conversation_id: str | None  # None only while the session is being opened
    created_at: datetime
    department: str | None = None
    customer: bool = False  # an external customer (proved by customer_hash), not a guest
    origin: str | None = None  # where the HTTP API was reached when the session started (file links)

    @property
    def opening(self) -> bool:
        return self.conversation_id is None


@dataclass(frozen=True)
class ActiveSession:
    """The one active session of an end user at a business: the pointer whose conditional write
    makes concurrent starts agree on one session."""

    site_id: str
    visitor_id: str
    session_id: str
    conversation_id: str | None  # None while the session is being opened
    claimed_at: datetime
