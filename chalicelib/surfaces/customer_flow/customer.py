"""Seed 004's customer API (/api/v1/customer/*): quick questions, start, read, write, quick replies,
escalation. Public routes (rate-limited per client IP); every conversation-scoped one proves the
customer with X-Customer-Session-Id (domain/customer_flow.session)."""
from __future__ import annotations

from typing import Any

from chalicelib import parsing as params
from chalicelib.domain import customer_flow as flow
from chalicelib.render import customer_flow as render
from chalicelib.surfaces.contract import given
from chalicelib.surfaces.customer_flow import surface
from chalicelib.surfaces.customer_flow.schemas import (Conversation, Escalated, MessagePage,
                                                       Messages, MessageSend, MessagesQuery, QuickQuestions,
                                                       QuickQuestionsQuery, SentMessage, Start, Started, trimmed)
from chalicelib.surfaces.http import Call, Reply, publish

SESSION_HEADER = "x-customer-session-id"
SESSION_SECURITY = ("customerSession",)  # surfaces/openapi.SECURITY_SCHEMES


def _secret(call: Call) -> str | None:
    return call.header(SESSION_HEADER)


@surface.route("/api/v1/customer/quick-questions", methods=["GET"], query=QuickQuestionsQuery,
               responses={200: QuickQuestions}, errors=(403, 404))
def quick_questions(call: Call, query: QuickQuestionsQuery) -> dict[str, Any]:
    """The site's quick questions, in its order (answers come as quick replies)

    404 for an unknown site, 403 (SITE_SUSPENDED) for a suspended one."""
    return {"items": [render.faq_view(f, with_answer=False) for f in flow.quick_questions(query.site_id.strip())]}


@surface.route("/api/v1/customer/conversations/start", methods=["POST"], body=Start, responses={201: Started},
               errors=(403, 404))
def start(call: Call, body: Start) -> Reply:
    """Start a conversation as a new customer; the bot greets with the site's welcome message

    The answer's customer_session_id proves this customer on the conversation's routes
    (X-Customer-Session-Id). 404 for an unknown site; 403 for a suspended site or one that verifies
    its visitors' identity."""
    started = flow.start(body.site_id.strip(), name=trimmed(body.name), email=params.email(given(body)))
    publish(started.events)
    return Reply({"conversation_id": started.conversation.conversation_id,
                  "customer_session_id": started.session_id, "mode": "automated", "status": "open",
                  "messages": [render.message_view(m) for m in started.messages]}, status=201)


@surface.route("/api/v1/customer/conversations/{conversation_id}", methods=["GET"],
               proven_by_view=SESSION_SECURITY, responses={200: Conversation}, errors=(403,))
def conversation(call: Call, conversation_id: str) -> dict[str, Any]:
    """The conversation: its mode, status and assigned agent"""
    _, found = flow.session(conversation_id, _secret(call))
    return render.conversation_view(found)


@surface.route("/api/v1/customer/conversations/{conversation_id}/messages", methods=["GET"],
               proven_by_view=SESSION_SECURITY, query=MessagesQuery, responses={200: MessagePage}, errors=(403,))
def messages(call: Call, conversation_id: str, query: MessagesQuery) -> dict[str, Any]:
    """The conversation's messages after a sequence number, oldest first"""
    _, found, has_more = flow.messages(conversation_id, _secret(call), query.after_seq, query.limit)
    return {"items": [render.message_view(m) for m in found], "has_more": has_more}


@surface.route("/api/v1/customer/conversations/{conversation_id}/messages", methods=["POST"],
               proven_by_view=SESSION_SECURITY, limit="messages", body=MessageSend, responses={201: SentMessage},
               errors=(403, 409))
def send(call: Call, conversation_id: str, body: MessageSend) -> Reply:
    """Write to the conversation; in automated mode the bot answers in the same call

    In agent mode the message waits for the agent (replies is empty). A repeated client_message_id
    answers the first message and nothing more. 409 when the conversation is closed."""
    said = flow.say(conversation_id, _secret(call), body.body.strip(), trimmed(body.client_message_id))
    publish(said.events)
    return Reply({**render.message_view(said.message), "replies": [render.message_view(m) for m in said.replies]},
                 status=201)


@surface.route("/api/v1/customer/conversations/{conversation_id}/quick-replies/{faq_slug}", methods=["POST"],
               proven_by_view=SESSION_SECURITY, limit="messages", responses={201: Messages}, errors=(403, 409))
def quick_reply(call: Call, conversation_id: str, faq_slug: str) -> Reply:
    """Ask a quick question: the question and the bot's answer, as two messages

    Automated mode only (409 otherwise); 404 for a FAQ the site does not have."""
    said = flow.quick_reply(conversation_id, _secret(call), faq_slug)
    publish(said.events)
    return Reply({"items": [render.message_view(said.message), *(render.message_view(m) for m in said.replies)]},
                 status=201)


@surface.route("/api/v1/customer/conversations/{conversation_id}/escalate", methods=["POST"],
               proven_by_view=SESSION_SECURITY, responses={200: Escalated}, errors=(403, 409))
def escalate(call: Call, conversation_id: str) -> dict[str, Any]:
    """Talk to an agent: the least-loaded online agent is assigned

    Idempotent once assigned (the same answer, no second system message). 409 when no agent is
    available or the conversation is closed; it then stays in automated mode."""
    escalated = flow.escalate(conversation_id, _secret(call))
    publish(escalated.events)
    return {"conversation": render.conversation_view(escalated.conversation),
            "assigned_agent": {"id": escalated.agent_id, "name": escalated.agent_name}}
