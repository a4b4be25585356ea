"""Seed 002's conversation and message routes (endpoints 1-8). Each parses, calls one use case of
domain/assistant/chats.py, and renders with chalicelib/render/assistant.py."""
from __future__ import annotations

import re
from typing import Any

from chalicelib import parsing as params
from chalicelib.domain import visitors
from chalicelib.domain.assistant import chats
from chalicelib.model.errors import Unauthorized, ValidationFailed
from chalicelib.model.identity import Principal, VisitorPrincipal
from chalicelib.render import assistant as shapes
from chalicelib.settings import get_settings
from chalicelib.surfaces.assistant import surface
from chalicelib.surfaces.http import Call, Reply

MAX_ID = 2**53 - 1
MAX_LIST_OFFSET = 10_000  # a conversation page reads offset + limit index items
MAX_MESSAGE_OFFSET = 10_000_000
_IDEMPOTENCY_KEY = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")
_ID = re.compile(r"^[0-9]{1,16}$")


def end_user(call: Call) -> Principal:
    """The end user: its visitor token (seed 000's session_token, seed 001's token) as Bearer."""
    token = call.bearer()
    if token is None:
        raise Unauthorized("Send the end user's token as Authorization: Bearer <token>")
    return visitors.authenticate(token)


def user(principal: Principal) -> VisitorPrincipal:
    assert isinstance(principal, VisitorPrincipal)
    return principal


def path_id(value: str, field: str = "id") -> int:
    if not _ID.match(value) or not 0 < int(value) <= MAX_ID:
        raise ValidationFailed(f"{field} must be a positive integer", {"field": field})
    return int(value)


def body_id(body: dict[str, Any], field: str, *, required: bool) -> int | None:
    value = body.get(field)
    if value is None:
        if required:
            raise ValidationFailed(f"{field} is required", {"field": field})
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not 0 < value <= MAX_ID:
        raise ValidationFailed(f"{field} must be a positive integer", {"field": field})
    return value


def flag(body: dict[str, Any], field: str, default: bool | None = None) -> bool | None:
    value = body.get(field)
    if value is None:
        return default
    if not isinstance(value, bool):
        raise ValidationFailed(f"{field} must be true or false", {"field": field})
    return value


def idempotency_key(call: Call) -> str | None:
    value = call.header("idempotency-key")
    if value is None:
        return None
    if not _IDEMPOTENCY_KEY.match(value):
        raise ValidationFailed("Idempotency-Key must be 1-128 letters, digits or . _ : -",
                               {"field": "Idempotency-Key"})
    return value


def window(call: Call, default_limit: int, max_offset: int) -> tuple[int, int]:
    query = call.query
    return (params.integer(query, "limit", default=default_limit, minimum=1, maximum=100),
            params.integer(query, "offset", default=0, minimum=0, maximum=max_offset))


def replay_headers(replayed: bool) -> dict[str, str]:
    return {"Idempotent-Replayed": "true"} if replayed else {}


# -- 1, 2 ------------------------------------------------------------------------------------------

@surface.route("/chat/conversations", methods=["GET"], auth=end_user)
def list_conversations(call: Call, principal: Principal) -> dict[str, Any]:
    limit, offset = window(call, 20, MAX_LIST_OFFSET)
    archived = params.boolean(call.query, "archived", default=False)
    found, total = chats.listed(user(principal), archived, offset, limit)
    return shapes.ok(shapes.found(total, "conversation"), {
        "conversations": [shapes.conversation(c) for c in found], "total": total, "limit": limit, "offset": offset})


@surface.route("/chat/conversations", methods=["POST"], auth=end_user)
def create_conversation(call: Call, principal: Principal) -> Reply:
    body = call.body()
    params.only(body, {"title", "agent_id"})
    title = params.required_text(body, "title", max_length=chats.MAX_TITLE)
    created = chats.create(user(principal), title, body_id(body, "agent_id", required=True) or 0)
    return Reply(shapes.ok("Conversation created successfully", {"conversation_id": created.conversation_id}),
                 status=201)


