"""Seed 003's request and response models (surfaces/contract.py): validation and the OpenAPI document."""
from __future__ import annotations

from typing import Annotated, Any, Literal

import msgspec

from chalicelib.surfaces.contract import UNSET, Body, Meta, Query, Shape, UnsetType

Id = Annotated[str, Meta(min_length=1, max_length=64)]
NOT_BLANK = r"\S"  # a pattern is searched for: at least one character that is not white space
Timestamp = Annotated[str, Meta(description="ISO 8601, UTC")]


class ErrorDetail(Shape):
    code: Annotated[str, Meta(description="AUTH-001, REQ-001, RES-001, ... (docs/api-003-integrators.md)")]
    message: Annotated[str, Meta(description="In the workspace's language (en, uz or ru)")]
    message_en: str
    request_id: Annotated[str, Meta(description="Equals the X-Request-Id response header")]
    details: dict[str, Any] | None = None


class Error(Shape):
    error: ErrorDetail


class Pagination(Shape):
    page: int
    limit: int
    total: int
    pages: int


# -- chats ----------------------------------------------------------------------------------------------

ChatStatus = Literal["active", "assigned", "closed"]


class ChatsQuery(Query):
    status: ChatStatus | UnsetType = UNSET
    agent_id: Id | UnsetType = UNSET
    page: Annotated[int, Meta(ge=1, le=100_000)] = 1
    limit: Annotated[int, Meta(ge=1, le=100)] = 20


class ChatSummary(Shape):
    id: str
    visitor_name: str | None
    visitor_email: str | None
    status: ChatStatus
    assigned_to: str | None
    unread_count: int
    last_message_at: Timestamp | None
    created_at: Timestamp


class ChatList(Shape):
    data: list[ChatSummary]
    pagination: Pagination


class ChatVisitor(Shape):
    id: str
    name: str | None
    email: str | None
    phone: str | None
    metadata: dict[str, Any]


class ChatDetail(Shape):
    id: str
    visitor: ChatVisitor
    status: ChatStatus
    assigned_to: str | None
    tags: list[str]
    notes: str | None
    unread_count: int
    last_message_at: Timestamp | None
    created_at: Timestamp
    updated_at: Timestamp | None
    closed_at: Timestamp | None


class VisitorChanges(Body):
    phone: Annotated[str, Meta(max_length=32)] | None | UnsetType = UNSET
    metadata: Annotated[dict[str, Any], Meta(description="At most 4 KB")] | None | UnsetType = UNSET


class ChatChanges(Body):
    status: ChatStatus | UnsetType = UNSET
    assigned_to: Id | None | UnsetType = UNSET
    tags: Annotated[list[Annotated[str, Meta(min_length=1, max_length=50)]], Meta(max_length=20)] | UnsetType = UNSET
    notes: Annotated[str, Meta(max_length=5000)] | None | UnsetType = UNSET
    visitor: VisitorChanges | UnsetType = UNSET


class Attachment(Body):
    type: Literal["image", "file"]
    url: Annotated[str, Meta(min_length=1, max_length=2048, description="A /v1/files/confirm'ed file's url")]


class ChatMessageSend(Body):
    text: Annotated[str, Meta(max_length=10_000)] | None | UnsetType = UNSET
    attachments: Annotated[list[Attachment], Meta(max_length=1)] | None | UnsetType = UNSET
    agent_id: Id | None | UnsetType = UNSET


class Sender(Shape):
    type: Literal["agent", "visitor", "system", "bot"]
    id: str | None
    name: str | None


class ChatMessage(Shape):
    id: str
    chat_id: str
    text: str | None
    attachments: list[dict[str, Any]]
    sender: Sender
    created_at: Timestamp


# -- agents ---------------------------------------------------------------------------------------------

class Agent(Shape):
    id: str
    name: Annotated[str, Meta(description="The agent's name, else its username")]
    email: str | None
    role: Literal["admin", "operator"]
    status: Literal["online", "away", "offline"]
    active_chats: int
    total_chats: Annotated[int, Meta(description="Open and closed chats assigned to the agent in this workspace")]


class AgentList(Shape):
    data: list[Agent]


# -- analytics ------------------------------------------------------------------------------------------

FirstDay = Annotated[str, Meta(min_length=1, max_length=40, description=(
    "The period's first UTC day: an ISO date (YYYY-MM-DD) or date-time. Left out: the period is the 30 "
    "days that end on `to` (or today)"))]
LastDay = Annotated[str, Meta(min_length=1, max_length=40, description=(
    "The period's last UTC day, included (on or after `from`, at most 366 days in all). Left out: today "
    "(or `from`, when that is later)"))]
AgentSort = Literal["total_chats", "csat_score", "response_time"]


class PeriodQuery(Query):
    """A period of UTC days, `from` and `to` included (domain/analytics.py period())."""

    first: FirstDay | UnsetType = msgspec.field(default=UNSET, name="from")
    last: LastDay | UnsetType = msgspec.field(default=UNSET, name="to")


