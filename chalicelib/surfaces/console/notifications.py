"""Seed 000 section 9: an agent's notifications."""
from __future__ import annotations

from typing import Any

from chalicelib.domain import notifications
from chalicelib.model.identity import AgentPrincipal
from chalicelib.render.console import iso
from chalicelib.surfaces.console import ok, surface
from chalicelib.surfaces.console.schemas import Marked, MarkRead, NotificationList, NotificationsQuery, Ok
from chalicelib.surfaces.http import Call, agent


@surface.route("/api/v1/notifications", methods=["GET"], auth=agent, query=NotificationsQuery,
               responses={200: Ok[NotificationList]})
def listing(call: Call, principal: AgentPrincipal, query: NotificationsQuery) -> dict[str, Any]:
    """The caller's latest notifications, and how many are unread"""
    found, unread = notifications.latest(principal, limit=query.limit, unread_only=query.unread_only)
    return ok({
        "notifications": [
            {"id": n.notification_id, "type": n.type, "title": n.title, "message": n.message, "data": n.data,
             "read": n.read, "created_at": iso(n.created_at)}
            for n in found
        ],
        "unread_count": unread,
    })


@surface.route("/api/v1/notifications/read", methods=["POST"], auth=agent, body=MarkRead,
               responses={200: Ok[Marked]})
def mark_read(call: Call, principal: AgentPrincipal, body: MarkRead) -> dict[str, Any]:
    """Mark the given notifications read (none given: all of them)"""
    return ok({"marked_count": notifications.mark_read(principal, body.notification_ids or [])})
