"""Reading a conversation on a principal's behalf, and what events say about one.

Shared by inbox (conversations) and messaging (messages); it imports neither, so inbox can
build on messaging without an import cycle.
"""
from __future__ import annotations

from typing import Any

from chalicelib.model.conversations import Conversation
from chalicelib.model.errors import NotFound
from chalicelib.model.identity import Principal, VisitorPrincipal
from chalicelib.store import conversations as store


def conversation_view_payload(c: Conversation) -> dict[str, Any]:
    """The conversation as every event payload carries it."""
    return {"id": c.conversation_id, "site_id": c.site_id, "visitor_id": c.visitor_id, "status": c.status,
            "mode": c.mode, "assigned_agent_id": c.assigned_agent_id}


def can_read(principal: Principal, conversation: Conversation) -> bool:
    if isinstance(principal, VisitorPrincipal):
        return principal.site_id == conversation.site_id and principal.visitor_id == conversation.visitor_id
    return principal.can_access(conversation.site_id)


def require_readable(principal: Principal, conversation: Conversation | None) -> Conversation:
    """Another site's (or another visitor's) conversation is indistinguishable from a missing one."""
    if conversation is None or not can_read(principal, conversation):
        raise NotFound("Conversation not found")
    return conversation


def load(principal: Principal, conversation_id: str, consistent: bool = False) -> Conversation:
    """1 GetItem."""
    return require_readable(principal, store.get(conversation_id, consistent=consistent))
