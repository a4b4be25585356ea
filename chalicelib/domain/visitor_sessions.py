"""Seed 001's chat sessions as use cases. A session IS a conversation: it is opened with
inbox.open_conversation, its messages go through messaging.send and its files through the media
service, so agents see and answer it in seed 000's console, and integrators in seed 003.

Who the end user is:
- a guest: new (a random uuid) unless it sends the visitor token of its earlier session as
  `Authorization: Bearer` (expired tokens still prove who it was, as in seed 000's visitor
  registration: domain/visitor_identity.py);
- an external customer: `external_customer_id` counts only with `customer_hash` = hex
  HMAC-SHA256 of the id under the business's identity secret (Intercom's user_hash scheme,
  visitor_identity.recognised). Its visitor id is derived from the id under a server key, so
  nobody can claim it by guessing it.

One active session per end user per business: store/chat_sessions.py's active pointer, created
by a conditional write; of concurrent starts one claims a session and opens its conversation,
the others wait for it and answer the same session.
"""
from __future__ import annotations

import hashlib
import hmac
import re
import threading
import time
import uuid
from dataclasses import dataclass, field, replace
from typing import Any

from chalicelib.auth import keys, tokens
from chalicelib.domain import accounts, inbox, messaging, visitor_identity
from chalicelib.domain import visitors as visitor_domain
from chalicelib.domain.media import service as media
from chalicelib.model import events as ev
from chalicelib.model.chat_sessions import ChatSession
from chalicelib.model.conversations import Conversation, Message, seq_of
from chalicelib.model.errors import (
    Conflict,
    DomainError,
    Forbidden,
    IdentityVerificationFailed,
    NotFound,
    SiteSuspended,
    Unauthorized,
    ValidationFailed,
)
from chalicelib.model.files import StoredFile
from chalicelib.model.identity import AgentPrincipal, Principal, VisitorPrincipal, require_site
from chalicelib.observability import logger
from chalicelib.settings import get_settings
from chalicelib.store import chat_sessions as store
from chalicelib.store import conversations as conversation_store
from chalicelib.store import files as file_store
from chalicelib.store import tenants
from chalicelib.store import visitors as visitor_store
from chalicelib.store.base import ConditionFailed, now

MAX_EXTERNAL_ID = 255
MAX_DEPARTMENT = 64
MAX_TIMELINE = 1000  # messages a history answers at most (the oldest first)
TIMELINE_PAGE = 100
# A claim whose conversation is not open after this long was left by a start that died midway.
STALE_CLAIM_SECONDS = 30
WAIT_FOR_OPENING_SECONDS = 5.0
ENDED_MESSAGE = "This session has ended. No further communication is allowed."
_FILE_IN_URL = re.compile(r"/files/(file_[0-9a-f]{20})/download(?:[?#]|$)")


class SessionEnded(Conflict):
    """The session's conversation is closed: nothing more may be said in it."""

    code, default_message = "SESSION_ENDED", ENDED_MESSAGE


def is_uuid(value: object) -> bool:
    if not isinstance(value, str) or len(value) != 36:
        return False
    try:
        uuid.UUID(value)
    except ValueError:
        return False
    return True


def customer_visitor_id(site_id: str, external_customer_id: str) -> str:
    """The end user id of an external customer: a uuid derived under a server key, stable per
    (business, customer id) and impossible to compute without the key."""
    digest = hmac.new(keys.derived_key("chat-customer"), f"{site_id}\0{external_customer_id}".encode(),
                      hashlib.sha256).digest()
    return str(uuid.UUID(bytes=digest[:16], version=4))


# -- start or retrieve ----------------------------------------------------------------------------

@dataclass
class Started:
    session: ChatSession
    token: str
    created: bool
    events: list[ev.Event] = field(default_factory=list)


def _business(site_id: str):  # -> Site
    site = tenants.get_site(site_id)
    if site is None:
        raise NotFound("Business not found")
    if site.status != "active":
        raise SiteSuspended("This business is suspended")
    return site


def _created_event(site_id: str, visitor: Any) -> ev.Event:
    return ev.Event(ev.VISITOR_CREATED, site_id, {"visitor": {
        "id": visitor.visitor_id, "name": visitor.name, "email": visitor.email, "metadata": visitor.metadata,
        "created_at": visitor.first_seen.isoformat()}})


