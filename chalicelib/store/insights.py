"""AI analysis results and the per-site usage ledger (rows in `chats`, see models.py)."""
from __future__ import annotations

from typing import Any

from chalicelib.model.analysis import CachedAnalysis
from chalicelib.model.conversations import Conversation, Message
from chalicelib.store.base import now, update_if
from chalicelib.store.conversations import conversation_of, message_of
from chalicelib.store.models import (
    AiUsageItem,
    ChatItem,
    ConversationAnalysisItem,
    ConversationItem,
    MessageItem,
)


def get_message(conversation_id: str, seq: int) -> Message | None:
    """1 GetItem (strongly consistent: the worker runs right after the send)."""
    try:
        return message_of(MessageItem.get(*MessageItem.key(conversation_id, seq), consistent_read=True))
    except MessageItem.DoesNotExist:
        return None


def set_message_analysis(conversation_id: str, seq: int, analysis: dict[str, Any]) -> None:
    """Store a message's analysis once. 1 UpdateItem; ConditionFailed when it already had one
    (a redelivered job) or the message is gone."""
    update_if(MessageItem(*MessageItem.key(conversation_id, seq)), [MessageItem.analysis.set(analysis)],
              MessageItem.pk.exists() & MessageItem.analysis.does_not_exist())


def conversation_with_analysis(conversation_id: str) -> tuple[Conversation | None, CachedAnalysis | None]:
    """The conversation and its cached aggregate: 1 BatchGetItem of two keys."""
    conversation, cached = None, None
    for item in ChatItem.batch_get([ConversationItem.key(conversation_id),
                                    ConversationAnalysisItem.key(conversation_id)]):
        if isinstance(item, ConversationItem):
            conversation = conversation_of(item)
        elif isinstance(item, ConversationAnalysisItem):
            cached = CachedAnalysis(int(item.seq), dict(item.data), item.provider)
    return conversation, cached


def save_conversation_analysis(conversation_id: str, seq: int, data: dict[str, Any], provider: str) -> None:
    """1 PutItem. Last writer wins: both computed a valid answer for a seq they read."""
    pk, sk = ConversationAnalysisItem.key(conversation_id)
    ConversationAnalysisItem(pk=pk, sk=sk, seq=seq, data=data, provider=provider, created_at=now()).save()


def month_key() -> str:
    return now().strftime("%Y-%m")


def usage(site_id: str, month: str) -> dict[str, Any]:
    """1 GetItem: the month's calls, tokens and cost."""
    try:
        item = AiUsageItem.get(*AiUsageItem.key(site_id, month))
    except AiUsageItem.DoesNotExist:
        return {"month": month, "calls": 0, "input_tokens": 0, "output_tokens": 0, "cost_usd": 0.0}
    return {"month": month, "calls": int(item.calls or 0), "input_tokens": int(item.input_tokens or 0),
            "output_tokens": int(item.output_tokens or 0), "cost_usd": round(float(item.cost_usd or 0), 6)}


def add_usage(site_id: str, month: str, input_tokens: int, output_tokens: int, cost_usd: float) -> None:
    """1 UpdateItem (ADD): concurrent calls add up, none is lost."""
    AiUsageItem(*AiUsageItem.key(site_id, month)).update(actions=[
        AiUsageItem.kind.set(AiUsageItem),
        AiUsageItem.calls.add(1),
        AiUsageItem.input_tokens.add(input_tokens),
        AiUsageItem.output_tokens.add(output_tokens),
        AiUsageItem.cost_usd.add(cost_usd),
    ])
