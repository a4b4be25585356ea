"""Seed 000 section 2: the sites an agent works on."""
from __future__ import annotations

from typing import Any

from chalicelib.domain import sites
from chalicelib.model.identity import AgentPrincipal, Principal, Site, require_site_object
from chalicelib.store import tenants
from chalicelib import parsing as params
from chalicelib.surfaces.console import ok, surface
from chalicelib.surfaces.http import Call, agent, agent_or_visitor
from chalicelib.surfaces.render import iso


def site_view(site: Site, for_agents: bool = False) -> dict[str, Any]:
    view = {
        "id": site.site_id,
        "name": site.name,
        "domain": site.domain,
        "widget_config": site.widget_config,
        "created_at": iso(site.created_at),
        "status": site.status,
    }
    if for_agents:  # visitors read their site's widget settings, not its AI budget
        view["ai"] = sites.ai_settings(site)
    return view


@surface.route("/api/v1/sites/{site_id}", methods=["GET"], auth=agent_or_visitor)
def get_site(call: Call, principal: Principal, site_id: str) -> dict[str, Any]:
    require_site_object(principal, site_id, "Site")
    return ok(site_view(sites.get(site_id), for_agents=isinstance(principal, AgentPrincipal)))


@surface.route("/api/v1/sites", methods=["GET"], auth=agent)
def list_sites(call: Call, principal: Any) -> dict[str, Any]:
    page, limit = params.page(call.query)
    site_ids = list(principal.agent.site_ids)
    chosen = site_ids[(page - 1) * limit : page * limit]
    return ok({
        "sites": [
            {"id": s.site_id, "name": s.name, "domain": s.domain, "active_conversations": s.active_conversations}
            for s in tenants.get_sites(chosen)
        ],
        "pagination": {"page": page, "limit": limit, "total": len(site_ids)},
    })