def _end_user(site: Any, external_customer_id: str | None, customer_hash: str | None,
              bearer: str | None) -> tuple[str, bool, list[ev.Event]]:
    """(visitor id, is a customer, events): who is starting, proved or new. 1 write."""
    site_id = site.site_id
    if external_customer_id is not None:
        # visitor_identity raises 403 itself when the business requires verification and it fails.
        if not visitor_identity.recognised(site, external_customer_id, user_hash=customer_hash):
            logger.info("external customer refused", extra={"site_id": site_id})
            raise IdentityVerificationFailed(
                "external_customer_id needs customer_hash: the hex HMAC-SHA256 of the id under the business's "
                "identity secret")
        visitor_id = customer_visitor_id(site_id, external_customer_id)
        visitor, created = visitor_store.register(site_id, visitor_id, f"Customer {external_customer_id[:80]}", None,
                                                  {"external_customer_id": external_customer_id})
        return visitor_id, True, [_created_event(site_id, visitor)] if created else []
    if bearer is not None:
        try:
            claims = tokens.verify(tokens.VISITOR, bearer,
                                   expired_grace_seconds=visitor_identity.TOKEN_PROOF_GRACE_SECONDS)
        except DomainError:
            raise Unauthorized("Authorization must carry the visitor token of an earlier session (or be left out "
                               "to start as a new guest)") from None
        visitor_id = claims.get("sub")
        if claims.get("site") != site_id:
            raise Forbidden("This visitor token is for another business")
        if not is_uuid(visitor_id):  # a seed 000 widget visitor's token: not a chat guest's
            raise Unauthorized("This visitor token is not a chat guest's: leave it out to start as a new guest")
        if not visitor_identity.recognised(site, visitor_id, token=bearer):
            raise Unauthorized("Invalid visitor token")
        if visitor_store.get_visitor(site_id, visitor_id) is None:  # removed meanwhile: the guest comes back
            visitor, _ = visitor_store.register(site_id, visitor_id, f"Guest {visitor_id[:8]}", None, {})
            return visitor_id, False, [_created_event(site_id, visitor)]
        return visitor_id, False, []
    if site.identity_verification:
        raise IdentityVerificationFailed("This business verifies its customers: start with external_customer_id "
                                         "and customer_hash")
    visitor_id = str(uuid.uuid4())
    visitor = visitor_store.create(site_id, visitor_id, f"Guest {visitor_id[:8]}", None, {})
    return visitor_id, False, [_created_event(site_id, visitor)]


def start(site_id: str, *, department: str | None, external_customer_id: str | None, customer_hash: str | None,
          bearer: str | None, origin: str | None) -> Started:
    """Start or retrieve the end user's one active session at a business.

    Retrieving: 1 GetItem (business) + 1 write (the end user) + 2 GetItems (pointer, conversation).
    Starting: the same, then 1 TransactWriteItems (claim) + inbox.open_conversation (1 GetItem +
    1 TransactWriteItems) + 1 TransactWriteItems (the session names its conversation).
    """
    if department is not None and not 0 < len(department) <= MAX_DEPARTMENT:
        raise ValidationFailed(f"department must be 1-{MAX_DEPARTMENT} characters", {"field": "department"})
    site = _business(site_id)
    visitor_id, customer, events = _end_user(site, external_customer_id, customer_hash, bearer)
    principal = VisitorPrincipal(site_id=site_id, visitor_id=visitor_id)
    session, created, opened_events = _start_or_retrieve(principal, department, customer, origin)
    token = tokens.issue(tokens.VISITOR, visitor_id, get_settings().visitor_token_seconds, {"site": site_id})
    return Started(session, token, created, events + opened_events)


def _start_or_retrieve(principal: VisitorPrincipal, department: str | None, customer: bool,
                       origin: str | None) -> tuple[ChatSession, bool, list[ev.Event]]:
    site_id, visitor_id = principal.site_id, principal.visitor_id
    deadline = time.monotonic() + WAIT_FOR_OPENING_SECONDS
    while True:
        pointer = store.active(site_id, visitor_id)
        if pointer is None:
            session = ChatSession(session_id=str(uuid.uuid4()), site_id=site_id, visitor_id=visitor_id,
                                  conversation_id=None, created_at=now(), department=department, customer=customer,
                                  origin=origin)
            try:
                store.claim(session)
            except ConditionFailed as failed:
                if failed.involves(store.active_key(site_id, visitor_id)):
                    continue  # another start claimed first: answer its session
                raise
            return _open(principal, session)
        if pointer.conversation_id is None:  # another start is opening it
            if (now() - pointer.claimed_at).total_seconds() > STALE_CLAIM_SECONDS:
                _release(site_id, visitor_id, pointer.session_id)
                continue
            if time.monotonic() > deadline:
                raise Conflict("The chat session is still being started; try again in a moment")
            time.sleep(0.05)
            continue
        conversation = conversation_store.get(pointer.conversation_id, consistent=True)
        if conversation is not None and conversation.is_open:
            return ChatSession(session_id=pointer.session_id, site_id=site_id, visitor_id=visitor_id,
                               conversation_id=pointer.conversation_id, created_at=pointer.claimed_at,
                               customer=customer), False, []
        _release(site_id, visitor_id, pointer.session_id)  # that session ended: a new one starts


