"""Seed 000's request and response models (surfaces/contract.py): validation and the OpenAPI document.

Shared shapes here; the conversation side's models (conversations, messages, files, visitors,
activity, analysis) are in chat_schemas.py.
"""
from __future__ import annotations

from typing import Annotated, Any, Generic, Literal, TypeVar

from chalicelib.surfaces.contract import Meta, Shape

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
