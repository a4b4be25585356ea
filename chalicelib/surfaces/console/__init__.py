"""Seed 000: the support console and visitor widget API under /api/v1.

Envelope: {"success": true, "data": ...} on success,
{"success": false, "error": {"code", "message"}} on failure.
"""
from __future__ import annotations

from typing import Any

from chalicelib.model.errors import DomainError
from chalicelib.surfaces.console.schemas import Error
from chalicelib.surfaces.http import Call, Description, Surface


def render_error(error: DomainError, call: Call) -> tuple[int, dict[str, Any]]:
    body: dict[str, Any] = {"code": error.code, "message": error.message}
    if error.details:
        body["details"] = error.details
    return error.status, {"success": False, "error": body}


def ok(data: Any = None, **extra: Any) -> dict[str, Any]:
    body: dict[str, Any] = {"success": True}
    if data is not None:
        body["data"] = data
    body.update(extra)
    return body


surface = Surface(__name__, render_error, Description(
    seed="000", title="Support console and visitor widget API", error=Error,
    summary="Agents, sites, conversations, messages, files, visitors, analytics and AI analysis under /api/v1."))
bp = surface.blueprint

# Route modules register on `surface` when imported.
from chalicelib.surfaces.console import (  # noqa: E402,F401
    activity,
    admin,
    agents,
    analysis,
    analytics,
    assistants,
    auth,
    conversations,
    files,
    invitations,
    messages,
    notifications,
    sites,
    visitors,
)
