"""Analytics counters: what each change adds, and the figures a dashboard shows from them.

The figures are checked against a day of conversations whose numbers are worked out by hand.
"""
from collections import defaultdict
from datetime import datetime, timedelta, timezone

import pytest

from chalicelib.domain import analytics
from chalicelib.domain.analytics import (
    agent_performance,
    conversation_assigned,
    conversation_closed,
    conversation_created,
    conversation_rated,
    dashboard,
    message_sent,
    period_days,
)
from chalicelib.model.analytics import StatsKey, agent_stats, site_stats
from chalicelib.model.errors import ValidationFailed

UTC = timezone.utc
LATE = datetime(2026, 3, 10, 23, 59, 59, tzinfo=UTC)
SITE_DAY = site_stats("site_a", "2026-03-10")
BOB_DAY = agent_stats("ag_bob", "2026-03-10", "site_a")  # an agent's counters are per site


# -- days and hours -------------------------------------------------------------------------------

def test_days_and_hours_are_utc():
    paris_next_morning = datetime(2026, 3, 11, 0, 30, tzinfo=timezone(timedelta(hours=1)))  # 23:30 UTC
    assert analytics.day_of(paris_next_morning) == "2026-03-10"
    assert analytics.hour_of(paris_next_morning) == "h23"
    assert analytics.hour_of(datetime(2026, 3, 10, 7, 5, tzinfo=UTC)) == "h07"


def test_periods_count_back_from_today():
    assert period_days("today", LATE) == ["2026-03-10"]
    assert period_days("week", datetime(2026, 1, 3, 8, tzinfo=UTC)) == [
        "2026-01-03", "2026-01-02", "2026-01-01", "2025-12-31", "2025-12-30", "2025-12-29", "2025-12-28"]
    month = period_days("month", LATE)
    assert len(month) == len(set(month)) == 30
    assert (month[0], month[-1]) == ("2026-03-10", "2026-02-09")


def test_an_unknown_period_is_a_validation_error():
    with pytest.raises(ValidationFailed) as refused:
        period_days("year", LATE)
    assert refused.value.status == 400 and refused.value.details == {"field": "period"}


# -- what each change adds ------------------------------------------------------------------------

def test_a_new_conversation_counts_for_its_day_and_hour():
    assert conversation_created("site_a", LATE) == [(SITE_DAY, {"conversations": 1, "h23": 1})]
    assert SITE_DAY == StatsKey("site", "site_a", "2026-03-10")


def test_a_visitors_message_counts_for_the_site_only():
    assert message_sent("site_a", "visitor", "v_1", LATE, None) == [
        (SITE_DAY, {"messages": 1, "visitor_messages": 1})]


def test_an_agents_first_response_counts_for_the_site_and_the_agent_in_whole_seconds():
    assert message_sent("site_a", "support", "ag_bob", LATE, 29.6) == [
        (SITE_DAY, {"messages": 1, "agent_messages": 1, "first_response_seconds": 30, "first_responses": 1}),
        (BOB_DAY, {"agent_messages": 1, "first_response_seconds": 30, "first_responses": 1}),
    ]


def test_an_agents_later_reply_counts_a_message_and_no_response_time():
    assert message_sent("site_a", "support", "ag_bob", LATE, None) == [
        (SITE_DAY, {"messages": 1, "agent_messages": 1}),
        (BOB_DAY, {"agent_messages": 1}),
    ]


def test_a_bot_message_counts_for_the_site_only():
    assert message_sent("site_a", "bot", None, LATE, None) == [(SITE_DAY, {"messages": 1, "bot_messages": 1})]


def test_a_first_response_without_a_sending_agent_still_counts_for_the_site():
    assert message_sent("site_a", "support", None, LATE, 12.2) == [
        (SITE_DAY, {"messages": 1, "agent_messages": 1, "first_response_seconds": 12, "first_responses": 1})]


def test_an_assignment_counts_for_the_agent():
    assert conversation_assigned("site_a", "ag_bob", LATE) == [(BOB_DAY, {"assigned": 1})]


def test_closing_counts_the_resolution_time_for_the_site_and_the_assigned_agent():
    changes = conversation_closed("site_a", "ag_bob", LATE, 600.4)
    values = {"closed": 1, "resolution_seconds": 600, "resolutions": 1}
    handled = values | {"agent_closes": 1, "single_agent_closes": 1}  # first-contact resolution (seed 003)
    assert changes == [(SITE_DAY, handled), (BOB_DAY, handled)]
    assert changes[0][1] is not changes[1][1]  # two counters, two increments
    assert conversation_closed("site_a", None, LATE, 1200) == [(SITE_DAY, values | {"resolution_seconds": 1200})]


def test_a_rating_counts_for_the_site_and_the_assigned_agent():
    assert conversation_rated("site_a", "ag_bob", 4, LATE) == [
        (SITE_DAY, {"csat_total": 4, "csat_count": 1}), (BOB_DAY, {"csat_total": 4, "csat_count": 1})]
    assert conversation_rated("site_a", None, 2, LATE) == [(SITE_DAY, {"csat_total": 2, "csat_count": 1})]


# -- the figures ----------------------------------------------------------------------------------

