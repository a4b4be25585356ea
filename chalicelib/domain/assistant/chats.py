"""An end user's conversations with a site's AI assistants (seed 002, endpoints 1-8).

The caller is a visitor (its visitor token): it sees its own conversations only; anyone else's,
a deleted one, or one of another site is a 404 and nothing changes. Every write is one DynamoDB
transaction with the conversation's sequence checked (a concurrent write makes it read again and
retry), the analytics counters and the search postings written with it.
"""
from __future__ import annotations

import hashlib
import json
import time
from dataclasses import dataclass, replace
from datetime import datetime, timezone
from typing import Callable

from chalicelib.domain.analysis.engine import LocalEngine
from chalicelib.domain.assistant import assistants, ids, responder, text
from chalicelib.integrations import queues
from chalicelib.model.assistant import AssistantConversation, AssistantMessage, Counters, Posting
from chalicelib.model.errors import Conflict, NotFound, ServerError, ValidationFailed
from chalicelib.model.identity import VisitorPrincipal
from chalicelib.observability import logger
from chalicelib.settings import get_settings
from chalicelib.store import assistant_chats as store
from chalicelib.store import assistants as assistant_store
from chalicelib.store.base import ConditionFailed, now

ATTEMPTS = 5  # reads and writes again when a concurrent write moved the conversation
MAX_TITLE = 255
PURGE_QUEUE = "assistant-purge"
PURGE_DELAY_SECONDS = 2  # the job is queued before the deletion commits; it waits for it
PURGE_WAIT_SECONDS = 300  # a job whose deletion is not committed by then was for a deletion that failed
FAILURE_INTENTS = ("complaint", "refund_request", "cancellation")


@dataclass(frozen=True)
class Reply:
    """An AI response as stored, with what it cost."""

    message: AssistantMessage
    answer: responder.Answer


def _day(at: datetime) -> str:
    return at.astimezone(timezone.utc).strftime("%Y-%m-%d")


def _own(principal: VisitorPrincipal, conversation: AssistantConversation | None) -> AssistantConversation:
    if (conversation is None or conversation.deleted_at is not None or conversation.site_id != principal.site_id
            or conversation.user_id != principal.visitor_id):
        raise NotFound("Conversation not found")
    return conversation


def _load(principal: VisitorPrincipal, conversation_id: int, consistent: bool = True) -> AssistantConversation:
    return _own(principal, store.get(conversation_id, consistent=consistent))


def _moved(failed: ConditionFailed, conversation_id: int) -> bool:
    return failed.involves(store.conversation_key(conversation_id))


# -- 1-3, 7: list, create, get, update ------------------------------------------------------------

def listed(principal: VisitorPrincipal, archived: bool, offset: int,
           limit: int) -> tuple[list[AssistantConversation], int]:
    """Pinned first, then the latest activity; archived ones only with archived=True: 1 Query."""
    return store.list_for_user(principal.site_id, principal.visitor_id, "archived" if archived else "live",
                               offset, limit)


def create(principal: VisitorPrincipal, title: str, assistant_id: int) -> AssistantConversation:
    """1 BatchGetItem (the assistant, whether the user is new) + 1 TransactWriteItems. An unknown or
    inactive assistant: 404."""
    assistant, known = store.assistant_and_user(principal.site_id, assistant_id, principal.visitor_id)
    assistants.require_usable(assistant)
    for _ in range(ATTEMPTS):
        at = now()
        conversation = AssistantConversation(
            conversation_id=ids.make(at), site_id=principal.site_id, user_id=principal.visitor_id,
            assistant_id=assistant_id, title=title, conversation_type="chat", status="active", is_archived=False,
            is_pinned=False, created_at=at, updated_at=at)
        counters = Counters(assistant_id, _day(at), user={"conversations": 1}, user_day={"conversations": 1},
                            site={"conversations": 1, "users": 0 if known else 1},
                            site_assistant={"conversations": 1})
        try:
            store.create(conversation, counters, new_user=not known)
            return conversation
        except ConditionFailed as failed:
            if failed.involves(store.user_totals_key(principal.site_id, principal.visitor_id)):
                known = not known  # a first conversation created meanwhile (or the other way round)
            elif not failed.contended and not _moved(failed, conversation.conversation_id):
                raise
    raise ServerError("The conversation could not be created; try again")


