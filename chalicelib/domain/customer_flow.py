"""Seed 004's customer flow: a bot-first conversation that a customer may hand to a human agent.

It IS the one domain conversation: opened by inbox.open_conversation in `automated` mode, its
messages sent by messaging.send (the customer as the conversation's visitor, the bot and the
system as speakers), so seed 000's console and seed 003 see and answer the same conversation.

Who the customer is: `start` creates a fresh visitor and a session secret (256 random bits) that
is valid for that conversation only and kept only as its SHA-256 on the conversation. Every
conversation-scoped call proves itself with that secret (X-Customer-Session-Id): missing or wrong
is 403, an unknown conversation 404. Knowing a conversation id proves nothing.

Escalation is one conditional transaction (store/customer_flow.escalate): the conversation must
still be automated and unassigned at the sequence read, the agent online and under the site's
capacity. Of concurrent escalations one wins; the others read again and answer its assignment.
"""
from __future__ import annotations

import hashlib
import hmac
import random
import secrets
import time
import uuid
from dataclasses import dataclass, field, replace

from chalicelib.domain import analytics, bot, inbox, messaging, suspension
from chalicelib.domain.conversation_access import conversation_view_payload
from chalicelib.domain.conversations import check_customer_message, check_escalate, check_quick_reply
from chalicelib.model import events as ev
from chalicelib.model.conversations import Conversation, Faq, Message, message_id
from chalicelib.model.errors import Conflict, Forbidden, IdentityVerificationFailed, NotFound
from chalicelib.model.identity import Site, SiteMember, VisitorPrincipal
from chalicelib.store import conversations as conversation_store
from chalicelib.store import customer_flow as store
from chalicelib.store import faqs as faq_store
from chalicelib.store import tenants
from chalicelib.store import visitors as visitor_store
from chalicelib.store.base import ConditionFailed, now

MAX_ID_CHARS = 64
MAX_BODY_CHARS = 4000
ESCALATION_ATTEMPTS = 40
BOT = ("bot", None, bot.BOT_NAME)


def session_hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def open_site(site_id: str) -> Site:
    """A site customers may talk to: 404 unknown, 403 SITE_SUSPENDED. 1 GetItem."""
    site = tenants.get_site(site_id) if 0 < len(site_id) <= MAX_ID_CHARS else None
    if site is None:
        raise NotFound("Site not found")
    suspension.require_usable(site)
    return site


def quick_questions(site_id: str) -> list[Faq]:
    """The site's FAQs in order: 1 GetItem (the site) + 1 Query."""
    open_site(site_id)
    return faq_store.list_for_site(site_id)


@dataclass
class Started:
    conversation: Conversation
    session_id: str
    messages: list[Message]
    events: list[ev.Event] = field(default_factory=list)


def start(site_id: str, name: str | None, email: str | None) -> Started:
    """A new customer and its automated conversation, greeted by the bot with the site's welcome
    message. 1 GetItem + 1 PutItem (the customer) + inbox.open_conversation + 1 send."""
    site = open_site(site_id)
    if site.identity_verification:
        raise IdentityVerificationFailed("This site verifies its visitors; anonymous customers cannot start here")
    visitor_id = f"cust_{uuid.uuid4().hex[:20]}"
    visitor = visitor_store.create(site_id, visitor_id, name or f"Customer {visitor_id[-6:]}", email,
                                   {"channel": "customer_flow"})
    principal = VisitorPrincipal(site_id=site_id, visitor_id=visitor_id)
    secret = secrets.token_urlsafe(32)
    opened = inbox.open_conversation(principal, site_id, visitor_id, mode="automated",
                                     customer_session_hash=session_hash(secret))
    welcome = site.widget_config.get("welcome_message")
    greeting = messaging.send(principal, opened.conversation.conversation_id, kind="text",
                              content=welcome if isinstance(welcome, str) and welcome.strip() else bot.DEFAULT_GREETING,
                              opened=opened.conversation, speaker=BOT)
    created = ev.Event(ev.VISITOR_CREATED, site_id, {"visitor": {
        "id": visitor.visitor_id, "name": visitor.name, "email": visitor.email, "metadata": visitor.metadata,
        "created_at": visitor.first_seen.isoformat()}})
    return Started(greeting.conversation, secret, [greeting.message], [created, *opened.events, *greeting.events])


