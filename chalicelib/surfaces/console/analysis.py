"""Seed 000 section 7: AI analysis of a message, and of a whole conversation (agents only)."""
from __future__ import annotations

from typing import Any

from chalicelib.domain.analysis import service
from chalicelib import parsing as params
from chalicelib.surfaces.console import ok, surface
from chalicelib.surfaces.http import Call, agent

MAX_MESSAGE_CHARS = 10_000  # the same cap as a chat message


@surface.route("/api/v1/analysis/message", methods=["POST"], auth=agent, limit="analysis")
def analyze_message(call: Call, principal: Any) -> dict[str, Any]:
    body = call.body()
    params.only(body, {"message", "conversation_id", "visitor_id"})
    insight = service.analyze_for_agent(
        principal,
        params.required_text(body, "message", max_length=MAX_MESSAGE_CHARS),
        params.text(body, "conversation_id", required=False, max_length=64),
        params.text(body, "visitor_id", required=False, max_length=128),
    )
    return ok(insight.to_dict())


@surface.route("/api/v1/analysis/conversation/{conversation_id}", methods=["GET"], auth=agent, limit="analysis")
def analyze_conversation(call: Call, principal: Any, conversation_id: str) -> dict[str, Any]:
    data, _cached = service.conversation_analysis(principal, conversation_id)
    return ok({"conversation_id": conversation_id, **data})


@surface.route("/api/v1/analysis/usage", methods=["GET"], auth=agent)
def usage(call: Call, principal: Any) -> dict[str, Any]:
    """A site's AI spend this month (or `month=YYYY-MM`) against its budget: what Bedrock cost."""
    site_id = params.required_text(call.query, "site_id", max_length=64)
    month = params.text(call.query, "month", required=False, max_length=7)
    return ok(service.usage_report(principal, site_id, month))
