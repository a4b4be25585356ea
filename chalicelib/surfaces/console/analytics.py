"""Seed 000 section 11: the dashboard and an agent's performance, from write-time counters."""
from __future__ import annotations

from typing import Any

from chalicelib.domain import dashboards
from chalicelib.model.identity import AgentPrincipal
from chalicelib.surfaces.console import ok, surface
from chalicelib.surfaces.console.schemas import AgentPerformance, Dashboard, DashboardQuery, Ok, PeriodQuery
from chalicelib.surfaces.http import Call, agent


@surface.route("/api/v1/analytics/dashboard", methods=["GET"], auth=agent, query=DashboardQuery,
               responses={200: Ok[Dashboard]})
def dashboard(call: Call, principal: AgentPrincipal, query: DashboardQuery) -> dict[str, Any]:
    """A site's figures over today, the last 7 or the last 30 days (UTC)"""
    return ok(dashboards.site_dashboard(principal, query.site_id.strip(), query.period))


@surface.route("/api/v1/analytics/agents/{agent_id}", methods=["GET"], auth=agent, query=PeriodQuery,
               responses={200: Ok[AgentPerformance]})
def agent_performance(call: Call, principal: AgentPrincipal, agent_id: str, query: PeriodQuery) -> dict[str, Any]:
    """An agent's figures on the sites the caller shares with it

    Yourself, or an agent of a site you administer; anyone else is a 404."""
    return ok(dashboards.agent_performance(principal, agent_id, query.period))
