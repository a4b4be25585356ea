"""Seed 001's shapes: its HTTP envelope and timeline, and its WebSocket frames, from one place.

One timestamp format for the whole document, as it shows it: UTC, milliseconds, 'Z'
(2025-07-02T12:00:00.000Z). Senders are named by id (`sender_id`): an end user's uuid or an
agent's id; `sender_type` says which (end_user | agent | bot | system).
"""
from __future__ import annotations

import json
from datetime import datetime, timezone
from typing import Any, Callable

from chalicelib.model.conversations import Message
from chalicelib.render.timestamps import utc_millis

SENDER_TYPES = {"visitor": "end_user", "support": "agent"}  # the domain's words -> 001's

# A file link for a file id (absolute, freshly signed): the caller knows the origin.
LinkFor = Callable[[str], str]


def timestamp(moment: datetime | str | None) -> str | None:
    """Seed 001's one format: UTC, milliseconds, 'Z' (2025-07-02T12:00:00.000Z)."""
    return utc_millis(moment)


def now() -> str:
    return timestamp(datetime.now(timezone.utc)) or ""


def ok(message: str, data: Any) -> dict[str, Any]:
    """The envelope of every answer: {"message", "data"}."""
    return {"message": message, "data": data}


def error(message: str, field: str | None = None) -> dict[str, Any]:
    """The error envelope: {"message", "errors"?}; `errors` names the field at fault as
    {field: [message]}."""
    body: dict[str, Any] = {"message": message}
    if field:
        body["errors"] = {field: [message]}
    return body


# -- HTTP -----------------------------------------------------------------------------------------

def started(session_id: str, visitor_id: str, conversation_id: str | None, token: str) -> dict[str, Any]:
    return ok("Chat session started successfully", {
        "session_id": session_id, "active": True, "token": token, "end_user_id": visitor_id,
        "conversation_id": conversation_id,
    })


def uploaded(url: str, file_name: str) -> dict[str, Any]:
    return ok("File uploaded successfully", {"file": url, "file_name": file_name})


def _sender_type(sender_type: str) -> str:
    return SENDER_TYPES.get(sender_type, sender_type)


def _attachment(file: dict[str, Any] | None, file_id: str, link: LinkFor) -> dict[str, Any]:
    file = file or {}
    if file.get("deleted"):
        return {"file": None, "file_name": file.get("original_name"), "deleted": True}
    return {"file": link(file_id), "file_name": file.get("original_name")}


def timeline(messages: list[Message], link: LinkFor) -> dict[str, Any]:
    """The history: a message entry for what was said, an attachment entry for what was sent."""
    entries: list[dict[str, Any]] = []
    for m in messages:
        common = {"id": m.message_id, "seq": m.seq, "sender_id": m.sender_id,
                  "sender_type": _sender_type(m.sender_type), "timestamp": timestamp(m.created_at)}
        if m.content:
            entries.append({"type": "message", "data": {**common, "content": m.content}})
        if m.file_id:
            entries.append({"type": "attachment", "data": {
                **common, **_attachment(m.file, m.file_id, link),
                "is_audio": bool((m.metadata or {}).get("is_audio"))}})
    return ok("Chat timeline fetched successfully", entries)


# -- WebSocket frames -----------------------------------------------------------------------------

def frame(kind: str, **fields: Any) -> str:
    return json.dumps({"type": kind, **fields}, separators=(",", ":"), default=str)


def connection_established(session_id: str) -> str:
    return frame("connection_established", session_id=session_id)


def error_frame(message: str, code: int | None = None) -> str:
    return frame("error", **({"code": code} if code is not None else {}), message=message)


def session_ended(code: int) -> str:
    return frame("session_ended", message="The session has ended.", timestamp=now(), code=code)


def message_frame(message: dict[str, Any], link: LinkFor) -> str:
    """A `message.created` event's message as 001's `text` or `file` frame."""
    common = {"sender_id": message["sender"]["id"], "sender_type": _sender_type(message["from"]),
              "timestamp": timestamp(message["created_at"]), "id": message["id"], "seq": message["seq"]}
    if message.get("file_id"):
        fields = _attachment(message.get("file"), message["file_id"], link)
        is_audio = bool((message.get("metadata") or {}).get("is_audio"))
        extra = {"content": message["content"]} if message.get("content") else {}
        return frame("file", **fields, is_audio=is_audio, **common, **extra)
    return frame("text", content=message.get("content"), **common)
