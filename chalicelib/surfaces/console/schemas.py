"""Seed 000's request and response models (surfaces/contract.py): validation and the OpenAPI document.

Shared shapes here; the conversation side's models (conversations, messages, files, visitors,
activity, analysis) are in chat_schemas.py.
"""
from __future__ import annotations

from typing import Annotated, Any, Generic, Literal, TypeVar

from chalicelib.domain.analytics import PERIODS
from chalicelib.domain.sites import LANGUAGES, MAX_TOKEN_BUDGET
from chalicelib.domain.sites import SITE_ID as NEW_SITE_ID
from chalicelib.model.assistant import PROVIDERS
from chalicelib.model.identity import AGENT_STATUSES, ROLES, SITE_STATUSES
from chalicelib.model.invitations import INVITATION_STATUSES
from chalicelib.parsing import EMAIL
from chalicelib.surfaces.contract import UNSET, Body, Meta, Query, Shape, UnsetType

T = TypeVar("T")
Timestamp = Annotated[str, Meta(description="ISO 8601, UTC")]


class ErrorBody(Shape):
    code: Annotated[str, Meta(description="VALIDATION_ERROR, UNAUTHORIZED, FORBIDDEN, NOT_FOUND, CONFLICT, ...")]
    message: str
    details: dict[str, Any] | None = None


class Error(Shape):
    success: Literal[False]
    error: ErrorBody


class Ok(Shape, Generic[T]):
    """The success envelope: {"success": true, "data": ...} (surfaces/console ok())."""

    success: Literal[True]
    data: T


class Done(Shape):
    """A success with nothing to return."""

    success: Literal[True]
    message: str | None = None


# -- the account side: auth, sites, agents, admin, invitations, assistants, analytics, notifications --------
# Enums come from the model's own tuples (Literal[("a", "b")] is Literal["a", "b"]): one list of each.

NOT_BLANK = r"\S"  # a required text must hold more than spaces (views strip what they store)
Role = Literal[ROLES]  # type: ignore[valid-type]
AgentStatus = Literal[AGENT_STATUSES]  # type: ignore[valid-type]
SiteStatus = Literal[SITE_STATUSES]  # type: ignore[valid-type]
Period = Literal[tuple(PERIODS)]  # type: ignore[valid-type]
SiteId = Annotated[str, Meta(min_length=1, max_length=64, pattern=NOT_BLANK)]
Name = Annotated[str, Meta(min_length=1, max_length=120, pattern=NOT_BLANK)]
Password = Annotated[str, Meta(min_length=1, max_length=256, description="Sent as is (not trimmed)")]
_ADDRESS = EMAIL.pattern.removeprefix("^").removesuffix("$")
# The view trims: spaces around the address are allowed, and an optional email may be blank (none).
Email = Annotated[str, Meta(max_length=254, pattern=rf"^\s*{_ADDRESS}\s*$", description="An email address")]
OptionalEmail = Annotated[str, Meta(max_length=254, pattern=rf"^\s*(?:{_ADDRESS})?\s*$",
                                    description="An email address; blank is none")]
Config = Annotated[dict[str, Any], Meta(max_length=50)]  # a free-form object (chat_schemas.py uses it too)


def stripped(value: str | None | UnsetType) -> str | None:
    """An optional text as stored: trimmed; blank, null or left out is None."""
    return (value.strip() or None) if isinstance(value, str) else None


class Pagination(Shape):
    page: int
    limit: int
    total: int


# auth (section 1)

class Login(Body):
    username: Annotated[str, Meta(min_length=1, max_length=254, pattern=NOT_BLANK)]
    password: Password
    site_id: SiteId


class Refresh(Body):
    refresh_token: Annotated[str, Meta(min_length=1, max_length=512, pattern=NOT_BLANK)]


class User(Shape):
    id: str
    username: str
    email: str | None
    role: Role
    site_ids: list[str]


class UserBrief(Shape):
    id: str
    username: str
    role: Role


