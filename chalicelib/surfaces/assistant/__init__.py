"""Seed 002: the AI-assistant chat API under /chat (conversations, messages, AI responses,
analytics, search). docs/api-002-assistant.md.

Envelope: {"success": true, "message", "data"} on success; {"success": false, "message",
"errors"?} on failure, with the status the error carries (`errors` = {field: [message]} when
fields are at fault). Callers are end users with their visitor token as `Authorization: Bearer`;
the global analytics are for a site admin's agent token.
"""
from __future__ import annotations

from typing import Any

from chalicelib.model.errors import DomainError
from chalicelib.render import assistant as shapes
from chalicelib.surfaces.assistant.schemas import Error
from chalicelib.surfaces.http import Call, Description, Surface


def render_error(error: DomainError, call: Call) -> tuple[int, dict[str, Any]]:
    details = error.details or {}
    errors: dict[str, list[str]] | None = None
    if isinstance(details.get("field"), str):
        errors = {details["field"]: [error.message]}
    elif isinstance(details.get("fields"), list):
        errors = {str(name): ["is not allowed here"] for name in details["fields"]}
    return error.status, shapes.error(error.message, errors)


surface = Surface(__name__, render_error, Description(
    seed="002", title="AI assistant chat API", error=Error,
    summary="End users' conversations with a site's AI assistants under /chat: messages, AI responses with "
            "tokens and cost, analytics and message search."))
bp = surface.blueprint

from chalicelib.surfaces.assistant import analytics, conversations  # noqa: E402,F401
