"""Seed 000 section 11: the dashboard and an agent's performance, from write-time counters."""
from __future__ import annotations

from typing import Any

from chalicelib.domain import dashboards
from chalicelib.model.identity import AgentPrincipal
from chalicelib import parsing as params
from chalicelib.surfaces.console import ok, surface
from chalicelib.surfaces.http import Call, agent


def _period(call: Call) -> str:
    return params.text(call.query, "period", required=False) or "today"


@surface.route("/api/v1/analytics/dashboard", methods=["GET"], auth=agent)
def dashboard(call: Call, principal: AgentPrincipal) -> dict[str, Any]:
    site_id = params.required_text(call.query, "site_id", max_length=64)
    return ok(dashboards.site_dashboard(principal, site_id, _period(call)))


@surface.route("/api/v1/analytics/agents/{agent_id}", methods=["GET"], auth=agent)
def agent_performance(call: Call, principal: AgentPrincipal, agent_id: str) -> dict[str, Any]:
    return ok(dashboards.agent_performance(principal, agent_id, _period(call)))
