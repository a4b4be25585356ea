"""Seed 000 section 11: the dashboard and an agent's performance, from write-time counters."""
from __future__ import annotations

from typing import Any

from chalicelib.domain import analytics
from chalicelib.domain.errors import NotFound
from chalicelib.domain.identity import AgentPrincipal, require_site
from chalicelib.store import conversations as store
from chalicelib.store import tenants
from chalicelib.store.base import now
from chalicelib.store.models import agent_stats_key, site_stats_key
from chalicelib.surfaces import params
from chalicelib.surfaces.console import ok, surface
from chalicelib.surfaces.http import Call, agent


@surface.route("/api/v1/analytics/dashboard", methods=["GET"], auth=agent)
def dashboard(call: Call, principal: AgentPrincipal) -> dict[str, Any]:
    site_id = params.required_text(call.query, "site_id", max_length=64)
    require_site(principal, site_id)
    days = analytics.period_days(params.text(call.query, "period", required=False) or "today", now())
    stats, active = store.dashboard_counters(site_id, [site_stats_key(site_id, day) for day in days])
    return ok(analytics.dashboard(stats, active))


@surface.route("/api/v1/analytics/agents/{agent_id}", methods=["GET"], auth=agent)
def agent_performance(call: Call, principal: AgentPrincipal, agent_id: str) -> dict[str, Any]:
    if agent_id != principal.id:
        other = tenants.get_agent(agent_id)
        shared = other is not None and set(other.site_ids) & set(principal.agent.site_ids)
        if not (principal.is_admin and shared):
            raise NotFound("Agent not found")  # only yourself, or an admin of a site you share
    days = analytics.period_days(params.text(call.query, "period", required=False) or "today", now())
    return ok(analytics.agent_performance(agent_id, store.stats_days([agent_stats_key(agent_id, d) for d in days])))
