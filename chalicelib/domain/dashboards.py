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
    """Yourself (your work on your sites), or an agent of a site you administer: its work on the
    sites you share, never on its other sites (the counters are per agent and site); anyone else
    is a 404. 1 BatchGetItem per 100 day counters (+1 GetItem for another agent)."""
    days = analytics.period_days(period, now())
    if agent_id == principal.id:
        site_ids = [s for s in principal.agent.site_ids if principal.can_access(s)]
    else:
        other = tenants.get_agent(agent_id)
        site_ids = [s for s in principal.agent.site_ids
                    if other is not None and s in other.site_ids and principal.can_access(s)]
        if not (principal.is_admin and site_ids):
            raise NotFound("Agent not found")
    counters = [agent_stats(agent_id, d, s) for s in site_ids for d in days]
    return analytics.agent_performance(agent_id, store.stats_days(counters))
