"""Shared by the latency benchmarks: percentiles, and the HTTP round trip every ratio is taken against."""
from __future__ import annotations

import time

import requests


def percentile(samples: list[float], q: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def health_round_trips(session: requests.Session, url: str, count: int = 200) -> list[float]:
    """Seconds per GET /health on the stack: the yardstick for ratios that hold across machines."""
    samples = []
    for _ in range(count):
        started = time.perf_counter()
        session.get(f"{url}/health", timeout=5).raise_for_status()
        samples.append(time.perf_counter() - started)
    return samples
