"""Reading request fields: each helper returns a typed value or raises VALIDATION_ERROR naming the field.

Small and hand-written on purpose: a validation library's import would cost
more cold-start time than these few checks (DESIGN budget: import <= 1.5x).
"""
from __future__ import annotations

import re
from typing import Any, Iterable, Mapping

from chalicelib.model.errors import ValidationFailed

EMAIL = re.compile(r"^[^@\s]{1,64}@[^@\s]+\.[^@\s]{2,}$")
_MISSING = object()


def _fail(field: str, message: str) -> ValidationFailed:
    return ValidationFailed(f"{field} {message}", {"field": field})


def text(data: Mapping[str, Any], field: str, *, required: bool = True, max_length: int = 255,
         min_length: int = 1, default: str | None = None) -> str | None:
    value = data.get(field, _MISSING)
    if value is _MISSING or value is None:
        if required:
            raise _fail(field, "is required")
        return default
    if not isinstance(value, str):
        raise _fail(field, "must be a string")
    value = value.strip()
    if len(value) < min_length:
        if required:
            raise _fail(field, "must not be empty")
        return default
    if len(value) > max_length:
        raise _fail(field, f"must be at most {max_length} characters")
    return value


def required_text(data: Mapping[str, Any], field: str, *, max_length: int = 255) -> str:
    value = text(data, field, required=True, max_length=max_length)
    assert value is not None
    return value


def secret(data: Mapping[str, Any], field: str, *, max_length: int = 256) -> str:
    """Like text, but not stripped (passwords)."""
    value = data.get(field)
    if not isinstance(value, str) or not value:
        raise _fail(field, "is required")
    if len(value) > max_length:
        raise _fail(field, f"must be at most {max_length} characters")
    return value


def email(data: Mapping[str, Any], field: str = "email", *, required: bool = False) -> str | None:
    value = text(data, field, required=required, max_length=254)
    if value is not None and not EMAIL.match(value):
        raise _fail(field, "must be an email address")
    return value


def choice(data: Mapping[str, Any], field: str, options: Iterable[str], *, required: bool = True,
           default: str | None = None) -> str | None:
    allowed = tuple(options)
    value = text(data, field, required=required, default=default, max_length=64)
    if value is not None and value not in allowed:
        raise _fail(field, f"must be one of: {', '.join(allowed)}")
    return value


def mapping(data: Mapping[str, Any], field: str, *, max_keys: int = 50) -> dict[str, Any]:
    value = data.get(field)
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise _fail(field, "must be an object")
    if len(value) > max_keys:
        raise _fail(field, f"must have at most {max_keys} keys")
    return value


def string_list(data: Mapping[str, Any], field: str, *, max_items: int = 100, required: bool = False) -> list[str]:
    value = data.get(field)
    if value is None:
        if required:
            raise _fail(field, "is required")
        return []
    if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
        raise _fail(field, "must be a list of strings")
    if len(value) > max_items:
        raise _fail(field, f"must have at most {max_items} items")
    return value


def only(data: Mapping[str, Any], allowed: Iterable[str]) -> None:
    """Refuse fields the caller may not set (mass assignment), naming them."""
    extra = sorted(set(data) - set(allowed))
    if extra:
        raise ValidationFailed(f"fields not allowed here: {', '.join(extra)}", {"fields": extra})


def integer(query: Mapping[str, str], field: str, *, default: int, minimum: int = 1, maximum: int = 100) -> int:
    raw = query.get(field)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise _fail(field, "must be a whole number") from None
    if not minimum <= value <= maximum:
        raise _fail(field, f"must be between {minimum} and {maximum}")
    return value


def boolean(query: Mapping[str, str], field: str, *, default: bool) -> bool:
    raw = query.get(field)
    if raw is None or raw == "":
        return default
    lowered = raw.lower()
    if lowered in {"true", "1", "yes"}:
        return True
    if lowered in {"false", "0", "no"}:
        return False
    raise _fail(field, "must be true or false")


def page(query: Mapping[str, str], *, default_limit: int = 20, max_limit: int = 100) -> tuple[int, int]:
    return (integer(query, "page", default=1, minimum=1, maximum=100_000),
            integer(query, "limit", default=default_limit, minimum=1, maximum=max_limit))
