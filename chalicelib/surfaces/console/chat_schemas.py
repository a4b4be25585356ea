"""Seed 000's conversation side (surfaces/contract.py): conversations, typing, ratings, messages, files,
visitors, the widget's activity and AI analysis. The account side and the envelopes are in schemas.py.

The shapes are chalicelib/render/console.py's and the routes' own. Text fields are trimmed by the
routes, so a blank optional one counts as left out and a blank required one is refused (NOT_BLANK).
The widget names its site in every call's query string (?site_id=, for CORS): the widget's GET
routes accept it.
"""
from __future__ import annotations

from typing import Annotated, Any, Literal

import msgspec

from chalicelib.domain.analysis.schema import INTENTS, INTEREST_LEVELS, MAX_KEYWORDS, SENTIMENTS
from chalicelib.domain.automation_rules import MAX_PAGE_URL_CHARS
from chalicelib.domain.messaging import MAX_CONTENT_CHARS
from chalicelib.model.automation import ACTIVITIES
from chalicelib.model.conversations import MESSAGE_TYPES
from chalicelib.surfaces.console.schemas import NOT_BLANK, Name, OptionalEmail, Pagination, SiteId, Timestamp
from chalicelib.surfaces.contract import UNSET, Body, Meta, Query, Shape, UnsetType

Id = Annotated[str, Meta(min_length=1, max_length=64, pattern=NOT_BLANK)]
VisitorId = Annotated[str, Meta(min_length=1, max_length=128, pattern=NOT_BLANK,
                                description="The widget's own id for its visitor")]
Optional64 = Annotated[str, Meta(max_length=64)]  # an optional id: blank = left out
Note = Annotated[str, Meta(max_length=2000)]
Metadata = Annotated[dict[str, Any], Meta(max_length=50)]  # at most 50 keys
Limit = Annotated[int, Meta(ge=1, le=100)]
WidgetSite = Annotated[SiteId, Meta(description="The widget names its site in every call (CORS); not a filter")]
ConversationStatus = Literal["active", "closed"]
MessageType = Literal[MESSAGE_TYPES]  # type: ignore[valid-type]
SenderType = Literal["visitor", "support", "bot", "system"]
Presence = Literal["online", "offline"]


# -- conversations (section 4), typing (8), ratings ----------------------------------------------------

class ConversationCreate(Body):
    site_id: SiteId
    visitor_id: VisitorId


class ConversationCreated(Shape):
    id: str
    site_id: str
    visitor_id: str
    status: ConversationStatus
    created_at: Timestamp


class ConversationQuery(Query):
    include_messages: Annotated[bool, Meta(description="true/false or 1/0")] = True
    messages_limit: Limit = 50
    messages_before: Annotated[Optional64, Meta(description="A message id: older messages only")] \
        | UnsetType = UNSET
    site_id: WidgetSite | UnsetType = UNSET


class VisitorRef(Shape):
    id: str
    name: str | None


class AgentRef(Shape):
    id: str
    username: str | None


class MessageInsight(Shape):
    """POST /api/v1/analysis/message's data; also stored with each visitor message (agents see it)."""

    suggested_reply: str
    interest_level: Literal[INTEREST_LEVELS]  # type: ignore[valid-type]
    conversion_percentage: Annotated[int, Meta(ge=0, le=100)]
    objection: str | None
    next_action: str
    sentiment: Literal[SENTIMENTS]  # type: ignore[valid-type]
    intent: Literal[INTENTS]  # type: ignore[valid-type]
    keywords: Annotated[list[str], Meta(max_length=MAX_KEYWORDS)]


class MessageFile(Shape):
    """A message's file with fresh signed links; a deleted file shows only its id, name and `deleted`."""

    id: str | None
    original_name: str | None
    filename: str | UnsetType = UNSET
    mime_type: str | UnsetType = UNSET
    size: int | UnsetType = UNSET
    is_image: bool | UnsetType = UNSET
    url: Annotated[str, Meta(description="A signed download link (GET, no Authorization)")] | UnsetType = UNSET
    thumbnail_url: str | None | UnsetType = UNSET
    deleted: Literal[True] | UnsetType = UNSET


class Sender(Shape):
    id: str | None
    name: str | None