class OverviewQuery(PeriodQuery):
    workspace_id: Annotated[str, Meta(min_length=1, max_length=64,
                                      description="The key's own workspace (any other is a 403)")] | UnsetType = UNSET


class AgentsPerformanceQuery(PeriodQuery):
    sort_by: Annotated[AgentSort, Meta(description="Highest first; response_time: fastest first")] = "total_chats"


class Period(Shape):
    first: Annotated[str, Meta(description="YYYY-MM-DD")] = msgspec.field(name="from")
    last: Annotated[str, Meta(description="YYYY-MM-DD, included")] = msgspec.field(name="to")


class ChatFigures(Shape):
    total_chats: Annotated[int, Meta(description="A workspace's: chats opened; an agent's: chats assigned to it")]
    resolved_chats: int
    avg_response_time_seconds: Annotated[float, Meta(description="0 when there was no response")]
    avg_resolution_time_minutes: float
    csat_score: Annotated[float, Meta(description="1-5, one decimal; 0 when nobody rated")]
    csat_responses: int


class OverviewMetrics(Shape):
    total_chats: int
    avg_response_time_seconds: float
    avg_resolution_time_minutes: float
    csat_score: float
    first_contact_resolution_rate: Annotated[float, Meta(ge=0, le=1)]
    resolved_chats: int
    csat_responses: int


class Trends(Shape):
    chats_change_percent: Annotated[float | None, Meta(description="null when the period before had none")]
    response_time_change_percent: float | None


class Overview(Shape):
    period: Period
    metrics: OverviewMetrics
    trends: Trends
    previous_period: Annotated[Period, Meta(description="The period the trends compare with")]


class AgentPerformance(Shape):
    agent_id: str
    name: str
    total_chats: int
    resolved_chats: int
    avg_response_time_seconds: float
    avg_resolution_time_minutes: float
    csat_score: float
    csat_responses: int


class AgentsPerformance(Shape):
    period: Period
    sort_by: AgentSort
    data: list[AgentPerformance]


class AgentStats(Shape):
    agent_id: str
    period: Period
    stats: ChatFigures


# -- webhooks -------------------------------------------------------------------------------------------

WebhookEvent = Literal["chat.created", "chat.assigned", "chat.closed", "chat.rated", "message.sent", "message.read",
                       "visitor.created", "agent.status_changed", "message.analyzed"]
WebhookEvents = Annotated[list[WebhookEvent], Meta(min_length=1, description="Duplicates are dropped")]
WebhookUrl = Annotated[str, Meta(min_length=1, max_length=2048, pattern=NOT_BLANK,
                                 description="A public http(s) URL (private and link-local addresses are refused)")]
WebhookDescription = Annotated[str, Meta(max_length=500)]


class WebhookCreate(Body):
    url: WebhookUrl
    events: WebhookEvents
    secret: Annotated[str, Meta(min_length=16, max_length=256, description=(
        "Your signing secret (a whsec_ secret must hold at least 24 random bytes); left out: one is "
        "generated and shown in this answer only"))] | None | UnsetType = UNSET
    description: WebhookDescription | None | UnsetType = UNSET


class WebhookChanges(Body):
    """At least one field."""

    url: WebhookUrl | UnsetType = UNSET
    events: WebhookEvents | UnsetType = UNSET
    active: Annotated[bool, Meta(description="true re-enables a disabled webhook")] | UnsetType = UNSET
    description: WebhookDescription | None | UnsetType = UNSET


class Webhook(Shape):
    id: str
    url: str
    events: list[str]
    active: bool
    secret: Annotated[str, Meta(description="Masked (whsec_***), except in the answer that created it")]
    description: str | None
    disabled_reason: Annotated[str | None, Meta(description="Why delivery stopped (410 Gone, failing too long)")]
    created_at: Timestamp
    updated_at: Timestamp | None


class WebhookList(Shape):
    data: list[Webhook]


class RotatedWebhook(Webhook):
    previous_secret_valid_until: Annotated[Timestamp | None, Meta(
        description="The old secret signs too (a second signature) until then")]


class WebhookTest(Shape):
    event_id: str
    event: Literal["webhook.test"]
    status: Literal["queued"]


class DeliveriesQuery(Query):
    limit: Annotated[int, Meta(ge=1, le=100)] = 20


class DeliveryAttempt(Shape):
    at: Timestamp
    attempt: int | None = None
    status_code: Annotated[int | None, Meta(description="The receiver's answer; null: none")] = None
    duration_ms: float | None = None
    error: str | None = None
    next_retry_in_s: float | None = None
    dead_lettered: bool | None = None


class Delivery(Shape):
    event_id: str
    event: str
    status: Literal["pending", "retrying", "delivered", "failed", "dead_lettered", "skipped"]
    attempts: int
    status_code: int | None
    duration_ms: float | None
    error: str | None
    next_retry_at: Timestamp | None
    delivered_at: Timestamp | None
    log: Annotated[list[DeliveryAttempt], Meta(description="The latest attempts, oldest first")]


class DeliveryList(Shape):
    data: list[Delivery]


# -- widget configuration -------------------------------------------------------------------------------

