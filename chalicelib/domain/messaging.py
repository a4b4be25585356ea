"""Messages: send (gapless sequence, idempotent), pages by cursor, read receipts.

A send reads the conversation, then writes everything in one transaction that
is conditional on the sequence number it read. When another sender won the
race it reads again and retries; when its idempotency key was already used it
answers with the message that key created.
"""
from __future__ import annotations

import random
import secrets
import time
from dataclasses import dataclass, field
from typing import Any

from chalicelib import metrics
from chalicelib.model import events as ev
from chalicelib.domain import analytics
from chalicelib.domain.conversations import require_open
from chalicelib.model.conversations import (
    MESSAGE_TYPES,
    Conversation,
    Message,
    message_id,
    reader_side,
    seq_of,
    side_of,
)
from chalicelib.model.errors import Conflict, NotFound, ValidationFailed
from chalicelib.model.files import StoredFile
from chalicelib.model.identity import AgentPrincipal, Principal, VisitorPrincipal
from chalicelib.domain.conversation_access import conversation_view_payload, load, require_readable
from chalicelib.domain.media import rules
from chalicelib.store import conversations as store
from chalicelib.store import files
from chalicelib.store.base import ConditionFailed, now

MAX_CONTENT_CHARS = 10_000
MAX_ATTEMPTS = 40
MAX_KEY_CHARS = 128


@dataclass
class Sent:
    message: Message
    conversation: Conversation
    replayed: bool = False
    events: list[ev.Event] = field(default_factory=list)


def cursor_seq(value: str, field_name: str) -> int:
    seq = seq_of(value)
    if seq is None:
        raise ValidationFailed(f"{field_name} must be a message id", {"field": field_name})
    return seq


def sender_of(principal: Principal, conversation: Conversation) -> tuple[str, str, str | None]:
    """`from` is derived from who is calling, never taken from the request."""
    if isinstance(principal, AgentPrincipal):
        return "support", principal.id, principal.agent.display_name
    if isinstance(principal, VisitorPrincipal):
        return "visitor", principal.visitor_id, conversation.visitor_name
    raise NotFound("Conversation not found")


def message_payload(message: Message) -> dict[str, Any]:
    return {
        "id": message.message_id, "seq": message.seq, "from": message.sender_type, "type": message.type,
        "sender": {"id": message.sender_id, "name": message.sender_name}, "content": message.content,
        "file_id": message.file_id, "file": message.file, "metadata": message.metadata,
        "created_at": message.created_at.isoformat(),
    }


def _validate(kind: str, content: str | None, file_id: str | None, metadata: dict[str, Any]) -> None:
    if kind not in MESSAGE_TYPES:
        raise ValidationFailed(f"type must be one of {', '.join(MESSAGE_TYPES)}", {"field": "type"})
    if kind == "text" and not content:
        raise ValidationFailed("content is required for text messages", {"field": "content"})
    if content is not None and len(content) > MAX_CONTENT_CHARS:
        raise ValidationFailed(f"content must be at most {MAX_CONTENT_CHARS} characters", {"field": "content"})
    if kind in ("file", "image") and not file_id:
        raise ValidationFailed("file_id is required for file and image messages", {"field": "file_id"})
    if kind == "text" and file_id:
        raise ValidationFailed("a text message carries no file_id; use type file or image", {"field": "file_id"})
    if len(str(metadata)) > 4096:
        raise ValidationFailed("metadata is too large (4 KB at most)", {"field": "metadata"})


def attachable_file(principal: Principal, conversation: Conversation, file_id: str, kind: str) -> StoredFile:
    """A file a sender may put in this conversation: ready, of the same site, and either already
    this conversation's or not yet in any conversation and uploaded by the sender. 1 GetItem."""
    f = files.get(file_id, consistent=True)
    sender = ("support" if isinstance(principal, AgentPrincipal) else principal.kind, principal.id)
    if f is None or f.status != "ready" or f.site_id != conversation.site_id:
        raise ValidationFailed("file_id does not name an uploaded file", {"field": "file_id"})
    if f.conversation_id != conversation.conversation_id and (
            f.conversation_id is not None or (f.uploaded_by_type, f.uploaded_by_id) != sender):
        raise ValidationFailed("that file belongs to another conversation or sender", {"field": "file_id"})
    if kind == "image" and not f.is_image:
        raise ValidationFailed("an image message needs an image file", {"field": "type"})
    return f


def _idempotency_key(idempotency_key: str | None, metadata: dict[str, Any]) -> str | None:
    key = idempotency_key or metadata.get("client_message_id")
    if key is not None and (not isinstance(key, str) or not 0 < len(key) <= MAX_KEY_CHARS):
        raise ValidationFailed(f"the idempotency key must be 1-{MAX_KEY_CHARS} characters", {"field": "Idempotency-Key"})
    return key


