"""Seed 002's values: a site's AI assistants, an end user's conversations with them, their messages,
and what one write adds to the analytics counters.

An end user is a site's visitor (its visitor token is the JWT of seed 002); `user_id` is its
visitor_id. Conversation and message ids are integers (JavaScript-safe, < 2^53), assistant ids are
small integers per site (the demo site's "Customer Service Agent" is 5).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

PROVIDERS = ("local", "bedrock")
SENDERS = ("user", "agent")
LIST_BUCKETS = ("live", "archived")  # a user's conversations: not archived | archived


@dataclass(frozen=True)
class Assistant:
    site_id: str
    assistant_id: int
    name: str
    instructions: str | None
    provider: str  # local | bedrock
    model_id: str | None  # None: the deployment's model (settings.analysis.bedrock_model_id)
    active: bool
    created_at: datetime
    updated_at: datetime
    deleted_at: datetime | None = None

    @property
    def usable(self) -> bool:
        return self.active and self.deleted_at is None


@dataclass(frozen=True)
class AssistantConversation:
    conversation_id: int
    site_id: str
    user_id: str  # the visitor id
    assistant_id: int
    title: str
    conversation_type: str
    status: str
    is_archived: bool
    is_pinned: bool
    created_at: datetime
    updated_at: datetime
    seq: int = 0  # messages so far (gapless: message n has seq n), = total_messages
    answers: int = 0  # the assistant's messages
    answers_read: int = 0  # of them, the ones the user has fetched
    user_read_seq: int = 0  # the highest seq the user has fetched
    last_answer_seq: int = 0  # the seq of the assistant's latest answer (user messages before it are read)
    last_message_id: int = 0
    last_message_at: datetime | None = None
    response_seconds: float = 0.0  # the assistant's processing time, summed over its answers
    answered: bool = False  # the assistant answered at least once
    failed: bool = False  # the user complained after an answer (see docs/api-002-assistant.md)
    deleted_at: datetime | None = None

    @property
    def unread_count(self) -> int:
        return max(0, self.answers - self.answers_read)

    @property
    def bucket(self) -> str:
        return "archived" if self.is_archived else "live"

    @property
    def activity(self) -> datetime:
        return self.last_message_at or self.created_at


@dataclass(frozen=True)
class AssistantMessage:
    message_id: int
    conversation_id: int
    site_id: str
    user_id: str
    seq: int
    sender: str  # user | agent
    content: str
    created_at: datetime
    content_type: str = "text"
    message_type: str = "text"
    tokens_used: int | None = None
    processing_time: float | None = None
    cost: float | None = None
    provider: str | None = None
    answers_upto: int = 0  # the assistant's messages up to and including this one
    terms: tuple[str, ...] = ()  # its search terms (the index items to delete with it)


@dataclass(frozen=True)
class Counters:
    """What one write adds to the analytics counters (the store writes them in the same transaction).

    user: the user's totals; user_assistant: the user's figures with this assistant; user_day: the
    user's figures of `day`; site / site_assistant: the site's totals and this assistant's, across users.
    """

    assistant_id: int
    day: str
    user: dict[str, float] = field(default_factory=dict)
    user_assistant: dict[str, float] = field(default_factory=dict)
    user_day: dict[str, float] = field(default_factory=dict)
    site: dict[str, float] = field(default_factory=dict)
    site_assistant: dict[str, float] = field(default_factory=dict)


STAT_FIELDS = ("conversations", "messages", "users", "answers", "response_seconds", "answered", "failed")


@dataclass(frozen=True)
class Posting:
    """One search index entry: `term` occurs in message (conversation_id, seq), written at `at_ms`."""

    term: str
    at_ms: int
    conversation_id: int
    seq: int
