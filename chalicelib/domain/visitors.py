"""Visitors: registration (with their session token) and who is active on a site."""
from __future__ import annotations

from datetime import timedelta
from typing import Any

from chalicelib.auth import tokens
from chalicelib.domain.errors import NotFound, ValidationFailed
from chalicelib.domain.identity import Visitor, VisitorPrincipal
from chalicelib.settings import get_settings
from chalicelib.store import tenants, visitors
from chalicelib.store.base import now

# Until realtime presence marks visitors online, "active" means seen this recently.
ACTIVE_WINDOW = timedelta(minutes=5)


def register(site_id: str, visitor_id: str, name: str, email: str | None,
             metadata: dict[str, Any]) -> tuple[Visitor, str, bool]:
    """(visitor, session token, created). 1 GetItem (site) + 1-2 writes."""
    site = tenants.get_site(site_id)
    if site is None or site.status != "active":
        raise NotFound("Site not found")
    visitor, created = visitors.register(site_id, visitor_id, name, email, metadata)
    token = tokens.issue(tokens.VISITOR, visitor_id, get_settings().visitor_token_seconds, {"site": site_id})
    return visitor, token, created


def authenticate(token: str) -> VisitorPrincipal:
    """Stateless: the signature, audience and expiry decide. No DynamoDB request."""
    claims = tokens.verify(tokens.VISITOR, token)
    site_id = claims.get("site")
    if not isinstance(site_id, str):
        raise ValidationFailed("Invalid visitor token")
    return VisitorPrincipal(site_id=site_id, visitor_id=claims["sub"])


def get(site_id: str, visitor_id: str) -> Visitor:
    visitor = visitors.get_visitor(site_id, visitor_id)
    if visitor is None:
        raise NotFound("Visitor not found")
    return visitor


def presence(visitor: Visitor) -> str:
    if visitor.status == "online" or now() - visitor.last_seen <= ACTIVE_WINDOW:
        return "online"
    return "offline"


def active(site_id: str) -> list[Visitor]:
    """1 Query on the last-seen index."""
    return visitors.active_since(site_id, now() - ACTIVE_WINDOW)
