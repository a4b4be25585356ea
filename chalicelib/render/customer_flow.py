"""Seed 004 (bot-first customer flow and agent app): its REST shapes, its realtime frames and its
timestamp format. The domain's sender types (visitor, support, bot, system) are 004's customer,
agent, bot, system."""
from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from chalicelib.domain.conversations import mode_of
from chalicelib.model.conversations import Conversation, Faq, Message
from chalicelib.render.timestamps import utc_seconds

SENDER_TYPES = {"visitor": "customer", "support": "agent", "bot": "bot", "system": "system"}


def iso(moment: datetime | str | None) -> str | None:
    """Seed 004 shows no timestamp; it gets the same UTC, second-precision 'Z' as 000 and 003."""
    return utc_seconds(moment)


def status_of(conversation: Conversation) -> str:
    return "open" if conversation.is_open else "closed"


def assigned_agent(conversation: Conversation) -> dict[str, Any] | None:
    if conversation.assigned_agent_id is None:
        return None
    return {"id": conversation.assigned_agent_id, "name": conversation.assigned_agent_name}


def conversation_view(c: Conversation) -> dict[str, Any]:
    return {"id": c.conversation_id, "mode": mode_of(c), "status": status_of(c), "assigned_agent": assigned_agent(c),
            "created_at": iso(c.created_at), "updated_at": iso(c.updated_at)}


def last_message(c: Conversation) -> dict[str, Any] | None:
    preview = c.last_message
    if not preview:
        return None
    return {"sender_type": SENDER_TYPES.get(str(preview.get("from")), str(preview.get("from"))),
            "body": preview.get("content"), "created_at": iso(preview.get("created_at"))}


def agent_conversation_view(c: Conversation) -> dict[str, Any]:
    """The agent app's list entry: the customer's view plus who and what is waiting."""
    return {**conversation_view(c), "site_id": c.site_id, "customer": {"id": c.visitor_id, "name": c.visitor_name},
            "last_message": last_message(c), "unread_count": c.unread_for_agents, "last_seq": c.seq}


def message_view(m: Message) -> dict[str, Any]:
    view: dict[str, Any] = {"id": m.message_id, "seq": m.seq, "sender_type": SENDER_TYPES.get(m.sender_type, m.sender_type),
                            "body": m.content, "created_at": iso(m.created_at)}
    if m.sender_name:
        view["sender_name"] = m.sender_name
    if m.client_message_id:
        view["client_message_id"] = m.client_message_id
    if m.metadata.get("faq_slug"):
        view["faq_slug"] = m.metadata["faq_slug"]
    if m.metadata.get("offer") == "escalate":
        view["suggests_escalation"] = True
    return view


def read_markers(c: Conversation) -> dict[str, int]:
    """How far each side has read (sequence numbers): what the agent app shows as read receipts."""
    return {"agents_seq": c.agents_read_seq, "customer_seq": c.visitor_read_seq}


def faq_view(f: Faq, with_answer: bool = True) -> dict[str, Any]:
    if not with_answer:
        return {"slug": f.slug, "question": f.question}
    return {"slug": f.slug, "question": f.question, "answer": f.answer, "keywords": list(f.keywords),
            "position": f.position}


# -- realtime frames: {"type": "<event>", "data": {...}} -------------------------------------------

def frame(kind: str, data: dict[str, Any]) -> str:
    return json.dumps({"type": kind, "data": data}, separators=(",", ":"))


def message_from_payload(payload: dict[str, Any]) -> dict[str, Any]:
    """An event's message (domain/messaging.message_payload) in 004's shape."""
    view: dict[str, Any] = {"id": payload["id"], "seq": payload["seq"],
                            "sender_type": SENDER_TYPES.get(payload["from"], payload["from"]),
                            "body": payload.get("content"), "created_at": iso(payload.get("created_at"))}
    name = (payload.get("sender") or {}).get("name")
    if name:
        view["sender_name"] = name
    metadata = payload.get("metadata") or {}
    if metadata.get("faq_slug"):
        view["faq_slug"] = metadata["faq_slug"]
    if metadata.get("offer") == "escalate":
        view["suggests_escalation"] = True
    return view


def conversation_from_payload(payload: dict[str, Any], agent_name: str | None = None) -> dict[str, Any]:
    """An event's conversation (conversation_access.conversation_view_payload) in 004's shape."""
    is_open = payload.get("status") == "active"
    agent_id = payload.get("assigned_agent_id")
    return {"id": payload["id"], "mode": payload.get("mode") if is_open else "closed",
            "status": "open" if is_open else "closed",
            "assigned_agent": {"id": agent_id, "name": agent_name} if agent_id else None}