# -- 3, 7, 8 ---------------------------------------------------------------------------------------

@surface.route("/chat/conversations/{conversation_id}", methods=["GET"], auth=end_user)
def get_conversation(call: Call, principal: Principal, conversation_id: str) -> dict[str, Any]:
    found = chats.get(user(principal), path_id(conversation_id))
    return shapes.ok("Conversation found", shapes.conversation(found))


@surface.route("/chat/conversations/{conversation_id}", methods=["PUT"], auth=end_user)
def update_conversation(call: Call, principal: Principal, conversation_id: str) -> dict[str, Any]:
    cid = path_id(conversation_id)
    body = call.body()
    params.only(body, {"title", "is_pinned", "is_archived"})
    if not body:
        raise ValidationFailed("Send at least one of title, is_pinned, is_archived")
    title = params.text(body, "title", required=False, max_length=chats.MAX_TITLE)
    if "title" in body and title is None:
        raise ValidationFailed("title must not be empty", {"field": "title"})
    updated = chats.update(user(principal), cid, title, flag(body, "is_pinned"), flag(body, "is_archived"))
    return shapes.ok("Conversation updated successfully", {"conversation_id": updated.conversation_id})


@surface.route("/chat/conversations/{conversation_id}", methods=["DELETE"], auth=end_user)
def delete_conversation(call: Call, principal: Principal, conversation_id: str) -> dict[str, Any]:
    deleted = chats.delete(user(principal), path_id(conversation_id))
    return shapes.ok("Conversation deleted successfully", {"conversation_id": deleted.conversation_id})


# -- 4, 5, 6 ---------------------------------------------------------------------------------------

@surface.route("/chat/conversations/{conversation_id}/messages", methods=["GET"], auth=end_user)
def list_messages(call: Call, principal: Principal, conversation_id: str) -> dict[str, Any]:
    cid = path_id(conversation_id)
    limit, offset = window(call, 50, MAX_MESSAGE_OFFSET)
    conversation, messages = chats.page(user(principal), cid, offset, limit)
    return shapes.ok(shapes.found(conversation.seq, "message"), {
        "messages": [shapes.message(m, conversation) for m in messages], "total": conversation.seq,
        "limit": limit, "offset": offset})


def _content(body: dict[str, Any], field: str) -> str:
    return params.required_text(body, field, max_length=get_settings().assistant.max_message_chars)


@surface.route("/chat/conversations/{conversation_id}/messages", methods=["POST"], auth=end_user, limit="messages")
def add_message(call: Call, principal: Principal, conversation_id: str) -> Reply:
    cid = path_id(conversation_id)
    body = call.body()
    params.only(body, {"content", "sender_type", "content_type", "message_type"})
    content = _content(body, "content")
    params.choice(body, "sender_type", ("user",), required=False)  # an end user writes as itself only
    params.choice(body, "content_type", ("text",), required=False)
    params.choice(body, "message_type", ("text",), required=False)
    message, replayed = chats.send(user(principal), cid, content, idempotency_key(call))
    return Reply(shapes.ok("Message added successfully", shapes.added(message)), status=201,
                 headers=replay_headers(replayed))


@surface.route("/chat/conversations/{conversation_id}/ai-response", methods=["POST"], auth=end_user,
               limit="analysis")
def ai_response(call: Call, principal: Principal, conversation_id: str) -> Reply:
    cid = path_id(conversation_id)
    body = call.body()
    params.only(body, {"message", "agent_id", "include_context"})
    reply, replayed = chats.respond(user(principal), cid, _content(body, "message"),
                                    body_id(body, "agent_id", required=False),
                                    bool(flag(body, "include_context", default=True)), idempotency_key(call))
    return Reply(shapes.ok("AI response generated", shapes.ai_response(reply.message, reply.answer.cost)),
                 status=201, headers=replay_headers(replayed))
