"""Structured logging: JSON lines through Powertools Logger, one logger for all of Parley.

Log ids, never personal data (names, emails, message text). The request id is
bound per invocation by chalicelib/middleware.py (an edge: it knows Chalice).
"""
from __future__ import annotations

import contextvars
import re
import uuid
from contextlib import contextmanager
from typing import Iterator

from aws_lambda_powertools import Logger

logger = Logger(service="parley")

# A caller's X-Request-Id is kept when it is sane: it ends up in logs and response headers.
_SANE_REQUEST_ID = re.compile(r"[A-Za-z0-9._-]{1,128}")
# The request that queued a job rides with it as this SQS message attribute (integrations/queues.py):
# the worker binds it to its logs (workers/batch.py), and webhook deliveries send it as X-Request-Id.
REQUEST_ID_ATTRIBUTE = "request_id"
# Per invocation: the local stack serves several at once, one per thread (a context each).
_bound: contextvars.ContextVar[str | None] = contextvars.ContextVar("request_id", default=None)


def request_id_from(header: str | None) -> str:
    """The caller's X-Request-Id when it is 1-128 characters of [A-Za-z0-9._-]; otherwise a new
    uuid, written as seed 003 shows its ids (req_<32 hex>)."""
    if header and _SANE_REQUEST_ID.fullmatch(header):
        return header
    return f"req_{uuid.uuid4().hex}"


def bind_request_id(request_id: str) -> None:
    """This invocation's request id: on every log line, and what error bodies quote."""
    _bound.set(request_id)
    logger.thread_safe_append_keys(request_id=request_id)


def unbind_request_id() -> None:
    _bound.set(None)
    logger.thread_safe_remove_keys(["request_id"])


def current_request_id() -> str | None:
    return _bound.get()


@contextmanager
def on_behalf_of(origin: str | None) -> Iterator[None]:
    """While a job runs: the id of the request that queued or wrote it (when it carried one) on its
    log lines and on what it queues or sends; the invocation's own id again afterwards."""
    if not origin:  # queued outside a request: the invocation's own id stays on the logs
        yield
        return
    invocations = current_request_id()
    bind_request_id(request_id_from(origin))
    try:
        yield
    finally:
        if invocations:
            bind_request_id(invocations)
        else:
            unbind_request_id()
