"""Chalice middleware: a request id on every log line.

Powertools' decorators expect a raw `(event, context)` handler, which Chalice
hides, so a Chalice middleware binds the request id instead. Keys are bound
thread-locally: the local stack runs several invocations at once in threads.
"""
from __future__ import annotations

from typing import Any, Callable

from chalice import Chalice
from chalice.app import Request

from chalicelib.observability import logger


def request_id_of(event: Any) -> str | None:
    """API Gateway's request id for REST/WebSocket events; the Lambda request id otherwise."""
    if isinstance(event, Request):
        request_id = (event.context or {}).get("requestId")
        context = event.lambda_context
    else:
        raw = event.to_dict() if hasattr(event, "to_dict") else {}
        request_id = (raw.get("requestContext") or {}).get("requestId") if isinstance(raw, dict) else None
        context = getattr(event, "context", None)
    if request_id:
        return str(request_id)
    return getattr(context, "aws_request_id", None)


def bind_request_id(event: Any, get_response: Callable[[Any], Any]) -> Any:
    logger.thread_safe_append_keys(request_id=request_id_of(event))
    try:
        return get_response(event)
    finally:
        logger.thread_safe_remove_keys(["request_id"])


def install(app: Chalice) -> None:
    app.register_middleware(bind_request_id, "all")
