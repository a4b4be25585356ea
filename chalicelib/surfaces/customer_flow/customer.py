"""Seed 004's customer API (/api/v1/customer/*): quick questions, start, read, write, quick replies,
escalation. Public routes (rate-limited per client IP); every conversation-scoped one proves the
customer with X-Customer-Session-Id (domain/customer_flow.session)."""
from __future__ import annotations

from typing import Any

from chalicelib import parsing as params
from chalicelib.domain import customer_flow as flow
from chalicelib.render import customer_flow as render
from chalicelib.surfaces.customer_flow import surface
from chalicelib.surfaces.http import Call, Reply, publish

SESSION_HEADER = "x-customer-session-id"
MESSAGE_PAGE = 50


def _secret(call: Call) -> str | None:
    return call.header(SESSION_HEADER)


@surface.route("/api/v1/customer/quick-questions", methods=["GET"])
def quick_questions(call: Call) -> dict[str, Any]:
    site_id = params.required_text(call.query, "site_id", max_length=64)
    return {"items": [render.faq_view(f, with_answer=False) for f in flow.quick_questions(site_id)]}


@surface.route("/api/v1/customer/conversations/start", methods=["POST"])
def start(call: Call) -> Reply:
    body = call.body()
    params.only(body, {"site_id", "name", "email"})
    started = flow.start(params.required_text(body, "site_id", max_length=64),
                         name=params.text(body, "name", required=False, max_length=120),
                         email=params.email(body))
    publish(started.events)
    return Reply({"conversation_id": started.conversation.conversation_id,
                  "customer_session_id": started.session_id, "mode": "automated", "status": "open",
                  "messages": [render.message_view(m) for m in started.messages]}, status=201)


@surface.route("/api/v1/customer/conversations/{conversation_id}", methods=["GET"])
def conversation(call: Call, conversation_id: str) -> dict[str, Any]:
    _, found = flow.session(conversation_id, _secret(call))
    return render.conversation_view(found)


@surface.route("/api/v1/customer/conversations/{conversation_id}/messages", methods=["GET"])
def messages(call: Call, conversation_id: str) -> dict[str, Any]:
    after_seq = params.integer(call.query, "after_seq", default=0, minimum=0, maximum=10**9)
    limit = params.integer(call.query, "limit", default=MESSAGE_PAGE, minimum=1, maximum=100)
    _, found, has_more = flow.messages(conversation_id, _secret(call), after_seq, limit)
    return {"items": [render.message_view(m) for m in found], "has_more": has_more}


@surface.route("/api/v1/customer/conversations/{conversation_id}/messages", methods=["POST"], limit="messages")
def send(call: Call, conversation_id: str) -> Reply:
    body = call.body()
    params.only(body, {"body", "client_message_id"})
    text = params.required_text(body, "body", max_length=flow.MAX_BODY_CHARS)
    key = params.text(body, "client_message_id", required=False, max_length=128)
    said = flow.say(conversation_id, _secret(call), text, key)
    publish(said.events)
    return Reply({**render.message_view(said.message), "replies": [render.message_view(m) for m in said.replies]},
                 status=201)


@surface.route("/api/v1/customer/conversations/{conversation_id}/quick-replies/{faq_slug}", methods=["POST"],
               limit="messages")
def quick_reply(call: Call, conversation_id: str, faq_slug: str) -> Reply:
    said = flow.quick_reply(conversation_id, _secret(call), faq_slug)
    publish(said.events)
    return Reply({"items": [render.message_view(said.message), *(render.message_view(m) for m in said.replies)]},
                 status=201)


@surface.route("/api/v1/customer/conversations/{conversation_id}/escalate", methods=["POST"])
def escalate(call: Call, conversation_id: str) -> dict[str, Any]:
    escalated = flow.escalate(conversation_id, _secret(call))
    publish(escalated.events)
    return {"conversation": render.conversation_view(escalated.conversation),
            "assigned_agent": {"id": escalated.agent_id, "name": escalated.agent_name}}
