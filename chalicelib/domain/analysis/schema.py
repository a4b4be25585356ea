"""The shapes every analysis provider must produce (seed 000 section 7), and their validation.

A provider's answer is only used after `MessageInsight.parse` / `ConversationInsight.parse`
accepted it: a model that invents a field, drops one or answers "very high" is treated as
a failed call, never passed on to clients.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Mapping, Protocol, Sequence

INTEREST_LEVELS = ("Low", "Medium", "High")
SENTIMENTS = ("positive", "neutral", "negative")
INTENTS = (
    "purchase_inquiry", "pricing_question", "refund_request", "cancellation", "complaint",
    "technical_support", "account_help", "shipping_inquiry", "gratitude", "greeting",
    "general_question", "other",
)
MAX_KEYWORDS = 8
MAX_TEXT = 1000


class InvalidInsight(ValueError):
    """A provider's answer does not match the documented shape."""


def _text(data: Mapping[str, Any], name: str, *, nullable: bool = False) -> str | None:
    value = data.get(name)
    if value is None and nullable:
        return None
    if not isinstance(value, str) or not value.strip():
        raise InvalidInsight(f"{name} must be a non-empty string")
    return value.strip()[:MAX_TEXT]


def _choice(data: Mapping[str, Any], name: str, allowed: tuple[str, ...]) -> str:
    value = data.get(name)
    if value not in allowed:
        raise InvalidInsight(f"{name} must be one of {', '.join(allowed)}")
    return str(value)


def _percentage(data: Mapping[str, Any], name: str) -> int:
    value = data.get(name)
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 <= value <= 100:
        raise InvalidInsight(f"{name} must be a number from 0 to 100")
    return int(round(value))


def _strings(data: Mapping[str, Any], name: str, limit: int) -> list[str]:
    value = data.get(name)
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise InvalidInsight(f"{name} must be a list of strings")
    cleaned = [item.strip()[:120] for item in value if item.strip()]
    return list(dict.fromkeys(cleaned))[:limit]


@dataclass(frozen=True)
class MessageInsight:
    """POST /api/v1/analysis/message's `data`, and what is stored with each visitor message."""

    suggested_reply: str
    interest_level: str
    conversion_percentage: int
    objection: str | None
    next_action: str
    sentiment: str
    intent: str
    keywords: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def parse(cls, data: Any) -> "MessageInsight":
        if not isinstance(data, Mapping):
            raise InvalidInsight("the answer must be a JSON object")
        objection = data.get("objection")
        if isinstance(objection, str) and objection.strip().lower() in {"", "none", "null", "n/a"}:
            objection = None
        return cls(
            suggested_reply=_text(data, "suggested_reply") or "",
            interest_level=_choice(data, "interest_level", INTEREST_LEVELS),
            conversion_percentage=_percentage(data, "conversion_percentage"),
            objection=_text({"objection": objection}, "objection", nullable=True),
            next_action=_text(data, "next_action") or "",
            sentiment=_choice(data, "sentiment", SENTIMENTS),
            intent=_choice(data, "intent", INTENTS),
            keywords=_strings(data, "keywords", MAX_KEYWORDS),
        )


@dataclass(frozen=True)
class ConversationInsight:
    """GET /api/v1/analysis/conversation/{id}'s `data` (without conversation_id)."""

    overall_sentiment: str
    interest_level: str
    conversion_probability: int
    key_topics: list[str]
    objections_raised: list[str]
    recommended_actions: list[str]
    summary: str

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def parse(cls, data: Any) -> "ConversationInsight":
        if not isinstance(data, Mapping):
            raise InvalidInsight("the answer must be a JSON object")
        return cls(
            overall_sentiment=_choice(data, "overall_sentiment", SENTIMENTS),
            interest_level=_choice(data, "interest_level", INTEREST_LEVELS),
            conversion_probability=_percentage(data, "conversion_probability"),
            key_topics=_strings(data, "key_topics", 10),
            objections_raised=_strings(data, "objections_raised", 10),
            recommended_actions=_strings(data, "recommended_actions", 10),
            summary=_text(data, "summary") or "",
        )


@dataclass(frozen=True)
class Turn:
    """One message of a conversation as the analyzers see it."""

    sender: str  # visitor | support | bot | system
    text: str
    insight: MessageInsight | None = None


@dataclass(frozen=True)
class Usage:
    """What one provider call cost (zero for the local engine)."""

    provider: str
    model: str | None = None
    input_tokens: int = 0
    output_tokens: int = 0
    cost_usd: float = 0.0
    fallback_reason: str | None = None

    @property
    def tokens(self) -> int:
        return self.input_tokens + self.output_tokens


class Analyzer(Protocol):
    """What every provider offers. Each call returns its result and what it cost."""

    name: str
    context_turns: int  # how many earlier messages it wants with a message

    def analyze_message(self, text: str, context: Sequence[Turn] = ()) -> tuple[MessageInsight, Usage]: ...

    def analyze_conversation(self, turns: Sequence[Turn]) -> tuple[ConversationInsight, Usage]: ...

    def suggest_reply(self, text: str, context: Sequence[Turn] = ()) -> tuple[str, Usage]: ...
