"""Seed 000 section 11 as use cases: who may see which figures, read from write-time counters.

The figures themselves are pure (domain/analytics.py); this module adds the
access rule and the one counter read each dashboard costs.
"""
from __future__ import annotations

from typing import Any

from chalicelib.domain import analytics
from chalicelib.model.analytics import agent_stats, site_stats
from chalicelib.model.errors import NotFound
from chalicelib.model.identity import AgentPrincipal, require_site
from chalicelib.store import conversations as store
from chalicelib.store import tenants
from chalicelib.store.base import now


def site_dashboard(principal: AgentPrincipal, site_id: str, period: str) -> dict[str, Any]:
    """1 BatchGetItem (the period's day counters + the active-conversation total)."""
    require_site(principal, site_id)
    days = analytics.period_days(period, now())
    stats, active = store.dashboard_counters(site_id, [site_stats(site_id, day) for day in days])
    return analytics.dashboard(stats, active)


def agent_performance(principal: AgentPrincipal, agent_id: str, period: str) -> dict[str, Any]:
    """Yourself, or an agent of a site you administer; anyone else is a 404."""
    if agent_id != principal.id:
        other = tenants.get_agent(agent_id)
        shared = other is not None and set(other.site_ids) & set(principal.agent.site_ids)
        if not (principal.is_admin and shared):
            raise NotFound("Agent not found")
    days = analytics.period_days(period, now())
    return analytics.agent_performance(agent_id, store.stats_days([agent_stats(agent_id, d) for d in days]))
