"""CORS for the widget's public routes, decided per site: its widget `domains` are the allow-list.

Chalice's own CORS config is static (API Gateway answers the preflight with a MOCK
integration), so the widget's routes declare OPTIONS themselves and API Gateway
passes the preflight to Lambda (the local gateway does the same). A preflight
carries no body and no header values, so the widget names its site in the query
string (`?site_id=`) of every call; the preflight is decided on that. The real
request is decided again on the site the caller proved (a visitor's token), or
the `site_id` it names when the route is public. Refused: no
Access-Control-Allow-Origin (the browser blocks the call) and a 403 preflight.
CORS keeps other web pages from embedding the widget; it is not authentication.
"""
from __future__ import annotations

from collections import defaultdict
from typing import Any, Iterable

from chalicelib.domain import origins, sites
from chalicelib.model.errors import DomainError, NotFound, OriginNotAllowed

# The routes the widget calls from a customer's web page: seed 000's visitor routes,
# seed 004's customer routes and seed 001's session start.
WIDGET_PATHS = frozenset({
    "/api/v1/visitors",
    "/api/v1/visitors/activity",
    "/api/v1/sites/{site_id}",
    "/api/v1/conversations",
    "/api/v1/conversations/{conversation_id}",
    "/api/v1/conversations/{conversation_id}/rating",
    "/api/v1/messages",
    "/api/v1/messages/read",
    "/api/v1/typing",
    "/api/v1/files/upload",
    "/api/v1/files/{file_id}",
    "/chat/start-session",
})
WIDGET_PREFIXES = ("/api/v1/customer/",)
ALLOW_HEADERS = "Content-Type, X-Visitor-Token, X-Customer-Session-Id, Idempotency-Key, X-Request-Id"
EXPOSE_HEADERS = "Retry-After, X-RateLimit-Limit, X-RateLimit-Remaining, X-RateLimit-Reset, X-Request-Id"
PREFLIGHT_MAX_AGE = "600"  # seconds a browser may reuse a granted preflight

_methods_by_path: dict[str, set[str]] = defaultdict(set)


def is_widget_route(path: str) -> bool:
    return path in WIDGET_PATHS or path.startswith(WIDGET_PREFIXES)


def declare(path: str, methods: Iterable[str]) -> bool:
    """Remember a widget route's methods; True the first time its path is seen (then declare OPTIONS)."""
    first = path not in _methods_by_path
    _methods_by_path[path].update(m.upper() for m in methods)
    return first


def methods_of(path: str) -> list[str]:
    return sorted(_methods_by_path.get(path, ())) + ["OPTIONS"]


def site_allows(site_id: str | None, origin: str | None) -> bool:
    """1 GetItem: the site's widget `domains` match the origin. Unknown site: no."""
    if not site_id or not origin:
        return False
    try:
        site = sites.get(site_id)
    except NotFound:
        return False
    return origins.allowed(site.widget_config.get("domains"), origin)


def site_named(query: dict[str, str], principal: Any, body: dict[str, Any] | None) -> str | None:
    """The proven site (an authenticated caller's) before the one the request names."""
    proven = getattr(principal, "site_id", None)
    if isinstance(proven, str):
        return proven
    named = query.get("site_id") or (body or {}).get("site_id")
    return named if isinstance(named, str) else None


def grant_headers(origin: str) -> dict[str, str]:
    return {"Access-Control-Allow-Origin": origin, "Access-Control-Expose-Headers": EXPOSE_HEADERS, "Vary": "Origin"}


def response_headers(path: str, origin: str | None, site_id: str | None) -> dict[str, str]:
    """Headers for a widget route's real response: a grant for an allowed origin, else only Vary."""
    if origin is None or not is_widget_route(path):
        return {}
    return grant_headers(origin) if site_allows(site_id, origin) else {"Vary": "Origin"}


def preflight(path: str, origin: str | None, query: dict[str, str], requested_method: str | None) -> dict[str, str]:
    """The preflight's grant, or OriginNotAllowed (rendered 403 by the surface, without a grant)."""
    allowed_methods = methods_of(path)
    if requested_method and requested_method.upper() not in allowed_methods:
        raise DomainError(f"{requested_method} is not allowed here", {"allowed": allowed_methods})
    if not site_allows(query.get("site_id"), origin):
        raise OriginNotAllowed(details={"origin": origin or None})
    return {
        **grant_headers(str(origin)),
        "Access-Control-Allow-Methods": ",".join(allowed_methods),
        "Access-Control-Allow-Headers": ALLOW_HEADERS,
        "Access-Control-Max-Age": PREFLIGHT_MAX_AGE,
    }
