"""Counts as CloudWatch metrics: Powertools Metrics' Embedded Metric Format (EMF), one face for Parley.

`count("MessagesSent", sender="visitor")` adds to the running invocation's tally; the middleware
(chalicelib/middleware.py, every HTTP, WebSocket, SQS and stream invocation) wraps each one in
`invocation()`, which writes the tally at its end as EMF lines (one per dimension set, counts
summed) on stdout, where Lambda hands them to CloudWatch Logs and CloudWatch makes them metrics.
The first invocation of a process also counts a ColdStart (by function_name), as Powertools'
capture_cold_start_metric does. Outside an invocation (scripts, a thread that outlives its
invocation) a count is written at once.

Dimensions are low-cardinality ids only: a sender type, a queue, an outcome. Never a person's
name or email, and never a conversation or message id (each distinct value is a new metric).

Import cost: aws_lambda_powertools.metrics is ~2 ms of the ~60 ms Powertools package, which
the Logger import (observability.py) already pays in every function, so it is imported here.
"""
from __future__ import annotations

import contextvars
import json
import threading
from collections import defaultdict
from contextlib import contextmanager
from typing import Any, Callable, Iterator

from aws_lambda_powertools.metrics import EphemeralMetrics, MetricUnit
from aws_lambda_powertools.metrics.provider import cold_start

from chalicelib.settings import get_settings

NAMESPACE = "Parley"
SERVICE = "parley"  # the logger's service, and POWERTOOLS_SERVICE_NAME's

Dimensions = tuple[tuple[str, str], ...]
Sink = Callable[[dict[str, Any]], None]


def _print_line(emf: dict[str, Any]) -> None:
    # What Powertools' flush_metrics does: one compact JSON line on stdout.
    print(json.dumps(emf, separators=(",", ":")), flush=True)


_sink: Sink = _print_line


def send_to(sink: Sink) -> Sink:
    """Where EMF documents go (stdout by default; the local stack collects them). Returns the previous sink."""
    global _sink
    previous, _sink = _sink, sink
    return previous


class _Tally:
    """One invocation's counts. A lock: a concurrent batch (workers/batch.py) counts from several threads."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._counts: dict[Dimensions, dict[str, float]] = defaultdict(lambda: defaultdict(float))
        self.closed = False

    def add(self, name: str, value: float, dimensions: Dimensions) -> bool:
        """False once the invocation was written (the caller writes its count at once)."""
        with self._lock:
            if self.closed:
                return False
            self._counts[dimensions][name] += value
            return True

    def close(self) -> dict[Dimensions, dict[str, float]]:
        with self._lock:
            self.closed = True
            return {dims: dict(counts) for dims, counts in self._counts.items()}


_tally: contextvars.ContextVar[_Tally | None] = contextvars.ContextVar("metrics_tally", default=None)


def count(name: str, value: float = 1, **dimensions: str) -> None:
    """Add `value` to the metric `name` (unit Count) for this combination of dimensions."""
    dims: Dimensions = tuple(sorted((key, str(val)) for key, val in dimensions.items()))
    tally = _tally.get()
    if tally is None or not tally.add(name, value, dims):
        _write(dims, {name: value})


@contextmanager
def invocation(function_name: str | None) -> Iterator[None]:
    """Tally the counts of one Lambda invocation and write them when it ends (even when it raised)."""
    tally = _Tally()
    token = _tally.set(tally)
    if cold_start.is_cold_start:  # Powertools' flag: False under provisioned concurrency
        cold_start.is_cold_start = False
        count("ColdStart", function_name=function_name or "unknown")
    try:
        yield
    finally:
        _tally.reset(token)
        for dims, counts in tally.close().items():
            _write(dims, counts)


# One Powertools writer, reused: making one costs more than the document it writes.
_writer_lock = threading.Lock()
_writer: EphemeralMetrics | None = None


def _write(dims: Dimensions, counts: dict[str, float]) -> None:
    global _writer
    with _writer_lock:
        if _writer is None:
            _writer = EphemeralMetrics(namespace=NAMESPACE, service=SERVICE)
        _writer.clear_metrics()
        _writer.add_dimension(name="stage", value=get_settings().stage)
        for key, value in dims:
            _writer.add_dimension(name=key, value=value)
        for name, total in counts.items():
            _writer.add_metric(name=name, unit=MetricUnit.Count, value=total)
        document = _writer.serialize_metric_set()
    _sink(document)