def _release(site_id: str, visitor_id: str, session_id: str) -> None:
    try:
        store.release(site_id, visitor_id, session_id)
    except ConditionFailed:
        pass  # someone else released or claimed meanwhile: the next read says what is there


def _open(principal: VisitorPrincipal, session: ChatSession) -> tuple[ChatSession, bool, list[ev.Event]]:
    try:
        try:
            outcome = inbox.open_conversation(principal, session.site_id, session.visitor_id)
        except NotFound:  # a guest created a moment ago, not yet visible to an eventually consistent read
            time.sleep(0.2)
            outcome = inbox.open_conversation(principal, session.site_id, session.visitor_id)
        conversation_id = outcome.conversation.conversation_id
        store.opened(session, conversation_id)
    except Exception:
        try:
            store.abandon(session)
        except Exception:  # the claim goes stale and the next start takes it over
            logger.exception("abandoning a chat session claim failed", extra={"session_id": session.session_id})
        raise
    return replace(session, conversation_id=conversation_id), True, outcome.events


# -- who is calling, and what they may see --------------------------------------------------------

def authenticate(token: str) -> Principal:
    """A visitor token (stateless) or an agent's access token (its login session is checked)."""
    try:
        return visitor_domain.authenticate(token)
    except Unauthorized as as_visitor:
        try:
            return accounts.authenticate(token)
        except Unauthorized:
            raise as_visitor from None


def session_for(principal: Principal, session_id: str) -> ChatSession:
    """The session, if the caller may use it: its own end user, or an agent of its business.
    Unknown: 404; anyone else: 403. 1 GetItem."""
    session = store.get(session_id) if is_uuid(session_id) else None
    if session is None or session.opening:
        raise NotFound("Chat session not found")
    if isinstance(principal, VisitorPrincipal):
        if (principal.site_id, principal.visitor_id) != (session.site_id, session.visitor_id):
            raise Forbidden("This chat session is not yours")
    elif isinstance(principal, AgentPrincipal):
        require_site(principal, session.site_id)
    else:
        raise Forbidden("No access to this chat session")
    return session


def require_active(session: ChatSession) -> Conversation:
    """The session's conversation, still open; SessionEnded otherwise. 1 GetItem."""
    conversation = conversation_store.get(session.conversation_id or "", consistent=True)
    if conversation is None or not conversation.is_open:
        raise SessionEnded()
    return conversation


def timeline(principal: Principal, session_id: str) -> tuple[ChatSession, list[Message]]:
    """The session's messages, oldest first (at most MAX_TIMELINE). 1 GetItem + 1 GetItem and 1
    Query per 100 messages."""
    session = session_for(principal, session_id)
    found: list[Message] = []
    after = 0
    while len(found) < MAX_TIMELINE:
        _, page, has_more = messaging.since(principal, session.conversation_id or "", after, TIMELINE_PAGE)
        found.extend(page)
        if not has_more or not page:
            break
        after = page[-1].seq
    return session, found[:MAX_TIMELINE]


# -- files ----------------------------------------------------------------------------------------

