"""Seed 003 Files API: presigned upload URL, then confirm (API key, or an agent's token)."""
from __future__ import annotations

from typing import Any

from chalicelib.domain.media import service as media
from chalicelib.model.identity import Principal
from chalicelib.render.public_api import iso
from chalicelib.surfaces.contract import UNSET
from chalicelib.surfaces.http import Call, agent_or_api_key
from chalicelib.surfaces.public_api import surface
from chalicelib.surfaces.public_api.schemas import ConfirmedFile, FileConfirm, UploadSlot, UploadUrlRequest


def _optional(value: str | None | Any) -> str | None:
    """Left out, null or blank: not given (surrounding blanks were always dropped)."""
    return None if value is UNSET or value is None else value.strip() or None


@surface.route("/v1/files/upload-url", methods=["POST"], auth=agent_or_api_key, limit="file_upload",
               body=UploadUrlRequest, responses={200: UploadSlot}, errors=(404, 413))
def upload_url(call: Call, principal: Principal, body: UploadUrlRequest) -> dict[str, Any]:
    """A presigned URL to PUT a file to, then POST /v1/files/confirm

    The type and size are signed: S3 refuses any other. An unknown chat_id is a 404."""
    slot = media.presign(
        principal,
        media.upload_site(principal, lambda: _optional(body.site_id)),
        body.filename.strip(),
        body.content_type.strip(),
        body.size_bytes,
        _optional(body.chat_id),
    )
    return {
        "upload_url": slot.upload_url,
        "file_id": slot.file.file_id,
        "expires_at": iso(slot.expires_at),
        # What the client must send with the PUT: S3 checks the signed headers.
        "method": "PUT",
        "headers": {"Content-Type": slot.file.mime_type},
    }


@surface.route("/v1/files/confirm", methods=["POST"], auth=agent_or_api_key, body=FileConfirm,
               responses={200: ConfirmedFile}, errors=(404, 409, 413))
def confirm(call: Call, principal: Principal, body: FileConfirm) -> dict[str, Any]:
    """Confirm an upload: its size and sniffed type must be the ones declared (else 400/413, and it is deleted)

    Confirming again answers the same file; for another chat than the first confirm's, 409."""
    f = media.confirm(principal, body.file_id.strip(), _optional(body.chat_id))
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