def get(principal: VisitorPrincipal, conversation_id: int) -> AssistantConversation:
    """1 GetItem."""
    return _load(principal, conversation_id, consistent=False)


def update(principal: VisitorPrincipal, conversation_id: int, title: str | None, is_pinned: bool | None,
           is_archived: bool | None) -> AssistantConversation:
    """1 GetItem + 1 UpdateItem (1 TransactWriteItems when it is archived or unarchived)."""
    for _ in range(ATTEMPTS):
        before = _load(principal, conversation_id)
        after = replace(before, title=before.title if title is None else title,
                        is_pinned=before.is_pinned if is_pinned is None else is_pinned,
                        is_archived=before.is_archived if is_archived is None else is_archived, updated_at=now())
        try:
            store.update(before, after)
            return after
        except ConditionFailed as failed:
            if not _moved(failed, conversation_id) and not failed.contended:
                raise
    raise ServerError("The conversation is changing too fast; try again")


# -- 8: delete -------------------------------------------------------------------------------------

def _take_back(c: AssistantConversation, at: datetime) -> Counters:
    """What a deleted conversation had added to the user's and the site's totals (day figures stay:
    they tell what happened on each day)."""
    return Counters(c.assistant_id, _day(at),
                    user={"conversations": -1, "messages": -c.seq, "answers": -c.answers,
                          "response_seconds": -c.response_seconds},
                    user_assistant={"messages": -c.seq},
                    site={"conversations": -1, "messages": -c.seq},
                    site_assistant={"conversations": -1, "messages": -c.seq, "answered": -int(c.answered),
                                    "failed": -int(c.failed)})


def delete(principal: VisitorPrincipal, conversation_id: int) -> AssistantConversation:
    """Gone for the user at once (404, out of lists, counts and search); the purge worker deletes its
    messages and search postings afterwards, however many. 1 GetItem + 1 SendMessage (the job goes
    first, delayed: it waits for the deletion to commit) + 1 TransactWriteItems."""
    before = _load(principal, conversation_id)
    queues.send(PURGE_QUEUE, json.dumps({"conversation_id": conversation_id, "requested_at": time.time()}),
                delay_seconds=PURGE_DELAY_SECONDS)
    for _ in range(ATTEMPTS):
        at = now()
        try:
            store.mark_deleted(before, at, _take_back(before, at))
            return replace(before, deleted_at=at)
        except ConditionFailed as failed:
            if not _moved(failed, conversation_id) and not failed.contended:
                raise
        before = _load(principal, conversation_id)
    raise ServerError("The conversation is changing too fast; try again")


class PurgeNotReady(Exception):
    """The deletion this job is for has not committed yet: SQS delivers the job again later."""


def purge(conversation_id: int, requested_at: float, enqueue_rest: Callable[[], None]) -> str:
    """The deletion worker's job: delete a deleted conversation's messages, their search postings and
    idempotency keys, at most settings.assistant.purge_batch messages per job (the rest goes to a
    next job), then the conversation itself and its search tombstone. Idempotent."""
    conversation = store.get(conversation_id, consistent=True)
    if conversation is None:
        return "gone"
    if conversation.deleted_at is None:
        if time.time() - requested_at < PURGE_WAIT_SECONDS:
            raise PurgeNotReady(f"conversation {conversation_id} is not deleted yet")
        logger.warning("purge job for a conversation that was not deleted; dropped",
                       extra={"conversation_id": conversation_id})
        return "not deleted"
    deleted, remaining = store.purge_some(conversation.site_id, conversation.user_id, conversation_id,
                                          get_settings().assistant.purge_batch)
    if remaining:
        enqueue_rest()
        return f"deleted {deleted} messages, more to go"
    store.finish_purge(conversation.site_id, conversation.user_id, conversation_id)
    return f"deleted {deleted} messages and the conversation"


def enqueue_purge(conversation_id: int) -> None:
    queues.send(PURGE_QUEUE, json.dumps({"conversation_id": conversation_id, "requested_at": time.time()}))


