"""The widget reports what its visitor does, for seed 003's automation triggers.

`POST /api/v1/visitors/activity` (X-Visitor-Token) `{"type": "page_view" | "exit_intent",
"page_url": "https://shop.example/pricing"}` -> 202 with how many triggers it queued. The visitor's
000 socket takes the same as a frame: `{"type": "page_view", "page_url": ...}`.
"""
from __future__ import annotations

from typing import Any

from chalicelib import parsing as params
from chalicelib.domain import automation
from chalicelib.model.identity import VisitorPrincipal
from chalicelib.surfaces.console import ok, surface
from chalicelib.surfaces.http import Call, Reply, visitor


@surface.route("/api/v1/visitors/activity", methods=["POST"], auth=visitor)
def report_activity(call: Call, principal: VisitorPrincipal) -> Reply:
    body = call.body()
    params.only(body, {"type", "page_url"})
    queued = automation.report(principal, body.get("type"), body.get("page_url"))
    data: dict[str, Any] = {"type": body["type"], "triggers_queued": len(queued)}  # a count: ids are the site's
    return Reply(ok(data), status=202)
