"""API Gateway's event and response shapes, built for the gateway emulator.

Pure functions (no sockets), so their shapes are unit-tested against what API
Gateway documents for REST proxy integrations and WebSocket APIs.
"""
from __future__ import annotations

import base64
import fnmatch
import secrets
import time
import uuid
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any, Iterable, Mapping
from urllib.parse import parse_qsl, urlsplit

API_ID = "local"  # stands in for the API Gateway API id
ACCOUNT_ID = "123456789012"
MAX_WS_MESSAGE_BYTES = 128 * 1024  # API Gateway WebSocket message payload cap
MAX_REST_PAYLOAD_BYTES = 10 * 1024 * 1024  # API Gateway REST payload cap
MAX_LAMBDA_PAYLOAD_BYTES = 6 * 1024 * 1024  # synchronous Lambda invoke cap


def new_connection_id() -> str:
    # API Gateway ids look like "L0SM9cOFvHcCIhw=": 16 url-safe characters.
    return base64.urlsafe_b64encode(secrets.token_bytes(11)).decode("ascii")


def request_time(now: float) -> str:
    return datetime.fromtimestamp(now, tz=timezone.utc).strftime("%d/%b/%Y:%H:%M:%S +0000")


def _header_maps(headers: Iterable[tuple[str, str]]) -> tuple[dict[str, str], dict[str, list[str]]]:
    single: dict[str, str] = {}
    multi: dict[str, list[str]] = {}
    for name, value in headers:
        single[name] = value  # API Gateway keeps the last value in `headers`
        multi.setdefault(name, []).append(value)
    return single, multi


def _query_maps(query: str) -> tuple[dict[str, str] | None, dict[str, list[str]] | None]:
    pairs = parse_qsl(query, keep_blank_values=True)
    if not pairs:
        return None, None  # API Gateway sends null, not {}, when there is no query
    single: dict[str, str] = {}
    multi: dict[str, list[str]] = {}
    for name, value in pairs:
        single[name] = value
        multi.setdefault(name, []).append(value)
    return single, multi


def media_type(content_type: str | None) -> str:
    return (content_type or "").split(";", 1)[0].strip().lower()


def is_binary(content_type: str | None, binary_types: Iterable[str]) -> bool:
    """API Gateway's binaryMediaTypes match: the media type, with */* style wildcards."""
    kind = media_type(content_type)
    return bool(kind) and any(fnmatch.fnmatchcase(kind, pattern.lower()) for pattern in binary_types)


@dataclass(frozen=True)
class RouteMatch:
    resource: str
    path_parameters: dict[str, str]


def normalise_path(path: str) -> str:
    """API Gateway drops a trailing slash (seed 001 documents paths that end in '/')."""
    return path[:-1] if len(path) > 1 and path.endswith("/") else path


def match_route(path: str, resources: Iterable[str]) -> RouteMatch | None:
    """Match a concrete path to a Chalice route: literal segments before {captures}."""
    parts = normalise_path(path).split("/")
    best: tuple[int, RouteMatch] | None = None
    for resource in resources:
        template = resource.split("/")
        if len(template) != len(parts):
            continue
        captured: dict[str, str] = {}
        literal = 0
        for actual, expected in zip(parts, template):
            if expected.startswith("{") and expected.endswith("}"):
                if not actual:
                    break
                captured[expected[1:-1]] = actual
            elif actual != expected:
                break
            else:
                literal += 1
        else:
            if best is None or literal > best[0]:
                best = (literal, RouteMatch(resource, captured))
    return best[1] if best else None


def rest_event(
    *,
    method: str,
    raw_path: str,
    headers: Iterable[tuple[str, str]],
    body: bytes,
    route: RouteMatch,
    stage: str,
    domain: str,
    source_ip: str,
    binary_types: Iterable[str],
    now: float | None = None,
) -> dict[str, Any]:
    """A REST API (v1) Lambda proxy event."""
    now = time.time() if now is None else now
    split = urlsplit(raw_path)
    path = normalise_path(split.path)
    single, multi = _header_maps(headers)
    query, multi_query = _query_maps(split.query)
    lowered = {k.lower(): v for k, v in single.items()}
    if not body:
        event_body, encoded = None, False
    elif is_binary(lowered.get("content-type"), binary_types):
        event_body, encoded = base64.b64encode(body).decode("ascii"), True
    else:
        event_body, encoded = body.decode("utf-8", errors="replace"), False
    request_id = str(uuid.uuid4())
    return {
        "resource": route.resource,
        "path": path,
        "httpMethod": method,
        "headers": single or None,
        "multiValueHeaders": multi or None,
        "queryStringParameters": query,
        "multiValueQueryStringParameters": multi_query,
        "pathParameters": route.path_parameters or None,
        "stageVariables": None,
        "requestContext": {
            "resourceId": "local",
            "resourcePath": route.resource,
            "httpMethod": method,
            "extendedRequestId": request_id,
            "requestTime": request_time(now),
            "path": f"/{stage}{path}",
            "accountId": ACCOUNT_ID,
            "protocol": "HTTP/1.1",
            "stage": stage,
            "domainPrefix": domain.split(".", 1)[0],
            "requestTimeEpoch": int(now * 1000),
            "requestId": request_id,
            "identity": {"sourceIp": source_ip, "userAgent": lowered.get("user-agent")},
            "domainName": domain,
            "apiId": API_ID,
        },
        "body": event_body,
        "isBase64Encoded": encoded,
    }


