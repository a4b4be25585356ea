"""Fixed-window request counters: one atomic UpdateItem per window checked."""
from __future__ import annotations

from datetime import datetime, timezone

from chalicelib.store.models import RateCounterItem


def hit(bucket: str, window_start: int, seconds: int) -> int:
    """Count one request in the window; returns the count including it. 1 UpdateItem."""
    item = RateCounterItem(*RateCounterItem.key(bucket, window_start, seconds))
    # Kept one window past its end so late readers still see it; TTL removes it after.
    expires = datetime.fromtimestamp(window_start + 2 * seconds, tz=timezone.utc)
    item.update(actions=[RateCounterItem.hits.add(1), RateCounterItem.expires_at.set(expires)])
    return int(item.hits)
