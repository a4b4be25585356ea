"""Conversations and messages as values: what every surface and the store pass around.

Statuses are the union the documents need: `status` active|closed (000; 003
adds "assigned" = active with an agent), `mode` automated|agent|closed (004).
The decisions about them live in domain/conversations.py.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

MESSAGE_TYPES = ("text", "file", "image")


@dataclass(frozen=True)
class Conversation:
    conversation_id: str
    site_id: str
    visitor_id: str
    visitor_name: str | None
    status: str
    mode: str
    created_at: datetime
    updated_at: datetime
    seq: int = 0
    assigned_agent_id: str | None = None
    assigned_agent_name: str | None = None
    assigned_at: datetime | None = None
    title: str | None = None
    is_pinned: bool = False
    is_archived: bool = False
    tags: tuple[str, ...] = ()
    notes: str | None = None
    last_message: dict[str, Any] | None = None
    last_message_at: datetime | None = None
    unread_for_agents: int = 0
    unread_for_visitor: int = 0
    agents_read_seq: int = 0
    visitor_read_seq: int = 0
    agents_delivered_seq: int = 0
    visitor_delivered_seq: int = 0
    first_visitor_message_at: datetime | None = None
    first_response_at: datetime | None = None
    closed_at: datetime | None = None
    closed_by: str | None = None
    resolution: str | None = None
    rating: int | None = None
    customer_session_hash: str | None = field(default=None, repr=False)  # seed 004's customer session
    handoffs: int = 0  # reassignments from one agent to another (first-contact resolution)

    @property
    def is_open(self) -> bool:
        return self.status == "active"



@dataclass(frozen=True)
class Message:
    message_id: str
    conversation_id: str
    site_id: str
    visitor_id: str
    seq: int
    sender_type: str
    sender_id: str | None
    sender_name: str | None
    type: str
    content: str | None
    created_at: datetime
    file_id: str | None = None
    file: dict[str, Any] | None = None
    metadata: dict[str, Any] = field(default_factory=dict)
    client_message_id: str | None = None
    analysis: dict[str, Any] | None = None


def message_id(seq: int, suffix: str) -> str:
    """Message ids carry their sequence number, so a cursor (`before=msg_...`) needs no lookup."""
    return f"msg_{seq}_{suffix}"


def seq_of(message_id_value: str) -> int | None:
    parts = message_id_value.split("_")
    if len(parts) != 3 or parts[0] != "msg" or not parts[1].isdigit():
        return None
    return int(parts[1])


def reader_side(sender_type: str) -> str:
    """Who reads a message: agents read the visitor's, the visitor reads everyone else's."""
    return "agents" if sender_type == "visitor" else "visitor"


def side_of(principal_kind: str) -> str:
    return "visitor" if principal_kind == "visitor" else "agents"


def message_status(message: Message, conversation: Conversation) -> str:
    side = reader_side(message.sender_type)
    read = conversation.agents_read_seq if side == "agents" else conversation.visitor_read_seq
    delivered = conversation.agents_delivered_seq if side == "agents" else conversation.visitor_delivered_seq
    if message.seq <= read:
        return "read"
    if message.seq <= delivered:
        return "delivered"
    return "sent"


@dataclass(frozen=True)
class Faq:
    """Seed 004: a site's quick question, its answer, and the keywords the bot matches on."""

    site_id: str
    slug: str
    question: str
    answer: str
    keywords: tuple[str, ...] = ()
    position: int = 0