def check_first(principal: Principal, site_id: str, visitor_id: str, *, kind: str, content: str | None,
                file_id: str | None = None, metadata: dict[str, Any] | None = None,
                idempotency_key: str | None = None) -> StoredFile | None:
    """Everything a first message must pass before its conversation is opened, so a refused first
    message opens nothing (no conversation at seq 0 without its message). Returns the checked file
    to hand to `send(attachment=...)`. No request; +1 GetItem for a file message."""
    metadata = dict(metadata or {})
    _validate(kind, content, file_id, metadata)
    _idempotency_key(idempotency_key, metadata)
    if not file_id:
        return None
    at = now()
    unopened = Conversation(conversation_id="", site_id=site_id, visitor_id=visitor_id, visitor_name=None,
                            status="active", mode="agent", created_at=at, updated_at=at)
    return attachable_file(principal, unopened, file_id, kind)


def send(principal: Principal, conversation_id: str, *, kind: str, content: str | None, file_id: str | None = None,
         metadata: dict[str, Any] | None = None, idempotency_key: str | None = None,
         opened: Conversation | None = None, attachment: StoredFile | None = None,
         speaker: tuple[str, str | None, str | None] | None = None, require_mode: str | None = None) -> Sent:
    """Requests: 1 GetItem + 1 TransactWriteItems (more only when racing other senders);
    a file message reads its file too (+1 GetItem) and attaches it in the same transaction.
    `opened`: the conversation the caller just opened (no first read: it may not be readable yet);
    `attachment`: the file check_first already checked (no second read).
    `speaker`: (sender_type, id, name) for the bot and system messages of seed 004, which speak in a
    conversation the principal may read; `require_mode`: send only while the conversation is in that
    mode (checked on every attempt, so a bot answer never lands after an escalation)."""
    metadata = dict(metadata or {})
    _validate(kind, content, file_id, metadata)
    key = _idempotency_key(idempotency_key, metadata)
    for attempt in range(MAX_ATTEMPTS):
        if attempt == 0 and opened is not None and opened.conversation_id == conversation_id:
            conversation = require_readable(principal, opened)
        else:
            conversation = load(principal, conversation_id, consistent=attempt > 0)
        require_open(conversation, "send messages")
        if require_mode is not None and conversation.mode != require_mode:
            raise Conflict(f"The conversation is no longer in {require_mode} mode", {"mode": conversation.mode})
        sender_type, sender_id, sender_name = speaker or sender_of(principal, conversation)
        if attempt == 0 and file_id and (attachment is None or attachment.file_id != file_id):
            # checked once; a retry's transaction re-checks the file in its condition
            attachment = attachable_file(principal, conversation, file_id, kind)
        at = now()
        seq = conversation.seq + 1
        message = Message(
            message_id=message_id(seq, secrets.token_hex(4)), conversation_id=conversation_id,
            site_id=conversation.site_id, visitor_id=conversation.visitor_id, seq=seq, sender_type=sender_type,
            sender_id=sender_id, sender_name=sender_name, type=kind, content=content, created_at=at,
            file_id=file_id, metadata=metadata, client_message_id=key,
            file=rules.snapshot(attachment.file_id, attachment.filename, attachment.original_name,
                                attachment.mime_type, attachment.size, attachment.is_image) if attachment else None,
        )
        first_visitor = sender_type == "visitor" and conversation.first_visitor_message_at is None
        first_response = sender_type == "support" and conversation.first_response_at is None
        started = conversation.first_visitor_message_at or conversation.created_at
        response_seconds = (at - started).total_seconds() if first_response else None
        updated = _after_send(conversation, message)
        # Committed with the message (the outbox): its deferred work happens if and only if the send did.
        created = ev.Event(ev.MESSAGE_CREATED, conversation.site_id, {
            "conversation": conversation_view_payload(updated), "message": message_payload(message),
        }, conversation_id, outboxed=True)
        try:
            store.append(conversation, message, idempotency_key=key, first_visitor_message=first_visitor,
                         first_response=first_response,
                         stats=analytics.message_sent(conversation.site_id, sender_type, sender_id, at,
                                                      response_seconds), attachment=attachment, outbox=[created])
        except ConditionFailed as failed:
            if key is not None and store.idempotency_record_key(conversation_id, key) in failed.keys:
                original = store.by_idempotency_key(conversation_id, key)
                if original is None:
                    continue
                return Sent(original, conversation, replayed=True)
            if failed.contended or failed.keys & {store.conversation_key(conversation_id),
                                                  store.message_key(conversation_id, seq)}:
                # Another sender (or a close) moved the sequence first: read again and retry.
                time.sleep(random.uniform(0, 0.004) * min(attempt + 1, 10))
                continue
            if attachment is not None and files.file_key(attachment.file_id) in failed.keys:
                raise ValidationFailed("that file was deleted or sent in another conversation",
                                       {"field": "file_id"}) from None
            raise
        metrics.count("MessagesSent", sender=sender_type)  # a replay above is not a new message
        return Sent(message, updated, events=[created])
    raise Conflict("The conversation is busy; try again")


