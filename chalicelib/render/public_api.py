"""Seed 003 (integrator API, /v1): its timestamp format. Its shapes join here as its routes land."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from chalicelib.domain.integrator_chats import Chat
from chalicelib.model.conversations import Conversation, Message
from chalicelib.render.timestamps import utc_seconds


def iso(moment: datetime | str | None) -> str | None:
    """Seed 003's format: UTC, second precision, 'Z' (2026-02-11T14:23:00Z)."""
    return utc_seconds(moment)


# -- chats --------------------------------------------------------------------------------------

def chat_status(c: Conversation) -> str:
    """003's three statuses from the one state machine: open with an agent is `assigned`."""
    if not c.is_open:
        return "closed"
    return "assigned" if c.assigned_agent_id else "active"


def chat_summary(chat: Chat) -> dict[str, Any]:
    c, v = chat.conversation, chat.visitor
    return {
        "id": c.conversation_id,
        "visitor_name": v.name if v else c.visitor_name,
        "visitor_email": v.email if v else None,
        "status": chat_status(c),
        "assigned_to": c.assigned_agent_id,
        "unread_count": c.unread_for_agents,
        "last_message_at": iso(c.last_message_at),
        "created_at": iso(c.created_at),
    }


def chat_detail(chat: Chat) -> dict[str, Any]:
    c, v = chat.conversation, chat.visitor
    return {
        "id": c.conversation_id,
        "visitor": {
            "id": c.visitor_id,
            "name": v.name if v else c.visitor_name,
            "email": v.email if v else None,
            "phone": v.phone if v else None,
            "metadata": dict(v.metadata) if v else {},
        },
        "status": chat_status(c),
        "assigned_to": c.assigned_agent_id,
        "tags": list(c.tags),
        "notes": c.notes,
        "unread_count": c.unread_for_agents,
        "last_message_at": iso(c.last_message_at),
        "created_at": iso(c.created_at),
        "updated_at": iso(c.updated_at),
        "closed_at": iso(c.closed_at),
    }


def chat_message(m: Message, attachments: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "id": m.message_id,
        "chat_id": m.conversation_id,
        "text": m.content,
        "attachments": attachments,
        "sender": {"type": "agent" if m.sender_type == "support" else m.sender_type, "id": m.sender_id,
                   "name": m.sender_name},
        "created_at": iso(m.created_at),
    }
