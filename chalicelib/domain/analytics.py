"""Analytics counters: what each change adds (at write time), and how dashboards add them up.

Pure: no store, no clock (the caller passes the moment); tested without moto.

Days and hours are UTC. A dashboard reads one counter item per day (one
BatchGetItem for a month); nothing is ever scanned or recomputed at read time.
"""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from dataclasses import dataclass
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


def conversation_closed(site_id: str, agent_id: str | None, at: datetime, resolution_seconds: float,
                        handoffs: int = 0) -> Changes:
    """handoffs: how often the chat passed from one agent to another (first-contact resolution:
    a chat an agent closed that no other agent handled before)."""
    values: dict[str, Any] = {"closed": 1, "resolution_seconds": round(resolution_seconds), "resolutions": 1}
    if agent_id:
        values.update(agent_closes=1, single_agent_closes=1 if handoffs == 0 else 0)
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


# -- seed 003: any period from..to, compared with the one before it ---------------------------------

MAX_PERIOD_DAYS = 366
DEFAULT_PERIOD_DAYS = 30


@dataclass(frozen=True)
class Period:
    first: date
    last: date  # inclusive

    @property
    def days(self) -> int:
        return (self.last - self.first).days + 1

    def previous(self) -> "Period":
        """The period of the same length that ends the day before this one starts."""
        return Period(self.first - timedelta(days=self.days), self.first - timedelta(days=1))


def _iso_date(value: str | None, name: str) -> date | None:
    """YYYY-MM-DD, or an ISO date-time (its UTC day)."""
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        pass
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise ValidationFailed(f"{name} must be an ISO date (YYYY-MM-DD)", {"field": name}) from None
    return (moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)).astimezone(timezone.utc).date()


def period(first: str | None, last: str | None, today: datetime) -> Period:
    """`from`/`to` as ISO dates (UTC days, both included), `to` >= `from`, at most 366 days.
    Neither: the 30 days that end today; only `from`: from then to today; only `to`: the 30
    days that end then."""
    start, end = _iso_date(first, "from"), _iso_date(last, "to")
    this_day = today.astimezone(timezone.utc).date()
    if end is None:
        end = this_day if start is None else max(start, this_day)
    if start is None:
        start = end - timedelta(days=DEFAULT_PERIOD_DAYS - 1)
    if end < start:
        raise ValidationFailed("to must be on or after from", {"field": "to"})
    if (end - start).days + 1 > MAX_PERIOD_DAYS:
        raise ValidationFailed(f"a period is at most {MAX_PERIOD_DAYS} days", {"field": "from"})
    return Period(start, end)


def within(days: dict[str, dict[str, float]], p: Period) -> list[dict[str, float]]:
    """The counters of the days of `days` (by YYYY-MM-DD) that fall in the period."""
    first, last = p.first.isoformat(), p.last.isoformat()
    return [counters for day, counters in days.items() if first <= day <= last]


def _minutes(days: list[dict[str, float]]) -> float:
    n = _sum(days, "resolutions")
    return round(_sum(days, "resolution_seconds") / n / 60, 1) if n else 0


def chat_figures(days: list[dict[str, float]], *, agent: bool) -> dict[str, Any]:
    """Seed 003's figures from day counters. A workspace's total_chats are the chats opened in the
    period; an agent's are the chats assigned to it then. resolved_chats: chats closed then (by
    anyone) while assigned to the agent, or all the workspace's closes."""
    return {
        "total_chats": int(_sum(days, "assigned" if agent else "conversations")),
        "resolved_chats": int(_sum(days, "closed")),
        "avg_response_time_seconds": _average(days, "first_response_seconds", "first_responses"),
        "avg_resolution_time_minutes": _minutes(days),
        "csat_score": _average(days, "csat_total", "csat_count", digits=1),
        "csat_responses": int(_sum(days, "csat_count")),
    }


def first_contact_resolution_rate(days: list[dict[str, float]]) -> float:
    """Of the chats closed in the period while assigned to an agent, the share that agent handled
    alone (never handed from one agent to another; a closed chat is never reopened). 0 when none."""
    closes = _sum(days, "agent_closes")
    return round(_sum(days, "single_agent_closes") / closes, 2) if closes else 0


def change_percent(current: float, previous: float) -> float | None:
    """(current - previous) / previous in percent, one decimal; None when there is nothing to compare with."""
    if not previous:
        return None
    return round((current - previous) / previous * 100, 1)


def overview(current: list[dict[str, float]], previous: list[dict[str, float]]) -> dict[str, Any]:
    now_figures, before = chat_figures(current, agent=False), chat_figures(previous, agent=False)
    return {
        "metrics": {
            "total_chats": now_figures["total_chats"],
            "avg_response_time_seconds": now_figures["avg_response_time_seconds"],
            "avg_resolution_time_minutes": now_figures["avg_resolution_time_minutes"],
            "csat_score": now_figures["csat_score"],
            "first_contact_resolution_rate": first_contact_resolution_rate(current),
            "resolved_chats": now_figures["resolved_chats"],
            "csat_responses": now_figures["csat_responses"],
        },
        "trends": {
            "chats_change_percent": change_percent(now_figures["total_chats"], before["total_chats"]),
            "response_time_change_percent": change_percent(now_figures["avg_response_time_seconds"],
                                                           before["avg_response_time_seconds"]),
        },
    }


AGENT_SORTS = {"total_chats": ("total_chats", True), "csat_score": ("csat_score", True),
               "response_time": ("avg_response_time_seconds", False)}


def sort_agents(rows: list[dict[str, Any]], sort_by: str) -> list[dict[str, Any]]:
    """total_chats and csat_score: highest first; response_time: fastest first, agents without a
    response last. Ties by agent id, so the order is stable."""
    if sort_by not in AGENT_SORTS:
        raise ValidationFailed("sort_by must be one of total_chats, csat_score, response_time", {"field": "sort_by"})
    field_name, descending = AGENT_SORTS[sort_by]
    if descending:
        return sorted(rows, key=lambda r: (-r[field_name], r["agent_id"]))
    return sorted(rows, key=lambda r: (not r[field_name], r[field_name], r["agent_id"]))
