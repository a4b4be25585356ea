"""Analytics counters: what each change adds (at write time), and how dashboards add them up.

Pure: no store, no clock (the caller passes the moment); tested without moto.

Days and hours are UTC. A dashboard reads one counter item per day (one
BatchGetItem for a month); nothing is ever scanned or recomputed at read time.
"""
from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any

from chalicelib.model.errors import ValidationFailed
from chalicelib.model.analytics import StatsChanges as Changes
from chalicelib.model.analytics import agent_stats, site_stats

PERIODS = {"today": 1, "week": 7, "month": 30}


def day_of(moment: datetime) -> str:
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%d")


def hour_of(moment: datetime) -> str:
    return f"h{moment.astimezone(timezone.utc).hour:02d}"


def period_days(period: str, today: datetime) -> list[str]:
    if period not in PERIODS:
        raise ValidationFailed("period must be one of today, week, month", {"field": "period"})
    return [day_of(today - timedelta(days=offset)) for offset in range(PERIODS[period])]


def conversation_created(site_id: str, at: datetime) -> Changes:
    return [(site_stats(site_id, day_of(at)), {"conversations": 1, hour_of(at): 1})]


def message_sent(site_id: str, sender_type: str, sender_id: str | None, at: datetime,
                 first_response_seconds: float | None) -> Changes:
    field = {"visitor": "visitor_messages", "support": "agent_messages"}.get(sender_type, "bot_messages")
    site: dict[str, Any] = {"messages": 1, field: 1}
    changes: Changes = [(site_stats(site_id, day_of(at)), site)]
    if sender_type == "support" and sender_id:
        agent: dict[str, Any] = {"agent_messages": 1}
        if first_response_seconds is not None:
            agent.update(first_response_seconds=round(first_response_seconds), first_responses=1)
        changes.append((agent_stats(sender_id, day_of(at), site_id), agent))
    if first_response_seconds is not None:
        site.update(first_response_seconds=round(first_response_seconds), first_responses=1)
    return changes


def conversation_assigned(site_id: str, agent_id: str, at: datetime) -> Changes:
    return [(agent_stats(agent_id, day_of(at), site_id), {"assigned": 1})]


def conversation_closed(site_id: str, agent_id: str | None, at: datetime, resolution_seconds: float) -> Changes:
    values = {"closed": 1, "resolution_seconds": round(resolution_seconds), "resolutions": 1}
    changes: Changes = [(site_stats(site_id, day_of(at)), dict(values))]
    if agent_id:
        changes.append((agent_stats(agent_id, day_of(at), site_id), dict(values)))
    return changes


def conversation_rated(site_id: str, agent_id: str | None, rating: int, at: datetime) -> Changes:
    values = {"csat_total": rating, "csat_count": 1}
    changes: Changes = [(site_stats(site_id, day_of(at)), dict(values))]
    if agent_id:
        changes.append((agent_stats(agent_id, day_of(at), site_id), dict(values)))
    return changes


def _sum(days: list[dict[str, float]], field: str) -> float:
    return sum(day.get(field, 0) for day in days)


def _average(days: list[dict[str, float]], total: str, count: str, digits: int = 0) -> float | int:
    n = _sum(days, count)
    if not n:
        return 0
    value = _sum(days, total) / n
    return round(value, digits) if digits else round(value)


def dashboard(days: list[dict[str, float]], active_now: int) -> dict[str, Any]:
    by_hour = [{"hour": h, "count": int(_sum(days, f"h{h:02d}"))} for h in range(24)]
    return {
        "total_conversations": int(_sum(days, "conversations")),
        "active_conversations": active_now,
        "messages_sent": int(_sum(days, "messages")),
        "average_response_time": _average(days, "first_response_seconds", "first_responses"),
        "customer_satisfaction": _average(days, "csat_total", "csat_count", digits=1),
        "conversations_by_hour": [entry for entry in by_hour if entry["count"]],
    }


def agent_performance(agent_id: str, days: list[dict[str, float]]) -> dict[str, Any]:
    return {
        "agent_id": agent_id,
        "conversations_handled": int(_sum(days, "assigned")),
        "messages_sent": int(_sum(days, "agent_messages")),
        "average_response_time": _average(days, "first_response_seconds", "first_responses"),
        "average_resolution_time": _average(days, "resolution_seconds", "resolutions"),
        "customer_satisfaction": _average(days, "csat_total", "csat_count", digits=1),
    }
