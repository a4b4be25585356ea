"""Seed 004's agent app conversations (/api/v1/agent/conversations...): list by mode, messages,
reply, close."""
from __future__ import annotations

from typing import Any

from chalicelib import parsing as params
from chalicelib.domain import agent_conversations as conversations
from chalicelib.model.identity import AgentPrincipal
from chalicelib.render import customer_flow as render
from chalicelib.surfaces.customer_flow import surface
from chalicelib.surfaces.http import Call, Reply, agent, publish

MAX_BODY_CHARS = 4000


@surface.route("/api/v1/agent/conversations", methods=["GET"], auth=agent)
def listing(call: Call, principal: AgentPrincipal) -> dict[str, Any]:
    query = call.query
    mode = params.choice(query, "status", ("automated", "agent", "closed"))
    cursor = params.text(query, "cursor", required=False, max_length=4096)
    limit = params.integer(query, "limit", default=20, minimum=1, maximum=100)
    page = conversations.listing(principal, str(mode), cursor, limit)
    return {"items": [render.agent_conversation_view(c) for c in page.conversations],
            "next_cursor": page.next_cursor, "has_more": page.next_cursor is not None}


@surface.route("/api/v1/agent/conversations/{conversation_id}/messages", methods=["GET"], auth=agent)
def messages(call: Call, principal: AgentPrincipal, conversation_id: str) -> dict[str, Any]:
    after_seq = params.integer(call.query, "after_seq", default=0, minimum=0, maximum=10**9)
    limit = params.integer(call.query, "limit", default=50, minimum=1, maximum=100)
    conversation, found, has_more = conversations.messages(principal, conversation_id, after_seq, limit)
    return {"items": [render.message_view(m) for m in found], "has_more": has_more,
            "read": render.read_markers(conversation)}


@surface.route("/api/v1/agent/conversations/{conversation_id}/messages", methods=["POST"], auth=agent,
               limit="messages")
def reply(call: Call, principal: AgentPrincipal, conversation_id: str) -> Reply:
    body = call.body()
    params.only(body, {"body", "client_message_id"})
    sent = conversations.reply(principal, conversation_id, params.required_text(body, "body", max_length=MAX_BODY_CHARS),
                               params.text(body, "client_message_id", required=False, max_length=128))
    publish(sent.events)
    return Reply(render.message_view(sent.message), status=201)


@surface.route("/api/v1/agent/conversations/{conversation_id}/close", methods=["POST"], auth=agent)
def close(call: Call, principal: AgentPrincipal, conversation_id: str) -> dict[str, Any]:
    closed = conversations.close(principal, conversation_id)
    publish(closed.events)
    return {"conversation": render.conversation_view(closed.conversation)}
