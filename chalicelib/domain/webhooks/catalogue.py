"""Webhooks' rules: which events integrators get, under which names, in which payloads.

Public names come from the event catalogue (`chalicelib/model/events.py`); seed 003
documents `chat.created`, `chat.closed` and `message.sent`, the others are what
Intercom/Chatwoot integrators expect. Payloads are versioned (`api_version`) and
carry the event id, which is also the `webhook-id` header: stable across retries,
so receivers can drop duplicates.
"""
from __future__ import annotations

from typing import Any

from chalicelib.model import events as ev
from chalicelib.model.errors import ValidationFailed

API_VERSION = "2026-11-01"
MAX_WEBHOOKS_PER_SITE = 20

PUBLIC_NAMES: dict[str, str] = {
    ev.CONVERSATION_CREATED: "chat.created",
    ev.CONVERSATION_ASSIGNED: "chat.assigned",
    ev.CONVERSATION_CLOSED: "chat.closed",
    ev.CONVERSATION_RATED: "chat.rated",
    ev.MESSAGE_CREATED: "message.sent",
    ev.MESSAGES_READ: "message.read",
    ev.VISITOR_CREATED: "visitor.created",
    ev.AGENT_STATUS_CHANGED: "agent.status_changed",
    ev.ANALYSIS_COMPLETED: "message.analyzed",
    ev.WEBHOOK_PING: "webhook.test",
}
SUBSCRIBABLE = tuple(name for name in PUBLIC_NAMES.values() if name != "webhook.test")


def validate_events(value: Any) -> list[str]:
    if not isinstance(value, list) or not value or not all(isinstance(item, str) for item in value):
        raise ValidationFailed("events must be a non-empty list of event names", {"field": "events"})
    unknown = sorted(set(value) - set(SUBSCRIBABLE))
    if unknown:
        raise ValidationFailed(f"unknown events: {', '.join(unknown)}; known: {', '.join(SUBSCRIBABLE)}",
                               {"field": "events", "unknown": unknown})
    return list(dict.fromkeys(value))


def _chat(conversation: dict[str, Any]) -> dict[str, Any]:
    return {"id": conversation["id"], "status": conversation.get("status"),
            "visitor_id": conversation.get("visitor_id"), "assigned_to": conversation.get("assigned_agent_id")}


def _data(event: ev.Event) -> dict[str, Any]:
    p = event.payload
    if event.name == ev.CONVERSATION_CREATED:
        return {"chat": {**_chat(p["conversation"]), "visitor": p["visitor"]}}
    if event.name == ev.CONVERSATION_ASSIGNED:
        return {"chat": _chat(p["conversation"]), "agent": {"id": p["agent"]["id"], "name": p["agent"]["name"]},
                "previous_agent_id": p.get("previous_agent_id")}
    if event.name == ev.CONVERSATION_CLOSED:
        return {"chat": _chat(p["conversation"]), "closed_by": p.get("closed_by"), "resolution": p.get("resolution")}
    if event.name == ev.CONVERSATION_RATED:
        return {"chat": _chat(p["conversation"]), "rating": p["rating"], "comment": p.get("comment")}
    if event.name == ev.MESSAGE_CREATED:
        m = p["message"]
        sender_type = {"support": "agent"}.get(m["from"], m["from"])
        attachments = []
        if m.get("file") and not m["file"].get("deleted"):
            f = m["file"]
            attachments.append({"type": "image" if f.get("is_image") else "file", "file_id": f["id"],
                                "filename": f.get("original_name"), "content_type": f.get("mime_type"),
                                "size_bytes": f.get("size")})
        return {"chat_id": event.conversation_id, "message": {
            "id": m["id"], "chat_id": event.conversation_id, "text": m.get("content"), "seq": m["seq"],
            "sender": {"type": sender_type, "id": m["sender"]["id"], "name": m["sender"]["name"]},
            "attachments": attachments, "created_at": m["created_at"]}}
    if event.name == ev.MESSAGES_READ:
        return {"chat_id": event.conversation_id, "reader": p["reader"], "read_seq": p["read_seq"]}
    if event.name == ev.VISITOR_CREATED:
        return {"visitor": p["visitor"]}
    if event.name == ev.AGENT_STATUS_CHANGED:
        return {"agent": p["agent"], "status": p["status"], "previous_status": p.get("previous_status")}
    if event.name == ev.ANALYSIS_COMPLETED:
        return {"chat_id": event.conversation_id, "message_id": p["message_id"], "analysis": p["analysis"]}
    if event.name == ev.WEBHOOK_PING:
        return {"webhook_id": p["webhook_id"], "message": "This is a test delivery from Parley."}
    raise ValueError(f"no webhook payload for {event.name}")


def payload(event: ev.Event) -> dict[str, Any]:
    """The body every subscribed webhook receives for this event (the same bytes on every retry)."""
    return {"id": event.id, "type": PUBLIC_NAMES[event.name], "api_version": API_VERSION,
            "created_at": event.occurred_at, "workspace_id": event.site_id, "data": _data(event)}
