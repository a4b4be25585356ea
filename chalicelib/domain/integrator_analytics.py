"""Seed 003's agent stats and analytics as use cases, read from the day counters written when
things happen (domain/analytics.py says what each change adds; the figures are pure too).

Any period costs one Query for the workspace (the period and the one before it, for the trends)
or one per agent; no chat is ever read.
"""
from __future__ import annotations

from typing import Any

from chalicelib.domain import agents, analytics
from chalicelib.model.errors import NotFound
from chalicelib.model.identity import ApiKeyPrincipal, require_site
from chalicelib.store import conversations as store
from chalicelib.store import tenants
from chalicelib.store.base import now


def _period_view(period: analytics.Period) -> dict[str, str]:
    return {"from": period.first.isoformat(), "to": period.last.isoformat()}


def _agent_days(site_id: str, agent_id: str, period: analytics.Period) -> list[dict[str, float]]:
    """1 Query."""
    days = store.stats_range("agent", agent_id, site_id, period.first.isoformat(), period.last.isoformat())
    return list(days.values())


def agent_stats(principal: ApiKeyPrincipal, agent_id: str, first: str | None, last: str | None) -> dict[str, Any]:
    """An agent of the key's workspace (another's is a 404): its work there. 1 GetItem + 1 Query."""
    period = analytics.period(first, last, now())
    agent = tenants.get_agent(agent_id)
    if agent is None or principal.site_id not in agent.site_ids:
        raise NotFound("Agent not found")
    return {"agent_id": agent_id, "period": _period_view(period),
            "stats": analytics.chat_figures(_agent_days(principal.site_id, agent_id, period), agent=True)}


def overview(principal: ApiKeyPrincipal, first: str | None, last: str | None,
             workspace_id: str | None) -> dict[str, Any]:
    """The workspace's figures and their change from the period before. `workspace_id` other than
    the key's: 403. 1 Query (both periods' days)."""
    if workspace_id is not None:
        require_site(principal, workspace_id)
    period = analytics.period(first, last, now())
    before = period.previous()
    days = store.stats_range("site", principal.site_id, "", before.first.isoformat(), period.last.isoformat())
    figures = analytics.overview(analytics.within(days, period), analytics.within(days, before))
    return {"period": _period_view(period), **figures,
            "previous_period": _period_view(before)}


def agents_performance(principal: ApiKeyPrincipal, first: str | None, last: str | None,
                       sort_by: str | None) -> dict[str, Any]:
    """Every agent of the workspace, sorted. 1 Query (the agents) + 1 Query per agent."""
    period = analytics.period(first, last, now())
    sort_by = sort_by or "total_chats"
    analytics.sort_agents([], sort_by)  # an unknown sort is refused before anything is read
    rows = []
    for member in agents.members(principal.site_id):
        figures = analytics.chat_figures(_agent_days(principal.site_id, member.agent_id, period), agent=True)
        rows.append({
            "agent_id": member.agent_id, "name": member.name or member.username,
            "total_chats": figures["total_chats"], "resolved_chats": figures["resolved_chats"],
            "avg_response_time_seconds": figures["avg_response_time_seconds"],
            "avg_resolution_time_minutes": figures["avg_resolution_time_minutes"],
            "csat_score": figures["csat_score"], "csat_responses": figures["csat_responses"],
        })
    return {"period": _period_view(period), "sort_by": sort_by, "data": analytics.sort_agents(rows, sort_by)}
