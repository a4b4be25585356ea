"""Analysis as the product uses it: which analyzer serves a site, and the three flows.

- `analyze_for_agent`: POST /api/v1/analysis/message (synchronous);
- `analyze_stored_message`: the analysis worker, once per visitor message;
- `conversation_analysis`: GET /api/v1/analysis/conversation/{id}, cached per seq.

`PARLEY_ANALYSIS_PROVIDER=local` (the default) always gives the local engine. With
`bedrock`, a site gets the Bedrock analyzer until its monthly token budget is spent,
then the local engine until the month turns.
"""
from __future__ import annotations

import re
from typing import Any

from chalicelib import metrics
from chalicelib.model import events as ev
from chalicelib.domain.analysis.engine import LocalEngine
from chalicelib.domain.analysis.schema import Analyzer, MessageInsight, Turn, Usage
from chalicelib.domain import inbox, sites
from chalicelib.model.conversations import Message
from chalicelib.model.errors import ValidationFailed
from chalicelib.model.identity import AgentPrincipal, Site, require_site_object
from chalicelib.observability import logger
from chalicelib.settings import get_settings
from chalicelib.store import conversations
from chalicelib.store import insights as store
from chalicelib.store.base import ConditionFailed

CONVERSATION_WINDOW = 200  # the conversation pass reads at most the latest 200 messages


def monthly_budget(site: Site) -> int:
    own = sites.ai_settings(site).get("monthly_token_budget")
    return int(own) if own is not None else get_settings().analysis.monthly_token_budget


def analyzer_for(site_id: str) -> Analyzer:
    """The local engine (no request), or Bedrock while the site's budget lasts
    (1 GetItem for the site's settings + 1 GetItem for its ledger)."""
    settings = get_settings()
    if settings.analysis.provider != "bedrock" or not site_id:
        return LocalEngine()
    site = sites.get(site_id)
    used = store.usage(site_id, store.month_key())
    budget = monthly_budget(site)
    if used["input_tokens"] + used["output_tokens"] >= budget:
        logger.info("AI budget spent; using the local engine", extra={"site_id": site_id, "budget": budget})
        return LocalEngine()
    from chalicelib.domain.analysis.bedrock import BedrockAnalyzer  # on first use: most sites run the local engine

    return BedrockAnalyzer(settings.analysis, settings.region)


def record(site_id: str, usage: Usage) -> None:
    """Every analysis run ends here: counted (metric AnalysisRuns, by provider), and a paid call is
    added to the site's ledger (1 UpdateItem); the local engine costs nothing."""
    metrics.count("AnalysisRuns", provider=usage.provider)
    if usage.tokens and site_id:
        store.add_usage(site_id, store.month_key(), usage.input_tokens, usage.output_tokens, usage.cost_usd)


def usage_report(principal: AgentPrincipal, site_id: str, month: str | None) -> dict[str, Any]:
    """1 GetItem (site) + 1 GetItem (ledger). Another site's usage is a 404, like its other objects."""
    require_site_object(principal, site_id, "Site")
    if month is not None and not re.fullmatch(r"\d{4}-(0[1-9]|1[0-2])", month):
        raise ValidationFailed("month must look like 2026-11", {"field": "month"})
    site = sites.get(site_id)
    settings = get_settings().analysis
    return {**store.usage(site_id, month or store.month_key()), "site_id": site_id,
            "provider": settings.provider, "model": settings.bedrock_model_id if settings.provider == "bedrock" else None,
            "monthly_token_budget": monthly_budget(site), "auto_analysis": auto_analysis_enabled(site)}


def auto_analysis_enabled(site: Site) -> bool:
    return bool(sites.ai_settings(site).get("auto_analysis", True))


def turns_of(messages: list[Message]) -> list[Turn]:
    return [Turn(m.sender_type, m.content or f"[{m.type}]",
                 _stored_insight(m.analysis) if m.sender_type == "visitor" else None) for m in messages]


def _stored_insight(data: dict[str, Any] | None) -> MessageInsight | None:
    if not data:
        return None
    try:
        return MessageInsight.parse({k: v for k, v in data.items() if k != "provider"})
    except ValueError:
        return None  # written by an older version: recompute


def analyze_for_agent(principal: AgentPrincipal, text: str, conversation_id: str | None,
                      visitor_id: str | None) -> MessageInsight:
    """Without a conversation the agent's first site pays; with one, its site (1 Query for the
    conversation and its latest messages, which is also the access check: another site's is a 404)."""
    context: list[Turn] = []
    if conversation_id:
        conversation, messages, _ = inbox.with_latest(principal, conversation_id, 10, None)
        if visitor_id is not None and visitor_id != conversation.visitor_id:
            raise ValidationFailed("visitor_id is not this conversation's visitor", {"field": "visitor_id"})
        site_id = conversation.site_id
        context = turns_of(messages)
    else:
        site_id = principal.agent.site_ids[0] if principal.agent.site_ids else ""
    analyzer = analyzer_for(site_id)
    insight, usage = analyzer.analyze_message(text, context[-analyzer.context_turns:] if analyzer.context_turns else [])
    record(site_id, usage)
    return insight


def analyze_stored_message(site_id: str, conversation_id: str, seq: int) -> list[ev.Event]:
    """The worker's job for one visitor message: analyse it once, store it with the message,
    and raise `analysis.completed`. A redelivered job finds the analysis there and stops.
    Requests: 1 GetItem (message) + 1 UpdateItem; with Bedrock + 1 Query (context), 2 GetItem
    (site, budget) and 1 UpdateItem (ledger)."""
    message = store.get_message(conversation_id, seq)
    if message is None or message.site_id != site_id:
        logger.warning("analysis job for a missing message", extra={"conversation_id": conversation_id, "seq": seq})
        return []
    if message.analysis is not None:
        logger.info("message already analysed; skipping", extra={"message_id": message.message_id})
        return []
    if message.sender_type != "visitor" or not message.content:
        return []
    analyzer = analyzer_for(site_id)
    context: list[Turn] = []
    if analyzer.context_turns:
        earlier, _ = conversations.window(conversation_id, before=seq, after=None, limit=analyzer.context_turns)
        context = turns_of(earlier)
    insight, usage = analyzer.analyze_message(message.content, context)
    record(site_id, usage)
    stored = {**insight.to_dict(), "provider": usage.provider}
    try:
        store.set_message_analysis(conversation_id, seq, stored)
    except ConditionFailed:
        return []  # a concurrent delivery of the same job stored its result first
    return [ev.Event(ev.ANALYSIS_COMPLETED, site_id, {
        "conversation": {"id": conversation_id, "visitor_id": message.visitor_id},
        "message_id": message.message_id, "from": "visitor", "analysis": insight.to_dict(),
    }, conversation_id)]


def conversation_analysis(principal: AgentPrincipal, conversation_id: str) -> tuple[dict[str, Any], bool]:
    """(the aggregate, whether it came from the cache). Unchanged conversation: 1 BatchGetItem.
    Otherwise + 1 Query (latest 200 messages with their stored analyses) + 1 PutItem."""
    conversation, cached = store.conversation_with_analysis(conversation_id)
    conversation = inbox.require_readable(principal, conversation)
    if cached is not None and cached.seq == conversation.seq:
        return cached.data, True
    _, messages, _ = inbox.with_latest(principal, conversation_id, CONVERSATION_WINDOW, None)
    insight, usage = analyzer_for(conversation.site_id).analyze_conversation(turns_of(messages))
    record(conversation.site_id, usage)
    data = insight.to_dict()
    store.save_conversation_analysis(conversation_id, conversation.seq, data, usage.provider)
    return data, False
