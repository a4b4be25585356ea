"""Seed 004's FAQ administration (/api/v1/admin/sites/{site_id}/faqs) and the site's escalation
capacity: a site's admins only (another site's is a 404, a support agent a 403)."""
from __future__ import annotations

from typing import Any

from chalicelib.domain import faqs
from chalicelib.model.identity import Principal
from chalicelib.render import customer_flow as render
from chalicelib.surfaces.contract import given
from chalicelib.surfaces.customer_flow import surface
from chalicelib.surfaces.customer_flow.schemas import Escalation, EscalationChange, Faq, FaqChanges, FaqCreate, Faqs
from chalicelib.surfaces.http import Call, Reply, agent

BASE = "/api/v1/admin/sites/{site_id}"


@surface.route(f"{BASE}/faqs", methods=["GET"], auth=agent, responses={200: Faqs})
def list_faqs(call: Call, principal: Principal, site_id: str) -> dict[str, Any]:
    """The site's FAQs (its quick questions), in order"""
    return {"items": [render.faq_view(f) for f in faqs.listing(principal, site_id)]}


@surface.route(f"{BASE}/faqs", methods=["POST"], auth=agent, body=FaqCreate, responses={201: Faq}, errors=(409,))
def create_faq(call: Call, principal: Principal, site_id: str, body: FaqCreate) -> Reply:
    """Add a FAQ (409 when the site has one with this slug)"""
    return Reply(render.faq_view(faqs.create(principal, site_id, given(body))), status=201)


@surface.route(f"{BASE}/faqs/{{slug}}", methods=["PATCH"], auth=agent, body=FaqChanges, responses={200: Faq})
def update_faq(call: Call, principal: Principal, site_id: str, slug: str, body: FaqChanges) -> dict[str, Any]:
    """Change a FAQ's question, answer, keywords or position (the fields sent)"""
    return render.faq_view(faqs.update(principal, site_id, slug, given(body)))


@surface.route(f"{BASE}/faqs/{{slug}}", methods=["DELETE"], auth=agent, responses={204: None})
def delete_faq(call: Call, principal: Principal, site_id: str, slug: str) -> Reply:
    """Delete a FAQ"""
    faqs.delete(principal, site_id, slug)
    return Reply(None, status=204)


@surface.route(f"{BASE}/escalation", methods=["GET"], auth=agent, responses={200: Escalation})
def escalation(call: Call, principal: Principal, site_id: str) -> dict[str, Any]:
    """The site's escalation capacity: open conversations per agent"""
    return {"site_id": site_id, "agent_capacity": faqs.capacity(principal, site_id)}


@surface.route(f"{BASE}/escalation", methods=["PUT"], auth=agent, body=EscalationChange,
               responses={200: Escalation})
def set_escalation(call: Call, principal: Principal, site_id: str, body: EscalationChange) -> dict[str, Any]:
    """Set the site's escalation capacity"""
    site = faqs.set_capacity(principal, site_id, body.agent_capacity)
    return {"site_id": site_id, "agent_capacity": site.agent_capacity}
