"""Seed 003's request and response models (surfaces/contract.py): validation and the OpenAPI document."""
from __future__ import annotations

from typing import Annotated, Any, Literal

from chalicelib.surfaces.contract import UNSET, Body, Meta, Query, Shape, UnsetType

Id = Annotated[str, Meta(min_length=1, max_length=64)]
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
