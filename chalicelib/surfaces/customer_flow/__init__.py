"""Seed 004: the bot-first customer flow (customer.py), the agent app (agent_app.py: register, login,
me, presence; agent_conversations.py: conversations by mode, messages, close) and its FAQ admin
(faqs.py).

Errors use 004's status semantics (400 validation, 401 bad or expired agent
token, 403 access violation, 404 missing, 409 invalid state) with a body
{"detail": <message>, "code": <code>}.
"""
from __future__ import annotations

from typing import Any

from chalicelib.model.errors import DomainError
from chalicelib.surfaces.customer_flow.schemas import Error
from chalicelib.surfaces.http import Call, Description, Surface


def render_error(error: DomainError, call: Call) -> tuple[int, dict[str, Any]]:
    body: dict[str, Any] = {"detail": error.message, "code": error.code}
    if error.details:
        body["errors"] = error.details
    return error.status, body


surface = Surface(__name__, render_error, Description(
    seed="004", title="Bot-first customer flow and agent app", error=Error,
    summary="Customers ask the bot (quick questions, free text) and escalate to an agent, proved by "
            "X-Customer-Session-Id; agents register, log in, set presence and answer; admins manage FAQs."))
bp = surface.blueprint

from chalicelib.surfaces.customer_flow import agent_app, agent_conversations, customer, faqs  # noqa: E402,F401
