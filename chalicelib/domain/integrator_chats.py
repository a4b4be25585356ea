"""Seed 003's chats as use cases: list, read, send as an agent, update (tags, notes, assignment,
close). The conversation core is the one every surface uses (inbox, messaging); this module adds
what an integrator's API key may do with it.

A key sees its own workspace only: another workspace's chat is a 404 and changes nothing.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from typing import Any

from chalicelib.domain import inbox, messaging
from chalicelib.domain.conversation_access import load
from chalicelib.domain.visitors import check_phone
from chalicelib.model import events as ev
from chalicelib.model.conversations import Conversation
from chalicelib.model.errors import Conflict, NotFound, ValidationFailed
from chalicelib.model.files import StoredFile
from chalicelib.model.identity import AgentPrincipal, ApiKeyPrincipal, Visitor
from chalicelib.store import conversations as store
from chalicelib.store import files, tenants, visitors
from chalicelib.store.base import ConditionFailed, now

STATUSES = ("active", "assigned", "closed")  # assigned = open with an agent; active = open
MAX_TAGS = 20
MAX_TAG_CHARS = 50
MAX_NOTES_CHARS = 5_000
ATTACHMENT_TYPES = ("image", "file")
# A confirmed file's link, as /v1/files/confirm answers it (host and token are not looked at).
FILE_LINK = re.compile(r"^(?:https?://[^/\s]+)?/api/v1/files/(file_[A-Za-z0-9]{1,64})/download(?:\?\S*)?$")


@dataclass(frozen=True)
class Chat:
    conversation: Conversation
    visitor: Visitor | None


@dataclass
class Changed:
    chat: Chat
    events: list[ev.Event] = field(default_factory=list)


def _with_visitors(site_id: str, conversations: list[Conversation]) -> list[Chat]:
    found = visitors.get_visitors(site_id, [c.visitor_id for c in conversations]) if conversations else {}
    return [Chat(c, found.get(c.visitor_id)) for c in conversations]


def listing(principal: ApiKeyPrincipal, status: str | None, agent_id: str | None, page: int,
            limit: int) -> tuple[list[Chat], int]:
    """A page of the workspace's chats, newest activity first, with the total from list counters:
    1 Query (+1 GetItem for `assigned` or an agent's list) + 1 BatchGetItem of the page's visitors."""
    if status is not None and status not in STATUSES:
        raise ValidationFailed("status must be one of active, assigned, closed", {"field": "status"})
    site_id = principal.site_id
    if agent_id:
        bucket = {None: "all", "closed": "closed"}.get(status, "active")  # an agent's open chats are assigned
        found, total = store.list_for_agent(site_id, agent_id, bucket, page, limit)
    elif status == "assigned":
        found, total = store.list_assigned(site_id, page, limit)
    else:
        found, total = store.list_for_site(site_id, status or "all", page, limit)
    return _with_visitors(site_id, found), total


def get(principal: ApiKeyPrincipal, chat_id: str) -> Chat:
    """2 GetItems (the chat, then its visitor)."""
    conversation = load(principal, chat_id)
    return Chat(conversation, visitors.get_visitor(conversation.site_id, conversation.visitor_id))


# -- sending as an agent ------------------------------------------------------------------------

def acting_agent(principal: ApiKeyPrincipal, agent_id: str | None) -> AgentPrincipal:
    """Who sends: the body's agent_id, else the agent the key was issued for; an agent of the key's
    workspace, acting there only. 1 GetItem."""
    wanted = agent_id or principal.key.agent_id
    if not wanted:
        raise ValidationFailed("agent_id is required: this key does not act as an agent", {"field": "agent_id"})
    agent = tenants.get_agent(wanted)
    if agent is None or principal.site_id not in agent.site_ids:
        raise ValidationFailed("agent_id must name an agent of this workspace", {"field": "agent_id"})
    # Its other sites are not the key's: the principal reaches this workspace only.
    return AgentPrincipal(agent=replace(agent, site_ids=(principal.site_id,)), session_id=f"api_key:{principal.id}")


def attachment_file(principal: ApiKeyPrincipal, chat_id: str, attachment: Any) -> tuple[str, StoredFile]:
    """(message type, file) of one `{type, url}`: the url must be a link /v1/files/confirm gave for
    a file of this workspace that is ready and in no other chat. Never fetched. 1 GetItem."""
    if not isinstance(attachment, dict) or set(attachment) - {"type", "url"}:
        raise ValidationFailed("an attachment is {type, url}", {"field": "attachments"})
    kind, url = attachment.get("type"), attachment.get("url")
    if kind not in ATTACHMENT_TYPES:
        raise ValidationFailed("attachment type must be image or file", {"field": "attachments"})
    matched = FILE_LINK.match(url) if isinstance(url, str) and len(url) <= 4096 else None
    if matched is None:
        raise ValidationFailed("attachment url must be a file link from /v1/files/confirm", {"field": "attachments"})
    f = files.get(matched.group(1), consistent=True)
    if f is None or f.site_id != principal.site_id or f.status != "ready" or f.conversation_id not in (None, chat_id):
        raise ValidationFailed("attachment url does not name a confirmed file of this chat's workspace",
                               {"field": "attachments"})
    if kind == "image" and not f.is_image:
        raise ValidationFailed("an image attachment needs an image file", {"field": "attachments"})
    return kind, f


def send(principal: ApiKeyPrincipal, chat_id: str, text: str | None, attachments: list[Any],
         agent_id: str | None, idempotency_key: str | None) -> messaging.Sent:
    """A message from an agent into a chat of the key's workspace, with at most one attachment.
    1 GetItem (chat) + 1 GetItem (agent) [+ 1 GetItem (file)] + 1 TransactWriteItems."""
    conversation = load(principal, chat_id, consistent=True)  # another workspace's chat: 404 first
    sender = acting_agent(principal, agent_id)
    if len(attachments) > 1:
        raise ValidationFailed("a message carries at most one attachment", {"field": "attachments"})
    kind, attachment = attachment_file(principal, chat_id, attachments[0]) if attachments else ("text", None)
    if kind == "text" and not text:
        raise ValidationFailed("text is required (or an attachment)", {"field": "text"})
    return messaging.send(sender, chat_id, kind=kind, content=text, opened=conversation,
                          file_id=attachment.file_id if attachment else None, attachment=attachment,
                          idempotency_key=idempotency_key)


# -- updating -----------------------------------------------------------------------------------

def check_tags(value: Any) -> list[str]:
    if not isinstance(value, list) or len(value) > MAX_TAGS:
        raise ValidationFailed(f"tags must be a list of at most {MAX_TAGS} strings", {"field": "tags"})
    tags: list[str] = []
    for tag in value:
        if not isinstance(tag, str) or not 0 < len(tag.strip()) <= MAX_TAG_CHARS:
            raise ValidationFailed(f"each tag must be 1-{MAX_TAG_CHARS} characters", {"field": "tags"})
        if tag.strip() not in tags:
            tags.append(tag.strip())
    return tags


def check_notes(value: Any) -> str:
    if not isinstance(value, str) or len(value) > MAX_NOTES_CHARS:
        raise ValidationFailed(f"notes must be text of at most {MAX_NOTES_CHARS} characters", {"field": "notes"})
    return value


@dataclass(frozen=True)
class ChatChanges:
    status: str | None = None
    assigned_to: str | None = None
    tags: list[str] | None = None
    notes: str | None = None
    visitor_phone: str | None = None
    visitor_metadata: dict[str, Any] | None = None


def check_changes(body: dict[str, Any]) -> ChatChanges:
    """PATCH's body, checked before anything is read or written."""
    status = body.get("status")
    if status is not None and status not in STATUSES:
        raise ValidationFailed("status must be one of active, assigned, closed", {"field": "status"})
    assigned_to = body.get("assigned_to")
    if assigned_to is not None and (not isinstance(assigned_to, str) or not 0 < len(assigned_to) <= 64):
        raise ValidationFailed("assigned_to must be an agent id", {"field": "assigned_to"})
    visitor = body.get("visitor")
    if visitor is not None and (not isinstance(visitor, dict) or set(visitor) - {"phone", "metadata"}):
        raise ValidationFailed("visitor may set phone and metadata", {"field": "visitor"})
    metadata = (visitor or {}).get("metadata")
    if metadata is not None and (not isinstance(metadata, dict) or len(str(metadata)) > 4096):
        raise ValidationFailed("visitor.metadata must be an object of at most 4 KB", {"field": "visitor.metadata"})
    changes = ChatChanges(
        status=status, assigned_to=assigned_to,
        tags=check_tags(body["tags"]) if body.get("tags") is not None else None,
        notes=check_notes(body["notes"]) if body.get("notes") is not None else None,
        visitor_phone=check_phone((visitor or {}).get("phone")), visitor_metadata=metadata,
    )
    if changes == ChatChanges():
        raise ValidationFailed("nothing to change")
    return changes


def update(principal: ApiKeyPrincipal, chat_id: str, changes: ChatChanges) -> Changed:
    """Assignment and closing go through the console's own conditional writes (inbox): a stale
    concurrent update is a 409, and they raise the same events. Then tags/notes (1 UpdateItem)
    and the visitor's phone/metadata (1 UpdateItem). 1 GetItem first."""
    conversation = load(principal, chat_id, consistent=True)
    events: list[ev.Event] = []
    if changes.status in ("active", "assigned") and not conversation.is_open:
        raise Conflict("A closed chat is not reopened", {"status": conversation.status})
    if changes.status == "assigned" and not (changes.assigned_to or conversation.assigned_agent_id):
        raise ValidationFailed("status assigned needs assigned_to", {"field": "assigned_to"})
    if changes.assigned_to and changes.assigned_to != conversation.assigned_agent_id:
        outcome = inbox.assign(principal, chat_id, changes.assigned_to)
        conversation, events = outcome.conversation, events + outcome.events
    if changes.status == "closed" and conversation.is_open:
        outcome = inbox.close(principal, chat_id, None)
        conversation, events = outcome.conversation, events + outcome.events
    if changes.tags is not None or changes.notes is not None:
        try:
            conversation = store.set_labels(chat_id, changes.tags, changes.notes, now())
        except ConditionFailed:
            raise NotFound("Conversation not found") from None
    visitor = None
    if changes.visitor_phone is not None or changes.visitor_metadata is not None:
        try:
            visitor = visitors.set_contact(conversation.site_id, conversation.visitor_id, changes.visitor_phone,
                                           changes.visitor_metadata)
        except ConditionFailed:
            raise NotFound("Visitor not found") from None
    if visitor is None:
        visitor = visitors.get_visitor(conversation.site_id, conversation.visitor_id)
    return Changed(Chat(conversation, visitor), events)