def upload(principal: Principal, end_user_id: str, agent_id: str | None, message_id: str | None,
           original_name: str | None, data: bytes) -> StoredFile:
    """A file for the end user's active session, by that end user or an agent of its business.
    The media service checks it (type from the bytes, size) and attaches it to the session's
    conversation. 1 GetItem or Query (the session) + 1 GetItem (open?) + the media upload."""
    if not is_uuid(end_user_id):
        raise ValidationFailed("uploaded_by_end_user must be the end user's uuid", {"field": "uploaded_by_end_user"})
    if message_id is not None and seq_of(message_id) is None:
        raise ValidationFailed("message must be a message id or null", {"field": "message"})
    if isinstance(principal, VisitorPrincipal):
        if agent_id is not None:
            raise Forbidden("uploaded_by_agent is for agents' uploads")
        if end_user_id != principal.visitor_id:
            raise Forbidden("uploaded_by_end_user must be you")
        pointer = store.active(principal.site_id, end_user_id)
    elif isinstance(principal, AgentPrincipal):
        if agent_id is not None and agent_id != principal.id:
            raise Forbidden("uploaded_by_agent must be you")
        pointers = [p for p in store.active_anywhere(end_user_id) if principal.can_access(p.site_id)]
        pointer = pointers[0] if pointers else None
    else:
        raise Forbidden("No access to chat sessions")
    if pointer is None or pointer.conversation_id is None:
        raise NotFound("This end user has no active chat session")
    conversation = conversation_store.get(pointer.conversation_id, consistent=True)
    if conversation is None or not conversation.is_open:
        raise SessionEnded()
    return media.upload(principal, pointer.site_id, pointer.conversation_id, original_name, data)


def file_id_in(url: object) -> str:
    """The file an upload-file URL names (its host is not ours to trust: links are made afresh)."""
    match = _FILE_IN_URL.search(url) if isinstance(url, str) and len(url) <= 4096 else None
    if match is None:
        raise ValidationFailed("file must be a URL returned by /chat/upload-file/", {"field": "file"})
    return match.group(1)


def file_url(origin: str | None, file_id: str) -> str:
    """A fresh, absolute download link (signed for settings.files.download_token_seconds)."""
    return f"{origin or ''}{media.links(file_id, False)['url']}"


_origins: dict[str, str | None] = {}
_origins_lock = threading.Lock()
MAX_CACHED_ORIGINS = 10_000


def origin_for(conversation_id: str) -> str | None:
    """Where the session a conversation is started from (its file links' origin); None for a
    conversation that is no session. 1 GetItem, then cached: it never changes."""
    with _origins_lock:
        if conversation_id in _origins:
            return _origins[conversation_id]
    found = store.of_conversation(conversation_id)
    if found is None:
        return None
    with _origins_lock:
        if len(_origins) >= MAX_CACHED_ORIGINS:
            _origins.clear()
        _origins[conversation_id] = found[1]
    return found[1]


# -- the WebSocket's use cases --------------------------------------------------------------------

def admit(session_id: str, token: str | None) -> tuple[ChatSession, Principal]:
    """May this token join this session's socket? Unauthorized/Forbidden (token), NotFound
    (session), SessionEnded. 1 GetItem (session) + 1 GetItem (conversation), +1 BatchGetItem for
    an agent."""
    if not token:
        raise Unauthorized("Send the token as Sec-WebSocket-Protocol: Bearer, <token>")
    principal = authenticate(token)
    session = session_for(principal, session_id)
    require_active(session)
    return session, principal


def send_text(principal: Principal, session: ChatSession, content: object) -> messaging.Sent:
    if not isinstance(content, str) or not content.strip():
        raise ValidationFailed("content must be non-empty text", {"field": "content"})
    return _send(principal, session, kind="text", content=content, file_id=None, metadata={})


def send_file(principal: Principal, session: ChatSession, url: object, is_audio: object) -> messaging.Sent:
    """A file uploaded for this session (upload-file attached it), named by its URL. 1 GetItem +
    the send."""
    if not isinstance(is_audio, bool):
        raise ValidationFailed("is_audio must be true or false", {"field": "is_audio"})
    file_id = file_id_in(url)
    f = file_store.get(file_id, consistent=True)
    if f is None or f.status != "ready" or f.conversation_id != session.conversation_id:
        raise ValidationFailed("file is not a file uploaded for this session", {"field": "file"})
    return _send(principal, session, kind="image" if f.is_image else "file", content=None, file_id=file_id,
                 metadata={"is_audio": True} if is_audio else {})


def _send(principal: Principal, session: ChatSession, *, kind: str, content: str | None, file_id: str | None,
          metadata: dict[str, Any]) -> messaging.Sent:
    try:
        return messaging.send(principal, session.conversation_id or "", kind=kind, content=content, file_id=file_id,
                              metadata=metadata)
    except Conflict as error:
        if isinstance(error, SessionEnded) or (error.details or {}).get("status") == "closed":
            raise SessionEnded() from None
        raise
