"""Seed 003's widget configuration as pure rules: what `PATCH /v1/widget/config` accepts, and how
a change merges into what is stored. No store, no clock: tests/domain/ runs them on plain values.

`domains` are host patterns (`company.uz`, `*.company.uz`, `localhost`): the widget's CORS
allow-list, read from the same stored field by the widget's public routes.
"""
from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit

from chalicelib.model.errors import ValidationFailed

SHAPES = ("rounded", "square", "circle")
POSITIONS = ("bottom-right", "bottom-left", "top-right", "top-left")
TEXTS = ("button_text", "welcome_message", "offline_message")
MAX_TEXT_CHARS = 500
MAX_DOMAINS = 50
MAX_URL_CHARS = 2048
LANGUAGES = ("en", "uz", "ru")  # the workspace language of 003's error messages
FIELDS = frozenset({"color", "shape", "position", *TEXTS, "domains", "branding", "language"})
BRANDING_FIELDS = frozenset({"show_powered_by", "logo_url"})

COLOR = re.compile(r"^#[0-9A-Fa-f]{6}$")
_LABEL = r"(?!-)[a-z0-9-]{1,63}(?<!-)"
# A host (at least two labels, or localhost), optionally behind one leading "*." wildcard label.
HOST_PATTERN = re.compile(rf"^(\*\.)?{_LABEL}(\.{_LABEL})+$|^localhost$")


def _text(name: str, value: Any) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ValidationFailed(f"{name} must be a non-empty string", {"field": name})
    if len(value) > MAX_TEXT_CHARS:
        raise ValidationFailed(f"{name} must be at most {MAX_TEXT_CHARS} characters", {"field": name})
    return value


def _choice(name: str, value: Any, allowed: tuple[str, ...]) -> str:
    if value not in allowed:
        raise ValidationFailed(f"{name} must be one of {', '.join(allowed)}", {"field": name})
    return str(value)


def host_patterns(value: Any) -> list[str]:
    """Lower-cased, duplicates dropped, order kept. A scheme, port, path or inner wildcard is a 400."""
    if not isinstance(value, list) or len(value) > MAX_DOMAINS:
        raise ValidationFailed(f"domains must be a list of at most {MAX_DOMAINS} host patterns", {"field": "domains"})
    patterns: list[str] = []
    for entry in value:
        host = entry.strip().lower().rstrip(".") if isinstance(entry, str) else ""
        if len(host) > 253 or not HOST_PATTERN.match(host):
            raise ValidationFailed("domains must be host names like company.uz or *.company.uz (no scheme, "
                                   "port or path)", {"field": "domains", "value": str(entry)[:100]})
        if host not in patterns:
            patterns.append(host)
    return patterns


def https_url(name: str, value: Any) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str) or len(value) > MAX_URL_CHARS:
        raise ValidationFailed(f"{name} must be an https URL", {"field": name})
    parts = urlsplit(value)
    if parts.scheme != "https" or not parts.hostname or parts.username or parts.password or " " in value:
        raise ValidationFailed(f"{name} must be an https URL", {"field": name})
    return value


def branding(value: Any) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise ValidationFailed("branding must be an object", {"field": "branding"})
    unknown = sorted(set(value) - BRANDING_FIELDS)
    if unknown:
        raise ValidationFailed(f"unknown branding fields: {', '.join(unknown)}",
                               {"fields": [f"branding.{name}" for name in unknown]})
    checked: dict[str, Any] = {}
    if "show_powered_by" in value:
        if not isinstance(value["show_powered_by"], bool):
            raise ValidationFailed("branding.show_powered_by must be true or false",
                                   {"field": "branding.show_powered_by"})
        checked["show_powered_by"] = value["show_powered_by"]
    if "logo_url" in value:
        checked["logo_url"] = https_url("branding.logo_url", value["logo_url"])
    return checked


def validate_patch(body: dict[str, Any]) -> dict[str, Any]:
    """The checked, normalised change; unknown fields and an empty change are a 400."""
    unknown = sorted(set(body) - FIELDS)
    if unknown:
        raise ValidationFailed(f"unknown fields: {', '.join(unknown)}", {"fields": unknown})
    if not body:
        raise ValidationFailed("nothing to change")
    change: dict[str, Any] = {}
    if "color" in body:
        if not isinstance(body["color"], str) or not COLOR.fullmatch(body["color"]):
            raise ValidationFailed("color must be #RRGGBB", {"field": "color"})
        change["color"] = body["color"].upper()
    if "shape" in body:
        change["shape"] = _choice("shape", body["shape"], SHAPES)
    if "position" in body:
        change["position"] = _choice("position", body["position"], POSITIONS)
    for name in TEXTS:
        if name in body:
            change[name] = _text(name, body[name])
    if "domains" in body:
        change["domains"] = host_patterns(body["domains"])
    if "branding" in body:
        change["branding"] = branding(body["branding"])
    if "language" in body:
        change["language"] = _choice("language", body["language"], LANGUAGES)
    return change


def merged(stored: dict[str, Any], change: dict[str, Any]) -> dict[str, Any]:
    """The stored config with the change applied: fields replaced, `branding` merged key by key.
    `color` is written as 000's `primary_color` too, so every surface shows one colour."""
    config = {**stored, **change}
    if "branding" in change:
        config["branding"] = {**(stored.get("branding") or {}), **change["branding"]}
    if "color" in change:
        config["primary_color"] = change["color"]
    return config