def session(conversation_id: str, secret: str | None) -> tuple[VisitorPrincipal, Conversation]:
    """The customer a conversation-scoped call comes from, proved by its session secret. 1 GetItem,
    strongly consistent: a widget calls right after `start`, and the answer must not be a 404."""
    if not secret:
        raise Forbidden("X-Customer-Session-Id is required")
    found = conversation_store.get(conversation_id, consistent=True) \
        if 0 < len(conversation_id) <= MAX_ID_CHARS else None
    if found is None:
        raise NotFound("Conversation not found")
    if found.customer_session_hash is None or not hmac.compare_digest(found.customer_session_hash,
                                                                      session_hash(secret)):
        raise Forbidden("X-Customer-Session-Id is not this conversation's customer session")
    suspension.require_active(found.site_id)
    return VisitorPrincipal(site_id=found.site_id, visitor_id=found.visitor_id), found


def messages(conversation_id: str, secret: str | None, after_seq: int,
             limit: int) -> tuple[Conversation, list[Message], bool]:
    """Oldest first after `after_seq`: 1 GetItem (the session) + messaging.since."""
    principal, _ = session(conversation_id, secret)
    return messaging.since(principal, conversation_id, after_seq, limit)


@dataclass
class Said:
    message: Message
    replies: list[Message]
    events: list[ev.Event] = field(default_factory=list)


def _bot_answer(principal: VisitorPrincipal, after: messaging.Sent, text: str) -> messaging.Sent | None:
    """The bot's answer to the customer's words, unless the conversation left automated mode."""
    faq = bot.best_faq(faq_store.list_for_site(principal.site_id), text)
    content, metadata = (faq.answer, {"faq_slug": faq.slug}) if faq else (bot.NO_ANSWER, {"offer": "escalate"})
    try:
        return messaging.send(principal, after.conversation.conversation_id, kind="text", content=content,
                              metadata=metadata, opened=after.conversation, speaker=BOT, require_mode="automated")
    except Conflict:
        return None  # escalated or closed meanwhile: an agent answers now, or nobody


def say(conversation_id: str, secret: str | None, body: str, client_message_id: str | None) -> Said:
    """The customer writes. In automated mode the bot answers in the same call (1 Query of the FAQs
    + 1 send); in agent mode the message waits for the agent, online or not. A repeated
    client_message_id answers the first message and nothing more."""
    principal, conversation = session(conversation_id, secret)
    check_customer_message(conversation)
    sent = messaging.send(principal, conversation_id, kind="text", content=body, idempotency_key=client_message_id,
                          opened=conversation)
    if sent.replayed:
        return Said(sent.message, [])
    said = Said(sent.message, [], list(sent.events))
    if sent.conversation.mode == "automated":
        answer = _bot_answer(principal, sent, body)
        if answer is not None:
            said.replies.append(answer.message)
            said.events.extend(answer.events)
    return said


def quick_reply(conversation_id: str, secret: str | None, slug: str) -> Said:
    """A quick question picked: its question as the customer's message, its answer as the bot's.
    1 GetItem (session) + 1 GetItem (FAQ) + 2 sends."""
    principal, conversation = session(conversation_id, secret)
    faq = faq_store.get(conversation.site_id, slug) if 0 < len(slug) <= MAX_ID_CHARS else None
    if faq is None:
        raise NotFound("FAQ not found")
    check_quick_reply(conversation)
    asked = messaging.send(principal, conversation_id, kind="text", content=faq.question,
                           metadata={"faq_slug": faq.slug}, opened=conversation, require_mode="automated")
    answered = messaging.send(principal, conversation_id, kind="text", content=faq.answer,
                              metadata={"faq_slug": faq.slug}, opened=asked.conversation, speaker=BOT,
                              require_mode="automated")
    return Said(asked.message, [answered.message], [*asked.events, *answered.events])