class MessageOut(Shape):
    id: Annotated[str, Meta(description="msg_<seq>_<suffix>: a cursor for before/after")]
    conversation_id: str
    seq: int
    from_: Annotated[SenderType, Meta(description="Who wrote it: decided by the caller's credentials")] \
        = msgspec.field(name="from")
    sender: Sender
    content: str | None
    type: MessageType
    created_at: Timestamp
    status: Annotated[Literal["sent", "delivered", "read"], Meta(description="As its reader's side saw it")]
    file_id: str | UnsetType = UNSET
    file: MessageFile | None | UnsetType = UNSET
    metadata: dict[str, Any] | UnsetType = UNSET
    analysis: Annotated[MessageInsight, Meta(description="A visitor message's AI analysis: agents only")] \
        | UnsetType = UNSET


class ConversationOut(Shape):
    id: str
    site_id: str
    visitor: VisitorRef
    assigned_agent: AgentRef | None
    status: ConversationStatus
    created_at: Timestamp
    closed_at: Timestamp | None
    unread_count: Annotated[int, Meta(description="Unread by the caller's side")]
    messages: Annotated[list[MessageOut], Meta(description="The latest page, oldest first (include_messages)")] \
        | UnsetType = UNSET
    has_more_messages: bool | UnsetType = UNSET


class ConversationsQuery(Query):
    site_id: SiteId
    status: Literal["active", "closed", "all"] = "all"
    assigned_to: Annotated[Optional64, Meta(description="An agent id")] | UnsetType = UNSET
    page: Annotated[int, Meta(ge=1, le=100_000)] = 1
    limit: Limit = 20


class LastMessage(Shape):
    content: str | None
    from_: SenderType | None = msgspec.field(name="from")
    created_at: Timestamp | None


class ConversationRow(Shape):
    id: str
    visitor: VisitorRef
    last_message: LastMessage | None
    unread_count: Annotated[int, Meta(description="Unread by agents")]
    status: ConversationStatus
    assigned_agent: AgentRef | None
    created_at: Timestamp


class ConversationPage(Shape):
    conversations: list[ConversationRow]
    pagination: Pagination


class CloseBody(Body):
    resolution: Annotated[Note, Meta(description="Resolution notes")] | None | UnsetType = UNSET


class Closed(Shape):
    id: str
    status: Literal["closed"]
    closed_at: Timestamp | None
    closed_by: str | None


class AssignBody(Body):
    agent_id: Annotated[Id, Meta(description="An agent of the conversation's site")]


class Assigned(Shape):
    id: str
    assigned_agent: AgentRef | None
    assigned_at: Timestamp | None


class RatingBody(Body):
    rating: Annotated[int, Meta(ge=1, le=5, description="A whole number from 1 to 5")]
    comment: Note | None | UnsetType = UNSET


class Rated(Shape):
    conversation_id: str
    rating: int


class TypingBody(Body):
    conversation_id: Id
    is_typing: bool


# -- messages (section 5) ---------------------------------------------------------------------------

class MessageSend(Body):
    conversation_id: Id
    content: Annotated[str, Meta(max_length=MAX_CONTENT_CHARS, description="Required for text messages")] \
        | None | UnsetType = UNSET
    type: Annotated[MessageType, Meta(description="Left out or null: text")] | None | UnsetType = UNSET
    file_id: Annotated[Optional64, Meta(description="Required for file and image messages: an upload of "
                                                    "this conversation (or the sender's own)")] | None | UnsetType = UNSET
    metadata: Annotated[Metadata, Meta(description="At most 50 keys and 4 KB")] | None | UnsetType = UNSET
    from_: Annotated[Any, Meta(description="Ignored: the sender is who the credentials say")] | UnsetType = \
        msgspec.field(default=UNSET, name="from")
    to: Annotated[Any, Meta(description="Ignored")] | UnsetType = UNSET


class MessagesQuery(Query):
    conversation_id: Id
    limit: Limit = 50
    before: Annotated[Optional64, Meta(description="A message id: older messages only")] | UnsetType = UNSET
    after: Annotated[Optional64, Meta(description="A message id: newer messages only")] | UnsetType = UNSET
    site_id: WidgetSite | UnsetType = UNSET


class MessagePage(Shape):
    messages: Annotated[list[MessageOut], Meta(description="Oldest first")]
    has_more: bool


class MarkReadBody(Body):
    conversation_id: Id
    message_ids: Annotated[list[Annotated[str, Meta(min_length=1)]],
                           Meta(max_length=500, description="Left out or empty: all")] | None | UnsetType = UNSET


# -- files (section 6) ------------------------------------------------------------------------------

class UploadFields(Body):
    """The form's text fields, validated as parsed (values are trimmed; blank is left out)."""

    site_id: SiteId
    conversation_id: Annotated[Optional64, Meta(description="The conversation it will be sent in")] \
        | UnsetType = UNSET


