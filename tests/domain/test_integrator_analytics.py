"""Seed 003's figures from day counters, worked out by hand: periods, first-contact resolution,
trends against the previous period, and the agents' sort orders. Pure: no moto."""
from datetime import date, datetime, timezone

import pytest

from chalicelib.domain import analytics
from chalicelib.domain.analytics import Period, change_percent, chat_figures, conversation_closed, period
from chalicelib.model.analytics import agent_stats, site_stats
from chalicelib.model.errors import ValidationFailed

TODAY = datetime(2026, 2, 11, 15, 0, tzinfo=timezone.utc)


def test_a_period_defaults_to_the_last_30_days_and_compares_with_the_30_before():
    p = period(None, None, TODAY)
    assert (p.first, p.last, p.days) == (date(2026, 1, 13), date(2026, 2, 11), 30)
    assert p.previous() == Period(date(2025, 12, 14), date(2026, 1, 12))
    assert period("2026-02-01", "2026-02-11", TODAY).previous() == Period(date(2026, 1, 21), date(2026, 1, 31))
    assert period("2026-02-01", None, TODAY) == Period(date(2026, 2, 1), date(2026, 2, 11))
    assert period(None, "2026-01-30", TODAY) == Period(date(2026, 1, 1), date(2026, 1, 30))
    assert period("2026-02-01T23:30:00-01:00", "2026-02-02", TODAY).first == date(2026, 2, 2)  # its UTC day
    assert period("2025-02-11", "2026-02-11", TODAY).days == 366


@pytest.mark.parametrize("first, last, field", [
    ("2026-02-11", "2026-02-01", "to"), ("2025-02-10", "2026-02-11", "from"), ("yesterday", None, "from"),
    (None, "2026-13-01", "to"), ("2024-01-01", None, "from"),
])
def test_a_bad_period_names_its_field(first, last, field):
    with pytest.raises(ValidationFailed) as refused:
        period(first, last, TODAY)
    assert refused.value.status == 400 and refused.value.details == {"field": field}


def test_a_close_counts_for_first_contact_resolution_when_one_agent_handled_it():
    at = datetime(2026, 2, 11, 10, tzinfo=timezone.utc)
    alone = conversation_closed("site_a", "ag_bob", at, 600, handoffs=0)
    assert alone == [
        (site_stats("site_a", "2026-02-11"), {"closed": 1, "resolution_seconds": 600, "resolutions": 1,
                                              "agent_closes": 1, "single_agent_closes": 1}),
        (agent_stats("ag_bob", "2026-02-11", "site_a"), {"closed": 1, "resolution_seconds": 600, "resolutions": 1,
                                                         "agent_closes": 1, "single_agent_closes": 1}),
    ]
    handed_over = dict(conversation_closed("site_a", "ag_bob", at, 600, handoffs=1)[0][1])
    assert handed_over["agent_closes"] == 1 and handed_over["single_agent_closes"] == 0
    nobody = conversation_closed("site_a", None, at, 60)
    assert nobody == [(site_stats("site_a", "2026-02-11"), {"closed": 1, "resolution_seconds": 60, "resolutions": 1})]


def test_overview_figures_and_trends_from_two_periods():
    # This period: 6 chats; first responses of 100 s and 200 s; closes of 10 and 20 minutes, both by
    # agents, one of them handed over; ratings 5 and 4. Before: 4 chats, one first response of 300 s.
    current = [
        {"conversations": 4, "first_response_seconds": 100, "first_responses": 1, "closed": 1,
         "resolution_seconds": 600, "resolutions": 1, "agent_closes": 1, "single_agent_closes": 1,
         "csat_total": 5, "csat_count": 1},
        {"conversations": 2, "first_response_seconds": 200, "first_responses": 1, "closed": 1,
         "resolution_seconds": 1200, "resolutions": 1, "agent_closes": 1, "single_agent_closes": 0,
         "csat_total": 4, "csat_count": 1},
    ]
    previous = [{"conversations": 4, "first_response_seconds": 300, "first_responses": 1}]
    figures = analytics.overview(current, previous)
    assert figures["metrics"] == {
        "total_chats": 6, "avg_response_time_seconds": 150, "avg_resolution_time_minutes": 15.0,
        "csat_score": 4.5, "first_contact_resolution_rate": 0.5, "resolved_chats": 2, "csat_responses": 2}
    assert figures["trends"] == {"chats_change_percent": 50.0, "response_time_change_percent": -50.0}
    assert analytics.overview([], [])["trends"] == {"chats_change_percent": None,
                                                    "response_time_change_percent": None}
    assert change_percent(7, 8) == -12.5 and change_percent(3, 0) is None


def test_an_agents_chats_are_the_ones_assigned_to_it():
    days = [{"assigned": 3, "closed": 2, "conversations": 99, "csat_total": 9, "csat_count": 2}]
    figures = chat_figures(days, agent=True)
    assert (figures["total_chats"], figures["resolved_chats"], figures["csat_score"], figures["csat_responses"]) == (
        3, 2, 4.5, 2)
    assert chat_figures([], agent=True) == {"total_chats": 0, "resolved_chats": 0, "avg_response_time_seconds": 0,
                                            "avg_resolution_time_minutes": 0, "csat_score": 0, "csat_responses": 0}


def test_days_within_a_period_are_picked_by_date():
    days = {"2026-01-31": {"conversations": 1}, "2026-02-01": {"conversations": 2}, "2026-02-11": {"conversations": 4}}
    assert analytics.within(days, Period(date(2026, 2, 1), date(2026, 2, 11))) == [{"conversations": 2},
                                                                                    {"conversations": 4}]


def test_agents_sort_best_first_and_slow_or_silent_last():
    rows = [
        {"agent_id": "a", "total_chats": 5, "csat_score": 4.0, "avg_response_time_seconds": 90},
        {"agent_id": "b", "total_chats": 9, "csat_score": 4.8, "avg_response_time_seconds": 0},
        {"agent_id": "c", "total_chats": 5, "csat_score": 3.1, "avg_response_time_seconds": 30},
    ]
    assert [r["agent_id"] for r in analytics.sort_agents(rows, "total_chats")] == ["b", "a", "c"]
    assert [r["agent_id"] for r in analytics.sort_agents(rows, "csat_score")] == ["b", "a", "c"]
    assert [r["agent_id"] for r in analytics.sort_agents(rows, "response_time")] == ["c", "a", "b"]
    with pytest.raises(ValidationFailed):
        analytics.sort_agents(rows, "name")
