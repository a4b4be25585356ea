"""Seed 002's conversation and message routes (endpoints 1-8). Each parses, calls one use case of
domain/assistant/chats.py, and renders with chalicelib/render/assistant.py."""
from __future__ import annotations

import re
from typing import Any, TypeVar

from chalicelib.domain import visitors
from chalicelib.domain.assistant import chats
from chalicelib.model.errors import Unauthorized, ValidationFailed
from chalicelib.model.identity import Principal, VisitorPrincipal
from chalicelib.render import assistant as shapes
from chalicelib.settings import get_settings
from chalicelib.surfaces.assistant import surface
from chalicelib.surfaces.assistant.schemas import (
    MAX_ID,
    Added,
    AiAnswer,
    AiRequest,
    Conversation,
    ConversationChanges,
    ConversationRef,
    Conversations,
    ConversationsQuery,
    Messages,
    MessagesQuery,
    NewConversation,
    NewMessage,
    Ok,
)
from chalicelib.surfaces.contract import UNSET, UnsetType, given
from chalicelib.surfaces.http import Call, Reply

_IDEMPOTENCY_KEY = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")
_ID = re.compile(r"^[0-9]{1,16}$")
T = TypeVar("T")


def end_user(call: Call) -> Principal:
    """The end user: its visitor token (seed 000's session_token, seed 001's token) as Bearer."""
    token = call.bearer()
    if token is None:
        raise Unauthorized("Send the end user's token as Authorization: Bearer <token>")
    return visitors.authenticate(token)


end_user.security = ("visitorBearer",)  # type: ignore[attr-defined]


def user(principal: Principal) -> VisitorPrincipal:
    assert isinstance(principal, VisitorPrincipal)
    return principal


def path_id(value: str, field: str = "id") -> int:
    if not _ID.match(value) or not 0 < int(value) <= MAX_ID:
        raise ValidationFailed(f"{field} must be a positive integer", {"field": field})
    return int(value)


def sent(value: T | UnsetType | None) -> T | None:
    """A field left out (UNSET) or sent as null: None."""
    return None if value is UNSET else value


def message_text(value: str, field: str) -> str:
    """A user's text, trimmed, within the deployment's limit (PARLEY_ASSISTANT_MAX_MESSAGE_CHARS)."""
    most = get_settings().assistant.max_message_chars
    text = value.strip()
    if len(text) > most:
        raise ValidationFailed(f"{field} must be at most {most} characters", {"field": field})
    return text


def idempotency_key(call: Call) -> str | None:
    value = call.header("idempotency-key")
    if value is None:
        return None
    if not _IDEMPOTENCY_KEY.match(value):
        raise ValidationFailed("Idempotency-Key must be 1-128 letters, digits or . _ : -",
                               {"field": "Idempotency-Key"})
    return value


def replay_headers(replayed: bool) -> dict[str, str]:
    return {"Idempotent-Replayed": "true"} if replayed else {}


# -- 1, 2 ------------------------------------------------------------------------------------------

@surface.route("/chat/conversations", methods=["GET"], auth=end_user, query=ConversationsQuery,
               responses={200: Ok[Conversations]})
def list_conversations(call: Call, principal: Principal, query: ConversationsQuery) -> dict[str, Any]:
    """List the end user's conversations, pinned first, then the latest activity

    The archived ones only with archived=true."""
    found, total = chats.listed(user(principal), query.archived, query.offset, query.limit)
    return shapes.ok(shapes.found(total, "conversation"), {
        "conversations": [shapes.conversation(c) for c in found], "total": total, "limit": query.limit,
        "offset": query.offset})


@surface.route("/chat/conversations", methods=["POST"], auth=end_user, body=NewConversation,
               responses={201: Ok[ConversationRef]}, errors=(404,))
def create_conversation(call: Call, principal: Principal, body: NewConversation) -> Reply:
    """Start a conversation with one of the site's assistants

    404 when the assistant is unknown or inactive."""
    created = chats.create(user(principal), body.title.strip(), body.agent_id)
    return Reply(shapes.ok("Conversation created successfully", {"conversation_id": created.conversation_id}),
                 status=201)


