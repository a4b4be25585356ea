"""Seed 003 Files API: presigned upload URL, then confirm (API key, or an agent's token)."""
from __future__ import annotations

from typing import Any

from chalicelib import parsing as params
from chalicelib.domain.media import service as media
from chalicelib.model.errors import ValidationFailed
from chalicelib.model.identity import Principal
from chalicelib.surfaces.http import Call, agent_or_api_key
from chalicelib.surfaces.public_api import surface
from chalicelib.render.public_api import iso


@surface.route("/v1/files/upload-url", methods=["POST"], auth=agent_or_api_key, limit="file_upload")
def upload_url(call: Call, principal: Principal) -> dict[str, Any]:
    body = call.body()
    params.only(body, {"filename", "content_type", "size_bytes", "chat_id", "site_id"})
    size = body.get("size_bytes")
    if isinstance(size, bool) or not isinstance(size, int):
        raise ValidationFailed("size_bytes must be a whole number", {"field": "size_bytes"})
    slot = media.presign(
        principal,
        media.upload_site(principal, lambda: params.text(body, "site_id", required=False, max_length=64)),
        params.required_text(body, "filename", max_length=255),
        params.required_text(body, "content_type", max_length=128),
        size,
        params.text(body, "chat_id", required=False, max_length=64),
    )
    return {
        "upload_url": slot.upload_url,
        "file_id": slot.file.file_id,
        "expires_at": iso(slot.expires_at),
        # What the client must send with the PUT: S3 checks the signed headers.
        "method": "PUT",
        "headers": {"Content-Type": slot.file.mime_type},
    }


@surface.route("/v1/files/confirm", methods=["POST"], auth=agent_or_api_key)
def confirm(call: Call, principal: Principal) -> dict[str, Any]:
    body = call.body()
    params.only(body, {"file_id", "chat_id"})
    f = media.confirm(principal, params.required_text(body, "file_id", max_length=64),
                      params.text(body, "chat_id", required=False, max_length=64))
    links = media.links(f.file_id, f.is_image)
    return {
        "id": f.file_id,
        "url": links["url"],
        "filename": f.original_name,
        "size_bytes": f.size,
        "content_type": f.mime_type,
        "thumbnail_url": links["thumbnail_url"],
        "chat_id": f.conversation_id,
    }
