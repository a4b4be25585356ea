"""Seed 004's agent app conversations (/api/v1/agent/conversations...): list by mode, messages,
reply, close."""
from __future__ import annotations

from typing import Any

from chalicelib.domain import agent_conversations as conversations
from chalicelib.model.identity import AgentPrincipal
from chalicelib.render import customer_flow as render
from chalicelib.surfaces.customer_flow import surface
from chalicelib.surfaces.customer_flow.schemas import (AgentConversationPage, AgentMessagePage, AgentMessagesQuery,
                                                       ConversationChange, ConversationsQuery, Message, MessageSend,
                                                       trimmed)
from chalicelib.surfaces.http import Call, Reply, agent, publish


@surface.route("/api/v1/agent/conversations", methods=["GET"], auth=agent, query=ConversationsQuery,
               responses={200: AgentConversationPage})
def listing(call: Call, principal: AgentPrincipal, query: ConversationsQuery) -> dict[str, Any]:
    """The conversations of the agent's sites in one mode, newest activity first, by cursor"""
    page = conversations.listing(principal, query.status, trimmed(query.cursor), query.limit)
    return {"items": [render.agent_conversation_view(c) for c in page.conversations],
            "next_cursor": page.next_cursor, "has_more": page.next_cursor is not None}


@surface.route("/api/v1/agent/conversations/{conversation_id}/messages", methods=["GET"], auth=agent,
               query=AgentMessagesQuery, responses={200: AgentMessagePage})
def messages(call: Call, principal: AgentPrincipal, conversation_id: str, query: AgentMessagesQuery) -> dict[str, Any]:
    """A conversation's messages after a sequence number, oldest first, with both sides' read markers"""
    conversation, found, has_more = conversations.messages(principal, conversation_id, query.after_seq, query.limit)
    return {"items": [render.message_view(m) for m in found], "has_more": has_more,
            "read": render.read_markers(conversation)}


@surface.route("/api/v1/agent/conversations/{conversation_id}/messages", methods=["POST"], auth=agent,
               limit="messages", body=MessageSend, responses={201: Message}, errors=(409,))
def reply(call: Call, principal: AgentPrincipal, conversation_id: str, body: MessageSend) -> Reply:
    """Reply to the customer, as the assigned agent or a site admin

    403 for another agent of the site; 409 unless the conversation is open in agent mode."""
    sent = conversations.reply(principal, conversation_id, body.body.strip(), trimmed(body.client_message_id))
    publish(sent.events)
    return Reply(render.message_view(sent.message), status=201)


@surface.route("/api/v1/agent/conversations/{conversation_id}/close", methods=["POST"], auth=agent,
               responses={200: ConversationChange}, errors=(409,))
def close(call: Call, principal: AgentPrincipal, conversation_id: str) -> dict[str, Any]:
    """Close the conversation, as the assigned agent or a site admin (409 when it is closed already)"""
    closed = conversations.close(principal, conversation_id)
    publish(closed.events)
    return {"conversation": render.conversation_view(closed.conversation)}
