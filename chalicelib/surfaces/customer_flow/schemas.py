"""Seed 004's request and response models (surfaces/contract.py): validation and the OpenAPI document.

Text fields are trimmed by the views (surrounding spaces are not part of a name or a message), so a
required text must hold a non-blank character: `pattern=r"\\S"`. Rules that need the store or more than
one field (a free slug, a taken username, who may register) stay in the domain.
"""
from __future__ import annotations

from typing import Annotated, Any, Literal

from chalicelib.domain import agents as agent_rules
from chalicelib.domain import bot
from chalicelib.domain import customer_flow as flow
from chalicelib.domain import faqs as faq_rules
from chalicelib.surfaces.contract import UNSET, Body, Meta, Query, Shape, UnsetType

Timestamp = Annotated[str, Meta(description="ISO 8601, UTC, to the second ('Z')")]
NOT_BLANK = r"\S"
SiteId = Annotated[str, Meta(min_length=1, max_length=64, pattern=NOT_BLANK)]
AfterSeq = Annotated[int, Meta(ge=0, le=10**9, description="Only messages with a greater sequence number")]
PageSize = Annotated[int, Meta(ge=1, le=100)]
MessageText = Annotated[str, Meta(min_length=1, max_length=flow.MAX_BODY_CHARS, pattern=NOT_BLANK)]
ClientMessageId = Annotated[str, Meta(max_length=128, description="A retry with the same id answers the first "
                                      "message (idempotency); blank = none")]
Mode = Literal["automated", "agent", "closed"]
SenderType = Literal["customer", "agent", "bot", "system"]
AgentStatus = Literal["online", "away", "offline"]  # model.identity.AGENT_STATUSES


class Error(Shape):
    detail: Annotated[str, Meta(description="What went wrong, in English")]
    code: Annotated[str, Meta(description="VALIDATION_ERROR, UNAUTHORIZED, FORBIDDEN, NOT_FOUND, CONFLICT, ...")]
    errors: Annotated[dict[str, Any], Meta(description="Details, e.g. {\"field\": \"body\"}")] | UnsetType = UNSET


# -- messages and conversations ---------------------------------------------------------------------

class Message(Shape):
    id: str
    seq: int
    sender_type: SenderType
    body: str | None
    created_at: Timestamp | None
    sender_name: str | UnsetType = UNSET
    client_message_id: str | UnsetType = UNSET
    faq_slug: Annotated[str, Meta(description="The FAQ the bot answered with")] | UnsetType = UNSET
    suggests_escalation: Annotated[bool, Meta(description="The bot found no answer: offer 'Talk to agent'")] \
        | UnsetType = UNSET


class SentMessage(Message, kw_only=True):
    """The customer's message and, in automated mode, the bot's answers to it."""

    replies: list[Message]


class Messages(Shape):
    items: list[Message]


class MessagePage(Messages):
    has_more: bool


class ReadMarkers(Shape):
    agents_seq: int
    customer_seq: int


class AgentMessagePage(MessagePage):
    read: Annotated[ReadMarkers, Meta(description="How far each side has read (sequence numbers)")]


class AssignedAgent(Shape):
    id: str
    name: str | None


class Conversation(Shape):
    id: str
    mode: Mode
    status: Literal["open", "closed"]
    assigned_agent: AssignedAgent | None
    created_at: Timestamp | None
    updated_at: Timestamp | None


class ConversationChange(Shape):
    conversation: Conversation


class Escalated(ConversationChange):
    assigned_agent: AssignedAgent


class Started(Shape):
    conversation_id: str
    customer_session_id: Annotated[str, Meta(description="Send it as X-Customer-Session-Id on this "
                                                         "conversation's routes; shown once")]
    mode: Literal["automated"]
    status: Literal["open"]
    messages: list[Message]


class Customer(Shape):
    id: str
    name: str | None


class LastMessage(Shape):
    sender_type: str
    body: str | None
    created_at: Timestamp | None


class AgentConversation(Conversation):
    site_id: str
    customer: Customer
    last_message: LastMessage | None
    unread_count: int
    last_seq: int


class AgentConversationPage(Shape):
    items: list[AgentConversation]
    next_cursor: str | None
    has_more: bool


# -- requests: customer and agent app -----------------------------------------------------------------

class QuickQuestionsQuery(Query):
    site_id: SiteId


class MessagesQuery(Query):
    after_seq: AfterSeq = 0
    limit: PageSize = 50
    site_id: Annotated[str, Meta(max_length=64, description="Ignored here (the widget names its site on "
                                                            "every call, for CORS)")] | UnsetType = UNSET


