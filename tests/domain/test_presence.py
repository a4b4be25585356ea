"""Visitor presence at a given moment: a socket's lease, else recent REST calls, unless the
last thing heard was the last socket closing (realtime/presence.py then stores
status=offline and online_until=last_seen=the closing moment)."""
from datetime import datetime, timedelta, timezone

import pytest

from chalicelib.domain.presence import ACTIVE_WINDOW, presence
from chalicelib.model.identity import Visitor

MOMENT = datetime(2026, 3, 10, 12, 0, tzinfo=timezone.utc)
SECOND = timedelta(seconds=1)
MINUTE = timedelta(minutes=1)


def visitor(status: str, last_seen: datetime, online_until: datetime | None) -> Visitor:
    return Visitor(site_id="site_a", visitor_id="v_1", id="vis_1", name="John Doe", email=None, metadata={},
                   status=status, first_seen=MOMENT - timedelta(days=1), last_seen=last_seen,
                   online_until=online_until)


def test_the_active_window_is_five_minutes():
    assert ACTIVE_WINDOW == timedelta(minutes=5)


def test_online_while_the_sockets_lease_runs_however_long_ago_rest_was_seen():
    assert presence(visitor("online", MOMENT - timedelta(hours=2), MOMENT + SECOND), MOMENT) == "online"


def test_a_lease_ending_now_has_run_out():
    assert presence(visitor("online", MOMENT - timedelta(hours=2), MOMENT), MOMENT) == "offline"


def test_a_lapsed_lease_without_a_disconnect_falls_back_to_rest():
    # The socket vanished without $disconnect: its lease ran out; only REST can keep it online.
    lapsed = MOMENT - MINUTE
    assert presence(visitor("online", MOMENT - 4 * MINUTE, lapsed), MOMENT) == "online"
    assert presence(visitor("online", MOMENT - 6 * MINUTE, lapsed), MOMENT) == "offline"


@pytest.mark.parametrize("seen_ago, expected", [
    (timedelta(0), "online"),
    (5 * MINUTE - SECOND, "online"),
    (5 * MINUTE, "online"),  # the window's edge is still inside it
    (5 * MINUTE + SECOND, "offline"),
    (timedelta(hours=1), "offline"),
])
def test_without_a_socket_rest_calls_keep_a_visitor_online_for_five_minutes(seen_ago, expected):
    assert presence(visitor("offline", MOMENT - seen_ago, None), MOMENT) == expected


def test_offline_as_soon_as_the_last_socket_closes_even_within_the_window():
    closed_at = MOMENT - MINUTE
    assert presence(visitor("offline", closed_at, closed_at), MOMENT) == "offline"


def test_a_rest_call_after_the_socket_closed_brings_the_visitor_back_online():
    closed_at = MOMENT - 2 * MINUTE
    assert presence(visitor("offline", MOMENT - 30 * SECOND, closed_at), MOMENT) == "online"
    # ... for the five minutes after that call
    assert presence(visitor("offline", MOMENT - 30 * SECOND, closed_at), MOMENT + 5 * MINUTE) == "offline"


def test_a_closed_socket_is_not_online_even_if_a_lease_was_left_running():
    assert presence(visitor("offline", MOMENT - 10 * SECOND, MOMENT + MINUTE), MOMENT) == "offline"
