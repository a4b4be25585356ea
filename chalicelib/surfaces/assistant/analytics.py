"""Seed 002's analytics (endpoints 9, 10) and message search (11)."""
from __future__ import annotations

from typing import Any

from chalicelib import parsing as params
from chalicelib.domain import accounts, visitors
from chalicelib.domain.assistant import insights, search
from chalicelib.model.errors import Forbidden, Unauthorized
from chalicelib.model.identity import Principal, VisitorPrincipal
from chalicelib.render import assistant as shapes
from chalicelib.surfaces.assistant import surface
from chalicelib.surfaces.assistant.conversations import end_user, user
from chalicelib.surfaces.http import Call

MAX_QUERY = 200


def user_or_agent(call: Call) -> Principal:
    """Global analytics: any caller of this surface may ask; only a site admin's agent token gets them."""
    token = call.bearer()
    if token is None:
        raise Unauthorized("Send a token as Authorization: Bearer <token>")
    try:
        return visitors.authenticate(token)
    except Unauthorized:
        return accounts.authenticate(token)


@surface.route("/chat/analytics/dashboard", methods=["GET"], auth=end_user)
def dashboard(call: Call, principal: Principal) -> dict[str, Any]:
    return shapes.ok("Analytics retrieved", insights.dashboard(user(principal)))


@surface.route("/chat/analytics/global", methods=["GET"], auth=user_or_agent)
def global_analytics(call: Call, principal: Principal) -> dict[str, Any]:
    if isinstance(principal, VisitorPrincipal):
        raise Forbidden("Admin only: send a site admin's access token")
    site_id = params.text(call.query, "site_id", required=False, max_length=64)
    return shapes.ok("Global analytics retrieved", insights.global_figures(principal, site_id))


@surface.route("/chat/search", methods=["GET"], auth=end_user)
def search_messages(call: Call, principal: Principal) -> dict[str, Any]:
    query = params.required_text(call.query, "query", max_length=MAX_QUERY)
    limit = params.integer(call.query, "limit", default=20, minimum=1, maximum=100)
    results, total = search.search(user(principal), query, limit)
    return shapes.ok(shapes.found(total, "result"), {
        "results": [shapes.search_result(m) for m in results], "query": query, "total": total})