class UploadForm(UploadFields, kw_only=True):
    """What the route reads: the text fields and one file part named `file`."""

    file: Annotated[str, Meta(description="The file (images, PDF, Office documents, text, audio; at most "
                                          "10 MB; the type is read from the bytes)",
                              extra_json_schema={"format": "binary",
                                                 "contentMediaType": "application/octet-stream"})]


class FileOut(Shape):
    id: str
    filename: str
    original_name: str
    mime_type: str
    size: int
    url: Annotated[str, Meta(description="A signed download link (GET, no Authorization)")]
    is_image: bool
    created_at: Timestamp | None
    thumbnail_url: Annotated[str, Meta(description="Images only")] | None | UnsetType = UNSET
    conversation_id: str | UnsetType = UNSET


class Uploader(Shape):
    type: Annotated[str, Meta(description="visitor, support, api_key, ...")]
    id: str


class FileDetail(FileOut, kw_only=True):
    uploaded_by: Uploader


class DownloadQuery(Query):
    token: Annotated[str, Meta(description="The link's own token (scoped to this file, short-lived); "
                                           "without a valid one the file is not found")] | UnsetType = UNSET
    variant: Literal["original", "thumbnail"] = "original"


# -- visitors (section 3) and their activity ---------------------------------------------------------

class VisitorRegister(Body):
    site_id: SiteId
    visitor_id: VisitorId
    name: Name
    email: OptionalEmail | None | UnsetType = UNSET
    metadata: Annotated[Metadata, Meta(description="page_url, user_agent, referrer, ...")] | None | UnsetType = UNSET
    user_hash: Annotated[str, Meta(max_length=128, description="HMAC-SHA256 of visitor_id with the site's "
                                                               "identity secret: proves an existing visitor")] \
        | None | UnsetType = UNSET
    phone: Annotated[str, Meta(max_length=32)] | None | UnsetType = UNSET


class VisitorSession(Shape):
    id: str
    visitor_id: str
    name: str | None
    session_token: Annotated[str, Meta(description="X-Visitor-Token for the visitor's calls")]
    created_at: Timestamp | None


class SiteQuery(Query):
    site_id: SiteId


class ActiveVisitor(Shape):
    visitor_id: str
    name: str | None
    status: Presence
    current_page: Annotated[Any, Meta(description="metadata.page_url, as the widget sent it")]
    unread_count: int
    last_message_at: Timestamp | None


class ActiveVisitors(Shape):
    visitors: list[ActiveVisitor]
    total: int


class VisitorDetail(Shape):
    id: str
    visitor_id: str
    name: str | None
    email: str | None
    metadata: dict[str, Any]
    first_seen: Timestamp | None
    last_seen: Timestamp | None
    total_conversations: int
    status: Presence


Activity = Literal[ACTIVITIES]  # type: ignore[valid-type]


class ActivityReport(Body):
    type: Activity
    page_url: Annotated[str, Meta(min_length=1, max_length=MAX_PAGE_URL_CHARS,
                                  description="An http(s) URL or a path starting with /")]


class ActivityQueued(Shape):
    type: Activity
    triggers_queued: Annotated[int, Meta(description="How many automation triggers it queued")]


# -- AI analysis (section 7) ------------------------------------------------------------------------

class AnalyzeMessage(Body):
    message: Annotated[str, Meta(min_length=1, max_length=MAX_CONTENT_CHARS, pattern=NOT_BLANK)]
    conversation_id: Annotated[Optional64, Meta(description="Context: its latest messages")] | None | UnsetType = UNSET
    visitor_id: Annotated[str, Meta(max_length=128, description="The conversation's visitor")] \
        | None | UnsetType = UNSET


class ConversationInsight(Shape):
    conversation_id: str
    overall_sentiment: Literal[SENTIMENTS]  # type: ignore[valid-type]
    interest_level: Literal[INTEREST_LEVELS]  # type: ignore[valid-type]
    conversion_probability: Annotated[int, Meta(ge=0, le=100)]
    key_topics: list[str]
    objections_raised: list[str]
    recommended_actions: list[str]
    summary: str


class UsageQuery(Query):
    site_id: SiteId
    month: Annotated[str, Meta(max_length=7, description="YYYY-MM (default: this month)")] | UnsetType = UNSET


class AiUsage(Shape):
    site_id: str
    month: str
    calls: int
    input_tokens: int
    output_tokens: int
    cost_usd: float
    provider: Literal["local", "bedrock"]
    model: str | None
    monthly_token_budget: int
    auto_analysis: bool
