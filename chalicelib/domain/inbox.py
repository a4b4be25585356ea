"""Conversation operations every surface shares: open, read, list, assign, close, rate, typing.

Each returns what changed and the events it raised; the caller publishes them.
"""
from __future__ import annotations

import uuid
from dataclasses import dataclass, field, replace

from chalicelib.model import events as ev
from chalicelib.domain import analytics, messaging
# load and require_readable stay reachable as inbox.load/inbox.require_readable for the other use cases.
from chalicelib.domain.conversation_access import conversation_view_payload, load, require_readable
from chalicelib.domain.conversations import check_assign, check_close, check_rate, check_rating
from chalicelib.model.conversations import Conversation, Message
from chalicelib.model.errors import Conflict, NotFound, ValidationFailed
from chalicelib.model.identity import Principal, VisitorPrincipal, require_site
from chalicelib.store import conversations as store
from chalicelib.store import tenants, visitors
from chalicelib.store.base import ConditionFailed, now


@dataclass
class Outcome:
    conversation: Conversation
    events: list[ev.Event] = field(default_factory=list)


def open_conversation(principal: Principal, site_id: str, visitor_id: str, mode: str = "agent",
                      title: str | None = None, customer_session_hash: str | None = None) -> Outcome:
    """1 GetItem (visitor) + 1 TransactWriteItems. `customer_session_hash`: seed 004's customer
    session (the hash of its secret), kept on the conversation it is valid for."""
    require_site(principal, site_id)
    if isinstance(principal, VisitorPrincipal) and principal.visitor_id != visitor_id:
        raise NotFound("Visitor not found")
    visitor = visitors.get_visitor(site_id, visitor_id)
    if visitor is None:
        raise NotFound("Visitor not found")
    at = now()
    conversation = Conversation(
        conversation_id=f"conv_{uuid.uuid4().hex[:20]}", site_id=site_id, visitor_id=visitor_id,
        visitor_name=visitor.name, status="active", mode=mode, created_at=at, updated_at=at, title=title,
        customer_session_hash=customer_session_hash,
    )
    created = ev.Event(ev.CONVERSATION_CREATED, site_id, {
        "conversation": conversation_view_payload(conversation),
        "visitor": {"id": visitor.visitor_id, "name": visitor.name},
    }, conversation.conversation_id, outboxed=True)
    store.create(conversation, analytics.conversation_created(site_id, at), outbox=[created])
    return Outcome(conversation, [created])


def current_for_visitor(site_id: str, visitor_id: str) -> Conversation | None:
    """A visitor's newest open conversation, if any: 1 Query."""
    for conversation in store.for_visitor(site_id, visitor_id, limit=10):
        if conversation.is_open:
            return conversation
    return None


def with_latest(principal: Principal, conversation_id: str, limit: int,
                before_message_id: str | None) -> tuple[Conversation, list[Message], bool]:
    """The conversation and a page of its messages, older than `before_message_id` when given
    (`messages_before` in seed 000): messaging's page, 1 Query for the latest page; 2 with a cursor."""
    return messaging.page(principal, conversation_id, limit=limit, before=before_message_id, after=None,
                          before_field="messages_before")


def listing(principal: Principal, site_id: str, status: str, assigned_to: str | None, page: int,
            limit: int) -> tuple[list[Conversation], int]:
    require_site(principal, site_id)
    if status not in ("active", "closed", "all"):
        raise ValidationFailed("status must be active, closed or all", {"field": "status"})
    if assigned_to:
        return store.list_for_agent(site_id, assigned_to, status, page, limit)
    return store.list_for_site(site_id, status, page, limit)


def assign(principal: Principal, conversation_id: str, agent_id: str) -> Outcome:
    """1 GetItem + 1 GetItem (the agent) + 1 TransactWriteItems. Of assigners who read the same
    state, one wins and the others get 409."""
    conversation = load(principal, conversation_id, consistent=True)
    check_assign(conversation)
    agent = tenants.get_agent(agent_id)
    if agent is None or conversation.site_id not in agent.site_ids:
        raise ValidationFailed("agent_id must name an agent of this conversation's site", {"field": "agent_id"})
    at = now()
    updated = replace(conversation, assigned_agent_id=agent.agent_id, assigned_agent_name=agent.username,
                      assigned_at=at, updated_at=at)
    assigned = ev.Event(ev.CONVERSATION_ASSIGNED, conversation.site_id, {
        "conversation": conversation_view_payload(updated),
        "agent": {"id": agent.agent_id, "username": agent.username, "name": agent.display_name},
        "previous_agent_id": conversation.assigned_agent_id,
    }, conversation_id, outboxed=True)
    try:
        store.assign(conversation, agent.agent_id, agent.username, at,
                     analytics.conversation_assigned(conversation.site_id, agent.agent_id, at), outbox=[assigned])
    except ConditionFailed as failed:
        if failed.involves(store.conversation_key(conversation_id)):
            raise Conflict("The conversation was assigned or closed by someone else meanwhile") from None
        raise
    return Outcome(updated, [assigned])


def close(principal: Principal, conversation_id: str, resolution: str | None) -> Outcome:
    """1 GetItem + 1 TransactWriteItems."""
    conversation = load(principal, conversation_id, consistent=True)
    check_close(conversation)
    at = now()
    updated = replace(conversation, status="closed", mode="closed", closed_at=at, closed_by=principal.id,
                      resolution=resolution or conversation.resolution, updated_at=at)
    closed = ev.Event(ev.CONVERSATION_CLOSED, conversation.site_id, {
        "conversation": conversation_view_payload(updated), "closed_by": principal.id, "resolution": resolution,
    }, conversation_id, outboxed=True)
    try:
        store.close(conversation, principal.id, resolution, at, analytics.conversation_closed(
            conversation.site_id, conversation.assigned_agent_id, at, (at - conversation.created_at).total_seconds(),
            conversation.handoffs), outbox=[closed])
    except ConditionFailed as failed:
        if failed.involves(store.conversation_key(conversation_id)):
            raise Conflict("Conversation is already closed") from None
        raise
    return Outcome(updated, [closed])


def rate(principal: Principal, conversation_id: str, rating: int, comment: str | None) -> Outcome:
    if not isinstance(principal, VisitorPrincipal):
        raise NotFound("Conversation not found")
    rating = check_rating(rating)
    conversation = load(principal, conversation_id)
    check_rate(conversation)
    at = now()
    rated = ev.Event(ev.CONVERSATION_RATED, conversation.site_id, {
        "conversation": conversation_view_payload(conversation), "rating": rating, "comment": comment,
    }, conversation_id, outboxed=True)
    try:
        store.rate(conversation, rating, comment, analytics.conversation_rated(
            conversation.site_id, conversation.assigned_agent_id, rating, at), outbox=[rated])
    except ConditionFailed as failed:
        if store.conversation_key(conversation_id) in failed.keys:
            raise Conflict("Conversation was already rated") from None
        raise
    return Outcome(conversation, [rated])


def typing(principal: Principal, conversation_id: str, is_typing: bool, name: str | None) -> Outcome:
    """1 GetItem; nothing is stored, the event carries it."""
    conversation = load(principal, conversation_id)
    if name is None and isinstance(principal, VisitorPrincipal):
        name = conversation.visitor_name
    return Outcome(conversation, [ev.Event(ev.TYPING, conversation.site_id, {
        "conversation": conversation_view_payload(conversation),
        "actor": {"type": principal.kind, "id": principal.id, "name": name},
        "is_typing": is_typing,
    }, conversation_id)])
