"""Seed 004's agent app (/api/v1/agent/*: register, login, me, presence; see agent_app.py).

004's bot-first customer flow (/api/v1/customer/*) is not built: no route here serves it.

Errors use 004's status semantics (400 validation, 401 bad or expired agent
token, 403 access violation, 404 missing, 409 invalid state) with a body
{"detail": <message>, "code": <code>}.
"""
from __future__ import annotations

from typing import Any

from chalicelib.model.errors import DomainError
from chalicelib.surfaces.http import Call, Surface


def render_error(error: DomainError, call: Call) -> tuple[int, dict[str, Any]]:
    body: dict[str, Any] = {"detail": error.message, "code": error.code}
    if error.details:
        body["errors"] = error.details
    return error.status, body


surface = Surface(__name__, render_error)
bp = surface.blueprint

from chalicelib.surfaces.customer_flow import agent_app  # noqa: E402,F401
