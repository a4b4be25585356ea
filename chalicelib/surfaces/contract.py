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
    challenges: bool  # authenticated before the view: a missing or bad credential is a 401
    body: type | None = None
    body_media_type: str = "application/json"
    query: type | None = None
    responses: Mapping[int, type | None] = field(default_factory=dict)
    errors: tuple[int, ...] = ()
    tags: tuple[str, ...] = ()


# msgspec's words for a text refused by the pattern r"\S" (not blank), as read() has them: said plainly.
BLANK_REFUSED = "Expected str matching regex '\\\\S'"
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


def _whole_floats_as_ints(value: Any) -> Any:
    """JSON (and JSON Schema) does not tell 5.0 from 5: an integer field takes either. msgspec's strict
    mode would refuse 5.0, so whole numbers within I-JSON's exact range become ints (a float field
    still takes them)."""
    if type(value) is float:
        return int(value) if value.is_integer() and abs(value) <= 2**53 - 1 else value
    if isinstance(value, dict):
        return {key: _whole_floats_as_ints(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_whole_floats_as_ints(item) for item in value]
    return value


def read(model: type, raw: Any, *, where: str = "body", from_strings: bool = False) -> Any:
    """`raw` (a parsed JSON body, or the query's strings when from_strings) as an instance of `model`;
    anything the model refuses is a VALIDATION_ERROR naming the field."""
    try:
        return msgspec.convert(raw if from_strings else _whole_floats_as_ints(raw), model, strict=not from_strings)
    except msgspec.ValidationError as error:
        match = _AT.match(str(error))
        raw = match.group("message") if match else str(error)
        message = raw.replace("`", "")
        name = _field(match.group("path") or "" if match else "", raw)  # raw: _field reads the `name`
        if not name and message.startswith("Expected object"):  # the body itself; a field's keeps its own text
            message = f"the {where} must be a JSON object"
        elif message == BLANK_REFUSED:
            message = "must not be blank"
        text = f"{name}: {message}" if name else f"{where}: {message}"
        raise ValidationFailed(text, {"field": name} if name else None) from None


def given(model: msgspec.Struct) -> dict[str, Any]:
    """The fields a client sent (UNSET ones left out), as plain data: what a PATCH asks to change."""
    return {name: msgspec.to_builtins(value) for name, value in msgspec.structs.asdict(model).items()
            if value is not UNSET}
