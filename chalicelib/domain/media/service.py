"""Files as the product uses them: direct and presigned uploads, metadata, download links,
deletion, and the thumbnail job. Surfaces (000 now; 003's /v1 and 001's /chat later) call these.

Object layout in the files bucket:
  uploads/pending/<site>/<file_id>/<name>   presigned uploads until confirmed (lifecycle: 1 day)
  files/<site>/<name>                       confirmed files (random names)
  files/<site>/thumb_<stem>.jpg             thumbnails, made by the media worker
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Callable

from chalicelib.auth import tokens
from chalicelib.domain import inbox
from chalicelib.model.errors import Conflict, FileTooLarge, InvalidFileType, NotFound, ValidationFailed
from chalicelib.model.files import StoredFile
from chalicelib.model.identity import AgentPrincipal, Principal, VisitorPrincipal, require_site
from chalicelib.integrations import queues, storage
from chalicelib.domain.media import rules
from chalicelib.observability import logger
from chalicelib.resources import FILES_BUCKET
from chalicelib.settings import get_settings
from chalicelib.store import conversations
from chalicelib.store import files as store
from chalicelib.store.base import ConditionFailed, now


def final_key(site_id: str, filename: str) -> str:
    return f"files/{site_id}/{filename}"


def thumbnail_key(f: StoredFile) -> str:
    return f"files/{f.site_id}/thumb_{f.filename.rsplit('.', 1)[0]}.jpg"


def uploader_of(principal: Principal) -> tuple[str, str]:
    if isinstance(principal, AgentPrincipal):
        return "support", principal.id
    if isinstance(principal, VisitorPrincipal):
        return "visitor", principal.visitor_id
    return "api_key", principal.id


def _check_size(size: int) -> None:
    limit = get_settings().files.max_upload_bytes
    if size > limit:
        raise FileTooLarge(f"File size exceeds maximum limit of {limit / (1024 * 1024):g}MB")
    if size <= 0:
        raise ValidationFailed("The file is empty", {"field": "file"})


def _conversation_for(principal: Principal, site_id: str, conversation_id: str | None) -> str | None:
    if not conversation_id:
        return None
    conversation = inbox.load(principal, conversation_id)  # another site's or visitor's: 404
    if conversation.site_id != site_id:
        raise NotFound("Conversation not found")
    return conversation.conversation_id


def _enqueue_thumbnail(f: StoredFile) -> None:
    if not f.is_image:
        return
    try:
        queues.send_batch("media", [json.dumps({"job": "thumbnail", "file_id": f.file_id})])
    except Exception:  # the upload stands; the thumbnail URL answers 404 until a retry makes it
        logger.exception("thumbnail job not queued", extra={"file_id": f.file_id})


def upload(principal: Principal, site_id: str, conversation_id: str | None, original_name: str | None,
           data: bytes) -> StoredFile:
    """Direct upload (seed 000 6.1): 1 PutObject + 1 PutItem (+ 1 GetItem with a conversation)."""
    require_site(principal, site_id)
    _check_size(len(data))
    name = rules.clean_original_name(original_name)
    mime = rules.allowed_type(data[:rules.SNIFF_BYTES], name)
    conversation = _conversation_for(principal, site_id, conversation_id)
    filename = rules.random_filename(mime)
    by_type, by_id = uploader_of(principal)
    f = StoredFile(file_id=rules.new_file_id(), site_id=site_id, conversation_id=conversation, status="ready",
                   object_key=final_key(site_id, filename), thumbnail_key=None, filename=filename,
                   original_name=name, mime_type=mime, size=len(data), is_image=mime in rules.IMAGES,
                   uploaded_by_type=by_type, uploaded_by_id=by_id, created_at=now())
    storage.put(f.object_key, data, mime)  # bytes first: a row never points at nothing
    store.create(f)
    _enqueue_thumbnail(f)
    return f


@dataclass(frozen=True)
class UploadSlot:
    file: StoredFile
    upload_url: str
    expires_at: datetime


def upload_site(principal: Principal, named: Callable[[], str | None]) -> str:
    """The site a presigned upload goes to. An API key (or a visitor) is bound to its site, so the
    site the request names is not even read (`named` parses it); an agent names one, or has only one."""
    if not isinstance(principal, AgentPrincipal):
        return principal.site_id
    site_id = named()
    if site_id:
        return site_id
    if len(principal.agent.site_ids) != 1:
        raise ValidationFailed("site_id is required for agents of several sites", {"field": "site_id"})
    return principal.agent.site_ids[0]


def presign(principal: Principal, site_id: str, original_name: str, content_type: str, size: int,
            conversation_id: str | None = None) -> UploadSlot:
    """Presigned upload (seed 003): the key is ours, the type and size are signed. 1 PutItem."""
    require_site(principal, site_id)
    _check_size(size)
    if content_type not in rules.ALLOWED:
        raise InvalidFileType(f"File type not allowed ({content_type})")
    name = rules.clean_original_name(original_name)
    conversation = _conversation_for(principal, site_id, conversation_id)
    file_id, filename = rules.new_file_id(), rules.random_filename(content_type)
    by_type, by_id = uploader_of(principal)
    created = now()
    f = StoredFile(file_id=file_id, site_id=site_id, conversation_id=conversation, status="pending",
                   object_key=f"{FILES_BUCKET.unconfirmed_prefix}{site_id}/{file_id}/{filename}",
                   thumbnail_key=None, filename=filename, original_name=name, mime_type=content_type, size=size,
                   is_image=content_type in rules.IMAGES, uploaded_by_type=by_type, uploaded_by_id=by_id,
                   created_at=created)
    store.create(f, pending_for=timedelta(days=FILES_BUCKET.unconfirmed_expiry_days))
    seconds = get_settings().files.upload_url_seconds
    return UploadSlot(f, storage.presigned_put(f.object_key, content_type, size, seconds),
                      created + timedelta(seconds=seconds))


def confirm(principal: Principal, file_id: str, conversation_id: str | None) -> StoredFile:
    """The object must exist, with the declared size and a sniffed type equal to the declared one
    (moto does not enforce the signed headers, and clients lie). A refused object is deleted.
    Confirming again answers the same file. 1 GetItem + HeadObject + ranged GetObject + copy/delete
    + 1 UpdateItem."""
    f = store.get(file_id, consistent=True)
    if f is None or not principal.can_access(f.site_id) or f.status == "deleted":
        raise NotFound("File not found")
    conversation = _conversation_for(principal, f.site_id, conversation_id)
    if f.status == "ready":
        if conversation and f.conversation_id != conversation:
            raise Conflict("The file is already confirmed for another chat")
        return f
    size = storage.size_of(f.object_key)
    if size is None:
        raise ValidationFailed("Nothing was uploaded for this file_id yet", {"field": "file_id"})
    try:
        if size != f.size:
            _check_size(size)
            raise ValidationFailed(f"The upload is {size} bytes, not the {f.size} declared", {"field": "file_id"})
        mime = rules.allowed_type(storage.head_bytes(f.object_key, rules.SNIFF_BYTES), f.original_name)
        if mime != f.mime_type:
            raise InvalidFileType(f"The upload is {mime}, not the {f.mime_type} declared")
    except (ValidationFailed, FileTooLarge, InvalidFileType):
        storage.delete(f.object_key)
        raise
    target = final_key(f.site_id, f.filename)
    storage.move(f.object_key, target)
    try:
        confirmed = store.confirm(f, target, size, mime, mime in rules.IMAGES, conversation)
    except ConditionFailed:  # a concurrent confirm won; answer what it stored
        again = store.get(file_id, consistent=True)
        if again is None or again.status != "ready":
            raise NotFound("File not found") from None
        return again
    _enqueue_thumbnail(confirmed)
    return confirmed


def readable(principal: Principal, file_id: str) -> StoredFile:
    """A ready file the caller may read (1 GetItem; +1 GetItem for a visitor and a chat file)."""
    f = store.get(file_id)
    if f is None or f.status != "ready" or not principal.can_access(f.site_id):
        raise NotFound("File not found")
    visitor_of_conversation = None
    if isinstance(principal, VisitorPrincipal) and f.conversation_id:
        conversation = conversations.get(f.conversation_id)
        visitor_of_conversation = conversation.visitor_id if conversation else None
    if not rules.can_read(principal, f.site_id, f.conversation_id, (f.uploaded_by_type, f.uploaded_by_id),
                          visitor_of_conversation):
        raise NotFound("File not found")
    return f


# Extensions that already name a type correctly, besides the one our random names use.
_ALSO_NAMES = {"image/jpeg": {"jpeg"}}


def download_name(original_name: str, mime: str) -> str:
    """The uploader's name with an extension that matches the sniffed type: `invoice.html` that is
    text downloads as `invoice.txt`, so no saved file opens as something it is not."""
    wanted = rules.ALLOWED.get(mime, "bin")  # every stored type is on the list; anything else: .bin
    stem, dot, extension = original_name.rpartition(".")
    if not dot or not stem:
        stem, extension = original_name, ""
    if extension.lower() == wanted or extension.lower() in _ALSO_NAMES.get(mime, ()):
        return original_name
    return f"{stem}.{wanted}"


def download_url(file_id: str, token: str | None, variant: str) -> str:
    """Where a download link redirects: a presigned GET that lives a minute, answering with the
    sniffed type, under a name with that type's extension, `inline` for images (sniffed JPEG,
    PNG, GIF, WebP) and `attachment` for everything else. The link's token names this file
    only. 1 GetItem."""
    if not token:
        raise NotFound("File not found")
    claims = tokens.verify(tokens.FILE_DOWNLOAD, token)
    if claims.get("sub") != file_id:
        raise NotFound("File not found")
    f = store.get(file_id)
    if f is None or f.status != "ready":
        raise NotFound("File not found")
    seconds = get_settings().files.download_redirect_seconds
    if variant == "thumbnail":
        if not f.thumbnail_key:
            raise NotFound("The thumbnail is not ready yet")
        return storage.presigned_get(f.thumbnail_key, f"thumb_{f.original_name.rsplit('.', 1)[0]}.jpg",
                                     "image/jpeg", seconds, inline=True)
    return storage.presigned_get(f.object_key, download_name(f.original_name, f.mime_type), f.mime_type, seconds,
                                 inline=f.mime_type in rules.IMAGES)


def delete(principal: Principal, file_id: str) -> None:
    """Agents of the file's site. The row becomes a tombstone and the messages that carried it
    say so (1 TransactWriteItems), then the objects go."""
    f = store.get(file_id, consistent=True)
    if f is None or f.status == "deleted" or not principal.can_access(f.site_id):
        raise NotFound("File not found")
    try:
        store.mark_deleted(f)
    except ConditionFailed as failed:
        if not failed.keys:  # only contended: not a deletion that lost
            raise
        raise NotFound("File not found") from None
    storage.delete(f.object_key, f.thumbnail_key or "")


def link_token(file_id: str) -> str:
    return tokens.issue(tokens.FILE_DOWNLOAD, file_id, get_settings().files.download_token_seconds)


def links(file_id: str, is_image: bool) -> dict[str, Any]:
    """Fresh download links (signed on every read, so stored messages never hold stale ones)."""
    url = f"/api/v1/files/{file_id}/download?token={link_token(file_id)}"
    return {"url": url, "thumbnail_url": f"{url}&variant=thumbnail" if is_image else None}


def message_file_view(file: dict[str, Any] | None) -> dict[str, Any] | None:
    """A message's file with fresh links; a deleted file stays visible as deleted."""
    if not file:
        return None
    if file.get("deleted"):
        return {"id": file.get("id"), "original_name": file.get("original_name"), "deleted": True}
    return {**file, **links(str(file["id"]), bool(file.get("is_image")))}


def make_thumbnail(file_id: str) -> bool:
    """The media worker's job. True when a thumbnail was made; False when there is nothing to do
    (deleted, not an image, already made). Undecodable images are logged and skipped."""
    from chalicelib.domain.media import thumbnails

    f = store.get(file_id, consistent=True)
    if f is None or f.status != "ready" or not f.is_image or f.thumbnail_key:
        return False
    try:
        data = thumbnails.make(storage.read(f.object_key))
    except thumbnails.NotAnImage as error:
        logger.warning("no thumbnail: the image does not decode", extra={"file_id": file_id, "reason": str(error)})
        return False
    key = thumbnail_key(f)
    storage.put(key, data, "image/jpeg")
    try:
        store.set_thumbnail(file_id, key)
    except ConditionFailed:  # deleted meanwhile
        storage.delete(key)
        return False
    return True
