"""Seed 000 sections 4 and 8: conversations, typing; and visitors' ratings (CSAT)."""
from __future__ import annotations

from typing import Any

from chalicelib import parsing as params
from chalicelib.domain import inbox
from chalicelib.model.errors import ValidationFailed
from chalicelib.model.identity import Principal
from chalicelib.render import console as render
from chalicelib.render.console import iso
from chalicelib.surfaces.console import ok, surface
from chalicelib.surfaces.http import Call, Reply, agent, agent_or_visitor, publish


@surface.route("/api/v1/conversations", methods=["POST"], auth=agent_or_visitor)
def create(call: Call, principal: Principal) -> Reply:
    body = call.body()
    outcome = inbox.open_conversation(
        principal,
        params.required_text(body, "site_id", max_length=64),
        params.required_text(body, "visitor_id", max_length=128),
    )
    publish(outcome.events)
    c = outcome.conversation
    return Reply(ok({"id": c.conversation_id, "site_id": c.site_id, "visitor_id": c.visitor_id,
                     "status": c.status, "created_at": iso(c.created_at)}), status=201)


@surface.route("/api/v1/conversations/{conversation_id}", methods=["GET"], auth=agent_or_visitor)
def get(call: Call, principal: Principal, conversation_id: str) -> dict[str, Any]:
    include = params.boolean(call.query, "include_messages", default=True)
    limit = params.integer(call.query, "messages_limit", default=50, minimum=1, maximum=100)
    before = params.text(call.query, "messages_before", required=False, max_length=64)
    if include:
        c, messages, has_more = inbox.with_latest(principal, conversation_id, limit, before)
    else:
        c, messages, has_more = inbox.load(principal, conversation_id), [], False
    data = render.conversation(c, principal)
    if include:
        data["messages"] = [render.message(m, c, principal) for m in messages]
        data["has_more_messages"] = has_more
    return ok(data)


@surface.route("/api/v1/conversations", methods=["GET"], auth=agent)
def listing(call: Call, principal: Principal) -> dict[str, Any]:
    site_id = params.required_text(call.query, "site_id", max_length=64)
    status = params.choice(call.query, "status", ("active", "closed", "all"), required=False, default="all")
    assigned_to = params.text(call.query, "assigned_to", required=False, max_length=64)
    page, limit = params.page(call.query)
    found, total = inbox.listing(principal, site_id, status or "all", assigned_to, page, limit)
    return ok({"conversations": [render.conversation_summary(c) for c in found],
               "pagination": {"page": page, "limit": limit, "total": total}})


@surface.route("/api/v1/conversations/{conversation_id}/close", methods=["PATCH"], auth=agent)
def close(call: Call, principal: Principal, conversation_id: str) -> dict[str, Any]:
    body = call.body()
    params.only(body, {"resolution"})
    outcome = inbox.close(principal, conversation_id, params.text(body, "resolution", required=False,
                                                                   max_length=2000))
    publish(outcome.events)
    c = outcome.conversation
    return ok({"id": c.conversation_id, "status": c.status, "closed_at": iso(c.closed_at), "closed_by": c.closed_by})


@surface.route("/api/v1/conversations/{conversation_id}/assign", methods=["PATCH"], auth=agent)
def assign(call: Call, principal: Principal, conversation_id: str) -> dict[str, Any]:
    body = call.body()
    params.only(body, {"agent_id"})
    outcome = inbox.assign(principal, conversation_id, params.required_text(body, "agent_id", max_length=64))
    publish(outcome.events)
    c = outcome.conversation
    return ok({"id": c.conversation_id, "assigned_agent": render.assigned(c), "assigned_at": iso(c.assigned_at)})


@surface.route("/api/v1/conversations/{conversation_id}/rating", methods=["POST"], auth=agent_or_visitor)
def rate(call: Call, principal: Principal, conversation_id: str) -> dict[str, Any]:
    body = call.body()
    params.only(body, {"rating", "comment"})
    rating = body.get("rating")
    if not isinstance(rating, int) or isinstance(rating, bool):
        rating = -1
    outcome = inbox.rate(principal, conversation_id, rating, params.text(body, "comment", required=False,
                                                                         max_length=2000))
    publish(outcome.events)
    return ok({"conversation_id": conversation_id, "rating": rating})


@surface.route("/api/v1/typing", methods=["POST"], auth=agent_or_visitor)
def typing(call: Call, principal: Principal) -> dict[str, Any]:
    body = call.body()
    params.only(body, {"conversation_id", "is_typing"})
    is_typing = body.get("is_typing")
    if not isinstance(is_typing, bool):
        raise ValidationFailed("is_typing must be true or false", {"field": "is_typing"})
    name = principal.agent.display_name if hasattr(principal, "agent") else None
    outcome = inbox.typing(principal, params.required_text(body, "conversation_id", max_length=64), is_typing, name)
    publish(outcome.events)
    return ok()