# -- 4: messages -------------------------------------------------------------------------------------

def page(principal: VisitorPrincipal, conversation_id: int, offset: int,
         limit: int) -> tuple[AssistantConversation, list[AssistantMessage]]:
    """Messages offset+1 .. offset+limit, oldest first, with the conversation as it was before this
    read; the page is marked read (the conversation's unread_count drops). Offset 0: 1 Query (the
    conversation and the page); otherwise 1 GetItem + 1 Query of that seq range. + 1 UpdateItem
    when the page holds messages the user had not fetched."""
    if offset == 0:
        conversation, messages = store.first_page(conversation_id, limit)
        conversation = _own(principal, conversation)
    else:
        conversation = _load(principal, conversation_id, consistent=False)
        messages = store.message_range(conversation_id, offset + 1, min(offset + limit, conversation.seq))
    messages = [m for m in messages if m.seq <= conversation.seq]
    if messages and messages[-1].seq > conversation.user_read_seq:
        try:
            store.mark_read(conversation_id, messages[-1].seq, messages[-1].answers_upto)
        except ConditionFailed:
            pass  # read further meanwhile, or a send was committing: the next read marks it
    return conversation, messages


def _fingerprint(*parts: str) -> str:
    return hashlib.sha256("\x00".join(parts).encode()).hexdigest()


def _replay(conversation_id: int, key: str, fingerprint: str) -> AssistantMessage | None:
    """The message an Idempotency-Key was used for (None when unused); a key used for something else: 409."""
    found = store.by_idempotency_key(conversation_id, key)
    if found is None:
        return None
    stored, message = found
    if stored != fingerprint or message is None:
        raise Conflict("This Idempotency-Key was used for another request")
    return message


def _postings(message: AssistantMessage) -> list[Posting]:
    at_ms = ids.milliseconds(message.created_at)
    return [Posting(term, at_ms, message.conversation_id, message.seq) for term in message.terms]


def _complains(content: str) -> bool:
    insight, _ = LocalEngine().analyze_message(content)
    return insight.intent in FAILURE_INTENTS or insight.sentiment == "negative"


def send(principal: VisitorPrincipal, conversation_id: int, content: str,
         idempotency_key: str | None) -> tuple[AssistantMessage, bool]:
    """(the message, whether it was a replay of the same Idempotency-Key). 1 GetItem + 1
    TransactWriteItems (with the search postings; a message of more than ~90 distinct words adds
    BatchWriteItem requests of 25). A replay: + 2 GetItems."""
    fingerprint = _fingerprint("user", content)
    conversation = _load(principal, conversation_id)
    terms = tuple(text.terms(content))
    for _ in range(ATTEMPTS):
        at = now()
        c = conversation
        complains = c.answered and not c.failed and _complains(content)
        message = AssistantMessage(
            message_id=ids.after(c.last_message_id, at), conversation_id=conversation_id, site_id=c.site_id,
            user_id=c.user_id, seq=c.seq + 1, sender="user", content=content, created_at=at,
            answers_upto=c.answers, terms=terms)
        after = replace(c, seq=message.seq, last_message_id=message.message_id, last_message_at=at, updated_at=at,
                        failed=c.failed or complains)
        counters = Counters(c.assistant_id, _day(at), user={"messages": 1}, user_assistant={"messages": 1},
                            user_day={"messages": 1}, site={"messages": 1},
                            site_assistant={"messages": 1, "failed": int(complains)})
        try:
            store.append(c, after, message, idempotency=(idempotency_key, fingerprint) if idempotency_key else None,
                         postings=_postings(message), counters=counters)
            return message, False
        except ConditionFailed as failed:
            if idempotency_key and failed.involves(store.idempotency_key(conversation_id, idempotency_key)):
                replayed = _replay(conversation_id, idempotency_key, fingerprint)
                if replayed is not None:
                    return replayed, True
            if not _moved(failed, conversation_id) and not failed.contended:
                raise
        conversation = _load(principal, conversation_id)
    raise ServerError("The conversation is changing too fast; try again")


