"""Seed 003's automation triggers as pure rules: what a trigger may say, which triggers a visitor's
page view or exit intent sets off, and when a visitor is not to be interrupted. No store, no clock:
tests/domain/ runs them on plain values.

`url_pattern` is a glob on the page's path: `*` any run of characters (`/` included), `?` one
character, anything else itself; `*` alone matches every page. A page view sets off `page_load`,
`time_on_page` (its delay is the time on the page) and, for a visitor first seen on an earlier
(UTC) day, `returning_visitor`; an exit intent sets off `exit_intent`.
"""
from __future__ import annotations

import re
from datetime import datetime
from functools import lru_cache
from typing import Any, Iterable
from urllib.parse import urlsplit

from chalicelib.model.automation import ACTIVITIES, CONDITIONS, Trigger
from chalicelib.model.conversations import Conversation
from chalicelib.model.errors import ValidationFailed

MAX_NAME_CHARS = 120
MAX_MESSAGE_CHARS = 1000
MAX_PATTERN_CHARS = 500
MAX_DELAY_SECONDS = 900  # SQS's longest DelaySeconds: the wait is the queue's, never a sleeping Lambda
MAX_TRIGGERS_PER_SITE = 50  # a page view reads them all in one Query
MAX_PAGE_URL_CHARS = 2048
FIELDS = frozenset({"name", "condition", "delay_seconds", "message", "url_pattern", "active"})
REQUIRED = ("name", "condition", "message")


def _text(body: dict[str, Any], name: str, limit: int) -> str:
    value = body.get(name)
    if not isinstance(value, str) or not value.strip():
        raise ValidationFailed(f"{name} must be a non-empty string", {"field": name})
    if len(value) > limit:
        raise ValidationFailed(f"{name} must be at most {limit} characters", {"field": name})
    return value.strip()


def _pattern(value: Any) -> str:
    if not isinstance(value, str) or not value or len(value) > MAX_PATTERN_CHARS or not (
            value.startswith("/") or value.startswith("*")) or any(c.isspace() for c in value):
        raise ValidationFailed("url_pattern must be a glob on the page path, like /pricing, /blog/* or *",
                               {"field": "url_pattern"})
    return value


def _fields(body: dict[str, Any]) -> dict[str, Any]:
    unknown = sorted(set(body) - FIELDS)
    if unknown:
        raise ValidationFailed(f"unknown fields: {', '.join(unknown)}", {"fields": unknown})
    checked: dict[str, Any] = {}
    if "name" in body:
        checked["name"] = _text(body, "name", MAX_NAME_CHARS)
    if "message" in body:
        checked["message"] = _text(body, "message", MAX_MESSAGE_CHARS)
    if "condition" in body:
        if body["condition"] not in CONDITIONS:
            raise ValidationFailed(f"condition must be one of {', '.join(CONDITIONS)}", {"field": "condition"})
        checked["condition"] = body["condition"]
    if "delay_seconds" in body:
        delay = body["delay_seconds"]
        if isinstance(delay, bool) or not isinstance(delay, int) or not 0 <= delay <= MAX_DELAY_SECONDS:
            raise ValidationFailed(f"delay_seconds must be a whole number from 0 to {MAX_DELAY_SECONDS}",
                                   {"field": "delay_seconds"})
        checked["delay_seconds"] = delay
    if "url_pattern" in body:
        checked["url_pattern"] = _pattern(body["url_pattern"])
    if "active" in body:
        if not isinstance(body["active"], bool):
            raise ValidationFailed("active must be true or false", {"field": "active"})
        checked["active"] = body["active"]
    return checked


def new_trigger(body: dict[str, Any]) -> dict[str, Any]:
    """A POST body, checked: name, condition and message required; delay 0, pattern `*`, active by default."""
    for name in REQUIRED:
        if name not in body:
            raise ValidationFailed(f"{name} is required", {"field": name})
    return {"delay_seconds": 0, "url_pattern": "*", "active": True, **_fields(body)}


def trigger_change(body: dict[str, Any]) -> dict[str, Any]:
    """A PATCH body, checked; nothing to change is a 400."""
    if not body:
        raise ValidationFailed("nothing to change")
    return _fields(body)


def activity(kind: Any) -> str:
    if kind not in ACTIVITIES:
        raise ValidationFailed(f"type must be one of {', '.join(ACTIVITIES)}", {"field": "type"})
    return str(kind)


def page_path(page_url: Any) -> str:
    """The path of a page URL (`https://shop.uz/pricing?x=1` -> `/pricing`), or a path as sent."""
    if not isinstance(page_url, str) or not page_url or len(page_url) > MAX_PAGE_URL_CHARS:
        raise ValidationFailed(f"page_url must be the page's URL or path (at most {MAX_PAGE_URL_CHARS} "
                               "characters)", {"field": "page_url"})
    if page_url.startswith("/"):
        return urlsplit(page_url).path or "/"
    parts = urlsplit(page_url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ValidationFailed("page_url must be an http(s) URL or a path starting with /", {"field": "page_url"})
    return parts.path or "/"


@lru_cache(maxsize=512)
def _compiled(pattern: str) -> re.Pattern[str]:
    parts = [".*" if c == "*" else "." if c == "?" else re.escape(c) for c in pattern]
    return re.compile("".join(parts), re.DOTALL)


def matches(pattern: str, path: str) -> bool:
    return _compiled(pattern).fullmatch(path) is not None


def conditions_for(kind: str, returning: bool) -> frozenset[str]:
    if kind == "exit_intent":
        return frozenset({"exit_intent"})
    return frozenset({"page_load", "time_on_page", *(("returning_visitor",) if returning else ())})


def needs_visitor(triggers: Iterable[Trigger], kind: str, path: str) -> bool:
    """Whether telling a returning visitor matters here (only then is the visitor read)."""
    return kind == "page_view" and any(t.active and t.condition == "returning_visitor" and matches(t.url_pattern, path)
                                       for t in triggers)


def is_returning(first_seen: datetime, at: datetime) -> bool:
    return first_seen.date() < at.date()


def due(triggers: Iterable[Trigger], kind: str, path: str, returning: bool) -> list[Trigger]:
    """The active triggers this activity on this page sets off, in the order given."""
    wanted = conditions_for(kind, returning)
    return [t for t in triggers if t.active and t.condition in wanted and matches(t.url_pattern, path)]


def day_of(at: datetime) -> str:
    return at.date().isoformat()


def with_an_agent(conversation: Conversation | None) -> bool:
    """The visitor is talking to people: an open conversation in agent mode (assigned or waiting in
    the queue) or assigned to an agent. A bot conversation (004's automated mode) does not count."""
    if conversation is None or not conversation.is_open:
        return False
    return conversation.mode == "agent" or conversation.assigned_agent_id is not None