def rest_response(result: Mapping[str, Any]) -> tuple[int, list[tuple[str, str]], bytes]:
    """Status, header pairs and body bytes from a Lambda proxy response."""
    status = int(result.get("statusCode", 200))
    pairs: list[tuple[str, str]] = [(k, str(v)) for k, v in (result.get("headers") or {}).items()]
    for name, values in (result.get("multiValueHeaders") or {}).items():
        pairs.extend((name, str(v)) for v in values)
    body = result.get("body")
    if body is None:
        data = b""
    elif result.get("isBase64Encoded"):
        data = base64.b64decode(body)
    else:
        data = body.encode("utf-8") if isinstance(body, str) else bytes(body)
    return status, pairs, data


def _ws_context(
    *, route_key: str, event_type: str, connection_id: str, stage: str, domain: str, connected_at: int,
    source_ip: str | None = None, user_agent: str | None = None, now: float | None = None,
) -> dict[str, Any]:
    now = time.time() if now is None else now
    request_id = str(uuid.uuid4())
    context: dict[str, Any] = {
        "routeKey": route_key,
        "eventType": event_type,
        "extendedRequestId": request_id,
        "requestTime": request_time(now),
        "messageDirection": "IN",
        "stage": stage,
        "connectedAt": connected_at,
        "requestTimeEpoch": int(now * 1000),
        "requestId": request_id,
        "domainName": domain,
        "connectionId": connection_id,
        "apiId": API_ID,
    }
    if source_ip is not None:
        context["identity"] = {"sourceIp": source_ip, "userAgent": user_agent}
    return context


def ws_connect_event(
    *, connection_id: str, headers: Iterable[tuple[str, str]], query: str, stage: str, domain: str,
    source_ip: str, connected_at: int,
) -> dict[str, Any]:
    single, multi = _header_maps(headers)
    params, multi_params = _query_maps(query)
    event: dict[str, Any] = {
        "headers": single,
        "multiValueHeaders": multi,
        "requestContext": _ws_context(
            route_key="$connect", event_type="CONNECT", connection_id=connection_id, stage=stage, domain=domain,
            connected_at=connected_at, source_ip=source_ip,
            user_agent={k.lower(): v for k, v in single.items()}.get("user-agent"),
        ),
        "isBase64Encoded": False,
    }
    if params is not None:
        event["queryStringParameters"] = params
        event["multiValueQueryStringParameters"] = multi_params
    return event


def ws_message_event(
    *, connection_id: str, data: str | bytes, stage: str, domain: str, connected_at: int, source_ip: str,
) -> dict[str, Any]:
    context = _ws_context(
        route_key="$default", event_type="MESSAGE", connection_id=connection_id, stage=stage, domain=domain,
        connected_at=connected_at, source_ip=source_ip,
    )
    context["messageId"] = base64.urlsafe_b64encode(secrets.token_bytes(11)).decode("ascii")
    if isinstance(data, bytes):
        return {"requestContext": context, "body": base64.b64encode(data).decode("ascii"), "isBase64Encoded": True}
    return {"requestContext": context, "body": data, "isBase64Encoded": False}


def ws_disconnect_event(
    *, connection_id: str, stage: str, domain: str, connected_at: int, source_ip: str,
    status_code: int, reason: str,
) -> dict[str, Any]:
    context = _ws_context(
        route_key="$disconnect", event_type="DISCONNECT", connection_id=connection_id, stage=stage, domain=domain,
        connected_at=connected_at, source_ip=source_ip,
    )
    context["disconnectStatusCode"] = status_code
    context["disconnectReason"] = reason
    return {
        "headers": {"Host": domain, "x-api-key": "", "X-Forwarded-For": "", "x-restapi": ""},
        "multiValueHeaders": {"Host": [domain], "x-api-key": [""], "X-Forwarded-For": [""], "x-restapi": [""]},
        "requestContext": context,
        "isBase64Encoded": False,
    }


def sqs_record(message: Mapping[str, Any], queue_arn: str, region: str) -> dict[str, Any]:
    """One record of an SQS-triggered Lambda event, from a ReceiveMessage result."""
    attributes = message.get("Attributes", {})
    return {
        "messageId": message["MessageId"],
        "receiptHandle": message["ReceiptHandle"],
        "body": message["Body"],
        "attributes": {
            "ApproximateReceiveCount": attributes.get("ApproximateReceiveCount", "1"),
            "SentTimestamp": attributes.get("SentTimestamp", ""),
            "SenderId": attributes.get("SenderId", ""),
            "ApproximateFirstReceiveTimestamp": attributes.get("ApproximateFirstReceiveTimestamp", ""),
        },
        "messageAttributes": {
            name: {
                "stringValue": value.get("StringValue"),
                "binaryValue": base64.b64encode(value["BinaryValue"]).decode("ascii") if value.get("BinaryValue") else None,
                "stringListValues": [],
                "binaryListValues": [],
                "dataType": value.get("DataType"),
            }
            for name, value in message.get("MessageAttributes", {}).items()
        },
        "md5OfBody": message.get("MD5OfBody", ""),
        "eventSource": "aws:sqs",
        "eventSourceARN": queue_arn,
        "awsRegion": region,
    }