# -- 3, 7, 8 ---------------------------------------------------------------------------------------

@surface.route("/chat/conversations/{conversation_id}", methods=["GET"], auth=end_user,
               responses={200: Ok[Conversation]})
def get_conversation(call: Call, principal: Principal, conversation_id: str) -> dict[str, Any]:
    """One of the end user's conversations"""
    found = chats.get(user(principal), path_id(conversation_id))
    return shapes.ok("Conversation found", shapes.conversation(found))


@surface.route("/chat/conversations/{conversation_id}", methods=["PUT"], auth=end_user, body=ConversationChanges,
               responses={200: Ok[ConversationRef]})
def update_conversation(call: Call, principal: Principal, conversation_id: str,
                        body: ConversationChanges) -> dict[str, Any]:
    """Rename, pin or archive a conversation

    Send at least one of title, is_pinned, is_archived."""
    cid = path_id(conversation_id)
    if not given(body):
        raise ValidationFailed("Send at least one of title, is_pinned, is_archived")
    title = None if body.title is UNSET else body.title.strip()
    updated = chats.update(user(principal), cid, title, sent(body.is_pinned), sent(body.is_archived))
    return shapes.ok("Conversation updated successfully", {"conversation_id": updated.conversation_id})


@surface.route("/chat/conversations/{conversation_id}", methods=["DELETE"], auth=end_user,
               responses={200: Ok[ConversationRef]})
def delete_conversation(call: Call, principal: Principal, conversation_id: str) -> dict[str, Any]:
    """Delete a conversation and its messages"""
    deleted = chats.delete(user(principal), path_id(conversation_id))
    return shapes.ok("Conversation deleted successfully", {"conversation_id": deleted.conversation_id})


# -- 4, 5, 6 ---------------------------------------------------------------------------------------

@surface.route("/chat/conversations/{conversation_id}/messages", methods=["GET"], auth=end_user,
               query=MessagesQuery, responses={200: Ok[Messages]})
def list_messages(call: Call, principal: Principal, conversation_id: str, query: MessagesQuery) -> dict[str, Any]:
    """A page of the conversation's messages, oldest first (offset-paged)

    Reading them marks the assistant's answers read."""
    cid = path_id(conversation_id)
    conversation, messages = chats.page(user(principal), cid, query.offset, query.limit)
    return shapes.ok(shapes.found(conversation.seq, "message"), {
        "messages": [shapes.message(m, conversation) for m in messages], "total": conversation.seq,
        "limit": query.limit, "offset": query.offset})


@surface.route("/chat/conversations/{conversation_id}/messages", methods=["POST"], auth=end_user, limit="messages",
               body=NewMessage, responses={201: Ok[Added]}, errors=(409,))
def add_message(call: Call, principal: Principal, conversation_id: str, body: NewMessage) -> Reply:
    """Add the end user's message to the conversation

    An Idempotency-Key header replays the first answer (Idempotent-Replayed: true); the same key for
    another request is a 409."""
    cid = path_id(conversation_id)
    content = message_text(body.content, "content")
    message, replayed = chats.send(user(principal), cid, content, idempotency_key(call))
    return Reply(shapes.ok("Message added successfully", shapes.added(message)), status=201,
                 headers=replay_headers(replayed))


@surface.route("/chat/conversations/{conversation_id}/ai-response", methods=["POST"], auth=end_user,
               limit="analysis", body=AiRequest, responses={201: Ok[AiAnswer]}, errors=(409,))
def ai_response(call: Call, principal: Principal, conversation_id: str, body: AiRequest) -> Reply:
    """The assistant's answer to a message, with its tokens and cost

    The answer is stored as the assistant's message. An Idempotency-Key header replays the stored answer
    without paying again; the same key for another request is a 409. 404 when the assistant is inactive."""
    cid = path_id(conversation_id)
    include_context = sent(body.include_context)
    reply, replayed = chats.respond(user(principal), cid, message_text(body.message, "message"), sent(body.agent_id),
                                    True if include_context is None else include_context, idempotency_key(call))
    return Reply(shapes.ok("AI response generated", shapes.ai_response(reply.message, reply.answer.cost)),
                 status=201, headers=replay_headers(replayed))
