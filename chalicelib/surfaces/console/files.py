"""Seed 000 section 6: upload, read, download and delete files."""
from __future__ import annotations

from typing import Any

from chalicelib.domain.media import service as media
from chalicelib.model.errors import ValidationFailed
from chalicelib.model.files import StoredFile
from chalicelib.model.identity import Principal
from chalicelib.render.console import iso
from chalicelib.surfaces.console import ok, surface
from chalicelib.surfaces.console.chat_schemas import DownloadQuery, FileDetail, FileOut, UploadFields, UploadForm
from chalicelib.surfaces.console.schemas import Done, Ok, stripped
from chalicelib.surfaces.contract import read
from chalicelib.surfaces.http import Call, Reply, agent, agent_or_visitor
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


@surface.route("/api/v1/files/upload", methods=["POST"], auth=agent_or_visitor, limit="file_upload",
               body=UploadForm, body_media_type="multipart/form-data", responses={201: Ok[FileOut]},
               errors=(404,))
def upload(call: Call, principal: Principal) -> Reply:
    """Upload a file (an image or a document) to send in a message

    At most 10 MB (400 FILE_TOO_LARGE); the type is read from the bytes (400 INVALID_FILE_TYPE). With
    conversation_id, the file belongs to that conversation (404 when it is not the caller's)."""
    form = parse_form(call)
    if set(form.files) - {"file"}:
        raise ValidationFailed(f"unknown form fields: {', '.join(sorted(set(form.files) - {'file'}))}")
    if "file" not in form.files:
        raise ValidationFailed("file is required", {"field": "file"})
    fields: UploadFields = read(UploadFields, form.fields, where="form")
    uploaded = media.upload(
        principal,
        fields.site_id,
        stripped(fields.conversation_id),
        form.files["file"].filename,
        form.files["file"].data,
    )
    return Reply(ok(file_view(uploaded)), status=201)


@surface.route("/api/v1/files/{file_id}", methods=["GET"], auth=agent_or_visitor, responses={200: Ok[FileDetail]})
def get(call: Call, principal: Principal, file_id: str) -> dict[str, Any]:
    """A file's details: the site's agents, and a visitor for its conversation's files and its own uploads"""
    return ok(file_view(media.readable(principal, file_id), with_uploader=True))


@surface.route("/api/v1/files/{file_id}/download", methods=["GET"], query=DownloadQuery, responses={302: None},
               errors=(401,))
def download(call: Call, file_id: str, query: DownloadQuery) -> Reply:
    """Download a file: a redirect to a one-minute presigned S3 GET

    No Authorization header: the link's own `token` (scoped to this file, short-lived) is the key,
    so it works in <img src> and <a href>. The Location header holds the file's address. A token that is
    not one, or has expired, is a 401; one for another file, or none, a 404."""
    location = media.download_url(file_id, query.token or None, query.variant)
    return Reply("", status=302, headers={"Location": location, "Cache-Control": "private, no-store",
                                          "Referrer-Policy": "no-referrer", "X-Content-Type-Options": "nosniff"})


@surface.route("/api/v1/files/{file_id}", methods=["DELETE"], auth=agent, responses={200: Done})
def delete(call: Call, principal: Principal, file_id: str) -> dict[str, Any]:
    """Delete a file: its bytes, and its links in the messages that carried it"""
    media.delete(principal, file_id)
    return ok(message="File deleted successfully")
