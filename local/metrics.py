"""The app's metrics on the local stack: what CloudWatch would show, served at GET /local/metrics.

In Lambda, chalicelib/metrics.py writes each invocation's counts as CloudWatch EMF lines on
stdout. Here the stack sends them to a `MetricTotals` instead (the terminal stays readable):
it adds them up per metric and dimensions, keeps the latest EMF documents as written, and
the stack logs a one-line summary when it stops. Local only: never deployed.
"""
from __future__ import annotations

import threading
from collections import deque
from typing import Any

from aiohttp import web

RECENT = 50  # EMF documents kept as written, newest last


class MetricTotals:
    """A chalicelib.metrics sink: totals per (metric, dimensions), safe across invocation threads."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._totals: dict[tuple[str, tuple[tuple[str, str], ...]], float] = {}
        self._recent: deque[dict[str, Any]] = deque(maxlen=RECENT)

    def record(self, emf: dict[str, Any]) -> None:
        with self._lock:
            self._recent.append(emf)
            for directive in emf["_aws"]["CloudWatchMetrics"]:
                names = [key for group in directive["Dimensions"] for key in group]
                dimensions = tuple(sorted((key, str(emf[key])) for key in dict.fromkeys(names)))
                for metric in directive["Metrics"]:
                    values = emf[metric["Name"]]
                    total = sum(values) if isinstance(values, list) else values
                    key = (metric["Name"], dimensions)
                    self._totals[key] = self._totals.get(key, 0) + total

    def snapshot(self) -> dict[str, Any]:
        """{"totals": {metric: sum over dimensions}, "metrics": [{name, dimensions, total}], "recent": [EMF]}."""
        with self._lock:
            rows = sorted(self._totals.items())
            recent = list(self._recent)
        totals: dict[str, float] = {}
        for (name, _), total in rows:
            totals[name] = totals.get(name, 0) + total
        return {
            "namespace": "Parley",
            "totals": {name: _number(total) for name, total in totals.items()},
            "metrics": [{"name": name, "dimensions": dict(dims), "total": _number(total)}
                        for (name, dims), total in rows],
            "recent": recent,
        }

    def summary(self) -> str:
        """One line: `MessagesSent=3 Pushes=7 ...` (or `none`)."""
        totals = self.snapshot()["totals"]
        return " ".join(f"{name}={total}" for name, total in totals.items()) or "none"


def _number(value: float) -> float | int:
    return int(value) if float(value).is_integer() else value


def add_routes(webapp: web.Application, totals: MetricTotals) -> None:
    """GET /local/metrics on the gateway's port; registered before the gateway's catch-all route."""

    async def serve(_request: web.Request) -> web.Response:
        return web.json_response(totals.snapshot(), headers={"Cache-Control": "no-cache"})

    webapp.router.add_get("/local/metrics", serve)
