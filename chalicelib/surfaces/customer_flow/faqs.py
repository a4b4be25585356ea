"""Seed 004's FAQ administration (/api/v1/admin/sites/{site_id}/faqs) and the site's escalation
capacity: a site's admins only (another site's is a 404, a support agent a 403)."""
from __future__ import annotations

from typing import Any

from chalicelib.domain import faqs
from chalicelib.model.identity import Principal
from chalicelib.render import customer_flow as render
from chalicelib.surfaces.customer_flow import surface
from chalicelib.surfaces.http import Call, Reply, agent
from chalicelib import parsing as params

BASE = "/api/v1/admin/sites/{site_id}"


@surface.route(f"{BASE}/faqs", methods=["GET"], auth=agent)
def list_faqs(call: Call, principal: Principal, site_id: str) -> dict[str, Any]:
    return {"items": [render.faq_view(f) for f in faqs.listing(principal, site_id)]}


@surface.route(f"{BASE}/faqs", methods=["POST"], auth=agent)
def create_faq(call: Call, principal: Principal, site_id: str) -> Reply:
    body = call.body()
    params.only(body, {"slug", *faqs.FIELDS})
    return Reply(render.faq_view(faqs.create(principal, site_id, body)), status=201)


@surface.route(f"{BASE}/faqs/{{slug}}", methods=["PATCH"], auth=agent)
def update_faq(call: Call, principal: Principal, site_id: str, slug: str) -> dict[str, Any]:
    body = call.body()
    params.only(body, faqs.FIELDS)
    return render.faq_view(faqs.update(principal, site_id, slug, body))


@surface.route(f"{BASE}/faqs/{{slug}}", methods=["DELETE"], auth=agent)
def delete_faq(call: Call, principal: Principal, site_id: str, slug: str) -> Reply:
    faqs.delete(principal, site_id, slug)
    return Reply(None, status=204)


@surface.route(f"{BASE}/escalation", methods=["GET"], auth=agent)
def escalation(call: Call, principal: Principal, site_id: str) -> dict[str, Any]:
    return {"site_id": site_id, "agent_capacity": faqs.capacity(principal, site_id)}


@surface.route(f"{BASE}/escalation", methods=["PUT"], auth=agent)
def set_escalation(call: Call, principal: Principal, site_id: str) -> dict[str, Any]:
    body = call.body()
    params.only(body, {"agent_capacity"})
    site = faqs.set_capacity(principal, site_id, body.get("agent_capacity"))
    return {"site_id": site_id, "agent_capacity": site.agent_capacity}
