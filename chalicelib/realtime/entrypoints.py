"""The three WebSocket routes, dialect-agnostic: $connect, $default, $disconnect.

app.py binds these to Chalice's `on_ws_*` decorators. They turn API Gateway's
event into a ConnectRequest, hand it to the dialect, and keep the connections
table in step. A dict returned from $connect becomes API Gateway's answer to
the upgrade: a non-2xx status rejects it; a Sec-WebSocket-Protocol header
completes subprotocol negotiation (browsers drop the socket without it).
"""
from __future__ import annotations

import json
from typing import Any

from chalice.app import WebsocketEvent

from chalicelib.domain import connections
from chalicelib.integrations.sockets import management_endpoint
from chalicelib.model.connections import ConnectionRecord
from chalicelib.observability import logger
from chalicelib.realtime import after_connect, dialects
from chalicelib.settings import get_settings


def _connect_request(event: WebsocketEvent) -> dialects.ConnectRequest:
    raw = event.to_dict()
    context = raw.get("requestContext", {})
    return dialects.ConnectRequest(
        connection_id=event.connection_id,
        endpoint=management_endpoint(get_settings(), context.get("apiId", ""), event.stage),
        query=dict(raw.get("queryStringParameters") or {}),
        headers={k.lower(): v for k, v in (raw.get("headers") or {}).items()},
        source_ip=(context.get("identity") or {}).get("sourceIp"),
    )


def on_connect(event: WebsocketEvent) -> dict[str, Any]:
    request = _connect_request(event)
    dialect = dialects.find_for(request)
    if dialect is None:
        logger.info("websocket rejected: no dialect matches", extra={"query": sorted(request.query)})
        return {"statusCode": 400, "body": json.dumps({"message": "Unknown realtime protocol"})}
    result = dialect.connect(request)
    if not 200 <= result.status < 300:
        return {"statusCode": result.status, "body": json.dumps(result.body or {})}
    if result.record is not None:
        try:
            # Before saving: API Gateway answers Gone to posts until $connect returns, so the new
            # socket must not be among the recipients of what this publishes.
            dialect.accepted(result.record)
        except Exception:  # presence is best effort; the socket is still accepted
            logger.exception("accept step failed", extra={"connection_id": request.connection_id})
        connections.record(result.record, result.audiences)
    after_connect.schedule(request, result)  # what the socket hears once open (seed 001's first frames)
    response: dict[str, Any] = {"statusCode": result.status}
    if result.subprotocol:
        response["headers"] = {"Sec-WebSocket-Protocol": result.subprotocol}
    return response


def on_message(event: WebsocketEvent) -> dict[str, Any]:
    record = connections.find(event.connection_id)
    dialect = dialects.by_name(record.dialect) if record else None
    if record is None or dialect is None:
        # A frame on a connection we never accepted or already dropped: nothing to route.
        logger.warning("websocket frame for an unknown connection", extra={"connection_id": event.connection_id})
        return {"statusCode": 410}
    dialect.message(record, event.body)
    return {"statusCode": 200}


def on_disconnect(event: WebsocketEvent) -> dict[str, Any]:
    context = event.to_dict().get("requestContext", {})
    record = connections.find(event.connection_id)
    if record is not None:
        _drop(record, context.get("disconnectStatusCode"), context.get("disconnectReason"))
    return {"statusCode": 200}


def forget(connection_id: str, reason: str) -> None:
    """A connection that vanished without $disconnect (a post answered Gone): drop it the same way."""
    record = connections.find(connection_id)
    if record is None:
        connections.forget(connection_id)
        return
    if connections.still_opening(record):
        return  # not gone: API Gateway answers Gone until $connect returns
    _drop(record, None, reason)


def _drop(record: ConnectionRecord, status_code: int | None, reason: str | None) -> None:
    # Delete first, so the dialect's presence count no longer sees this connection.
    connections.forget(record.connection_id)
    dialect = dialects.by_name(record.dialect)
    if dialect is not None:
        try:
            dialect.disconnect(record, status_code, reason)
        except Exception:
            logger.exception("disconnect step failed", extra={"connection_id": record.connection_id})
