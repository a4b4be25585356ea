"""File metadata rows (`FILE#<id>` in `chats`); the bytes are in S3 (integrations/storage.py).

A refused conditional write raises store.base.ConditionFailed naming `file_key(file_id)` (or
the message rows a deletion touches)."""
from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from typing import Any

from chalicelib.model.files import StoredFile
from chalicelib.store.base import Key, Transaction, now, put_if, transaction, update_if
from chalicelib.store.models import FileItem, MessageItem


def file_key(file_id: str) -> Key:
    return FileItem.key_of(file_id)


def _of(item: FileItem) -> StoredFile:
    return StoredFile(
        file_id=item.file_id, site_id=item.site_id, conversation_id=item.conversation_id, status=item.status,
        object_key=item.object_key, thumbnail_key=item.thumbnail_key, filename=item.filename,
        original_name=item.original_name, mime_type=item.mime_type, size=int(item.size),
        is_image=bool(item.is_image), uploaded_by_type=item.uploaded_by_type, uploaded_by_id=item.uploaded_by_id,
        created_at=item.created_at or now(), message_seqs=frozenset(int(s) for s in (item.message_seqs or ())),
    )


def create(f: StoredFile, pending_for: timedelta | None = None) -> None:
    """1 PutItem (new id only; ConditionFailed on an id collision). A pending upload expires (TTL)
    unless confirmed."""
    pk, sk = FileItem.key_of(f.file_id)
    item = FileItem(
        pk=pk, sk=sk, file_id=f.file_id, site_id=f.site_id, conversation_id=f.conversation_id, status=f.status,
        object_key=f.object_key, filename=f.filename, original_name=f.original_name, mime_type=f.mime_type,
        size=f.size, is_image=f.is_image, uploaded_by_type=f.uploaded_by_type, uploaded_by_id=f.uploaded_by_id,
        created_at=f.created_at, expires_at=(f.created_at + pending_for) if pending_for else None,
    )
    put_if(item, FileItem.pk.does_not_exist())


def get(file_id: str, consistent: bool = False) -> StoredFile | None:
    """1 GetItem. Expired pending rows (TTL not yet applied) read as missing."""
    try:
        item = FileItem.get(*FileItem.key_of(file_id), consistent_read=consistent)
    except FileItem.DoesNotExist:
        return None
    if item.status == "pending" and item.expires_at is not None and item.expires_at <= now():
        return None
    return _of(item)


def confirm(f: StoredFile, object_key: str, size: int, mime_type: str, is_image: bool,
            conversation_id: str | None) -> StoredFile:
    """pending -> ready (1 conditional UpdateItem); ConditionFailed when it was not pending any more."""
    item = FileItem(*FileItem.key_of(f.file_id))
    update_if(item, [
        FileItem.status.set("ready"), FileItem.object_key.set(object_key), FileItem.size.set(size),
        FileItem.mime_type.set(mime_type), FileItem.is_image.set(is_image),
        FileItem.conversation_id.set(conversation_id) if conversation_id else FileItem.conversation_id.remove(),
        FileItem.expires_at.remove(),
    ], FileItem.status == "pending")
    return replace(f, status="ready", object_key=object_key, size=size, mime_type=mime_type, is_image=is_image,
                   conversation_id=conversation_id)


def set_thumbnail(file_id: str, thumbnail_key: str) -> None:
    """1 conditional UpdateItem: only a ready file gets a thumbnail (ConditionFailed otherwise)."""
    update_if(FileItem(*FileItem.key_of(file_id)), [FileItem.thumbnail_key.set(thumbnail_key)],
              FileItem.status == "ready")


def attach_to_message(tx: Transaction, f: StoredFile, conversation_id: str, seq: int) -> None:
    """Inside a message's transaction: the file must still be ready and unattached or in this
    conversation; it becomes this conversation's and remembers the message."""
    tx.update(FileItem(*FileItem.key_of(f.file_id)), actions=[
        FileItem.conversation_id.set(conversation_id), FileItem.message_seqs.add({seq}),
    ], condition=(FileItem.status == "ready") & (
        FileItem.conversation_id.does_not_exist() | (FileItem.conversation_id == conversation_id)))


def mark_deleted(f: StoredFile) -> None:
    """1 TransactWriteItems: the file becomes a tombstone and every message that carried it
    shows it as deleted. ConditionFailed naming `file_key` when it was already deleted (or a
    message row it names is gone)."""
    tombstone: dict[str, Any] = {"id": f.file_id, "original_name": f.original_name, "deleted": True}
    with transaction() as tx:
        tx.update(FileItem(*FileItem.key_of(f.file_id)), actions=[
            FileItem.status.set("deleted"), FileItem.thumbnail_key.remove(), FileItem.message_seqs.remove(),
            FileItem.expires_at.set(now() + timedelta(days=30)),
        ], condition=FileItem.pk.exists() & (FileItem.status != "deleted"))
        for seq in sorted(f.message_seqs)[:99]:  # a transaction holds 100 items
            tx.update(MessageItem(*MessageItem.key(f.conversation_id or "", seq)),
                      actions=[MessageItem.file.set(tombstone)], condition=MessageItem.pk.exists())