WidgetText = Annotated[str, Meta(min_length=1, max_length=500, pattern=NOT_BLANK)]


class BrandingChanges(Body):
    show_powered_by: bool | UnsetType = UNSET
    logo_url: Annotated[str, Meta(max_length=2048, description="An https URL")] | None | UnsetType = UNSET


class WidgetConfigChanges(Body):
    """At least one field; `branding` merges key by key."""

    color: Annotated[str, Meta(pattern="^#[0-9A-Fa-f]{6}$", description="#RRGGBB")] | UnsetType = UNSET
    shape: Literal["rounded", "square", "circle"] | UnsetType = UNSET
    position: Literal["bottom-right", "bottom-left", "top-right", "top-left"] | UnsetType = UNSET
    button_text: WidgetText | UnsetType = UNSET
    welcome_message: WidgetText | UnsetType = UNSET
    offline_message: WidgetText | UnsetType = UNSET
    domains: Annotated[list[str], Meta(max_length=50, description=(
        "Host patterns (company.uz, *.company.uz, localhost; no scheme, port or path): the sites whose "
        "pages may use the widget"))] | UnsetType = UNSET
    branding: BrandingChanges | UnsetType = UNSET
    language: Annotated[Literal["en", "uz", "ru"], Meta(
        description="The workspace language of error messages")] | UnsetType = UNSET


class Branding(Shape):
    show_powered_by: bool
    logo_url: str | None


class WidgetConfig(Shape):
    color: Annotated[str, Meta(description="#RRGGBB")]
    shape: Annotated[str, Meta(description="rounded, square or circle")]
    position: Annotated[str, Meta(description="bottom-right, bottom-left, top-right or top-left")]
    button_text: str
    welcome_message: str
    offline_message: str
    domains: list[str]
    branding: Branding


# -- automation triggers --------------------------------------------------------------------------------

TriggerCondition = Literal["page_load", "exit_intent", "time_on_page", "returning_visitor"]
TriggerName = Annotated[str, Meta(min_length=1, max_length=120, pattern=NOT_BLANK)]
TriggerMessage = Annotated[str, Meta(min_length=1, max_length=1000, pattern=NOT_BLANK)]
TriggerDelay = Annotated[int, Meta(ge=0, le=900, description="Seconds before the message is sent")]
UrlPattern = Annotated[str, Meta(min_length=1, max_length=500, pattern=r"^[/*]\S*$", description=(
    "A glob on the page's path: * any characters, ? one; * alone matches every page"))]


class TriggerCreate(Body):
    name: TriggerName
    condition: TriggerCondition
    message: TriggerMessage
    delay_seconds: TriggerDelay = 0
    url_pattern: UrlPattern = "*"
    active: bool = True


class TriggerChanges(Body):
    """At least one field."""

    name: TriggerName | UnsetType = UNSET
    condition: TriggerCondition | UnsetType = UNSET
    message: TriggerMessage | UnsetType = UNSET
    delay_seconds: TriggerDelay | UnsetType = UNSET
    url_pattern: UrlPattern | UnsetType = UNSET
    active: bool | UnsetType = UNSET


class Trigger(Shape):
    id: str
    name: str
    condition: TriggerCondition
    delay_seconds: int
    message: str
    active: bool
    url_pattern: str
    created_at: Timestamp
    updated_at: Timestamp | None


class TriggerList(Shape):
    data: list[Trigger]


# -- files ----------------------------------------------------------------------------------------------

OptionalId = Annotated[str, Meta(max_length=64, description="Blank: none")]


class UploadUrlRequest(Body):
    filename: Annotated[str, Meta(min_length=1, max_length=255, pattern=NOT_BLANK)]
    content_type: Annotated[str, Meta(min_length=1, max_length=128, pattern=NOT_BLANK, description=(
        "JPEG, PNG, GIF, WebP, PDF, docx, xlsx, pptx, plain text or CSV; any other is a 400 FILE-002"))]
    size_bytes: Annotated[int, Meta(ge=1, description="Over the upload limit (10 MB by default): 413 FILE-001")]
    chat_id: OptionalId | None | UnsetType = UNSET
    site_id: Annotated[str, Meta(max_length=64, description=(
        "An agent's token only: the site (required for agents of several sites; blank: none); a key's "
        "site is its own"))] | None | UnsetType = UNSET


class PutHeaders(Shape):
    content_type: str = msgspec.field(name="Content-Type")


class UploadSlot(Shape):
    upload_url: Annotated[str, Meta(description="PUT the bytes here, with `headers`, before expires_at")]
    file_id: str
    expires_at: Timestamp
    method: Literal["PUT"]
    headers: PutHeaders


class FileConfirm(Body):
    file_id: Annotated[str, Meta(min_length=1, max_length=64, pattern=NOT_BLANK)]
    chat_id: OptionalId | None | UnsetType = UNSET


class ConfirmedFile(Shape):
    id: str
    url: Annotated[str, Meta(description="A signed download link")]
    filename: str
    size_bytes: int
    content_type: str
    thumbnail_url: str | None
    chat_id: str | None
