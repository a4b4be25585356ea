"""Seed 004's FAQs (a site's quick questions) and its escalation capacity, managed by the site's admins."""
from __future__ import annotations

import re
from dataclasses import replace
from typing import Any

from chalicelib.domain import bot
from chalicelib.model.conversations import Faq
from chalicelib.model.errors import Conflict, NotFound, ValidationFailed
from chalicelib.model.identity import Principal, Site, require_admin
from chalicelib.store import faqs as store
from chalicelib.store import tenants
from chalicelib.store.base import ConditionFailed

SLUG = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$")
MAX_QUESTION = 300
MAX_ANSWER = 4000
MAX_KEYWORDS = 20
MAX_KEYWORD = 64
MAX_POSITION = 100_000
FIELDS = ("question", "answer", "keywords", "position")


def _fail(field: str, message: str) -> ValidationFailed:
    return ValidationFailed(f"{field} {message}", {"field": field})


def check_slug(slug: Any) -> str:
    if not isinstance(slug, str) or not SLUG.match(slug):
        raise _fail("slug", "must be 1-64 lower-case letters, digits and inner dashes")
    return slug


def _text(body: dict[str, Any], field: str, limit: int) -> str:
    value = body.get(field)
    if not isinstance(value, str) or not value.strip():
        raise _fail(field, "is required")
    if len(value.strip()) > limit:
        raise _fail(field, f"must be at most {limit} characters")
    return value.strip()


def _keywords(value: Any) -> tuple[str, ...]:
    if not isinstance(value, list) or len(value) > MAX_KEYWORDS or not all(
            isinstance(k, str) and 0 < len(k.strip()) <= MAX_KEYWORD for k in value):
        raise _fail("keywords", f"must be a list of at most {MAX_KEYWORDS} words of 1-{MAX_KEYWORD} characters")
    return tuple(dict.fromkeys(k.strip() for k in value))


def _position(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_POSITION:
        raise _fail("position", f"must be a whole number from 0 to {MAX_POSITION}")
    return value


def _site(principal: Principal, site_id: str) -> None:
    require_admin(principal, site_id)


def listing(principal: Principal, site_id: str) -> list[Faq]:
    """1 Query."""
    _site(principal, site_id)
    return store.list_for_site(site_id)


def create(principal: Principal, site_id: str, body: dict[str, Any]) -> Faq:
    """1 PutItem (only if the slug is free: 409 otherwise)."""
    _site(principal, site_id)
    faq = Faq(site_id=site_id, slug=check_slug(body.get("slug")), question=_text(body, "question", MAX_QUESTION),
              answer=_text(body, "answer", MAX_ANSWER), keywords=_keywords(body.get("keywords", [])),
              position=_position(body.get("position", 0)))
    try:
        store.create(faq)
    except ConditionFailed:
        raise Conflict("A FAQ with this slug exists on this site", {"field": "slug"}) from None
    return faq


def update(principal: Principal, site_id: str, slug: str, body: dict[str, Any]) -> Faq:
    """1 GetItem + 1 UpdateItem (only if it still exists)."""
    _site(principal, site_id)
    current = store.get(site_id, slug) if SLUG.match(slug) else None
    if current is None:
        raise NotFound("FAQ not found")
    changes: dict[str, Any] = {}
    if "question" in body:
        changes["question"] = _text(body, "question", MAX_QUESTION)
    if "answer" in body:
        changes["answer"] = _text(body, "answer", MAX_ANSWER)
    if "keywords" in body:
        changes["keywords"] = _keywords(body["keywords"])
    if "position" in body:
        changes["position"] = _position(body["position"])
    updated = replace(current, **changes)
    try:
        store.replace(updated)
    except ConditionFailed:
        raise NotFound("FAQ not found") from None
    return updated


def delete(principal: Principal, site_id: str, slug: str) -> None:
    """1 DeleteItem (only if it exists)."""
    _site(principal, site_id)
    try:
        if not SLUG.match(slug):
            raise NotFound("FAQ not found")
        store.delete(site_id, slug)
    except ConditionFailed:
        raise NotFound("FAQ not found") from None


def capacity(principal: Principal, site_id: str) -> int:
    """The site's escalation capacity (open conversations per agent). 1 GetItem."""
    _site(principal, site_id)
    site = tenants.get_site(site_id)
    if site is None:
        raise NotFound("Site not found")
    return bot.capacity_of(site.agent_capacity)


def set_capacity(principal: Principal, site_id: str, value: Any) -> Site:
    """1 UpdateItem."""
    _site(principal, site_id)
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= bot.MAX_CAPACITY:
        raise _fail("agent_capacity", f"must be a whole number from 1 to {bot.MAX_CAPACITY}")
    try:
        return tenants.update_site(site_id, {"agent_capacity": value})
    except ConditionFailed:
        raise NotFound("Site not found") from None


DEMO_FAQS = (
    Faq("", "opening-hours", "What are your opening hours?",
        "We answer every day from 9:00 to 18:00 (UTC). Outside those hours leave a message and we reply next morning.",
        ("hours", "opening", "open", "when"), 0),
    Faq("", "shipping", "How long does shipping take?",
        "Orders ship within 1 business day and arrive in 2-5 business days. You get a tracking link by email.",
        ("shipping", "delivery", "ship", "arrive", "tracking"), 1),
    Faq("", "refunds", "How do I get a refund?",
        "Send us your order number: refunds go back to the original payment method within 5 business days.",
        ("refund", "money back", "return", "cancel"), 2),
)


def ensure_demo(site_id: str) -> int:
    """The demo site's three quick questions, created when absent (local seed). 1 Query + puts."""
    present = {f.slug for f in store.list_for_site(site_id)}
    created = 0
    for faq in DEMO_FAQS:
        if faq.slug not in present:
            try:
                store.create(replace(faq, site_id=site_id))
                created += 1
            except ConditionFailed:
                pass
    return created
