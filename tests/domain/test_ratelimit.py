"""Fixed-window arithmetic with real numbers at the window edges (epoch seconds, UTC)."""
import pytest

from chalicelib.domain.ratelimit import Decision, Window, combine, decide

START = 1_700_000_040  # a multiple of 60: a minute window starts here
PER_MINUTE = Window(limit=3, seconds=60)
BURST = Window(limit=2, seconds=1)


@pytest.mark.parametrize("now, start, reset_at", [
    (START, START, START + 60),  # the first instant of a window belongs to it
    (START + 0.5, START, START + 60),
    (START + 59.999, START, START + 60),  # the last fraction of a second still does
    (START + 60, START + 60, START + 120),  # the reset instant opens the next window
    (START - 0.001, START - 60, START),
])
def test_a_minute_window_starts_on_the_minute_and_resets_sixty_seconds_later(now, start, reset_at):
    assert PER_MINUTE.start(now) == start
    assert PER_MINUTE.reset_at(now) == reset_at


def test_a_one_second_window():
    assert BURST.start(START + 0.75) == START and BURST.reset_at(START + 0.75) == START + 1


def test_requests_up_to_the_limit_are_allowed_and_count_down():
    now = START + 10
    assert [decide(PER_MINUTE, count, now) for count in (1, 2, 3)] == [
        Decision(allowed=True, limit=3, remaining=2, reset_at=START + 60, retry_after=0),
        Decision(allowed=True, limit=3, remaining=1, reset_at=START + 60, retry_after=0),
        Decision(allowed=True, limit=3, remaining=0, reset_at=START + 60, retry_after=0),
    ]


@pytest.mark.parametrize("now, retry_after", [
    (START, 60),  # refused at the window's first instant: wait it all out
    (START + 10, 50),
    (START + 10.9, 50),  # whole seconds, counted from the whole second we are in
    (START + 59.5, 1),  # never 0 while refused
])
def test_one_over_the_limit_is_refused_until_the_window_resets(now, retry_after):
    assert decide(PER_MINUTE, 4, now) == Decision(allowed=False, limit=3, remaining=0, reset_at=START + 60,
                                                   retry_after=retry_after)


def test_an_allowed_decisions_headers():
    assert decide(PER_MINUTE, 1, START + 10).headers() == {
        "X-RateLimit-Limit": "3",
        "X-RateLimit-Remaining": "2",
        "X-RateLimit-Reset": str(START + 60),
    }


def test_a_refusals_headers_add_retry_after():
    assert decide(PER_MINUTE, 7, START + 45).headers() == {
        "X-RateLimit-Limit": "3",
        "X-RateLimit-Remaining": "0",
        "X-RateLimit-Reset": str(START + 60),
        "Retry-After": "15",
    }


def test_combined_windows_report_the_tightest_when_all_allow():
    minute = decide(Window(limit=60, seconds=60), 10, START + 5)  # 50 left
    burst = decide(Window(limit=5, seconds=1), 3, START + 5)  # 2 left
    assert combine([minute, burst]) == burst
    assert combine([burst, minute]) == burst
    assert combine([minute, burst]).headers()["X-RateLimit-Remaining"] == "2"


def test_a_burst_refusal_wins_over_an_allowing_minute_window():
    minute = decide(Window(limit=60, seconds=60), 60, START + 5)  # the 60th: allowed, 0 left
    burst = decide(Window(limit=5, seconds=1), 6, START + 5)  # the 6th this second: refused
    combined = combine([minute, burst])
    assert combined == burst and not combined.allowed
    assert combined.headers()["Retry-After"] == "1"


def test_when_several_windows_refuse_the_longest_wait_is_reported():
    minute = decide(Window(limit=60, seconds=60), 61, START + 20)  # refused for 40 s
    burst = decide(Window(limit=5, seconds=1), 9, START + 20)  # refused for 1 s
    combined = combine([burst, minute])
    assert combined == minute
    assert (combined.retry_after, combined.reset_at) == (40, START + 60)
    assert combined.headers()["Retry-After"] == "40"