# -- 6: AI response ----------------------------------------------------------------------------------

def _context(conversation: AssistantConversation, message: str) -> list[AssistantMessage]:
    """The conversation's recent messages (1 Query), without the one being answered when it was just
    sent (the seed's client stores the user's message, then asks for the answer to it)."""
    count = get_settings().assistant.context_messages
    if not count or not conversation.seq:
        return []
    recent = store.message_range(conversation.conversation_id, max(1, conversation.seq - count + 1), conversation.seq)
    if recent and recent[-1].sender == "user" and recent[-1].content == message:
        recent = recent[:-1]
    return recent


def respond(principal: VisitorPrincipal, conversation_id: int, message: str, assistant_id: int | None,
            include_context: bool, idempotency_key: str | None) -> tuple[Reply, bool]:
    """The assistant answers `message` (with its instructions and, with include_context, the recent
    messages); the answer is stored as its message, its tokens and cost go to the site's ledger.
    1 BatchGetItem (conversation + assistant; 2 GetItems without agent_id) + 1 Query (context)
    + the provider + 1 TransactWriteItems; Bedrock adds 2 GetItems (budget) and 1 UpdateItem (ledger).
    With an Idempotency-Key used before for the same request: the stored answer, nothing paid again."""
    fingerprint = _fingerprint("ai", message, str(assistant_id), str(include_context))
    if assistant_id is None:
        conversation = _load(principal, conversation_id)
        assistant = assistant_store.get(principal.site_id, conversation.assistant_id)
    else:
        found, assistant = store.with_assistant(conversation_id, principal.site_id, assistant_id)
        conversation = _own(principal, found)
        if conversation.assistant_id != assistant_id:
            raise ValidationFailed(f"agent_id must be this conversation's assistant ({conversation.assistant_id})",
                                   {"field": "agent_id"})
    assistant = assistants.require_usable(assistant)
    if idempotency_key:
        replayed = _replay(conversation_id, idempotency_key, fingerprint)
        if replayed is not None:
            return Reply(replayed, responder.Answer(replayed.content, replayed.tokens_used or 0,
                                                    replayed.processing_time or 0.0, replayed.cost or 0.0,
                                                    replayed.provider or "local")), True
    answer = responder.respond(principal.site_id, assistant, message,
                               _context(conversation, message) if include_context else [])
    terms = tuple(text.terms(answer.text))
    for _ in range(ATTEMPTS):
        at = now()
        c = conversation
        stored = AssistantMessage(
            message_id=ids.after(c.last_message_id, at), conversation_id=conversation_id, site_id=c.site_id,
            user_id=c.user_id, seq=c.seq + 1, sender="agent", content=answer.text, created_at=at,
            tokens_used=answer.tokens_used, processing_time=answer.processing_time, cost=answer.cost,
            provider=answer.provider, answers_upto=c.answers + 1, terms=terms)
        after = replace(c, seq=stored.seq, answers=c.answers + 1, last_answer_seq=stored.seq,
                        last_message_id=stored.message_id, last_message_at=at, updated_at=at, answered=True,
                        response_seconds=round(c.response_seconds + answer.processing_time, 6))
        counters = Counters(c.assistant_id, _day(at),
                            user={"messages": 1, "answers": 1, "response_seconds": answer.processing_time},
                            user_assistant={"messages": 1}, user_day={"messages": 1}, site={"messages": 1},
                            site_assistant={"messages": 1, "answered": int(not c.answered)})
        try:
            store.append(c, after, stored, idempotency=(idempotency_key, fingerprint) if idempotency_key else None,
                         postings=_postings(stored), counters=counters)
            return Reply(stored, answer), False
        except ConditionFailed as failed:
            if idempotency_key and failed.involves(store.idempotency_key(conversation_id, idempotency_key)):
                replayed = _replay(conversation_id, idempotency_key, fingerprint)
                if replayed is not None:  # a concurrent twin stored its answer first
                    return Reply(replayed, answer), True
            if not _moved(failed, conversation_id) and not failed.contended:
                raise
        conversation = _load(principal, conversation_id)
    raise ServerError("The conversation is changing too fast; try again")
