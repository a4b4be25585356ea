"""Seed 001: visitor chat sessions over HTTP (/chat/start-session/, /chat/upload-file/,
/chat/history/{session_id}/). The WebSocket half is chalicelib/realtime/visitor_chat.py.

Envelope: {"message", "data"} on success; {"message", "errors"?} on failure, with the status
the error carries (`errors` = {field: [message]} when one field is at fault). The documented
paths end in '/': API Gateway (and the local gateway, and Chalice's local server) route
`/chat/start-session/` to the resource `/chat/start-session`, so both spellings work.
"""
from __future__ import annotations

from typing import Any

from chalicelib.model.errors import DomainError
from chalicelib.render import visitor_chat as shapes
from chalicelib.surfaces.http import Call, Description, Surface
from chalicelib.surfaces.visitor_chat.schemas import Error


def render_error(error: DomainError, call: Call) -> tuple[int, dict[str, Any]]:
    field = (error.details or {}).get("field")
    return error.status, shapes.error(error.message, field if isinstance(field, str) else None)


surface = Surface(__name__, render_error, Description(
    seed="001", title="Visitor chat sessions", error=Error,
    summary="Start a chat session with a business, upload files for its socket, read its history "
            "(the WebSocket half: docs/api-001-visitor-chat.md)."))
bp = surface.blueprint

from chalicelib.surfaces.visitor_chat import sessions  # noqa: E402,F401