def _after_send(c: Conversation, m: Message) -> Conversation:
    from dataclasses import replace

    from_visitor = m.sender_type == "visitor"
    return replace(c, seq=m.seq, updated_at=m.created_at, last_message_at=m.created_at,
                   unread_for_agents=c.unread_for_agents + (1 if from_visitor else 0),
                   unread_for_visitor=c.unread_for_visitor + (0 if from_visitor else 1))


def page(principal: Principal, conversation_id: str, *, limit: int, before: str | None, after: str | None,
         before_field: str = "before") -> tuple[Conversation, list[Message], bool]:
    """The latest page is 1 Query (the conversation rides along); a cursor page is 1 GetItem +
    1 Query (the conversation's read markers give each message its status). `before_field` is
    the name the caller's API gives the cursor, for the error that names it."""
    if before is None and after is None:
        conversation, messages, has_more = store.latest_page(conversation_id, limit)
        return require_readable(principal, conversation), messages, has_more
    before_seq = cursor_seq(before, before_field) if before else None
    after_seq = cursor_seq(after, "after") if after else None
    conversation = load(principal, conversation_id)
    messages, has_more = store.window(conversation_id, before=before_seq, after=after_seq, limit=limit)
    return conversation, messages, has_more


def since(principal: Principal, conversation_id: str, after_seq: int,
          limit: int) -> tuple[Conversation, list[Message], bool]:
    """Resync: the messages after a sequence number the client saw, oldest first.
    1 GetItem + 1 Query."""
    if after_seq < 0:
        raise ValidationFailed("last_seq must be 0 or more", {"field": "last_seq"})
    conversation = load(principal, conversation_id)
    messages, has_more = store.window(conversation_id, before=None, after=after_seq, limit=limit)
    return conversation, messages, has_more


@dataclass
class ReadOutcome:
    marked_count: int
    events: list[ev.Event] = field(default_factory=list)


def mark_read(principal: Principal, conversation_id: str, message_ids: list[str]) -> ReadOutcome:
    """Move the caller's side's read marker: all messages, or up to the newest of `message_ids`.

    1 GetItem + 1 Query + 1 UpdateItem (retried if a message arrives meanwhile).
    """
    side = side_of(principal.kind)
    wanted = {cursor_seq(i, "message_ids") for i in message_ids}
    for _ in range(10):
        conversation = load(principal, conversation_id, consistent=True)
        already = conversation.agents_read_seq if side == "agents" else conversation.visitor_read_seq
        if conversation.seq <= already:
            return ReadOutcome(0)
        _, messages = store.unread_after(conversation_id, already)
        theirs = [m for m in messages if reader_side(m.sender_type) == side]
        if wanted:
            in_range = [m.seq for m in messages if m.seq in wanted]
            target = max(in_range) if in_range else already
        else:
            target = conversation.seq
        if target <= already:
            return ReadOutcome(0)
        marked = sum(1 for m in theirs if m.seq <= target)
        unread = sum(1 for m in theirs if m.seq > target)
        try:
            store.set_read(conversation, side, target, unread)
        except ConditionFailed as failed:
            if failed.involves(store.conversation_key(conversation_id)):
                continue  # a message arrived meanwhile: count again
            raise
        return ReadOutcome(marked, [ev.Event(ev.MESSAGES_READ, conversation.site_id, {
            "conversation": conversation_view_payload(conversation),
            "reader": {"type": principal.kind, "id": principal.id}, "read_seq": target, "marked_count": marked,
        }, conversation_id)])
    raise Conflict("The conversation is busy; try again")


def mark_delivered(message: dict[str, Any], conversation_id: str) -> bool:
    """A message reached a live connection of its reader side: `sent` becomes `delivered`.

    Called by realtime after a post succeeded; 1 UpdateItem, a no-op when a later message
    was already marked.
    """
    try:
        store.mark_delivered(conversation_id, reader_side(message["from"]), int(message["seq"]))
    except ConditionFailed:
        return False
    return True
