"""Seed 004's agent app: the agent's conversations by mode, their messages, replies and closing.

The same domain conversation as every surface's: messages go through messaging.send, closing
through inbox.close (the customer's socket hears `chat.closed`).
"""
from __future__ import annotations

from dataclasses import dataclass, field

from chalicelib.domain import inbox, messaging
from chalicelib.domain.conversations import MODES, check_agent_message, check_close, speaks_for
from chalicelib.model import events as ev
from chalicelib.model.conversations import Conversation, Message
from chalicelib.model.errors import Forbidden, ValidationFailed
from chalicelib.model.identity import AgentPrincipal
from chalicelib.store import customer_flow as store

MAX_ID_CHARS = 64


@dataclass
class Page:
    conversations: list[Conversation]
    next_cursor: str | None


def listing(principal: AgentPrincipal, mode: str, cursor: str | None, limit: int) -> Page:
    """The agent's sites' conversations in one mode, newest activity first: 1 Query per site
    (the positions per site ride in the cursor)."""
    if mode not in MODES:
        raise ValidationFailed(f"status must be one of: {', '.join(MODES)}", {"field": "status"})
    positions: dict[str, str] = {}
    if cursor:
        decoded = store.decode_cursor(cursor)
        if decoded is None:
            raise ValidationFailed("cursor is not one this list gave", {"field": "cursor"})
        positions = decoded
    sites = [s for s in principal.agent.site_ids if principal.can_access(s)]
    found: list[tuple[str, str, Conversation]] = []
    more: set[str] = set()
    for site_id in sites:
        page, has_more = store.by_mode(site_id, mode, positions.get(site_id), limit)
        found.extend((position, site_id, c) for position, c in page)
        if has_more:
            more.add(site_id)
    found.sort(key=lambda row: row[0], reverse=True)
    taken, left = found[:limit], found[limit:]
    for position, site_id, _ in taken:
        positions[site_id] = min(position, positions.get(site_id, position))
    pending = more | {site_id for _, site_id, _ in left}
    return Page([c for _, _, c in taken], store.encode_cursor(positions) if pending else None)


def _load(principal: AgentPrincipal, conversation_id: str, consistent: bool = False) -> Conversation:
    if not 0 < len(conversation_id) <= MAX_ID_CHARS:
        return inbox.require_readable(principal, None)
    return inbox.load(principal, conversation_id, consistent=consistent)


def messages(principal: AgentPrincipal, conversation_id: str, after_seq: int,
             limit: int) -> tuple[Conversation, list[Message], bool]:
    """1 GetItem + 1 Query (messaging.since checks the caller may read it)."""
    if not 0 < len(conversation_id) <= MAX_ID_CHARS:
        inbox.require_readable(principal, None)
    return messaging.since(principal, conversation_id, after_seq, limit)


def _require_speaker(principal: AgentPrincipal, conversation: Conversation) -> None:
    if not speaks_for(conversation, principal.id, principal.is_admin):
        raise Forbidden("Only the assigned agent or a site admin may do this")


def reply(principal: AgentPrincipal, conversation_id: str, body: str,
          client_message_id: str | None) -> messaging.Sent:
    """The assigned agent (or a site admin) answers, in agent mode only. 1 GetItem + 1 send."""
    conversation = _load(principal, conversation_id, consistent=True)
    check_agent_message(conversation)
    _require_speaker(principal, conversation)
    return messaging.send(principal, conversation_id, kind="text", content=body, idempotency_key=client_message_id,
                          opened=conversation, require_mode="agent")


@dataclass
class Closed:
    conversation: Conversation
    events: list[ev.Event] = field(default_factory=list)


def close(principal: AgentPrincipal, conversation_id: str) -> Closed:
    """1 GetItem + inbox.close (1 GetItem + 1 TransactWriteItems). Already closed: 409."""
    conversation = _load(principal, conversation_id, consistent=True)
    check_close(conversation)
    if conversation.assigned_agent_id is not None:
        _require_speaker(principal, conversation)
    outcome = inbox.close(principal, conversation_id, None)
    return Closed(outcome.conversation, outcome.events)
