"""Seed 002's request and response models (surfaces/contract.py): validation and the OpenAPI document.

The shapes are chalicelib/render/assistant.py's: {"success": true, "message", "data"} on success,
{"success": false, "message", "errors"?} on failure. Ids are integers below 2^53. Text fields are
trimmed by the routes: a blank one is refused (the `\\S` pattern).
"""
from __future__ import annotations

from typing import Annotated, Generic, Literal, TypeVar

from chalicelib.domain.assistant import chats
from chalicelib.surfaces.contract import UNSET, Body, Meta, Query, Shape, UnsetType

T = TypeVar("T")
MAX_ID = 2**53 - 1
MAX_LIST_OFFSET = 10_000  # a conversation page reads offset + limit index items
MAX_MESSAGE_OFFSET = 10_000_000
MAX_SEARCH = 200
# The hard bound of PARLEY_ASSISTANT_MAX_MESSAGE_CHARS; the route enforces the deployment's own (4000 by default).
MAX_MESSAGE_BOUND = 100_000
NOT_BLANK = r"\S"

Id = Annotated[int, Meta(ge=1, le=MAX_ID)]
Timestamp = Annotated[str, Meta(description="UTC, seconds, 'Z' (2024-06-29T10:00:00Z)")]
Title = Annotated[str, Meta(min_length=1, max_length=chats.MAX_TITLE, pattern=NOT_BLANK)]
MessageText = Annotated[str, Meta(min_length=1, max_length=MAX_MESSAGE_BOUND, pattern=NOT_BLANK,
                                  description="At most PARLEY_ASSISTANT_MAX_MESSAGE_CHARS characters "
                                              "(4000 by default)")]
Limit = Annotated[int, Meta(ge=1, le=100)]
Sender = Literal["user", "agent"]


class Error(Shape):
    success: Literal[False]
    message: str
    errors: Annotated[dict[str, list[str]], Meta(description="{field: [message]} for the fields at fault")] \
        | UnsetType = UNSET


class Ok(Shape, Generic[T]):
    """The success envelope: {"success": true, "message": "...", "data": ...}."""

    success: Literal[True]
    message: str
    data: T


class ConversationRef(Shape):
    conversation_id: int


# -- 1, 2, 3, 7, 8: conversations -------------------------------------------------------------------

class ConversationsQuery(Query):
    limit: Limit = 20
    offset: Annotated[int, Meta(ge=0, le=MAX_LIST_OFFSET)] = 0
    archived: Annotated[bool, Meta(description="true: the archived conversations only")] = False


class Conversation(Shape):
    id: int
    title: str
    user_id: Annotated[str, Meta(description="The end user's visitor id")]
    agent_id: Annotated[int, Meta(description="The assistant's id")]
    conversation_type: str
    status: str
    is_archived: bool
    is_pinned: bool
    total_messages: int
    unread_count: int
    last_message_at: Timestamp | None
    created_at: Timestamp
    updated_at: Timestamp


class Conversations(Shape):
    conversations: list[Conversation]
    total: int
    limit: int
    offset: int


class NewConversation(Body):
    title: Title
    agent_id: Annotated[Id, Meta(description="An active assistant of the end user's site")]


class ConversationChanges(Body):
    """At least one field; null leaves a flag as it is."""

    title: Title | UnsetType = UNSET
    is_pinned: bool | None | UnsetType = UNSET
    is_archived: bool | None | UnsetType = UNSET


# -- 4, 5, 6: messages -------------------------------------------------------------------------------

class MessagesQuery(Query):
    limit: Limit = 50
    offset: Annotated[int, Meta(ge=0, le=MAX_MESSAGE_OFFSET)] = 0


class Message(Shape):
    id: int
    conversation_id: int
    content: str
    content_type: str
    sender: Sender
    message_type: str
    status: Literal["sent", "read"]
    tokens_used: int | None
    processing_time: Annotated[float, Meta(description="Seconds")] | None
    created_at: Timestamp


class Messages(Shape):
    messages: list[Message]
    total: int
    limit: int
    offset: int


class NewMessage(Body):
    """An end user writes as itself, in text: sender_type, content_type and message_type may only say so."""

    content: MessageText
    sender_type: Literal["user"] | None | UnsetType = UNSET
    content_type: Literal["text"] | None | UnsetType = UNSET
    message_type: Literal["text"] | None | UnsetType = UNSET


class Added(Shape):
    message_id: int
    conversation_id: int
    content: str
    sender: Sender
    created_at: Timestamp


class AiRequest(Body):
    message: MessageText
    agent_id: Annotated[Id, Meta(description="The conversation's own assistant (any other is a 400)")] \
        | None | UnsetType = UNSET
    include_context: Annotated[bool, Meta(description="Answer with the recent messages (default true)")] \
        | None | UnsetType = UNSET


class AiAnswer(Shape):
    message_id: int
    ai_response: str
    tokens_used: int | None
    processing_time: Annotated[float, Meta(description="Seconds")] | None
    cost: Annotated[float, Meta(description="USD")]
    created_at: Timestamp


# -- 9, 10: analytics --------------------------------------------------------------------------------

class MostActiveAgent(Shape):
    agent_id: int
    name: str | None
    message_count: int


class Day(Shape):
    date: Annotated[str, Meta(description="YYYY-MM-DD (UTC)")]
    conversations: int
    messages: int


class Dashboard(Shape):
    total_conversations: int
    total_messages: int
    average_response_time: Annotated[float, Meta(description="Seconds; null before the first answer")] | None
    most_active_agent: MostActiveAgent | None
    daily_stats: Annotated[list[Day], Meta(description="The last 30 days, oldest first")]


class GlobalQuery(Query):
    site_id: Annotated[str, Meta(max_length=64, description="Required when the admin administers several sites")] \
        | UnsetType = UNSET


class AgentFigures(Shape):
    agent_id: int
    name: str
    total_conversations: int
    success_rate: Annotated[float, Meta(description="Percent; null before any answered conversation")] | None


class GlobalFigures(Shape):
    site_id: str
    total_conversations_all_users: int
    total_messages_all_users: int
    average_conversations_per_user: float
    top_performing_agents: list[AgentFigures]


# -- 11: search --------------------------------------------------------------------------------------

class SearchQuery(Query):
    query: Annotated[str, Meta(min_length=1, max_length=MAX_SEARCH, pattern=NOT_BLANK)]
    limit: Limit = 20


class Found(Shape):
    message_id: int
    conversation_id: int
    content: str
    sender: Sender
    created_at: Timestamp


class SearchResults(Shape):
    results: list[Found]
    query: str
    total: int
