"""Seed 000 section 5: send, page and read messages."""
from __future__ import annotations

from typing import Any

from chalicelib.domain import messaging
from chalicelib.model.identity import Principal
from chalicelib import parsing as params
from chalicelib.render import console as render
from chalicelib.surfaces.console import ok, surface
from chalicelib.surfaces.http import Call, Reply, agent_or_visitor, publish


@surface.route("/api/v1/messages", methods=["POST"], auth=agent_or_visitor, limit="messages")
def send(call: Call, principal: Principal) -> Reply:
    body = call.body()
    params.only(body, {"conversation_id", "content", "type", "file_id", "metadata", "from", "to"})
    # "from" is derived from the caller; a client-sent value is ignored, never trusted.
    sent = messaging.send(
        principal,
        params.required_text(body, "conversation_id", max_length=64),
        kind=params.choice(body, "type", ("text", "file", "image"), required=False, default="text") or "text",
        content=params.text(body, "content", required=False, max_length=messaging.MAX_CONTENT_CHARS),
        file_id=params.text(body, "file_id", required=False, max_length=64),
        metadata=params.mapping(body, "metadata"),
        idempotency_key=call.header("idempotency-key"),
    )
    publish(sent.events)
    return Reply(ok(render.message(sent.message, sent.conversation)), status=201)


@surface.route("/api/v1/messages", methods=["GET"], auth=agent_or_visitor)
def page(call: Call, principal: Principal) -> dict[str, Any]:
    conversation, messages, has_more = messaging.page(
        principal,
        params.required_text(call.query, "conversation_id", max_length=64),
        limit=params.integer(call.query, "limit", default=50, minimum=1, maximum=100),
        before=params.text(call.query, "before", required=False, max_length=64),
        after=params.text(call.query, "after", required=False, max_length=64),
    )
    return ok({"messages": [render.message(m, conversation, principal) for m in messages], "has_more": has_more})


@surface.route("/api/v1/messages/read", methods=["POST"], auth=agent_or_visitor)
def read(call: Call, principal: Principal) -> dict[str, Any]:
    body = call.body()
    params.only(body, {"conversation_id", "message_ids"})
    outcome = messaging.mark_read(principal, params.required_text(body, "conversation_id", max_length=64),
                                  params.string_list(body, "message_ids", max_items=500))
    publish(outcome.events)
    return ok({"marked_count": outcome.marked_count})