class Tokens(Shape):
    token: Annotated[str, Meta(description="The access token (a JWT): Authorization: Bearer <token>")]
    refresh_token: Annotated[str, Meta(description="Single use: each refresh returns the next one")]
    expires_in: Annotated[int, Meta(description="Seconds the access token is valid")]


class Session(Tokens):
    user: User


class Validated(Shape):
    valid: Literal[True]
    user: UserBrief


# sites (section 2) and their administration

class AiSettings(Shape):
    auto_analysis: bool
    monthly_token_budget: int | None


class SiteOut(Shape):
    id: str
    name: str
    domain: str | None
    widget_config: dict[str, Any]
    created_at: Timestamp | None
    status: SiteStatus
    # Agents only (visitors read the widget settings):
    ai: AiSettings | UnsetType = UNSET
    identity_verification: bool | UnsetType = UNSET
    identity_secret_set: bool | UnsetType = UNSET


class SiteRow(Shape):
    id: str
    name: str
    domain: str | None
    active_conversations: int


class SitePage(Shape):
    sites: list[SiteRow]
    pagination: Pagination


class SitesQuery(Query):
    page: Annotated[int, Meta(ge=1, le=100_000)] = 1
    limit: Annotated[int, Meta(ge=1, le=100)] = 20


class WidgetConfig(Body):
    """The widget settings an admin may set (domain/sites.py WIDGET_FIELDS); at most 16 KB once stored."""

    primary_color: Any | UnsetType = UNSET
    color: Any | UnsetType = UNSET
    welcome_message: Any | UnsetType = UNSET
    offline_message: Any | UnsetType = UNSET
    button_text: Any | UnsetType = UNSET
    shape: Any | UnsetType = UNSET
    position: Any | UnsetType = UNSET
    branding: Any | UnsetType = UNSET
    domains: Annotated[Any, Meta(description="The origins the widget may run on (CORS)")] | UnsetType = UNSET
    language: Literal[LANGUAGES] | UnsetType = UNSET  # type: ignore[valid-type]


class AiChanges(Body):
    auto_analysis: bool | UnsetType = UNSET
    monthly_token_budget: Annotated[int, Meta(ge=0, le=MAX_TOKEN_BUDGET, description="null: the deployment's "
                                              "default; 0: never call Bedrock")] | None | UnsetType = UNSET


class SiteCreate(Body):
    site_id: Annotated[str, Meta(pattern=NEW_SITE_ID.pattern,
                                 description="3-64 lower-case letters, digits, '_' or '-' (a letter or digit first)")]
    name: Name
    domain: Annotated[str, Meta(max_length=255)] | None | UnsetType = UNSET
    widget_config: WidgetConfig | None | UnsetType = UNSET


class SiteChanges(Body):
    name: Name | UnsetType = UNSET
    domain: Annotated[str, Meta(max_length=255)] | None | UnsetType = UNSET
    status: SiteStatus | UnsetType = UNSET
    widget_config: Annotated[WidgetConfig, Meta(description="Merged into the stored one")] | None | UnsetType = UNSET
    ai: Annotated[AiChanges, Meta(description="Merged into the stored settings")] | None | UnsetType = UNSET
    identity_verification: Annotated[bool, Meta(description="On needs the site's identity secret first")] \
        | UnsetType = UNSET


class IdentitySecret(Shape):
    site_id: str
    identity_secret: Annotated[str, Meta(description="Shown once: stored encrypted")]
    user_hash: str


# agents (section 10) and their administration

class AgentsQuery(Query):
    site_id: SiteId
    status: Literal[(*AGENT_STATUSES, "all")] | UnsetType = UNSET  # type: ignore[valid-type]


class AgentRow(Shape):
    id: str
    username: str
    email: str | None
    status: AgentStatus
    active_conversations: int
    last_seen: Timestamp | None


class AgentList(Shape):
    agents: list[AgentRow]


class StatusChange(Body):
    status: AgentStatus


class StatusChanged(Shape):
    status: AgentStatus
    updated_at: Timestamp


