"""Seed 002's analytics (endpoints 9, 10) and message search (11)."""
from __future__ import annotations

from typing import Any

from chalicelib.domain import accounts, visitors
from chalicelib.domain.assistant import insights, search
from chalicelib.model.errors import Forbidden, Unauthorized
from chalicelib.model.identity import Principal, VisitorPrincipal
from chalicelib.render import assistant as shapes
from chalicelib.surfaces.assistant import surface
from chalicelib.surfaces.assistant.conversations import end_user, user
from chalicelib.surfaces.assistant.schemas import Dashboard, GlobalFigures, GlobalQuery, Ok, SearchQuery, SearchResults
from chalicelib.surfaces.contract import UNSET
from chalicelib.surfaces.http import Call


def user_or_agent(call: Call) -> Principal:
    """Global analytics: any caller of this surface may ask; only a site admin's agent token gets them."""
    token = call.bearer()
    if token is None:
        raise Unauthorized("Send a token as Authorization: Bearer <token>")
    try:
        return visitors.authenticate(token)
    except Unauthorized:
        return accounts.authenticate(token)


user_or_agent.security = ("agentToken", "visitorBearer")  # type: ignore[attr-defined]


@surface.route("/chat/analytics/dashboard", methods=["GET"], auth=end_user, responses={200: Ok[Dashboard]})
def dashboard(call: Call, principal: Principal) -> dict[str, Any]:
    """The end user's own figures: totals, response time, most active assistant, the last 30 days"""
    return shapes.ok("Analytics retrieved", insights.dashboard(user(principal)))


@surface.route("/chat/analytics/global", methods=["GET"], auth=user_or_agent, query=GlobalQuery,
               responses={200: Ok[GlobalFigures]}, errors=(404,))
def global_analytics(call: Call, principal: Principal, query: GlobalQuery) -> dict[str, Any]:
    """A site's figures across its end users, and its assistants ranked by success rate (admin only)

    A site admin's agent token; an end user's token is a 403. site_id names the site (required when the
    admin administers several)."""
    if isinstance(principal, VisitorPrincipal):
        raise Forbidden("Admin only: send a site admin's access token")
    site_id = None if query.site_id is UNSET else (query.site_id.strip() or None)
    return shapes.ok("Global analytics retrieved", insights.global_figures(principal, site_id))


@surface.route("/chat/search", methods=["GET"], auth=end_user, query=SearchQuery, responses={200: Ok[SearchResults]})
def search_messages(call: Call, principal: Principal, query: SearchQuery) -> dict[str, Any]:
    """Search the end user's messages for words"""
    words = query.query.strip()
    results, total = search.search(user(principal), words, query.limit)
    return shapes.ok(shapes.found(total, "result"), {
        "results": [shapes.search_result(m) for m in results], "query": words, "total": total})
