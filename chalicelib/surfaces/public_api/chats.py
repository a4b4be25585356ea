"""Seed 003 Chats API: list, read, send as an agent, update. API-key auth; the key's workspace only."""
from __future__ import annotations

from typing import Any

from chalicelib import parsing as params
from chalicelib.domain import integrator_chats as chats
from chalicelib.domain.media import service as media
from chalicelib.model.errors import ValidationFailed
from chalicelib.model.identity import ApiKeyPrincipal
from chalicelib.render.public_api import chat_detail, chat_message, chat_summary
from chalicelib.surfaces.http import Call, Reply, api_key, publish
from chalicelib.surfaces.public_api import surface


@surface.route("/v1/chats", methods=["GET"], auth=api_key)
def list_chats(call: Call, principal: ApiKeyPrincipal) -> dict[str, Any]:
    query = call.query
    params.only(query, {"status", "agent_id", "page", "limit"})
    page, limit = params.page(query)
    found, total = chats.listing(principal, params.text(query, "status", required=False, max_length=16),
                                 params.text(query, "agent_id", required=False, max_length=64), page, limit)
    return {"data": [chat_summary(chat) for chat in found],
            "pagination": {"page": page, "limit": limit, "total": total, "pages": -(-total // limit)}}


@surface.route("/v1/chats/{chat_id}", methods=["GET"], auth=api_key)
def get_chat(call: Call, principal: ApiKeyPrincipal, chat_id: str) -> dict[str, Any]:
    return chat_detail(chats.get(principal, chat_id))


@surface.route("/v1/chats/{chat_id}", methods=["PATCH"], auth=api_key)
def update_chat(call: Call, principal: ApiKeyPrincipal, chat_id: str) -> dict[str, Any]:
    body = call.body()
    params.only(body, {"status", "assigned_to", "tags", "notes", "visitor"})
    changed = chats.update(principal, chat_id, chats.check_changes(body))
    publish(changed.events)
    return chat_detail(changed.chat)


@surface.route("/v1/chats/{chat_id}/messages", methods=["POST"], auth=api_key)
def send_message(call: Call, principal: ApiKeyPrincipal, chat_id: str) -> Reply:
    body = call.body()
    params.only(body, {"text", "attachments", "agent_id"})
    attachments = body.get("attachments") or []
    if not isinstance(attachments, list):
        raise ValidationFailed("attachments must be a list of {type, url}", {"field": "attachments"})
    sent = chats.send(principal, chat_id, params.text(body, "text", required=False, max_length=10_000),
                      attachments, params.text(body, "agent_id", required=False, max_length=64),
                      call.header("idempotency-key"))
    publish(sent.events)
    m = sent.message
    shown = [{"type": m.type, "file_id": m.file_id, **media.links(m.file_id, m.type == "image")}] if m.file_id else []
    return Reply(chat_message(m, shown), status=200 if sent.replayed else 201)
