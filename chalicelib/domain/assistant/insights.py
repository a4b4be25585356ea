"""Seed 002's analytics (endpoints 9 and 10), from counters written with every message and
conversation (store/assistant_chats.py), never by reading the messages.

- dashboard (the user's own): totals, the assistant's average response time, the user's most
  active assistant, and the last 30 days (UTC), oldest first, days without activity included.
- global (a site admin's): totals across the site's users, conversations per user, and the
  assistants ranked by success rate. `success_rate` is the share, in percent, of an assistant's
  answered conversations in which the user did not complain after an answer: a later user message
  the local analysis engine reads as a complaint, a refund request, a cancellation, or negative,
  marks that conversation unsuccessful (once). A conversation the assistant never answered does
  not count either way; deleted conversations are taken out of every figure.
"""
from __future__ import annotations

from datetime import timedelta
from typing import Any

from chalicelib.model.identity import Principal, VisitorPrincipal, require_admin
from chalicelib.model.errors import ValidationFailed
from chalicelib.store import assistant_chats as store
from chalicelib.store import assistants as assistant_store
from chalicelib.store.base import now

DAYS = 30
TOP_AGENTS = 10


def dashboard(principal: VisitorPrincipal) -> dict[str, Any]:
    """1 Query (the user's counters) + 1 GetItem (the most active assistant's name)."""
    totals, per_assistant, days = store.user_stats(principal.site_id, principal.visitor_id)
    most_active = None
    busiest = sorted(((figures["messages"], -aid) for aid, figures in per_assistant.items() if figures["messages"] > 0),
                     reverse=True)
    if busiest:
        count, negative_id = busiest[0]
        assistant = assistant_store.get(principal.site_id, -negative_id)
        most_active = {"agent_id": -negative_id, "name": assistant.name if assistant else None,
                       "message_count": int(count)}
    today = now().date()
    daily = []
    for back in range(DAYS - 1, -1, -1):
        day = (today - timedelta(days=back)).isoformat()
        figures = days.get(day, {})
        daily.append({"date": day, "conversations": int(figures.get("conversations", 0)),
                      "messages": int(figures.get("messages", 0))})
    answers = totals["answers"]
    return {
        "total_conversations": int(totals["conversations"]),
        "total_messages": int(totals["messages"]),
        "average_response_time": round(totals["response_seconds"] / answers, 2) if answers > 0 else None,
        "most_active_agent": most_active,
        "daily_stats": daily,
    }


def site_for_global(principal: Principal, site_id: str | None) -> str:
    """The site a global report is about: the one named, or the admin's only site."""
    admin = require_admin(principal, site_id)
    if site_id is not None:
        return site_id
    if len(admin.agent.site_ids) != 1:
        raise ValidationFailed("site_id is required: you administer several sites", {"field": "site_id"})
    return admin.agent.site_ids[0]


def global_figures(principal: Principal, site_id: str | None) -> dict[str, Any]:
    """Admins of the site only (others: 403). 1 Query (the site's counters) + 1 Query (its assistants)."""
    site = site_for_global(principal, site_id)
    totals, per_assistant = store.site_stats(site)
    names = {a.assistant_id: a.name for a in assistant_store.of_site(site)}
    agents = []
    for aid, figures in per_assistant.items():
        if aid not in names:
            continue
        answered = figures["answered"]
        rate = round(100.0 * (answered - figures["failed"]) / answered, 1) if answered > 0 else None
        agents.append({"agent_id": aid, "name": names[aid], "total_conversations": int(figures["conversations"]),
                       "success_rate": rate})
    agents.sort(key=lambda a: (a["success_rate"] is not None, a["success_rate"] or 0, a["total_conversations"],
                               -a["agent_id"]), reverse=True)
    users = totals["users"]
    return {
        "site_id": site,
        "total_conversations_all_users": int(totals["conversations"]),
        "total_messages_all_users": int(totals["messages"]),
        "average_conversations_per_user": round(totals["conversations"] / users, 1) if users > 0 else 0.0,
        "top_performing_agents": agents[:TOP_AGENTS],
    }
