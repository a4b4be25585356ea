"""Fixed-window request counters (one atomic UpdateItem per window checked), and failure
counters for the per-account login lockout (the domain decides what a count means)."""
from __future__ import annotations

from datetime import datetime, timezone

from chalicelib.store.models import FailureCounterItem, RateCounterItem


def hit(bucket: str, window_start: int, seconds: int) -> int:
    """Count one request in the window; returns the count including it. 1 UpdateItem."""
    item = RateCounterItem(*RateCounterItem.key(bucket, window_start, seconds))
    # Kept one window past its end so late readers still see it; TTL removes it after.
    expires = datetime.fromtimestamp(window_start + 2 * seconds, tz=timezone.utc)
    item.update(actions=[RateCounterItem.hits.add(1), RateCounterItem.expires_at.set(expires)])
    return int(item.hits)


# -- failure counters (per-account login lockout) ----------------------------------------------------

def failures(bucket: str) -> tuple[int, float] | None:
    """(failures, epoch seconds of the last one) counted under `bucket`, or None. 1 GetItem."""
    try:
        item = FailureCounterItem.get(*FailureCounterItem.key(bucket))
    except FailureCounterItem.DoesNotExist:
        return None
    return int(item.failures), float(item.last_at)


def add_failure(bucket: str, at: float, restart: bool, keep_seconds: int) -> int:
    """Count one failure at `at` (from 1 again when `restart`); returns the count including it.
    The item expires `keep_seconds` after this failure. 1 UpdateItem."""
    item = FailureCounterItem(*FailureCounterItem.key(bucket))
    counted = FailureCounterItem.failures.set(1) if restart else FailureCounterItem.failures.add(1)
    item.update(actions=[
        counted,
        FailureCounterItem.last_at.set(at),
        FailureCounterItem.expires_at.set(datetime.fromtimestamp(at + keep_seconds, tz=timezone.utc)),
    ])
    return int(item.failures)


def clear_failures(bucket: str) -> None:
    """Forget the failures counted under `bucket`. 1 DeleteItem."""
    FailureCounterItem(*FailureCounterItem.key(bucket)).delete()
