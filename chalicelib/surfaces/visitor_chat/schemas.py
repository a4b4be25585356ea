"""Seed 001's request and response models (surfaces/contract.py): validation and the OpenAPI document.

The shapes are chalicelib/render/visitor_chat.py's: {"message", "data"} on success, {"message",
"errors"?} on failure. Text fields are trimmed by the routes, so a blank one counts as left out
(an optional field) or is refused (a required one: the `\\S` pattern).
"""
from __future__ import annotations

from typing import Annotated, Generic, Literal, TypeVar

from chalicelib.domain import visitor_sessions as sessions
from chalicelib.surfaces.contract import UNSET, Body, Meta, Shape, UnsetType

T = TypeVar("T")
Timestamp = Annotated[str, Meta(description="UTC, milliseconds, 'Z' (2025-07-02T12:00:00.000Z)")]
NOT_BLANK = r"\S"


class Error(Shape):
    message: str
    errors: Annotated[dict[str, list[str]], Meta(description="{field: [message]} when one field is at fault")] \
        | UnsetType = UNSET


class Ok(Shape, Generic[T]):
    """The success envelope: {"message": "...", "data": ...}."""

    message: str
    data: T


# -- POST /chat/start-session ---------------------------------------------------------------------

class StartSession(Body):
    business: Annotated[str, Meta(min_length=1, max_length=64, pattern=NOT_BLANK,
                                  description="The business (site) id")]
    department: Annotated[str, Meta(max_length=sessions.MAX_DEPARTMENT)] | None | UnsetType = UNSET
    external_customer_id: Annotated[str, Meta(
        max_length=sessions.MAX_EXTERNAL_ID,
        description="The business's own customer id: one session per customer (with customer_hash when "
                    "the business verifies its customers)")] | None | UnsetType = UNSET
    customer_hash: Annotated[str, Meta(max_length=128, description="HMAC-SHA256 of external_customer_id "
                                                                   "with the business's identity secret")] \
        | None | UnsetType = UNSET


class Started(Shape):
    session_id: Annotated[str, Meta(description="A UUID")]
    active: Literal[True]
    token: Annotated[str, Meta(description="The end user's token: Bearer for upload and history, "
                                           "Sec-WebSocket-Protocol for the socket")]
    end_user_id: Annotated[str, Meta(description="The end user's UUID (uploaded_by_end_user)")]
    conversation_id: str | None


# -- POST /chat/upload-file (multipart/form-data) ----------------------------------------------------

Nullable64 = Annotated[str, Meta(max_length=64)]


class UploadFields(Body):
    """The form's text fields, validated as parsed (values are trimmed; "", "null" and "none" are null)."""

    uploaded_by_end_user: Annotated[str, Meta(min_length=1, max_length=64, pattern=NOT_BLANK,
                                              description="The end user's UUID (start-session's end_user_id)",
                                              extra_json_schema={"format": "uuid"})]
    uploaded_by_agent: Annotated[Nullable64, Meta(description="The uploading agent's id (agents only), or null")] \
        | UnsetType = UNSET
    message: Annotated[Nullable64, Meta(description="The id of the related message, or null")] | UnsetType = UNSET


class UploadForm(UploadFields, kw_only=True):
    """What the route reads: the text fields and one file part named `file`."""

    file: Annotated[str, Meta(description="The file (images, PDF, Office documents, text, audio; "
                                          "the type is read from the bytes)",
                              extra_json_schema={"format": "binary",
                                                 "contentMediaType": "application/octet-stream"})]


class Uploaded(Shape):
    file: Annotated[str, Meta(description="An absolute, signed download link: send it in a `file` frame")]
    file_name: str | None


# -- GET /chat/history/{session_id} ---------------------------------------------------------------

SenderType = Literal["end_user", "agent", "bot", "system"]


class SaidData(Shape):
    id: str
    seq: int
    sender_id: str | None
    sender_type: SenderType
    timestamp: Timestamp | None
    content: str


class SentData(Shape):
    id: str
    seq: int
    sender_id: str | None
    sender_type: SenderType
    timestamp: Timestamp | None
    file: Annotated[str, Meta(description="A fresh download link; null once the file is deleted")] | None
    file_name: str | None
    is_audio: bool
    deleted: Literal[True] | UnsetType = UNSET


class MessageEntry(Shape, tag_field="type", tag="message"):
    """What was said."""

    data: SaidData


class AttachmentEntry(Shape, tag_field="type", tag="attachment"):
    """What was sent: a message with a file is a message entry (its text, if any) and an attachment entry."""

    data: SentData


class Timeline(Shape):
    """The history, oldest first (at most 1000 messages): {"message", "data": [entry, ...]}."""

    message: str
    data: list[MessageEntry | AttachmentEntry]