class AgentMessagesQuery(Query):
    after_seq: AfterSeq = 0
    limit: PageSize = 50


class ConversationsQuery(Query):
    status: Annotated[Mode, Meta(description="The conversations in this mode")]
    cursor: Annotated[str, Meta(max_length=4096, description="next_cursor of the previous page")] | UnsetType = UNSET
    limit: PageSize = 20


class Start(Body):
    site_id: SiteId
    name: Annotated[str, Meta(max_length=120)] | None | UnsetType = UNSET
    email: Annotated[str, Meta(max_length=254, description="An email address; blank = none")] | None | UnsetType = UNSET


class MessageSend(Body):
    body: MessageText
    client_message_id: ClientMessageId | None | UnsetType = UNSET


# -- the agent app --------------------------------------------------------------------------------

class AgentOut(Shape):
    id: str
    username: str
    email: str | None
    name: Annotated[str, Meta(description="The display name (the username when none was given)")]
    role: Literal["admin", "support_agent"]
    status: AgentStatus
    site_ids: list[str]
    last_seen: Timestamp | None


class Tokens(Shape):
    access_token: str
    refresh_token: str
    token_type: Literal["bearer"]
    expires_in: Annotated[int, Meta(description="Seconds the access token lives")]
    agent: AgentOut


class Presence(Shape):
    agent_id: str
    status: AgentStatus
    updated_at: Timestamp | None


class Register(Body):
    username: Annotated[str, Meta(max_length=64, pattern=r"^\s*[A-Za-z0-9][A-Za-z0-9_.-]{1,63}\s*$",
                                  description="2-64 letters, digits, '.', '_' or '-'")]
    password: Annotated[str, Meta(min_length=agent_rules.MIN_PASSWORD, max_length=agent_rules.MAX_PASSWORD)]
    site_id: SiteId
    email: Annotated[str, Meta(max_length=254, description="An email address; blank = none")] | None | UnsetType = UNSET
    name: Annotated[str, Meta(max_length=120)] | None | UnsetType = UNSET


class Login(Body):
    password: Annotated[str, Meta(min_length=1, max_length=256)]
    username: Annotated[str, Meta(max_length=254, description="The username or, instead, the email")] \
        | None | UnsetType = UNSET
    email: Annotated[str, Meta(max_length=254)] | None | UnsetType = UNSET


class PresenceChange(Body):
    status: AgentStatus


# -- FAQ administration and escalation capacity ---------------------------------------------------

Question = Annotated[str, Meta(min_length=1, max_length=faq_rules.MAX_QUESTION, pattern=NOT_BLANK)]
Answer = Annotated[str, Meta(min_length=1, max_length=faq_rules.MAX_ANSWER, pattern=NOT_BLANK)]
Keywords = Annotated[list[Annotated[str, Meta(min_length=1, max_length=faq_rules.MAX_KEYWORD, pattern=NOT_BLANK)]],
                     Meta(max_length=faq_rules.MAX_KEYWORDS, description="Words the bot matches free text with")]
Position = Annotated[int, Meta(ge=0, le=faq_rules.MAX_POSITION, description="Quick questions are shown in "
                                                                              "ascending position")]


class QuickQuestion(Shape):
    slug: str
    question: str


class QuickQuestions(Shape):
    items: list[QuickQuestion]


class Faq(QuickQuestion):
    answer: str
    keywords: list[str]
    position: int


class Faqs(Shape):
    items: list[Faq]


class FaqCreate(Body):
    slug: Annotated[str, Meta(pattern=faq_rules.SLUG.pattern,
                              description="1-64 lower-case letters, digits and inner dashes")]
    question: Question
    answer: Answer
    keywords: Keywords | UnsetType = UNSET
    position: Position | UnsetType = UNSET


class FaqChanges(Body):
    question: Question | UnsetType = UNSET
    answer: Answer | UnsetType = UNSET
    keywords: Keywords | UnsetType = UNSET
    position: Position | UnsetType = UNSET


Capacity = Annotated[int, Meta(ge=1, le=bot.MAX_CAPACITY, description="Open conversations per agent")]


class Escalation(Shape):
    site_id: str
    agent_capacity: Annotated[int, Meta(description="Open conversations per agent")]


class EscalationChange(Body):
    agent_capacity: Capacity


def trimmed(value: str | None | UnsetType) -> str | None:
    """A text field as the views use it: without surrounding spaces; left out, null or blank = None."""
    if not isinstance(value, str):
        return None
    return value.strip() or None
