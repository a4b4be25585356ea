"""After $connect: what a socket hears first, once it is open.

API Gateway answers Gone to every post until the `$connect` handler has returned (the
handshake completes only then), and nothing runs in a Lambda after it returns. So a dialect that
must speak first (seed 001's `connection_established`, or its `error` frame carrying 4001/4002/
4003/4006 before the close, since API Gateway cannot close with a custom code) puts the frames
in its ConnectResult, and `$connect` queues them as a `connection.accepted` event on the `events`
queue. Its deferred listener here (subscribed by realtime.install) runs in the events worker a
moment later: it posts each frame, retrying a Gone answer while the handshake may still be
completing (OPENING_GRACE_SECONDS from the accept), then closes the socket when asked.

The local gateway emulator behaves the same way (410 until the upgrade completes), and the local
SQS pump runs the worker, so this is exercised end to end by tests/e2e/test_visitor_chat_flow.py.
"""
from __future__ import annotations

import time
from datetime import datetime, timezone

from chalicelib import dispatch
from chalicelib.integrations import sockets as sender
from chalicelib.model import events as ev
from chalicelib.observability import logger
from chalicelib.realtime import dialects

# How long after the accept a Gone answer still means "not open yet" rather than "gone".
OPENING_GRACE_SECONDS = 3.0
_FIRST_RETRY_SECONDS = 0.02
_MAX_RETRY_SECONDS = 0.25


def schedule(request: dialects.ConnectRequest, result: dialects.ConnectResult) -> None:
    """Queue what the accepted socket hears first (called by $connect just before it returns)."""
    if not result.after_connect and not result.close_after:
        return
    site_id = result.record.site_id if result.record is not None else None
    dispatch.publish([ev.Event(ev.CONNECTION_ACCEPTED, site_id or "", {
        "connection_id": request.connection_id, "endpoint": request.endpoint,
        "frames": list(result.after_connect), "close": result.close_after,
    })])


def _post_when_open(endpoint: str, connection_id: str, frame: str, deadline: float) -> bool:
    delay = _FIRST_RETRY_SECONDS
    while True:
        if sender.send(endpoint, connection_id, frame):
            return True
        left = deadline - time.time()
        if left <= 0:
            return False
        time.sleep(min(delay, left))
        delay = min(delay * 2, _MAX_RETRY_SECONDS)


def deliver(event: ev.Event) -> None:
    """The deferred listener of `connection.accepted`. Idempotent enough for at-least-once
    delivery: a repeat re-posts the first frames (clients key on `type`) or finds the socket gone."""
    payload = event.payload
    endpoint, connection_id = str(payload["endpoint"]), str(payload["connection_id"])
    accepted = datetime.fromisoformat(event.occurred_at)
    if accepted.tzinfo is None:
        accepted = accepted.replace(tzinfo=timezone.utc)
    deadline = accepted.timestamp() + OPENING_GRACE_SECONDS
    for frame in payload.get("frames") or []:
        if not _post_when_open(endpoint, connection_id, str(frame), deadline):
            logger.info("socket closed before its first frames", extra={"connection_id": connection_id})
            return
    if payload.get("close"):
        sender.close(endpoint, connection_id)
