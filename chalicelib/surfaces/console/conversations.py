"""Seed 000 sections 4 and 8: conversations, typing; and visitors' ratings (CSAT)."""
from __future__ import annotations

from typing import Any

from chalicelib.domain import inbox
from chalicelib.model.identity import Principal
from chalicelib.render import console as render
from chalicelib.render.console import iso
from chalicelib.surfaces.console import ok, surface
from chalicelib.surfaces.console.chat_schemas import (
    AssignBody,
    Assigned,
    CloseBody,
    Closed,
    ConversationCreate,
    ConversationCreated,
    ConversationOut,
    ConversationPage,
    ConversationQuery,
    ConversationsQuery,
    Rated,
    RatingBody,
    TypingBody,
)
from chalicelib.surfaces.console.schemas import Done, Ok, stripped
from chalicelib.surfaces.http import Call, Reply, agent, agent_or_visitor, publish


@surface.route("/api/v1/conversations", methods=["POST"], auth=agent_or_visitor, body=ConversationCreate,
               responses={201: Ok[ConversationCreated]}, errors=(404,))
def create(call: Call, principal: Principal, body: ConversationCreate) -> Reply:
    """Open a conversation for a visitor of the site

    A visitor opens its own (another visitor id is a 404); an agent, for any visitor of its site."""
    outcome = inbox.open_conversation(principal, body.site_id.strip(), body.visitor_id.strip())
    publish(outcome.events)
    c = outcome.conversation
    return Reply(ok({"id": c.conversation_id, "site_id": c.site_id, "visitor_id": c.visitor_id,
                     "status": c.status, "created_at": iso(c.created_at)}), status=201)


@surface.route("/api/v1/conversations/{conversation_id}", methods=["GET"], auth=agent_or_visitor,
               query=ConversationQuery, responses={200: Ok[ConversationOut]})
def get(call: Call, principal: Principal, conversation_id: str, query: ConversationQuery) -> dict[str, Any]:
    """A conversation with its latest messages

    messages_before pages back; a visitor reads its own conversations only."""
    if query.include_messages:
        c, messages, has_more = inbox.with_latest(principal, conversation_id, query.messages_limit,
                                                  stripped(query.messages_before))
    else:
        c, messages, has_more = inbox.load(principal, conversation_id), [], False
    data = render.conversation(c, principal)
    if query.include_messages:
        data["messages"] = [render.message(m, c, principal) for m in messages]
        data["has_more_messages"] = has_more
    return ok(data)


@surface.route("/api/v1/conversations", methods=["GET"], auth=agent, query=ConversationsQuery,
               responses={200: Ok[ConversationPage]})
def listing(call: Call, principal: Principal, query: ConversationsQuery) -> dict[str, Any]:
    """The site's conversations, newest activity first"""
    found, total = inbox.listing(principal, query.site_id.strip(), query.status, stripped(query.assigned_to),
                                 query.page, query.limit)
    return ok({"conversations": [render.conversation_summary(c) for c in found],
               "pagination": {"page": query.page, "limit": query.limit, "total": total}})


@surface.route("/api/v1/conversations/{conversation_id}/close", methods=["PATCH"], auth=agent, body=CloseBody,
               responses={200: Ok[Closed]}, errors=(409,))
def close(call: Call, principal: Principal, conversation_id: str, body: CloseBody) -> dict[str, Any]:
    """Close a conversation

    An already closed conversation is a 409."""
    outcome = inbox.close(principal, conversation_id, stripped(body.resolution))
    publish(outcome.events)
    c = outcome.conversation
    return ok({"id": c.conversation_id, "status": c.status, "closed_at": iso(c.closed_at), "closed_by": c.closed_by})


@surface.route("/api/v1/conversations/{conversation_id}/assign", methods=["PATCH"], auth=agent, body=AssignBody,
               responses={200: Ok[Assigned]}, errors=(409,))
def assign(call: Call, principal: Principal, conversation_id: str, body: AssignBody) -> dict[str, Any]:
    """Assign a conversation to an agent of its site

    A closed conversation, or one assigned by someone else meanwhile, is a 409."""
    outcome = inbox.assign(principal, conversation_id, body.agent_id.strip())
    publish(outcome.events)
    c = outcome.conversation
    return ok({"id": c.conversation_id, "assigned_agent": render.assigned(c), "assigned_at": iso(c.assigned_at)})


@surface.route("/api/v1/conversations/{conversation_id}/rating", methods=["POST"], auth=agent_or_visitor,
               body=RatingBody, responses={200: Ok[Rated]}, errors=(409,))
def rate(call: Call, principal: Principal, conversation_id: str, body: RatingBody) -> dict[str, Any]:
    """Rate a conversation (the visitor's CSAT)

    Visitors only (an agent's is a 404); a conversation is rated once (409)."""
    outcome = inbox.rate(principal, conversation_id, body.rating, stripped(body.comment))
    publish(outcome.events)
    return ok({"conversation_id": conversation_id, "rating": body.rating})


@surface.route("/api/v1/typing", methods=["POST"], auth=agent_or_visitor, body=TypingBody,
               responses={200: Done}, errors=(404,))
def typing(call: Call, principal: Principal, body: TypingBody) -> dict[str, Any]:
    """Tell the conversation's other side that the caller is (or stopped) typing"""
    name = principal.agent.display_name if hasattr(principal, "agent") else None
    outcome = inbox.typing(principal, body.conversation_id.strip(), body.is_typing, name)
    publish(outcome.events)
    return ok()