@dataclass
class Escalated:
    conversation: Conversation
    agent_id: str
    agent_name: str
    events: list[ev.Event] = field(default_factory=list)


def _assigned(conversation: Conversation) -> Escalated:
    return Escalated(conversation, str(conversation.assigned_agent_id), conversation.assigned_agent_name or "")


def escalate(conversation_id: str, secret: str | None) -> Escalated:
    """Hand the conversation to the least loaded online agent under the site's capacity, with one
    system message. Idempotent: once in agent mode every call answers the same assignment and
    changes nothing. 409 when nobody can take it (it stays automated) or it is closed.
    Requests: 1 GetItem (session) + 1 GetItem (site) + 1 Query (members) + 1 TransactWriteItems."""
    _, conversation = session(conversation_id, secret)
    if check_escalate(conversation):
        return _assigned(conversation)
    capacity = bot.capacity_of(open_site(conversation.site_id).agent_capacity)
    for attempt in range(ESCALATION_ATTEMPTS):
        if attempt:
            time.sleep(random.uniform(0, 0.01) * min(attempt, 10))
            conversation = inbox.require_readable(
                VisitorPrincipal(site_id=conversation.site_id, visitor_id=conversation.visitor_id),
                conversation_store.get(conversation_id, consistent=True))
            if check_escalate(conversation):
                return _assigned(conversation)
        candidates = bot.escalation_candidates(tenants.list_members(conversation.site_id), capacity)
        if not candidates:
            raise Conflict("No agent is available right now; the bot keeps answering", {"reason": "no_agent_available"})
        outcome = _try_candidates(conversation, candidates, capacity)
        if outcome is not None:
            return outcome
    raise Conflict("The conversation is busy; try again")


def _try_candidates(conversation: Conversation, candidates: list[SiteMember], capacity: int) -> Escalated | None:
    """The first candidate whose conditional write succeeds; None when the conversation moved (read
    again); 409 when every candidate was full or offline by the time of the write."""
    for member in candidates:
        name = member.name or member.username
        at = now()
        seq = conversation.seq + 1
        message = Message(message_id=message_id(seq, secrets.token_hex(4)), conversation_id=conversation.conversation_id,
                          site_id=conversation.site_id, visitor_id=conversation.visitor_id, seq=seq,
                          sender_type="system", sender_id=None, sender_name=None, type="text",
                          content=bot.connected_text(name), created_at=at, metadata={"agent_id": member.agent_id})
        stats = [*analytics.conversation_assigned(conversation.site_id, member.agent_id, at),
                 *analytics.message_sent(conversation.site_id, "system", None, at, None)]
        try:
            store.escalate(conversation, message, member.agent_id, name, capacity, stats)
        except ConditionFailed as failed:
            if failed.involves(conversation_store.conversation_key(conversation.conversation_id)) or \
                    failed.involves(conversation_store.message_key(conversation.conversation_id, seq)):
                return None
            if store.member_key(conversation.site_id, member.agent_id) in failed.contended:
                return None  # another escalation was counting this agent: read again, try again
            if failed.involves(store.member_key(conversation.site_id, member.agent_id)):
                continue  # full or offline by now: the next one
            raise
        updated = replace(conversation, mode="agent", assigned_agent_id=member.agent_id, assigned_agent_name=name,
                          assigned_at=at, updated_at=at, seq=seq, last_message_at=at,
                          unread_for_visitor=conversation.unread_for_visitor + 1)
        view = conversation_view_payload(updated)
        return Escalated(updated, member.agent_id, name, [
            ev.Event(ev.CONVERSATION_ASSIGNED, conversation.site_id, {
                "conversation": view, "agent": {"id": member.agent_id, "username": member.username, "name": name},
                "previous_agent_id": None}, conversation.conversation_id),
            ev.Event(ev.MESSAGE_CREATED, conversation.site_id, {
                "conversation": view, "message": messaging.message_payload(message)}, conversation.conversation_id),
        ])
    raise Conflict("No agent is available right now; the bot keeps answering", {"reason": "no_agent_available"})