def test_dashboard_figures_from_day_counters():
    days = [
        {"conversations": 2, "messages": 5, "first_response_seconds": 30, "first_responses": 1,
         "csat_total": 9, "csat_count": 2, "h09": 2},
        {"conversations": 1, "messages": 2, "first_response_seconds": 90, "first_responses": 1,
         "csat_total": 4, "csat_count": 1, "h14": 1},
    ]
    assert dashboard(days, active_now=1) == {
        "total_conversations": 3,
        "active_conversations": 1,
        "messages_sent": 7,
        "average_response_time": 60,  # (30 + 90) / 2
        "customer_satisfaction": 4.3,  # (5 + 4 + 4) / 3 = 4.33...
        "conversations_by_hour": [{"hour": 9, "count": 2}, {"hour": 14, "count": 1}],
    }


def test_averages_round_to_whole_seconds_and_satisfaction_to_one_decimal():
    days = [{"first_response_seconds": 190, "first_responses": 3, "csat_total": 14, "csat_count": 3}]
    figures = dashboard(days, 0)
    assert figures["average_response_time"] == 63 and isinstance(figures["average_response_time"], int)
    assert figures["customer_satisfaction"] == 4.7  # 14 / 3 = 4.66...


def test_nothing_happened_means_zeros_not_errors():
    assert dashboard([], 0) == {"total_conversations": 0, "active_conversations": 0, "messages_sent": 0,
                                "average_response_time": 0, "customer_satisfaction": 0,
                                "conversations_by_hour": []}
    assert agent_performance("ag_bob", [{}]) == {
        "agent_id": "ag_bob", "conversations_handled": 0, "messages_sent": 0, "average_response_time": 0,
        "average_resolution_time": 0, "customer_satisfaction": 0}


def test_agent_figures_from_day_counters():
    days = [
        {"assigned": 1, "agent_messages": 3, "first_response_seconds": 30, "first_responses": 1,
         "resolution_seconds": 600, "resolutions": 1, "csat_total": 5, "csat_count": 1},
        {"assigned": 2, "agent_messages": 1, "first_response_seconds": 90, "first_responses": 1,
         "resolution_seconds": 1200, "resolutions": 1, "csat_total": 4, "csat_count": 1},
    ]
    assert agent_performance("ag_bob", days) == {
        "agent_id": "ag_bob",
        "conversations_handled": 3,
        "messages_sent": 4,
        "average_response_time": 60,
        "average_resolution_time": 900,  # (600 + 1200) / 2
        "customer_satisfaction": 4.5,
    }


def _counters(*changes_lists):
    """What the store holds after these changes: each counter item adds up its increments."""
    held: dict = defaultdict(lambda: defaultdict(int))
    for changes in changes_lists:
        for key, increments in changes:
            for name, amount in increments.items():
                held[key][name] += amount
    return held


def test_a_day_of_conversations_adds_up_to_the_figures_a_manager_would_check():
    """Two days at site_a. Conversation A (yesterday 09:15): answered by bob after 30 s, closed
    after 10 min, rated 5. B (today 09:40): answered by bob after 90 s, closed after 20 min,
    rated 3. C (today 14:05): the visitor writes, a bot answers, nobody else yet."""
    a, b, c = (datetime(2026, 3, 9, 9, 15, tzinfo=UTC), datetime(2026, 3, 10, 9, 40, tzinfo=UTC),
               datetime(2026, 3, 10, 14, 5, tzinfo=UTC))
    s = timedelta(seconds=1)
    held = _counters(
        conversation_created("site_a", a),
        message_sent("site_a", "visitor", "v_a", a + 5 * s, None),
        conversation_assigned("site_a", "ag_bob", a + 10 * s),
        message_sent("site_a", "support", "ag_bob", a + 35 * s, 30),
        message_sent("site_a", "support", "ag_bob", a + 60 * s, None),
        conversation_closed("site_a", "ag_bob", a + 600 * s, 600),
        conversation_rated("site_a", "ag_bob", 5, a + 700 * s),
        conversation_created("site_a", b),
        message_sent("site_a", "visitor", "v_b", b, None),
        conversation_assigned("site_a", "ag_bob", b + 30 * s),
        message_sent("site_a", "support", "ag_bob", b + 90 * s, 90),
        conversation_closed("site_a", "ag_bob", b + 1200 * s, 1200),
        conversation_rated("site_a", "ag_bob", 3, b + 1300 * s),
        conversation_created("site_a", c),
        message_sent("site_a", "visitor", "v_c", c + 2 * s, None),
        message_sent("site_a", "bot", None, c + 3 * s, None),
    )
    site_days = [held[site_stats("site_a", day)] for day in period_days("week", c)]
    assert dashboard(site_days, active_now=1) == {
        "total_conversations": 3,
        "active_conversations": 1,
        "messages_sent": 7,  # A: 3, B: 2, C: 2 (the bot's counts)
        "average_response_time": 60,
        "customer_satisfaction": 4.0,
        "conversations_by_hour": [{"hour": 9, "count": 2}, {"hour": 14, "count": 1}],
    }
    today = [held[site_stats("site_a", day)] for day in period_days("today", c)]
    assert dashboard(today, active_now=1)["total_conversations"] == 2
    assert dashboard(today, active_now=1)["average_response_time"] == 90

    bob_days = [held[agent_stats("ag_bob", day, "site_a")] for day in period_days("week", c)]
    assert agent_performance("ag_bob", bob_days) == {
        "agent_id": "ag_bob",
        "conversations_handled": 2,
        "messages_sent": 3,
        "average_response_time": 60,
        "average_resolution_time": 900,
        "customer_satisfaction": 4.0,
    }
    assert held[site_stats("site_a", "2026-03-10")]["bot_messages"] == 1
