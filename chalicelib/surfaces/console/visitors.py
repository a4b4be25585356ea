"""Seed 000 section 3: visitors register (public, from the widget) and agents look them up."""
from __future__ import annotations

from typing import Any

from chalicelib.domain import visitors
from chalicelib.model.identity import Principal, require_site
from chalicelib.render.console import iso
from chalicelib.surfaces.console import ok, surface
from chalicelib.surfaces.console.chat_schemas import (
    ActiveVisitors,
    SiteQuery,
    VisitorDetail,
    VisitorRegister,
    VisitorSession,
)
from chalicelib.surfaces.console.schemas import Ok, stripped
from chalicelib.surfaces.http import Call, Reply, agent, publish


@surface.route("/api/v1/visitors", methods=["POST"], body=VisitorRegister,
               responses={200: Ok[VisitorSession], 201: Ok[VisitorSession]}, errors=(403, 404, 409))
def register(call: Call, body: VisitorRegister) -> Reply:
    """Register a visitor (the widget, when its visitor starts a chat)

    201 with a session token (X-Visitor-Token). A visitor_id that exists is given only to its proven
    owner: its (possibly expired) X-Visitor-Token, or user_hash under the site's identity secret (200,
    the same visitor); anyone else gets 409 VISITOR_EXISTS. 403 when the site is suspended or requires
    identity verification; 404 for an unknown site."""
    visitor, token, created, events = visitors.register(
        body.site_id.strip(), body.visitor_id.strip(), body.name.strip(), stripped(body.email),
        body.metadata or {}, token=call.header("x-visitor-token"), user_hash=stripped(body.user_hash),
        phone=stripped(body.phone))  # seed 003 shows the phone on a chat
    publish(events)
    # The same visitor_id registered again with proof is the same visitor: 200 with it, not a duplicate.
    return Reply(ok({
        "id": visitor.id,
        "visitor_id": visitor.visitor_id,
        "name": visitor.name,
        "session_token": token,
        "created_at": iso(visitor.first_seen),
    }), status=201 if created else 200)


@surface.route("/api/v1/visitors/active", methods=["GET"], auth=agent, query=SiteQuery,
               responses={200: Ok[ActiveVisitors]})
def active(call: Call, principal: Principal, query: SiteQuery) -> dict[str, Any]:
    """The site's visitors online now"""
    site_id = query.site_id.strip()
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


@surface.route("/api/v1/visitors/{visitor_id}", methods=["GET"], auth=agent, query=SiteQuery,
               responses={200: Ok[VisitorDetail]})
def get_visitor(call: Call, principal: Principal, visitor_id: str, query: SiteQuery) -> dict[str, Any]:
    """A visitor of the site, with its presence"""
    site_id = query.site_id.strip()
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
