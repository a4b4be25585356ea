"""Chalice middleware: a request id on every log line and, for HTTP, on every response (X-Request-Id);
every invocation's metrics written when it ends (chalicelib/metrics.py).

Powertools' decorators expect a raw `(event, context)` handler, which Chalice
hides, so a Chalice middleware binds the request id instead. Keys are bound
thread-locally: the local stack runs several invocations at once in threads.
"""
from __future__ import annotations

from typing import Any, Callable

from chalice import Chalice, Response
from chalice.app import Request

from chalicelib import metrics
from chalicelib.observability import bind_request_id as bind
from chalicelib.observability import logger, request_id_from, unbind_request_id


def lambda_context_of(event: Any) -> Any:
    """The Lambda context Chalice keeps on its event (None when there is none)."""
    return event.lambda_context if isinstance(event, Request) else getattr(event, "context", None)


def request_id_of(event: Any) -> str | None:
    """API Gateway's request id for REST/WebSocket events; the Lambda request id otherwise."""
    if isinstance(event, Request):
        request_id = (event.context or {}).get("requestId")
    else:
        raw = event.to_dict() if hasattr(event, "to_dict") else {}
        request_id = (raw.get("requestContext") or {}).get("requestId") if isinstance(raw, dict) else None
    if request_id:
        return str(request_id)
    return getattr(lambda_context_of(event), "aws_request_id", None)


def bind_request_id(event: Any, get_response: Callable[[Any], Any]) -> Any:
    """HTTP: the caller's X-Request-Id when sane (else a new uuid) is logged, quoted by error bodies
    and sent back as X-Request-Id on every response; API Gateway's own id is logged beside it.
    WebSocket and SQS: API Gateway's or Lambda's request id."""
    if isinstance(event, Request):
        request_id = request_id_from((event.headers or {}).get("x-request-id"))
        logger.thread_safe_append_keys(apigw_request_id=request_id_of(event))
    else:
        request_id = request_id_of(event) or request_id_from(None)
    bind(request_id)
    try:
        with metrics.invocation(getattr(lambda_context_of(event), "function_name", None)):
            response = get_response(event)
        if isinstance(response, Response):
            response.headers["X-Request-Id"] = request_id
        return response
    finally:
        unbind_request_id()
        logger.thread_safe_remove_keys(["apigw_request_id"])


def install(app: Chalice) -> None:
    app.register_middleware(bind_request_id, "all")
