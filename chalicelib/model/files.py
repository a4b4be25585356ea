"""Uploaded files as values: the metadata row the store keeps (the bytes are in S3)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class StoredFile:
    file_id: str
    site_id: str
    conversation_id: str | None
    status: str
    object_key: str
    thumbnail_key: str | None
    filename: str
    original_name: str
    mime_type: str
    size: int
    is_image: bool
    uploaded_by_type: str
    uploaded_by_id: str
    created_at: datetime
    message_seqs: frozenset[int] = frozenset()
