"""Seed 003 Analytics API: the workspace's overview with trends, and every agent's performance.
Figures come from day counters written when things happen (domain/integrator_analytics.py)."""
from __future__ import annotations

from typing import Any

from chalicelib import parsing as params
from chalicelib.domain import integrator_analytics
from chalicelib.model.identity import ApiKeyPrincipal
from chalicelib.surfaces.http import Call, api_key
from chalicelib.surfaces.public_api import surface


def period_query(call: Call, *extra: str) -> tuple[str | None, str | None]:
    query = call.query
    params.only(query, {"from", "to", *extra})
    return (params.text(query, "from", required=False, max_length=40),
            params.text(query, "to", required=False, max_length=40))


@surface.route("/v1/analytics/overview", methods=["GET"], auth=api_key)
def overview(call: Call, principal: ApiKeyPrincipal) -> dict[str, Any]:
    first, last = period_query(call, "workspace_id")
    return integrator_analytics.overview(principal, first, last,
                                         params.text(call.query, "workspace_id", required=False, max_length=64))


@surface.route("/v1/analytics/agents", methods=["GET"], auth=api_key)
def agents(call: Call, principal: ApiKeyPrincipal) -> dict[str, Any]:
    first, last = period_query(call, "sort_by")
    return integrator_analytics.agents_performance(principal, first, last,
                                                   params.text(call.query, "sort_by", required=False, max_length=32))


@surface.route("/v1/agents/{agent_id}/stats", methods=["GET"], auth=api_key)
def agent_stats(call: Call, principal: ApiKeyPrincipal, agent_id: str) -> dict[str, Any]:
    first, last = period_query(call)
    return integrator_analytics.agent_stats(principal, agent_id, first, last)
