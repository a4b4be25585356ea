"""Which day counter a change adds to: one per site and one per agent, per UTC day."""
from __future__ import annotations

from typing import Any, NamedTuple


class StatsKey(NamedTuple):
    scope: str  # "site" | "agent"
    owner_id: str
    day: str  # YYYY-MM-DD, UTC


def site_stats(site_id: str, day: str) -> StatsKey:
    return StatsKey("site", site_id, day)


def agent_stats(agent_id: str, day: str) -> StatsKey:
    return StatsKey("agent", agent_id, day)


# What one change adds: (counter, {field: increment}) pairs, written in the change's transaction.
StatsChanges = list[tuple[StatsKey, dict[str, Any]]]
