"""The widget reports what its visitor does, for seed 003's automation triggers.

`POST /api/v1/visitors/activity` (X-Visitor-Token) `{"type": "page_view" | "exit_intent",
"page_url": "https://shop.example/pricing"}` -> 202 with how many triggers it queued. The visitor's
000 socket takes the same as a frame: `{"type": "page_view", "page_url": ...}`.
"""
from __future__ import annotations

from typing import Any

from chalicelib.domain import automation
from chalicelib.model.identity import VisitorPrincipal
from chalicelib.surfaces.console import ok, surface
from chalicelib.surfaces.console.chat_schemas import ActivityQueued, ActivityReport
from chalicelib.surfaces.console.schemas import Ok
from chalicelib.surfaces.http import Call, Reply, visitor


@surface.route("/api/v1/visitors/activity", methods=["POST"], auth=visitor, body=ActivityReport,
               responses={202: Ok[ActivityQueued]})
def report_activity(call: Call, principal: VisitorPrincipal, body: ActivityReport) -> Reply:
    """Report the visitor's page view or exit intent (for the site's automation triggers)

    202 with how many triggers it queued (each fires once a day per visitor, after its delay)."""
    queued = automation.report(principal, body.type, body.page_url)
    data: dict[str, Any] = {"type": body.type, "triggers_queued": len(queued)}  # a count: ids are the site's
    return Reply(ok(data), status=202)
