"""Seed 000 section 6: upload, read, download and delete files."""
from __future__ import annotations

from typing import Any

from chalicelib import parsing as params
from chalicelib.domain.media import service as media
from chalicelib.model.errors import ValidationFailed
from chalicelib.model.files import StoredFile
from chalicelib.model.identity import Principal
from chalicelib.surfaces.console import ok, surface
from chalicelib.surfaces.http import Call, Reply, agent, agent_or_visitor
from chalicelib.render.console import iso
from chalicelib.surfaces.uploads import parse_form


def file_view(f: StoredFile, with_uploader: bool = False) -> dict[str, Any]:
    links = media.links(f.file_id, f.is_image)
    view: dict[str, Any] = {
        "id": f.file_id, "filename": f.filename, "original_name": f.original_name, "mime_type": f.mime_type,
        "size": f.size, "url": links["url"], "is_image": f.is_image, "created_at": iso(f.created_at),
    }
    if f.is_image:
        view["thumbnail_url"] = links["thumbnail_url"]
    if f.conversation_id:
        view["conversation_id"] = f.conversation_id
    if with_uploader:
        view["uploaded_by"] = {"type": f.uploaded_by_type, "id": f.uploaded_by_id}
    return view


@surface.route("/api/v1/files/upload", methods=["POST"], auth=agent_or_visitor, limit="file_upload")
def upload(call: Call, principal: Principal) -> Reply:
    form = parse_form(call)
    unknown = sorted(set(form.fields) - {"site_id", "conversation_id"})
    if unknown or set(form.files) - {"file"}:
        raise ValidationFailed(f"unknown form fields: {', '.join(unknown or sorted(form.files))}")
    if "file" not in form.files:
        raise ValidationFailed("file is required", {"field": "file"})
    uploaded = media.upload(
        principal,
        params.required_text(form.fields, "site_id", max_length=64),
        params.text(form.fields, "conversation_id", required=False, max_length=64),
        form.files["file"].filename,
        form.files["file"].data,
    )
    return Reply(ok(file_view(uploaded)), status=201)


@surface.route("/api/v1/files/{file_id}", methods=["GET"], auth=agent_or_visitor)
def get(call: Call, principal: Principal, file_id: str) -> dict[str, Any]:
    return ok(file_view(media.readable(principal, file_id), with_uploader=True))


@surface.route("/api/v1/files/{file_id}/download", methods=["GET"])
def download(call: Call, file_id: str) -> Reply:
    """No Authorization header: the link's own `token` (scoped to this file, short-lived) is the key,
    so it works in <img src> and <a href>. Redirects to a one-minute presigned S3 GET."""
    variant = params.choice(call.query, "variant", ("original", "thumbnail"), required=False) or "original"
    location = media.download_url(file_id, call.query.get("token"), variant)
    return Reply("", status=302, headers={"Location": location, "Cache-Control": "private, no-store",
                                          "Referrer-Policy": "no-referrer", "X-Content-Type-Options": "nosniff"})


@surface.route("/api/v1/files/{file_id}", methods=["DELETE"], auth=agent)
def delete(call: Call, principal: Principal, file_id: str) -> dict[str, Any]:
    media.delete(principal, file_id)
    return ok(message="File deleted successfully")
