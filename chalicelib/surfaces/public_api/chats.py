"""Seed 003 Chats API: list, read, send as an agent, update. API-key auth; the key's workspace only."""
from __future__ import annotations

from typing import Any

from chalicelib.domain import integrator_chats as chats
from chalicelib.domain.media import service as media
from chalicelib.model.identity import ApiKeyPrincipal
from chalicelib.render.public_api import chat_detail, chat_message, chat_summary
from chalicelib.surfaces.contract import UNSET, given
from chalicelib.surfaces.http import Call, Reply, api_key, publish
from chalicelib.surfaces.public_api import surface
from chalicelib.surfaces.public_api.schemas import ChatChanges, ChatDetail, ChatList, ChatMessage, ChatMessageSend, ChatsQuery


@surface.route("/v1/chats", methods=["GET"], auth=api_key, query=ChatsQuery, responses={200: ChatList})
def list_chats(call: Call, principal: ApiKeyPrincipal, query: ChatsQuery) -> dict[str, Any]:
    """List the workspace's chats, newest activity first"""
    status = None if query.status is UNSET else query.status
    agent_id = None if query.agent_id is UNSET else query.agent_id
    found, total = chats.listing(principal, status, agent_id, query.page, query.limit)
    return {"data": [chat_summary(chat) for chat in found],
            "pagination": {"page": query.page, "limit": query.limit, "total": total,
                           "pages": -(-total // query.limit)}}


@surface.route("/v1/chats/{chat_id}", methods=["GET"], auth=api_key, responses={200: ChatDetail})
def get_chat(call: Call, principal: ApiKeyPrincipal, chat_id: str) -> dict[str, Any]:
    """One chat with its visitor, tags and notes"""
    return chat_detail(chats.get(principal, chat_id))


@surface.route("/v1/chats/{chat_id}", methods=["PATCH"], auth=api_key, body=ChatChanges,
               responses={200: ChatDetail}, errors=(409,))
def update_chat(call: Call, principal: ApiKeyPrincipal, chat_id: str, body: ChatChanges) -> dict[str, Any]:
    """Assign, close, tag, annotate a chat or update its visitor's phone and metadata

    A concurrent change of the same chat answers 409; a closed chat is not reopened (409)."""
    changed = chats.update(principal, chat_id, chats.check_changes(given(body)))
    publish(changed.events)
    return chat_detail(changed.chat)


@surface.route("/v1/chats/{chat_id}/messages", methods=["POST"], auth=api_key, body=ChatMessageSend,
               responses={200: ChatMessage, 201: ChatMessage}, errors=(409,))
def send_message(call: Call, principal: ApiKeyPrincipal, chat_id: str, body: ChatMessageSend) -> Reply:
    """Send a message to the chat's visitor as an agent

    As the key's agent, or the body's agent_id. An Idempotency-Key header replays the first answer (200)."""
    sent_fields = given(body)
    attachments = sent_fields.get("attachments") or []
    sent = chats.send(principal, chat_id, sent_fields.get("text"), attachments, sent_fields.get("agent_id"),
                      call.header("idempotency-key"))
    publish(sent.events)
    m = sent.message
    shown = [{"type": m.type, "file_id": m.file_id, **media.links(m.file_id, m.type == "image")}] if m.file_id else []
    return Reply(chat_message(m, shown), status=200 if sent.replayed else 201)
