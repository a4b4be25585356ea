"""Rate limits for every surface: one mechanism, seed 000's categories and seed 003's API-key windows."""
from __future__ import annotations

import time

from chalicelib.model.errors import RateLimited
from chalicelib.domain.ratelimit import Decision, Window, combine, decide
from chalicelib.settings import get_settings
from chalicelib.store import ratelimits

# The rate-limit clock (epoch seconds); tests pin it so a run never straddles a window.
clock = time.time

CATEGORIES = ("auth", "messages", "file_upload", "analysis", "other")


def windows_for(category: str) -> list[Window]:
    limits = get_settings().rate_limits
    if category == "api_key":
        return [Window(limits.api_key_per_minute, 60), Window(limits.api_key_burst_per_second, 1)]
    return [Window(limits.per_minute(category), 60)]


def check(category: str, caller: str, now: float | None = None) -> Decision | None:
    """Count this request for (category, caller). None when limits are off; RateLimited when over.

    1 UpdateItem per window (2 for API keys: per minute and per second).
    """
    if not get_settings().rate_limits.enabled:
        return None
    moment = clock() if now is None else now
    decisions = [
        decide(window, ratelimits.hit(f"{category}:{caller}", window.start(moment), window.seconds), moment)
        for window in windows_for(category)
    ]
    decision = combine(decisions)
    if not decision.allowed:
        raise RateLimited(decision.retry_after, decision.headers())
    return decision
