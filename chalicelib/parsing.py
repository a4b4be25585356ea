"""Reading request fields: each helper returns a typed value or raises VALIDATION_ERROR naming the field.

Small and hand-written on purpose: a validation library's import would cost
more cold-start time than these few checks (DESIGN budget: import <= 1.5x).
"""
from __future__ import annotations

import json
import math
import re
from typing import Any, Iterable, Mapping

from chalicelib.model.errors import ValidationFailed

EMAIL = re.compile(r"^[^@\s]{1,64}@[^@\s]+\.[^@\s]{2,}$")
_MISSING = object()

# Strict JSON (DESIGN §7), the one reader of every edge: HTTP bodies and WebSocket frames.
MAX_JSON_BYTES = 256 * 1024
MAX_JSON_DEPTH = 32  # objects and arrays inside one another, the outermost counted
MAX_JSON_INTEGER = 2**53 - 1  # I-JSON (RFC 7493): integers a double and every JSON reader hold exactly


def _no_constant(name: str) -> Any:
    raise ValidationFailed(f"{name} is not a JSON number; send a finite number or null")


def _valid_unicode(value: str) -> bool:
    if value.isascii():
        return True
    try:
        value.encode("utf-8")  # lone surrogates ("\ud800") cannot be encoded, stored or sent on
    except UnicodeEncodeError:
        return False
    return True


OUT_OF_RANGE = "is out of range: numbers must be finite, integers within +/-(2^53 - 1)"


def _out_of_range(value: Any) -> bool:
    """1e400 overflows to Infinity (the invalid JSON NaN/Infinity are, once echoed); integers past
    2^53 lose precision in JavaScript and past 38 digits are refused by DynamoDB."""
    if type(value) is float:
        return math.isinf(value)
    return type(value) is int and not -MAX_JSON_INTEGER <= value <= MAX_JSON_INTEGER


def _join(path: str, key: str | int) -> str:
    if isinstance(key, int):
        return f"{path}[{key}]"
    return f"{path}.{key}" if path else key


def _check_tree(value: Any, what: str) -> None:
    """Depth and Unicode of everything in a parsed document, without recursion; names the field
    (`metadata.tags[2]`) that holds a lone surrogate. Paths are built for containers only."""
    def refuse(path: str, message: str) -> ValidationFailed:
        return ValidationFailed(f"{path or what} {message}", {"field": path} if path else None)

    if isinstance(value, str) and not _valid_unicode(value):
        raise refuse("", "must be valid Unicode (no lone surrogates)")
    if _out_of_range(value):
        raise refuse("", OUT_OF_RANGE)
    stack: list[tuple[Any, str, int]] = [(value, "", 1)] if isinstance(value, (dict, list)) else []
    while stack:
        node, path, depth = stack.pop()
        if depth > MAX_JSON_DEPTH:
            raise ValidationFailed(f"{what} is nested too deeply (at most {MAX_JSON_DEPTH} levels)",
                                   {"field": path} if path else None)
        items = node.items() if isinstance(node, dict) else enumerate(node)
        for key, item in items:
            if isinstance(key, str) and not _valid_unicode(key):
                raise refuse(path, "has a field name that is not valid Unicode (a lone surrogate)")
            if isinstance(item, str):
                if not _valid_unicode(item):
                    raise refuse(_join(path, key), "must be valid Unicode (no lone surrogates)")
            elif isinstance(item, (dict, list)):
                stack.append((item, _join(path, key), depth + 1))
            elif _out_of_range(item):
                raise refuse(_join(path, key), OUT_OF_RANGE)


def json_value(raw: bytes | str, *, what: str = "Request body", max_size: int = MAX_JSON_BYTES) -> Any:
    """Strict JSON: UTF-8 (or UTF-16/32 as RFC 8259 detects it) without lone surrogates, no
    NaN/Infinity or numbers out of range, at most MAX_JSON_DEPTH levels and `max_size` bytes
    (characters for a str). Anything else is a VALIDATION_ERROR; never a RecursionError."""
    if len(raw) > max_size:
        raise ValidationFailed(f"{what} is too large (at most {max_size // 1024} KB)")
    try:
        text = raw.decode(json.detect_encoding(raw)) if isinstance(raw, bytes) else raw
        value = json.loads(text, parse_constant=_no_constant)
    except RecursionError:  # the decoder's own limit, far above ours
        raise ValidationFailed(f"{what} is nested too deeply (at most {MAX_JSON_DEPTH} levels)") from None
    except UnicodeError:
        raise ValidationFailed(f"{what} must be valid UTF-8") from None
    except ValueError:
        raise ValidationFailed(f"{what} must be valid JSON") from None
    _check_tree(value, what)
    return value


def json_object(raw: bytes | str, *, what: str = "Request body", max_size: int = MAX_JSON_BYTES,
                empty_is_object: bool = True) -> dict[str, Any]:
    """A strict JSON object (see json_value); an empty or blank body is {} when `empty_is_object`."""
    if len(raw) > max_size:
        raise ValidationFailed(f"{what} is too large (at most {max_size // 1024} KB)")
    if empty_is_object and not raw.strip():
        return {}
    value = json_value(raw, what=what, max_size=max_size)
    if not isinstance(value, dict):
        raise ValidationFailed(f"{what} must be a JSON object")
    return value


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
