"""Seed 002's shapes: the {"success", "message", "data"} envelope, its errors, conversations, messages,
search results. One timestamp format, as the document shows it: UTC, seconds, 'Z'
(2024-06-29T10:00:00Z). Ids are integers; `user_id` is the end user's visitor id.
"""
from __future__ import annotations

from typing import Any

from chalicelib.model.assistant import Assistant, AssistantConversation, AssistantMessage
from chalicelib.render.timestamps import utc_seconds


def ok(message: str, data: Any) -> dict[str, Any]:
    return {"success": True, "message": message, "data": data}


def error(message: str, errors: dict[str, list[str]] | None = None) -> dict[str, Any]:
    body: dict[str, Any] = {"success": False, "message": message}
    if errors:
        body["errors"] = errors
    return body


def found(count: int, singular: str, plural: str | None = None) -> str:
    """"Found 5 conversations", "Found 1 conversation"."""
    return f"Found {count} {singular if count == 1 else (plural or singular + 's')}"


def conversation(c: AssistantConversation) -> dict[str, Any]:
    return {
        "id": c.conversation_id,
        "title": c.title,
        "user_id": c.user_id,
        "agent_id": c.assistant_id,
        "conversation_type": c.conversation_type,
        "status": c.status,
        "is_archived": c.is_archived,
        "is_pinned": c.is_pinned,
        "total_messages": c.seq,
        "unread_count": c.unread_count,
        "last_message_at": utc_seconds(c.last_message_at),
        "created_at": utc_seconds(c.created_at),
        "updated_at": utc_seconds(c.updated_at),
    }


def message_status(m: AssistantMessage, c: AssistantConversation) -> str:
    """A user's message is "read" once the assistant answered after it; an answer is "read" once the
    user had fetched it before this read ("sent": new to the user)."""
    if m.sender == "user":
        return "read" if m.seq < c.last_answer_seq else "sent"
    return "read" if m.seq <= c.user_read_seq else "sent"


def message(m: AssistantMessage, c: AssistantConversation) -> dict[str, Any]:
    return {
        "id": m.message_id,
        "conversation_id": m.conversation_id,
        "content": m.content,
        "content_type": m.content_type,
        "sender": m.sender,
        "message_type": m.message_type,
        "status": message_status(m, c),
        "tokens_used": m.tokens_used,
        "processing_time": m.processing_time,
        "created_at": utc_seconds(m.created_at),
    }


def added(m: AssistantMessage) -> dict[str, Any]:
    return {"message_id": m.message_id, "conversation_id": m.conversation_id, "content": m.content,
            "sender": m.sender, "created_at": utc_seconds(m.created_at)}


def ai_response(m: AssistantMessage, cost: float) -> dict[str, Any]:
    return {"message_id": m.message_id, "ai_response": m.content, "tokens_used": m.tokens_used,
            "processing_time": m.processing_time, "cost": round(cost, 6), "created_at": utc_seconds(m.created_at)}


def search_result(m: AssistantMessage) -> dict[str, Any]:
    return {"message_id": m.message_id, "conversation_id": m.conversation_id, "content": m.content,
            "sender": m.sender, "created_at": utc_seconds(m.created_at)}


def assistant(a: Assistant) -> dict[str, Any]:
    """An assistant as the admin console (seed 000's envelope) shows it."""
    return {"id": a.assistant_id, "site_id": a.site_id, "name": a.name, "instructions": a.instructions,
            "provider": a.provider, "model_id": a.model_id, "active": a.active,
            "created_at": utc_seconds(a.created_at), "updated_at": utc_seconds(a.updated_at)}
