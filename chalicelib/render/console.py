"""Seed 000's shapes (the support console and the widget): one renderer for its REST API and its
WebSocket frames, so a message or a conversation reads the same wherever a client meets it.

One timestamp format for the whole document: UTC, second precision, 'Z' (2024-01-20T14:30:00Z).
Entities carry datetimes and events carry ISO strings; both are formatted here, at the edge.
"""
from __future__ import annotations

from datetime import datetime
from typing import Any

from chalicelib.domain.media import service as media
from chalicelib.render.timestamps import utc_seconds
from chalicelib.model.conversations import Conversation, Message, message_status
from chalicelib.model.identity import AgentPrincipal, Principal, VisitorPrincipal


def iso(moment: datetime | str | None) -> str | None:
    """Seed 000's one timestamp format: UTC, second precision, 'Z' (2024-01-20T14:30:00Z)."""
    return utc_seconds(moment)


# -- messages -------------------------------------------------------------------------------------

def analysis(stored: dict[str, Any]) -> dict[str, Any]:
    """A message's AI analysis as agents see it: which provider produced it is ours to know."""
    return {k: v for k, v in stored.items() if k != "provider"}


def _message(*, message_id: str, conversation_id: str, seq: int, sender_type: str, sender: dict[str, Any],
             content: str | None, kind: str, created_at: datetime | str, status: str, file_id: str | None,
             file: dict[str, Any] | None, metadata: dict[str, Any] | None,
             analysis_view: dict[str, Any] | None) -> dict[str, Any]:
    """The one message document; the two entry points below only say where the fields come from."""
    view: dict[str, Any] = {
        "id": message_id,
        "conversation_id": conversation_id,
        "seq": seq,
        "from": sender_type,
        "sender": sender,
        "content": content,
        "type": kind,
        "created_at": iso(created_at),
        "status": status,
    }
    if file_id:
        view["file_id"] = file_id
        view["file"] = media.message_file_view(file or {"id": file_id})
    if metadata:
        view["metadata"] = metadata
    if analysis_view is not None:
        view["analysis"] = analysis_view
    return view


def message(m: Message, c: Conversation, principal: Principal | None = None) -> dict[str, Any]:
    """A stored message (REST pages, `state`). `principal` decides agent-only fields: a visitor
    message's AI analysis is for agents."""
    return _message(
        message_id=m.message_id, conversation_id=m.conversation_id, seq=m.seq, sender_type=m.sender_type,
        sender={"id": m.sender_id, "name": m.sender_name}, content=m.content, kind=m.type,
        created_at=m.created_at, status=message_status(m, c), file_id=m.file_id, file=m.file,
        metadata=m.metadata,
        analysis_view=analysis(m.analysis) if m.analysis and isinstance(principal, AgentPrincipal) else None,
    )


def created_message(payload: dict[str, Any], conversation_id: str) -> dict[str, Any]:
    """A `message.created` event's message: just committed, so `sent`, and not yet analysed."""
    return _message(
        message_id=payload["id"], conversation_id=conversation_id, seq=payload["seq"], sender_type=payload["from"],
        sender=payload["sender"], content=payload.get("content"), kind=payload["type"],
        created_at=payload["created_at"], status="sent", file_id=payload.get("file_id"), file=payload.get("file"),
        metadata=payload.get("metadata"), analysis_view=None,
    )


def message_frame(document: dict[str, Any]) -> dict[str, Any]:
    """Section 12's `message` frame fields around the one message document: 000 names the content
    `message`; the frame's own `type` is "message", so the message's type rides as `message_type`;
    `client_message_id` lets a sender match its retry."""
    fields = {k: v for k, v in document.items() if k != "type"}
    fields.update(message=document["content"], message_type=document["type"])
    client_id = (document.get("metadata") or {}).get("client_message_id")
    if client_id:
        fields["client_message_id"] = client_id
    return fields


# -- conversations --------------------------------------------------------------------------------

def assigned(c: Conversation) -> dict[str, Any] | None:
    if not c.assigned_agent_id:
        return None
    return {"id": c.assigned_agent_id, "username": c.assigned_agent_name}


def unread_for(principal: Principal, c: Conversation) -> int:
    return c.unread_for_visitor if isinstance(principal, VisitorPrincipal) else c.unread_for_agents


def conversation(c: Conversation, principal: Principal) -> dict[str, Any]:
    """One conversation (`GET /api/v1/conversations/{id}` without its messages, and `state`)."""
    return {
        "id": c.conversation_id,
        "site_id": c.site_id,
        "visitor": {"id": c.visitor_id, "name": c.visitor_name},
        "assigned_agent": assigned(c),
        "status": c.status,
        "created_at": iso(c.created_at),
        "closed_at": iso(c.closed_at),
        "unread_count": unread_for(principal, c),
    }


def conversation_summary(c: Conversation) -> dict[str, Any]:
    """A row of the agents' conversation list."""
    return {
        "id": c.conversation_id,
        "visitor": {"id": c.visitor_id, "name": c.visitor_name},
        "last_message": {
            "content": c.last_message.get("content"),
            "from": c.last_message.get("from"),
            "created_at": iso(c.last_message_at),
        } if c.last_message else None,
        "unread_count": c.unread_for_agents,
        "status": c.status,
        "assigned_agent": assigned(c),
        "created_at": iso(c.created_at),
    }
