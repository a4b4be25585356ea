"""A route's contract: the models its request is validated with and its answers are described by.

A route declares them on `Surface.route(...)` (body=, query=, responses=, errors=); the surface
validates the request with them before the view runs, and surfaces/openapi.py describes the route
from the very same models (OpenAPI 3.1). msgspec, not pydantic: the same JSON Schema out of typed
classes, for a fraction of the import time every Lambda cold start pays (see docs/openapi.md).

    class ChatPatch(Body):
        status: Annotated[str, Meta(max_length=16)] | UnsetType = UNSET

    @surface.route("/v1/chats/{chat_id}", methods=["PATCH"], auth=api_key, body=ChatPatch,
                   responses={200: ChatDetail}, errors=(409,))
    def update_chat(call, principal, chat_id, body: ChatPatch): ...
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Mapping

import msgspec
from msgspec import UNSET, Meta, UnsetType  # noqa: F401  (re-exported: the names models are written with)

from chalicelib.model.errors import ValidationFailed

__all__ = ["Body", "Query", "Shape", "Operation", "Meta", "UNSET", "UnsetType", "read", "given"]


# msgspec applies kw_only to a class's own fields only: in a model, fields with a default come last.
class Body(msgspec.Struct, forbid_unknown_fields=True, omit_defaults=True):
    """A JSON request body: unknown fields are refused; a field left out is UNSET (PATCH semantics)."""


class Query(msgspec.Struct, forbid_unknown_fields=True):
    """Query string parameters (strings on the wire, converted to the declared types); unknown ones refused."""


class Shape(msgspec.Struct):
    """A response body (or part of one). Describes what the route answers; clients must ignore fields
    they do not know, so the schema allows more."""


@dataclass(frozen=True)
class Operation:
    """One route as the description shows it; collected by Surface.route."""

    path: str
    method: str
    view: str
    summary: str
    description: str
    security: tuple[str, ...]  # names of security schemes (any one of them); () = public
    body: type | None = None
    body_media_type: str = "application/json"
    query: type | None = None
    responses: Mapping[int, type | None] = field(default_factory=dict)
    errors: tuple[int, ...] = ()
    tags: tuple[str, ...] = ()


# msgspec: "Expected `int` <= 100 - at `$.limit`", "Object contains unknown field `zzz` - at `$.a`"
_AT = re.compile(r"^(?P<message>.*?)(?: - at `\$(?P<path>[^`]*)`)?$", re.S)


def _field(path: str, message: str) -> str | None:
    if path:
        return path.lstrip(".")
    unknown = re.search(r"unknown field `([^`]*)`", message)
    if unknown:
        return unknown.group(1)
    missing = re.search(r"missing required field `([^`]*)`", message)
    return missing.group(1) if missing else None


def read(model: type, raw: Any, *, where: str = "body", from_strings: bool = False) -> Any:
    """`raw` (a parsed JSON body, or the query's strings when from_strings) as an instance of `model`;
    anything the model refuses is a VALIDATION_ERROR naming the field."""
    try:
        return msgspec.convert(raw, model, strict=not from_strings)
    except msgspec.ValidationError as error:
        match = _AT.match(str(error))
        message = (match.group("message") if match else str(error)).replace("`", "")
        name = _field(match.group("path") or "" if match else "", message)
        if message.startswith("Expected `object`") or message.startswith("Expected object"):
            message = f"the {where} must be a JSON object"
        text = f"{name}: {message}" if name else f"{where}: {message}"
        raise ValidationFailed(text, {"field": name} if name else None) from None


def given(model: msgspec.Struct) -> dict[str, Any]:
    """The fields a client sent (UNSET ones left out), as plain data: what a PATCH asks to change."""
    return {name: msgspec.to_builtins(value) for name, value in msgspec.structs.asdict(model).items()
            if value is not UNSET}
