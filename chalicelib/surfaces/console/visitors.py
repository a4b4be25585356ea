"""Seed 000 section 3: visitors register (public, from the widget) and agents look them up."""
from __future__ import annotations

from typing import Any

from chalicelib.domain import visitors
from chalicelib.model.identity import Principal, require_site
from chalicelib import parsing as params
from chalicelib.surfaces.console import ok, surface
from chalicelib.surfaces.http import Call, Reply, agent, publish
from chalicelib.render.console import iso


@surface.route("/api/v1/visitors", methods=["POST"])
def register(call: Call) -> Reply:
    body = call.body()
    site_id = params.required_text(body, "site_id", max_length=64)
    visitor_id = params.required_text(body, "visitor_id", max_length=128)
    name = params.required_text(body, "name", max_length=120)
    email = params.email(body)
    metadata = params.mapping(body, "metadata")
    user_hash = params.text(body, "user_hash", required=False, max_length=128)
    phone = params.text(body, "phone", required=False, max_length=32)  # seed 003 shows it on a chat
    # A visitor_id that exists is given only to its proven owner: its (possibly expired) session
    # token, or user_hash under the site's identity secret. Otherwise 409 VISITOR_EXISTS.
    visitor, token, created, events = visitors.register(site_id, visitor_id, name, email, metadata,
                                                        token=call.header("x-visitor-token"), user_hash=user_hash,
                                                        phone=phone)
    publish(events)
    # The same visitor_id registered again with proof is the same visitor: 200 with it, not a duplicate.
    return Reply(ok({
        "id": visitor.id,
        "visitor_id": visitor.visitor_id,
        "name": visitor.name,
        "session_token": token,
        "created_at": iso(visitor.first_seen),
    }), status=201 if created else 200)


@surface.route("/api/v1/visitors/active", methods=["GET"], auth=agent)
def active(call: Call, principal: Principal) -> dict[str, Any]:
    site_id = params.required_text(call.query, "site_id", max_length=64)
    require_site(principal, site_id)
    listed = [
        {
            "visitor_id": v.visitor_id,
            "name": v.name,
            "status": visitors.presence(v),
            "current_page": v.metadata.get("page_url"),
            "unread_count": v.unread_count,
            "last_message_at": iso(v.last_message_at),
        }
        for v in visitors.active(site_id)
    ]
    return ok({"visitors": listed, "total": len(listed)})


@surface.route("/api/v1/visitors/{visitor_id}", methods=["GET"], auth=agent)
def get_visitor(call: Call, principal: Principal, visitor_id: str) -> dict[str, Any]:
    site_id = params.required_text(call.query, "site_id", max_length=64)
    require_site(principal, site_id)
    v = visitors.get(site_id, visitor_id)
    return ok({
        "id": v.id,
        "visitor_id": v.visitor_id,
        "name": v.name,
        "email": v.email,
        "metadata": v.metadata,
        "first_seen": iso(v.first_seen),
        "last_seen": iso(v.last_seen),
        "total_conversations": v.total_conversations,
        "status": visitors.presence(v),
    })
