"""Seed 003 Analytics API: the workspace's overview with trends, and every agent's performance.
Figures come from day counters written when things happen (domain/integrator_analytics.py)."""
from __future__ import annotations

from typing import Any

from chalicelib.domain import integrator_analytics
from chalicelib.model.identity import ApiKeyPrincipal
from chalicelib.surfaces.contract import UNSET
from chalicelib.surfaces.http import Call, api_key
from chalicelib.surfaces.public_api import surface
from chalicelib.surfaces.public_api.schemas import (AgentsPerformance, AgentsPerformanceQuery, AgentStats, Overview,
                                                    OverviewQuery, PeriodQuery)


def _period(query: PeriodQuery) -> tuple[str | None, str | None]:
    # Surrounding blanks were always forgiven (the checks stripped them); the domain reads the dates.
    return (None if query.first is UNSET else query.first.strip(),
            None if query.last is UNSET else query.last.strip())


@surface.route("/v1/analytics/overview", methods=["GET"], auth=api_key, query=OverviewQuery,
               responses={200: Overview})
def overview(call: Call, principal: ApiKeyPrincipal, query: OverviewQuery) -> dict[str, Any]:
    """The workspace's chat figures for a period, and their change from the period before"""
    workspace_id = None if query.workspace_id is UNSET else query.workspace_id
    return integrator_analytics.overview(principal, *_period(query), workspace_id)


@surface.route("/v1/analytics/agents", methods=["GET"], auth=api_key, query=AgentsPerformanceQuery,
               responses={200: AgentsPerformance})
def agents(call: Call, principal: ApiKeyPrincipal, query: AgentsPerformanceQuery) -> dict[str, Any]:
    """Every agent's figures for a period, sorted"""
    return integrator_analytics.agents_performance(principal, *_period(query), query.sort_by)


@surface.route("/v1/agents/{agent_id}/stats", methods=["GET"], auth=api_key, query=PeriodQuery,
               responses={200: AgentStats})
def agent_stats(call: Call, principal: ApiKeyPrincipal, agent_id: str, query: PeriodQuery) -> dict[str, Any]:
    """One agent's figures for a period (chats assigned, resolved, response times, CSAT)"""
    return integrator_analytics.agent_stats(principal, agent_id, *_period(query))

