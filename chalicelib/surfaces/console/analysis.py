"""Seed 000 section 7: AI analysis of a message, and of a whole conversation (agents only)."""
from __future__ import annotations

from typing import Any

from chalicelib.domain.analysis import service
from chalicelib.surfaces.console import ok, surface
from chalicelib.surfaces.console.chat_schemas import (
    AiUsage,
    AnalyzeMessage,
    ConversationInsight,
    MessageInsight,
    UsageQuery,
)
from chalicelib.surfaces.console.schemas import Ok, stripped
from chalicelib.surfaces.http import Call, agent


@surface.route("/api/v1/analysis/message", methods=["POST"], auth=agent, limit="analysis", body=AnalyzeMessage,
               responses={200: Ok[MessageInsight]}, errors=(404,))
def analyze_message(call: Call, principal: Any, body: AnalyzeMessage) -> dict[str, Any]:
    """Analyse a customer message: a suggested reply, interest, intent, sentiment, objection

    With conversation_id, its latest messages are the context (another site's conversation is a 404);
    visitor_id, when given, must be that conversation's visitor."""
    insight = service.analyze_for_agent(principal, body.message.strip(), stripped(body.conversation_id),
                                        stripped(body.visitor_id))
    return ok(insight.to_dict())


@surface.route("/api/v1/analysis/conversation/{conversation_id}", methods=["GET"], auth=agent, limit="analysis",
               responses={200: Ok[ConversationInsight]})
def analyze_conversation(call: Call, principal: Any, conversation_id: str) -> dict[str, Any]:
    """The analysis of a whole conversation: sentiment, interest, topics, objections, next steps

    Computed again only when the conversation has new messages."""
    data, _cached = service.conversation_analysis(principal, conversation_id)
    return ok({"conversation_id": conversation_id, **data})


@surface.route("/api/v1/analysis/usage", methods=["GET"], auth=agent, query=UsageQuery,
               responses={200: Ok[AiUsage]}, errors=(404,))
def usage(call: Call, principal: Any, query: UsageQuery) -> dict[str, Any]:
    """A site's AI spend this month (or `month=YYYY-MM`) against its budget: what Bedrock cost

    Another site's is a 404."""
    return ok(service.usage_report(principal, query.site_id.strip(), stripped(query.month)))
