"""Seed 000 section 5: send, page and read messages."""
from __future__ import annotations

from typing import Any

from chalicelib.domain import messaging
from chalicelib.model.identity import Principal
from chalicelib.render import console as render
from chalicelib.surfaces.console import ok, surface
from chalicelib.surfaces.console.chat_schemas import MarkReadBody, MessageOut, MessagePage, MessageSend, MessagesQuery
from chalicelib.surfaces.console.schemas import Marked, Ok, stripped
from chalicelib.surfaces.http import Call, Reply, agent_or_visitor, publish


@surface.route("/api/v1/messages", methods=["POST"], auth=agent_or_visitor, limit="messages", body=MessageSend,
               responses={201: Ok[MessageOut]}, errors=(404, 409))
def send(call: Call, principal: Principal, body: MessageSend) -> Reply:
    """Send a message in a conversation

    As the agent or the visitor the credentials say (a client-sent `from` is ignored). A text message
    needs content; a file or image message a file_id of an upload. An Idempotency-Key header (or
    metadata.client_message_id) sends a retry once. A closed conversation is a 409."""
    sent = messaging.send(
        principal,
        body.conversation_id.strip(),
        kind=body.type or "text",
        content=stripped(body.content),
        file_id=stripped(body.file_id),
        metadata=body.metadata or {},
        idempotency_key=call.header("idempotency-key"),
    )
    publish(sent.events)
    return Reply(ok(render.message(sent.message, sent.conversation)), status=201)


@surface.route("/api/v1/messages", methods=["GET"], auth=agent_or_visitor, query=MessagesQuery,
               responses={200: Ok[MessagePage]}, errors=(404,))
def page(call: Call, principal: Principal, query: MessagesQuery) -> dict[str, Any]:
    """A page of a conversation's messages: the latest, or before / after a message id"""
    conversation, messages, has_more = messaging.page(
        principal,
        query.conversation_id.strip(),
        limit=query.limit,
        before=stripped(query.before),
        after=stripped(query.after),
    )
    return ok({"messages": [render.message(m, conversation, principal) for m in messages], "has_more": has_more})


@surface.route("/api/v1/messages/read", methods=["POST"], auth=agent_or_visitor, body=MarkReadBody,
               responses={200: Ok[Marked]}, errors=(404, 409))
def read(call: Call, principal: Principal, body: MarkReadBody) -> dict[str, Any]:
    """Mark the other side's messages read: all of them, or up to the newest of message_ids"""
    outcome = messaging.mark_read(principal, body.conversation_id.strip(), body.message_ids or [])
    publish(outcome.events)
    return ok({"marked_count": outcome.marked_count})
