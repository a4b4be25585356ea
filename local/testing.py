"""Test-only handlers for the local stack's end-to-end tests. Never deployed.

Mounted by app.py only on the local stage with PARLEY_TEST_HANDLERS=1:
- the `echo` WebSocket dialect (`?dialect=echo`): echoes every frame back
  through @connections via the app's one sender; `&reject=<status>` refuses the
  handshake; a requested subprotocol is chosen (the first one offered);
- an SQS consumer on the `test-echo` queue (Powertools batch processing):
  a body {"id": ..., "fail_times": n} fails n times before it succeeds;
  {"id": ..., "poison": true} always fails;
- GET /_test/log: what those handlers saw, in order;
- POST /_test/send: post a frame to any connection id through the sender;
- ANY /_test/echo-request/{name}: the request as the app received it.
"""
from __future__ import annotations

import base64
import json
import threading
from collections import Counter
from datetime import datetime, timedelta, timezone
from typing import Any

from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord
from chalice import Blueprint, Response
from chalice.app import SQSEvent

from chalicelib.realtime import dialects
from chalicelib.integrations import sockets as sender
from chalicelib.resources import QueueSpec
from chalicelib.settings import get_settings
from chalicelib.store import connections
from chalicelib.store.connections import ConnectionRecord

ECHO_QUEUE = QueueSpec(name="test-echo", visibility_timeout=1, max_receive_count=3, consumer_timeout=5, batch_size=5)

bp = Blueprint(__name__)
_log: list[dict[str, Any]] = []
_log_lock = threading.Lock()
_attempts: Counter[str] = Counter()


def _record(entry: dict[str, Any]) -> None:
    with _log_lock:
        _log.append(entry)


class EchoDialect:
    name = "echo"

    def matches(self, request: dialects.ConnectRequest) -> bool:
        return request.query.get("dialect") == "echo"

    def connect(self, request: dialects.ConnectRequest) -> dialects.ConnectResult:
        reject = request.query.get("reject")
        if reject and reject.isdigit():
            return dialects.ConnectResult.reject(int(reject), "rejected on request")
        offered = request.subprotocols()
        _record({"event": "connect", "connection_id": request.connection_id})
        return dialects.ConnectResult(
            subprotocol=offered[0] if offered else None,
            record=ConnectionRecord(connection_id=request.connection_id, dialect=self.name, endpoint=request.endpoint),
        )

    def accepted(self, connection: ConnectionRecord) -> None:
        pass

    def message(self, connection: ConnectionRecord, body: str) -> None:
        sender.send(connection.endpoint, connection.connection_id, body)

    def disconnect(self, connection: ConnectionRecord, status_code: int | None, reason: str | None) -> None:
        _record({"event": "disconnect", "connection_id": connection.connection_id, "status_code": status_code})


dialects.register(EchoDialect())


@bp.route("/_test/log", methods=["GET"])
def test_log() -> dict[str, Any]:
    with _log_lock:
        return {"entries": list(_log)}


@bp.route("/_test/send", methods=["POST"])
def test_send() -> dict[str, Any]:
    body = bp.current_request.json_body or {}
    endpoint = get_settings().ws_management_endpoint or ""
    return {"delivered": sender.send(endpoint, str(body.get("connection_id", "")), str(body.get("data", "")))}


@bp.route("/_test/connections", methods=["POST"])
def test_stale_connection() -> dict[str, Any]:
    """Record a connection whose socket does not exist: what a missed $disconnect leaves behind."""
    body = bp.current_request.json_body or {}
    record = ConnectionRecord(
        connection_id=str(body["connection_id"]), dialect=str(body.get("dialect", "console")),
        endpoint=get_settings().ws_management_endpoint or "", site_id=body.get("site_id"), role=body.get("role"),
        principal_id=body.get("principal_id"), data=body.get("data"),
        connected_at=datetime.now(timezone.utc) - timedelta(seconds=float(body.get("age_seconds", 60))),
    )
    connections.save_connection(record, [str(a) for a in body.get("audiences", [])])
    return {"connection_id": record.connection_id}


@bp.route("/_test/connections", methods=["GET"])
def test_audience_connections() -> dict[str, Any]:
    audience = (bp.current_request.query_params or {}).get("audience", "")
    return {"connection_ids": sorted(r.connection_id for r in connections.recipients(audience))}


@bp.route("/_test/connections/{connection_id}", methods=["GET"])
def test_connection(connection_id: str) -> Any:
    record = connections.get_connection(connection_id)
    if record is None:
        return Response(body={"found": False}, status_code=404)
    return {"found": True, "role": record.role, "principal_id": record.principal_id, "site_id": record.site_id}


@bp.route("/_test/echo-request/{name}", methods=["GET", "POST", "PUT", "PATCH", "DELETE"],
          content_types=["application/json", "multipart/form-data", "application/octet-stream", "text/plain"])
def test_echo_request(name: str) -> dict[str, Any]:
    request = bp.current_request
    raw = request.raw_body or b""
    return {
        "name": name,
        "method": request.method,
        "query": dict(request.query_params or {}),
        "content_type": request.headers.get("content-type"),
        "body_base64": base64.b64encode(raw if isinstance(raw, bytes) else raw.encode()).decode(),
        "request_id": request.context.get("requestId"),
    }


def _handle_echo_record(record: SQSRecord) -> None:
    body = json.loads(record.body)
    key = str(body.get("id"))
    with _log_lock:
        _attempts[key] += 1
        attempt = _attempts[key]
    if body.get("poison") or attempt <= int(body.get("fail_times", 0)):
        _record({"event": "sqs_failed", "id": key, "attempt": attempt})
        raise RuntimeError(f"failing {key} on attempt {attempt} as asked")
    _record({"event": "sqs_processed", "id": key, "attempt": attempt})


@bp.on_sqs_message(queue=get_settings().queue_name(ECHO_QUEUE.name), batch_size=ECHO_QUEUE.batch_size)
def echo_worker(event: SQSEvent) -> dict[str, Any]:
    processor = BatchProcessor(event_type=EventType.SQS, raise_on_entire_batch_failure=False)
    return process_partial_response(
        event=event.to_dict(), record_handler=_handle_echo_record, processor=processor, context=event.context
    )
