"""Visitors: registration (with their session token) and who is active on a site."""
from __future__ import annotations

import re
from typing import Any

from chalicelib.model import events as ev
from chalicelib.auth import tokens
from chalicelib.model.errors import Forbidden, NotFound, ValidationFailed, VisitorExists
from chalicelib.model.identity import Visitor, VisitorPrincipal
from chalicelib.settings import get_settings
from chalicelib.store import tenants, visitors
from chalicelib.domain import presence as presence_rules
from chalicelib.domain import suspension, visitor_identity
from chalicelib.store.base import ConditionFailed, now


def register(site_id: str, visitor_id: str, name: str, email: str | None, metadata: dict[str, Any],
             token: str | None = None, user_hash: str | None = None,
             phone: str | None = None) -> tuple[Visitor, str, bool, list[ev.Event]]:
    """(visitor, session token, created, events). 1 GetItem (site) + 1 write (+1 for a connected visitor).

    Knowing the id is not enough (domain/visitor_identity.py): a caller recognised as the visitor
    (its token, or user_hash) gets it, refreshed, idempotently; anyone else may only create an id
    that is free: a conditional PutItem, so of two creates of one id exactly one wins. A taken id
    without proof is VisitorExists (409): nothing written, no token issued.
    """
    site = tenants.get_site(site_id)
    if site is None:
        raise NotFound("Site not found")
    suspension.require_usable(site)  # 403 SITE_SUSPENDED: the widget shows its offline message
    if visitor_identity.recognised(site, visitor_id, token=token, user_hash=user_hash):
        visitor, created = visitors.register(site_id, visitor_id, name, email, metadata, phone=check_phone(phone))
    else:
        try:
            visitor, created = visitors.create(site_id, visitor_id, name, email, metadata, check_phone(phone)), True
        except ConditionFailed as failed:
            if not failed.involves(visitors.visitor_key(site_id, visitor_id)):
                raise
            raise VisitorExists("A visitor with this visitor_id already exists: present its X-Visitor-Token "
                                "(or user_hash) to continue as it") from None
    session = tokens.issue(tokens.VISITOR, visitor_id, get_settings().visitor_token_seconds, {"site": site_id})
    events = [ev.Event(ev.VISITOR_CREATED, site_id, {"visitor": {
        "id": visitor.visitor_id, "name": visitor.name, "email": visitor.email, "metadata": visitor.metadata,
        "created_at": visitor.first_seen.isoformat()}})] if created else []
    return visitor, session, created, events


PHONE = re.compile(r"^\+?[0-9][0-9 ()./-]{3,30}$")


def check_phone(phone: object) -> str | None:
    """A visitor's phone as people write it (+998 90 123-45-67); at most 32 characters."""
    if phone is None:
        return None
    if not isinstance(phone, str) or not PHONE.match(phone.strip()):
        raise ValidationFailed("phone must be a phone number: digits, spaces, ()-./ and an optional leading +",
                               {"field": "phone"})
    return phone.strip()


def authenticate(token: str) -> VisitorPrincipal:
    """The signature, audience and expiry decide, and the site must not be suspended (403
    SITE_SUSPENDED): no DynamoDB request but the site's status, cached per process
    (domain/suspension.py: at most 1 BatchGetItem per settings.site_status_cache_seconds)."""
    claims = tokens.verify(tokens.VISITOR, token)
    site_id = claims.get("site")
    if not isinstance(site_id, str):
        raise ValidationFailed("Invalid visitor token")
    suspension.require_active(site_id)
    return VisitorPrincipal(site_id=site_id, visitor_id=claims["sub"])


def admit(principal: VisitorPrincipal, site_id: str, visitor_id: str) -> None:
    """May this visitor token open a live connection as (site, visitor)? 2 GetItem. Forbidden if not."""
    if principal.site_id != site_id or principal.visitor_id != visitor_id:
        raise Forbidden("This token is not for this site and visitor")
    site = tenants.get_site(site_id)
    if site is None or visitors.get_visitor(site_id, visitor_id) is None:
        raise Forbidden("No access to this site")
    suspension.require_usable(site)


def get(site_id: str, visitor_id: str) -> Visitor:
    visitor = visitors.get_visitor(site_id, visitor_id)
    if visitor is None:
        raise NotFound("Visitor not found")
    return visitor


MAX_NAME = 120


def rename(principal: VisitorPrincipal, name: object) -> tuple[Visitor, list[ev.Event]]:
    """A visitor names itself (the widget's `init`). 1 UpdateItem."""
    if not isinstance(name, str) or not 0 < len(name.strip()) <= MAX_NAME:
        raise ValidationFailed(f"name must be 1-{MAX_NAME} characters", {"field": "name"})
    try:
        visitor = visitors.rename(principal.site_id, principal.visitor_id, name.strip())
    except ConditionFailed:
        raise NotFound("Visitor not found") from None
    return visitor, [ev.Event(ev.VISITOR_UPDATED, principal.site_id,
                              {"visitor": {"id": visitor.visitor_id, "name": visitor.name}})]


def presence(visitor: Visitor) -> str:
    """online | offline, now (see domain/presence.py)."""
    return presence_rules.presence(visitor, now())


def active(site_id: str) -> list[Visitor]:
    """1 Query on the seen index (a connected visitor's key is the end of its presence lease)."""
    return [v for v in visitors.active_since(site_id, now() - presence_rules.ACTIVE_WINDOW) if presence(v) == "online"]
