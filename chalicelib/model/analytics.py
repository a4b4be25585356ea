"""Which day counter a change adds to: one per site, and one per agent and site, per UTC day.

An agent's counters are kept per site, so a site's admin reads an agent's figures for the
sites they share and nothing of its work elsewhere (domain/dashboards.py)."""
from __future__ import annotations

from typing import Any, NamedTuple


class StatsKey(NamedTuple):
    scope: str  # "site" | "agent"
    owner_id: str
    day: str  # YYYY-MM-DD, UTC
    site_id: str = ""  # an agent's counter: the site its work was on


def site_stats(site_id: str, day: str) -> StatsKey:
    return StatsKey("site", site_id, day)


def agent_stats(agent_id: str, day: str, site_id: str) -> StatsKey:
    return StatsKey("agent", agent_id, day, site_id)


# What one change adds: (counter, {field: increment}) pairs, written in the change's transaction.
StatsChanges = list[tuple[StatsKey, dict[str, Any]]]
