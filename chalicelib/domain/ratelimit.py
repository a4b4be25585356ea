"""Fixed-window rate limiting arithmetic (the counter itself lives in store/ratelimits.py)."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Window:
    limit: int
    seconds: int

    def start(self, now: float) -> int:
        return int(now) - int(now) % self.seconds

    def reset_at(self, now: float) -> int:
        return self.start(now) + self.seconds


@dataclass(frozen=True)
class Decision:
    allowed: bool
    limit: int
    remaining: int
    reset_at: int  # epoch seconds when the window that decided resets
    retry_after: int  # seconds; 0 when allowed

    def headers(self) -> dict[str, str]:
        headers = {
            "X-RateLimit-Limit": str(self.limit),
            "X-RateLimit-Remaining": str(self.remaining),
            "X-RateLimit-Reset": str(self.reset_at),
        }
        if not self.allowed:
            headers["Retry-After"] = str(self.retry_after)
        return headers


def decide(window: Window, count: int, now: float) -> Decision:
    """The decision after the `count`-th request in the current window."""
    reset_at = window.reset_at(now)
    allowed = count <= window.limit
    return Decision(
        allowed=allowed,
        limit=window.limit,
        remaining=max(0, window.limit - count),
        reset_at=reset_at,
        retry_after=0 if allowed else max(1, reset_at - int(now)),
    )


def combine(decisions: list[Decision]) -> Decision:
    """Several windows (003: per minute and a per-second burst): the first refusal, else the tightest."""
    refused = [d for d in decisions if not d.allowed]
    if refused:
        return max(refused, key=lambda d: d.retry_after)
    return min(decisions, key=lambda d: d.remaining)