class AgentCreate(Body):
    username: Annotated[str, Meta(min_length=1, max_length=64, pattern=NOT_BLANK)]
    password: Password
    site_ids: Annotated[list[Annotated[str, Meta(min_length=1)]],
                        Meta(max_length=50, description="Sites the creating admin administers")]
    email: OptionalEmail | None | UnsetType = UNSET
    name: Annotated[str, Meta(max_length=120)] | None | UnsetType = UNSET
    role: Role | None | UnsetType = UNSET


class ApiKeyCreate(Body):
    name: Name
    agent_id: Annotated[str, Meta(max_length=64, description="The agent the key sends messages as")] \
        | None | UnsetType = UNSET


class ApiKeyOut(Shape):
    id: str
    name: str
    prefix: str
    created_at: Timestamp | None
    created_by: str | None
    last_used_at: Timestamp | None
    revoked_at: Timestamp | None
    active: bool
    agent_id: str | None


class NewApiKey(ApiKeyOut):
    key: Annotated[str, Meta(description="Shown once: stored as a SHA-256 hash")]


class ApiKeyList(Shape):
    api_keys: list[ApiKeyOut]


# invitations

class InvitationCreate(Body):
    email: Email
    role: Role | None | UnsetType = UNSET


class InvitationOut(Shape):
    id: str
    site_id: str
    site_name: str
    email: str
    role: Role
    status: Literal[INVITATION_STATUSES]  # type: ignore[valid-type]
    invited_by: str
    created_at: Timestamp | None
    expires_at: Timestamp | None
    accepted_at: Timestamp | None


class InvitationList(Shape):
    invitations: list[InvitationOut]


class Accepted(Shape):
    invitation: InvitationOut
    user: User


# assistants (seed 002's agent_id, managed here)

class AssistantFields(Body):
    instructions: Annotated[str, Meta(max_length=4000)] | None | UnsetType = UNSET
    provider: Literal[PROVIDERS] | None | UnsetType = UNSET  # type: ignore[valid-type]
    model_id: Annotated[str, Meta(max_length=200)] | None | UnsetType = UNSET
    active: bool | UnsetType = UNSET


class AssistantCreate(AssistantFields, kw_only=True):
    name: Name


class AssistantChanges(AssistantFields):
    name: Name | UnsetType = UNSET


class AssistantOut(Shape):
    id: int
    site_id: str
    name: str
    instructions: str | None
    provider: Literal[PROVIDERS]  # type: ignore[valid-type]
    model_id: str | None
    active: bool
    created_at: Timestamp | None
    updated_at: Timestamp | None


class AssistantList(Shape):
    assistants: list[AssistantOut]


# analytics (section 11)

class DashboardQuery(Query):
    site_id: SiteId
    period: Period = "today"


class PeriodQuery(Query):
    period: Period = "today"


class HourCount(Shape):
    hour: Annotated[int, Meta(ge=0, le=23, description="UTC")]
    count: int


class Dashboard(Shape):
    total_conversations: int
    active_conversations: int
    messages_sent: int
    average_response_time: Annotated[int, Meta(description="Seconds to a first answer")]
    customer_satisfaction: Annotated[float, Meta(description="Average rating, 0 when none")]
    conversations_by_hour: list[HourCount]


class AgentPerformance(Shape):
    agent_id: str
    conversations_handled: int
    messages_sent: int
    average_response_time: Annotated[int, Meta(description="Seconds")]
    average_resolution_time: Annotated[int, Meta(description="Seconds")]
    customer_satisfaction: float


# notifications (section 9)

class NotificationsQuery(Query):
    limit: Annotated[int, Meta(ge=1, le=100)] = 20
    unread_only: bool = False


class NotificationOut(Shape):
    id: str
    type: str
    title: str
    message: str
    data: dict[str, Any]
    read: bool
    created_at: Timestamp | None


class NotificationList(Shape):
    notifications: list[NotificationOut]
    unread_count: int


class MarkRead(Body):
    notification_ids: Annotated[list[Annotated[str, Meta(min_length=1)]],
                                Meta(max_length=500, description="Left out or empty: all")] | None | UnsetType = UNSET


class Marked(Shape):
    marked_count: int
