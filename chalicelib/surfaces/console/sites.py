"""Seed 000 section 2: the sites an agent works on."""
from __future__ import annotations

from typing import Any

from chalicelib.domain import sites
from chalicelib.model.identity import AgentPrincipal, Principal, Site
from chalicelib.surfaces.console import ok, surface
from chalicelib.surfaces.console.schemas import Ok, SiteOut, SitePage, SitesQuery
from chalicelib.surfaces.http import Call, agent, agent_or_visitor
from chalicelib.render.console import iso


def site_view(site: Site, for_agents: bool = False) -> dict[str, Any]:
    view = {
        "id": site.site_id,
        "name": site.name,
        "domain": site.domain,
        "widget_config": site.widget_config,
        "created_at": iso(site.created_at),
        "status": site.status,
    }
    if for_agents:
        view["ai"] = sites.ai_settings(site)
        # Whether visitors must bring user_hash, and whether a secret exists (never the secret).
        view["identity_verification"] = site.identity_verification
        view["identity_secret_set"] = site.identity_secret_sealed is not None
    return view


@surface.route("/api/v1/sites/{site_id}", methods=["GET"], auth=agent_or_visitor, responses={200: Ok[SiteOut]})
def get_site(call: Call, principal: Principal, site_id: str) -> dict[str, Any]:
    """A site's details and widget settings

    Agents of the site also see its AI settings and identity verification; its visitors the widget's."""
    return ok(site_view(sites.visible(principal, site_id), for_agents=sites.sees_ai_settings(principal)))


@surface.route("/api/v1/sites", methods=["GET"], auth=agent, query=SitesQuery, responses={200: Ok[SitePage]})
def list_sites(call: Call, principal: AgentPrincipal, query: SitesQuery) -> dict[str, Any]:
    """The sites the agent works on, one page at a time"""
    page, limit = query.page, query.limit
    found, total = sites.of_agent(principal.agent, page, limit)
    return ok({
        "sites": [
            {"id": s.site_id, "name": s.name, "domain": s.domain, "active_conversations": s.active_conversations}
            for s in found
        ],
        "pagination": {"page": page, "limit": limit, "total": total},
    })
