"""Seed 000 section 9: an agent's notifications."""
from __future__ import annotations

from typing import Any

from chalicelib import parsing as params
from chalicelib.domain import notifications
from chalicelib.model.identity import AgentPrincipal
from chalicelib.surfaces.console import ok, surface
from chalicelib.surfaces.http import Call, agent
from chalicelib.render.console import iso


@surface.route("/api/v1/notifications", methods=["GET"], auth=agent)
def listing(call: Call, principal: AgentPrincipal) -> dict[str, Any]:
    found, unread = notifications.latest(
        principal,
        limit=params.integer(call.query, "limit", default=20, minimum=1, maximum=100),
        unread_only=params.boolean(call.query, "unread_only", default=False),
    )
    return ok({
        "notifications": [
            {"id": n.notification_id, "type": n.type, "title": n.title, "message": n.message, "data": n.data,
             "read": n.read, "created_at": iso(n.created_at)}
            for n in found
        ],
        "unread_count": unread,
    })


@surface.route("/api/v1/notifications/read", methods=["POST"], auth=agent)
def mark_read(call: Call, principal: AgentPrincipal) -> dict[str, Any]:
    body = call.body()
    params.only(body, {"notification_ids"})
    ids = params.string_list(body, "notification_ids", max_items=500)
    return ok({"marked_count": notifications.mark_read(principal, ids)})
