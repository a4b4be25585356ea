"""Seed 002's conversations, messages, search index and analytics counters in DynamoDB.

Each function names the requests it makes. The keys are in models.py's table of access patterns:
a conversation (ACHAT#<cid> / ACHAT) sorts before its messages (AMSG#<seq>), so a conversation and
its first page are one Query; messages are gapless by seq, so any offset page is one key-range
Query. Writes that change several items (a message with its conversation, counters and search
postings; a deletion with its counters) are one TransactWriteItems; a refused condition raises
store.base.ConditionFailed naming the items (`conversation_key`, `idempotency_key`, the user's
stats key for a first conversation) so the domain decides (reload and retry, replay, 404).
"""
from __future__ import annotations

import secrets
from datetime import datetime, timedelta
from typing import Any, Iterable

from pynamodb.exceptions import UpdateError

from chalicelib.model.assistant import (
    STAT_FIELDS,
    Assistant,
    AssistantConversation,
    AssistantMessage,
    Counters,
    Posting,
)
from chalicelib.store.assistants import assistant_of
from chalicelib.store.base import ConditionFailed, Key, Transaction, transaction, update_if
from chalicelib.store.models import (
    COUNTER_SORT_KEY,
    AssistantChatItem,
    AssistantIdempotencyItem,
    AssistantItem,
    AssistantListCounterItem,
    AssistantMessageItem,
    AssistantStatsItem,
    ChatItem,
    SearchPostingItem,
    SearchTombstoneItem,
)

TRANSACTION_ITEMS = 100  # DynamoDB's cap per TransactWriteItems
SITE_SHARDS = 8  # the site's counters are spread over this many items (concurrent sends rarely meet)
DAY_TTL = timedelta(days=40)  # the dashboard shows 30 days; older day counters expire
_MESSAGES = ("AMSG#", "AMSG#~")


# -- keys (what a ConditionFailed names) ---------------------------------------------------------

def conversation_key(conversation_id: int) -> Key:
    return AssistantChatItem.key(conversation_id)


def idempotency_key(conversation_id: int, client_key: str) -> Key:
    return AssistantIdempotencyItem.key(conversation_id, client_key)


def user_totals_key(site_id: str, user_id: str) -> Key:
    return AssistantStatsItem.user_partition(site_id, user_id), "T"


# -- mapping ------------------------------------------------------------------------------------

def conversation_of(item: AssistantChatItem) -> AssistantConversation:
    return AssistantConversation(
        conversation_id=int(item.conversation_id), site_id=item.site_id, user_id=item.user_id,
        assistant_id=int(item.assistant_id), title=item.title, conversation_type=item.conversation_type or "chat",
        status=item.status or "active", is_archived=bool(item.is_archived), is_pinned=bool(item.is_pinned),
        created_at=item.created_at, updated_at=item.updated_at, seq=int(item.seq or 0),
        answers=int(item.answers or 0), answers_read=int(item.answers_read or 0),
        user_read_seq=int(item.user_read_seq or 0), last_answer_seq=int(item.last_answer_seq or 0),
        last_message_id=int(item.last_message_id or 0), last_message_at=item.last_message_at,
        response_seconds=float(item.response_seconds or 0), answered=bool(item.answered),
        failed=bool(item.failed), deleted_at=item.deleted_at,
    )


def message_of(item: AssistantMessageItem) -> AssistantMessage:
    return AssistantMessage(
        message_id=int(item.message_id), conversation_id=int(item.conversation_id), site_id=item.site_id,
        user_id=item.user_id, seq=int(item.seq), sender=item.sender, content=item.content,
        created_at=item.created_at, content_type=item.content_type or "text",
        message_type=item.message_type or "text",
        tokens_used=int(item.tokens_used) if item.tokens_used is not None else None,
        processing_time=float(item.processing_time) if item.processing_time is not None else None,
        cost=float(item.cost_usd) if item.cost_usd is not None else None, provider=item.provider,
        answers_upto=int(item.answers_upto or 0), terms=tuple(item.terms or ()),
    )


def _list_sort_key(c: AssistantConversation) -> str:
    return f"{1 if c.is_pinned else 0}#{c.activity.isoformat()}#{c.conversation_id:016d}"


def _list_keys(c: AssistantConversation) -> tuple[str, str]:
    return AssistantChatItem.list_partition(c.site_id, c.user_id, c.bucket), _list_sort_key(c)


# -- counters (parts of larger transactions) ------------------------------------------------------

def _count(tx: Transaction, site_id: str, user_id: str, bucket: str, delta: int) -> None:
    """A user's list total, kept in the list's own index partition (sorts first, descending)."""
    tx.update(AssistantListCounterItem(*AssistantListCounterItem.key(site_id, user_id, bucket)), actions=[
        AssistantListCounterItem.kind.set(AssistantListCounterItem),
        AssistantListCounterItem.total.add(delta),
        AssistantListCounterItem.gsi1pk.set(AssistantChatItem.list_partition(site_id, user_id, bucket)),
        AssistantListCounterItem.gsi1sk.set(COUNTER_SORT_KEY),
    ])


def _add(tx: Transaction, key: Key, increments: dict[str, float], extra: list[Any] | None = None,
         condition: Any = None) -> None:
    actions = [AssistantStatsItem.kind.set(AssistantStatsItem), *(extra or [])]
    actions += [getattr(AssistantStatsItem, name).add(value) for name, value in increments.items()
                if name in STAT_FIELDS and value]
    if len(actions) > 1 + len(extra or []) or condition is not None:
        tx.update(AssistantStatsItem(*key), actions=actions, condition=condition)


def _counters(tx: Transaction, site_id: str, user_id: str, counters: Counters, at: datetime,
              user_condition: Any = None) -> None:
    user = AssistantStatsItem.user_partition(site_id, user_id)
    site = AssistantStatsItem.site_partition(site_id)
    shard = secrets.randbelow(SITE_SHARDS)
    aid = counters.assistant_id
    _add(tx, (user, "T"), counters.user, condition=user_condition)
    if counters.user_assistant:
        _add(tx, (user, f"A#{aid:016d}"), counters.user_assistant, [AssistantStatsItem.assistant_id.set(aid)])
    _add(tx, (user, f"D#{counters.day}"), counters.user_day,
         [AssistantStatsItem.day.set(counters.day), AssistantStatsItem.expires_at.set(at + DAY_TTL)])
    _add(tx, (site, f"T#{shard}"), counters.site)
    _add(tx, (site, f"A#{aid:016d}#{shard}"), counters.site_assistant, [AssistantStatsItem.assistant_id.set(aid)])


# -- conversations -------------------------------------------------------------------------------

def get(conversation_id: int, consistent: bool = False) -> AssistantConversation | None:
    """1 GetItem."""
    try:
        return conversation_of(AssistantChatItem.get(*AssistantChatItem.key(conversation_id),
                                                     consistent_read=consistent))
    except AssistantChatItem.DoesNotExist:
        return None


def with_assistant(conversation_id: int, site_id: str,
                   assistant_id: int) -> tuple[AssistantConversation | None, Assistant | None]:
    """A conversation and an assistant of the site: 1 BatchGetItem of two keys."""
    conversation, assistant = None, None
    for item in ChatItem.batch_get([AssistantChatItem.key(conversation_id),
                                    AssistantItem.key(site_id, assistant_id)]):
        if isinstance(item, AssistantChatItem):
            conversation = conversation_of(item)
        elif isinstance(item, AssistantItem):
            assistant = assistant_of(item)
    return conversation, assistant


def assistant_and_user(site_id: str, assistant_id: int, user_id: str) -> tuple[Assistant | None, bool]:
    """An assistant of the site, and whether the user has had a conversation before (its totals
    exist): 1 BatchGetItem of two keys."""
    assistant, known = None, False
    for item in ChatItem.batch_get([AssistantItem.key(site_id, assistant_id), user_totals_key(site_id, user_id)]):
        if isinstance(item, AssistantItem):
            assistant = assistant_of(item)
        elif isinstance(item, AssistantStatsItem):
            known = True
    return assistant, known


def list_for_user(site_id: str, user_id: str, bucket: str, offset: int,
                  limit: int) -> tuple[list[AssistantConversation], int]:
    """Pinned first, then the latest activity, with the list's total: 1 Query on gsi1 reading
    offset + limit items (the total sorts first in the partition)."""
    partition = AssistantChatItem.list_partition(site_id, user_id, bucket)
    total = 0
    found: list[AssistantConversation] = []
    for item in ChatItem.gsi1.query(partition, scan_index_forward=False, limit=offset + limit + 1):
        if isinstance(item, AssistantListCounterItem):
            total = int(item.total or 0)
        elif isinstance(item, AssistantChatItem):
            found.append(conversation_of(item))
    return found[offset: offset + limit], max(total, 0)


def create(conversation: AssistantConversation, counters: Counters, new_user: bool) -> None:
    """1 TransactWriteItems: the conversation (only if its id is free), its list's total, the counters.
    The user's totals are conditional on `new_user` (absent for a first conversation, present
    otherwise), so a user is counted once: ConditionFailed names `conversation_key` (the id is
    taken: draw another) or `user_totals_key` (read again)."""
    c = conversation
    gsi1pk, gsi1sk = _list_keys(c)
    item = AssistantChatItem(
        *AssistantChatItem.key(c.conversation_id), conversation_id=c.conversation_id, site_id=c.site_id,
        user_id=c.user_id, assistant_id=c.assistant_id, title=c.title, conversation_type=c.conversation_type,
        status=c.status, is_archived=c.is_archived, is_pinned=c.is_pinned, seq=0, created_at=c.created_at,
        updated_at=c.updated_at, gsi1pk=gsi1pk, gsi1sk=gsi1sk,
    )
    totals = AssistantStatsItem.pk.does_not_exist() if new_user else AssistantStatsItem.pk.exists()
    with transaction() as tx:
        tx.save(item, condition=AssistantChatItem.pk.does_not_exist())
        _count(tx, c.site_id, c.user_id, c.bucket, 1)
        _counters(tx, c.site_id, c.user_id, counters, c.created_at, user_condition=totals)


def _posting_item(site_id: str, user_id: str, posting: Posting) -> SearchPostingItem:
    return SearchPostingItem(SearchPostingItem.partition(site_id, user_id),
                             SearchPostingItem.sort_key(posting.term, posting.at_ms, posting.conversation_id,
                                                        posting.seq))


def _unchanged(before: AssistantConversation) -> Any:
    """The conversation as it was read: same sequence, list placement, and not deleted."""
    return ((AssistantChatItem.seq == before.seq) & (AssistantChatItem.is_pinned == before.is_pinned)
            & (AssistantChatItem.is_archived == before.is_archived) & AssistantChatItem.deleted_at.does_not_exist())


def append(before: AssistantConversation, after: AssistantConversation, message: AssistantMessage, *,
           idempotency: tuple[str, str] | None, postings: list[Posting], counters: Counters) -> None:
    """1 TransactWriteItems: the message, the conversation (only if unchanged since `before` was read),
    the idempotency key, the counters, and the message's search postings; postings beyond the
    transaction's 100 items follow in BatchWriteItem requests of 25 (a long answer has many words).

    ConditionFailed names `conversation_key` (another write moved it, or it was deleted: read
    again) or `idempotency_key` (the key was used: replay); `contended` keys mean a concurrent
    transaction.
    """
    c, m = after, message
    gsi1pk, gsi1sk = _list_keys(c)
    actions = [
        AssistantChatItem.seq.set(c.seq), AssistantChatItem.answers.set(c.answers),
        AssistantChatItem.last_answer_seq.set(c.last_answer_seq), AssistantChatItem.last_message_id.set(c.last_message_id),
        AssistantChatItem.last_message_at.set(c.last_message_at), AssistantChatItem.updated_at.set(c.updated_at),
        AssistantChatItem.response_seconds.set(c.response_seconds), AssistantChatItem.answered.set(c.answered),
        AssistantChatItem.failed.set(c.failed), AssistantChatItem.gsi1pk.set(gsi1pk),
        AssistantChatItem.gsi1sk.set(gsi1sk),
    ]
    item = AssistantMessageItem(
        *AssistantMessageItem.key(c.conversation_id, m.seq), message_id=m.message_id,
        conversation_id=c.conversation_id, site_id=c.site_id, user_id=c.user_id, seq=m.seq, sender=m.sender,
        content=m.content, content_type=m.content_type, message_type=m.message_type, tokens_used=m.tokens_used,
        processing_time=m.processing_time, cost_usd=m.cost, provider=m.provider, answers_upto=m.answers_upto,
        terms=list(m.terms) or None, created_at=m.created_at,
    )
    with transaction() as tx:
        tx.update(AssistantChatItem(*AssistantChatItem.key(c.conversation_id)), actions=actions,
                  condition=_unchanged(before))
        tx.save(item, condition=AssistantMessageItem.pk.does_not_exist())
        if idempotency is not None:
            key, fingerprint = idempotency
            tx.save(AssistantIdempotencyItem(*AssistantIdempotencyItem.key(c.conversation_id, key), seq=m.seq,
                                             fingerprint=fingerprint, created_at=m.created_at),
                    condition=AssistantIdempotencyItem.pk.does_not_exist())
        _counters(tx, c.site_id, c.user_id, counters, m.created_at)
        room = TRANSACTION_ITEMS - len(tx.sent_keys())
        for posting in postings[:room]:
            tx.save(_posting_item(c.site_id, c.user_id, posting))
    if postings[room:]:
        with SearchPostingItem.batch_write() as batch:
            for posting in postings[room:]:
                batch.save(_posting_item(c.site_id, c.user_id, posting))


def update(before: AssistantConversation, after: AssistantConversation) -> None:
    """Title, pin, archive, only if the conversation is unchanged since `before` was read.
    1 UpdateItem, or 1 TransactWriteItems when it moves between the live and archived lists
    (both lists' totals change with it). ConditionFailed names `conversation_key` otherwise."""
    gsi1pk, gsi1sk = _list_keys(after)
    target = AssistantChatItem(*AssistantChatItem.key(after.conversation_id))
    actions = [AssistantChatItem.title.set(after.title), AssistantChatItem.is_pinned.set(after.is_pinned),
               AssistantChatItem.is_archived.set(after.is_archived), AssistantChatItem.updated_at.set(after.updated_at),
               AssistantChatItem.gsi1pk.set(gsi1pk), AssistantChatItem.gsi1sk.set(gsi1sk)]
    if before.bucket == after.bucket:
        update_if(target, actions, _unchanged(before))
        return
    with transaction() as tx:
        tx.update(target, actions=actions, condition=_unchanged(before))
        _count(tx, before.site_id, before.user_id, before.bucket, -1)
        _count(tx, after.site_id, after.user_id, after.bucket, 1)


def mark_read(conversation_id: int, read_seq: int, answers_read: int) -> None:
    """Move the user's read marker forward (never back): 1 UpdateItem. ConditionFailed when it was
    already there or the conversation is gone, and (as `contended`) when a send's transaction was
    writing the conversation at that moment."""
    key = AssistantChatItem.key(conversation_id)
    try:
        update_if(AssistantChatItem(*key),
                  [AssistantChatItem.user_read_seq.set(read_seq), AssistantChatItem.answers_read.set(answers_read)],
                  AssistantChatItem.deleted_at.does_not_exist() & (AssistantChatItem.user_read_seq < read_seq))
    except UpdateError as error:
        if error.cause_response_code != "TransactionConflictException":
            raise
        raise ConditionFailed(contended=[key]) from error


def mark_deleted(before: AssistantConversation, at: datetime, counters: Counters) -> None:
    """1 TransactWriteItems: the conversation leaves its list (only if unchanged since read), its
    list's total and the counters take back what it had added, and a search tombstone hides its
    postings until the purge worker has deleted them. ConditionFailed names `conversation_key`."""
    c = before
    with transaction() as tx:
        tx.update(AssistantChatItem(*AssistantChatItem.key(c.conversation_id)), actions=[
            AssistantChatItem.deleted_at.set(at), AssistantChatItem.updated_at.set(at),
            AssistantChatItem.gsi1pk.remove(), AssistantChatItem.gsi1sk.remove(),
        ], condition=_unchanged(c))
        _count(tx, c.site_id, c.user_id, c.bucket, -1)
        _counters(tx, c.site_id, c.user_id, counters, at)
        tx.save(SearchTombstoneItem(*SearchTombstoneItem.key(c.site_id, c.user_id, c.conversation_id),
                                    conversation_id=c.conversation_id, created_at=at))


# -- messages ------------------------------------------------------------------------------------

def first_page(conversation_id: int, limit: int) -> tuple[AssistantConversation | None, list[AssistantMessage]]:
    """The conversation and its first `limit` messages: 1 Query (the conversation sorts first)."""
    pk, sk = AssistantChatItem.key(conversation_id)
    conversation, messages = None, []
    for item in ChatItem.query(pk, ChatItem.sk.between(sk, _MESSAGES[1]), limit=limit + 1):
        if isinstance(item, AssistantChatItem):
            conversation = conversation_of(item)
        elif isinstance(item, AssistantMessageItem):
            messages.append(message_of(item))
    return conversation, messages


def message_range(conversation_id: int, first_seq: int, last_seq: int) -> list[AssistantMessage]:
    """Messages first_seq..last_seq, oldest first: 1 Query reading just those."""
    if last_seq < first_seq:
        return []
    pk, _ = AssistantChatItem.key(conversation_id)
    low, high = AssistantMessageItem.key(conversation_id, first_seq)[1], AssistantMessageItem.key(conversation_id,
                                                                                                last_seq)[1]
    return [message_of(item) for item in AssistantMessageItem.query(pk, AssistantMessageItem.sk.between(low, high))]


def by_idempotency_key(conversation_id: int, key: str) -> tuple[str, AssistantMessage | None] | None:
    """(the fingerprint stored with the key, its message): 2 GetItems; None when the key is unused."""
    try:
        pointer = AssistantIdempotencyItem.get(*AssistantIdempotencyItem.key(conversation_id, key),
                                               consistent_read=True)
    except AssistantIdempotencyItem.DoesNotExist:
        return None
    try:
        message = message_of(AssistantMessageItem.get(*AssistantMessageItem.key(conversation_id, int(pointer.seq)),
                                                      consistent_read=True))
    except AssistantMessageItem.DoesNotExist:
        message = None
    return pointer.fingerprint, message


def messages_at(keys: Iterable[tuple[int, int]]) -> list[AssistantMessage]:
    """The messages at (conversation_id, seq): 1 BatchGetItem per 100 (missing ones are skipped)."""
    wanted = [AssistantMessageItem.key(cid, seq) for cid, seq in dict.fromkeys(keys)]
    found = []
    for start in range(0, len(wanted), 100):
        found += [message_of(item) for item in AssistantMessageItem.batch_get(wanted[start: start + 100])]
    return found


# -- search ----------------------------------------------------------------------------------------

def postings(site_id: str, user_id: str, prefix: str, at_most: int) -> tuple[list[Posting], bool]:
    """The postings whose term begins with `prefix`, and whether there were more than `at_most`:
    Query requests of up to 1 MB (about 10,000 postings each), keys only, descending (a term's
    newest first, so a cut keeps the newest)."""
    found: list[Posting] = []
    query = SearchPostingItem.query(SearchPostingItem.partition(site_id, user_id),
                                    SearchPostingItem.sk.startswith(prefix), limit=at_most + 1,
                                    scan_index_forward=False,
                                    attributes_to_get=["pk", "sk", "kind"])
    for item in query:
        term, at_ms, cid, seq = item.sk.rsplit("#", 3)
        found.append(Posting(term, int(at_ms), int(cid), int(seq)))
    return found[:at_most], len(found) > at_most


def tombstones(site_id: str, user_id: str) -> set[int]:
    """The user's deleted conversations whose postings may remain: 1 Query (usually empty)."""
    return {int(item.conversation_id) for item in SearchTombstoneItem.query(
        SearchPostingItem.partition(site_id, user_id), SearchTombstoneItem.sk.startswith("!DELETED#"))}


# -- analytics -------------------------------------------------------------------------------------

def _figures(item: AssistantStatsItem) -> dict[str, float]:
    return {name: float(getattr(item, name) or 0) for name in STAT_FIELDS}


def user_stats(site_id: str, user_id: str) -> tuple[dict[str, float], dict[int, dict[str, float]],
                                                     dict[str, dict[str, float]]]:
    """(the user's totals, its figures per assistant, its figures per day): 1 Query of the user's
    stats partition (a few dozen items: day counters expire after 40 days)."""
    totals: dict[str, float] = {name: 0.0 for name in STAT_FIELDS}
    per_assistant: dict[int, dict[str, float]] = {}
    days: dict[str, dict[str, float]] = {}
    for item in AssistantStatsItem.query(AssistantStatsItem.user_partition(site_id, user_id)):
        if item.sk == "T":
            totals.update(_figures(item))
        elif item.sk.startswith("A#"):
            per_assistant[int(item.assistant_id)] = _figures(item)
        elif item.sk.startswith("D#"):
            days[item.sk[2:]] = _figures(item)
    return totals, per_assistant, days


def site_stats(site_id: str) -> tuple[dict[str, float], dict[int, dict[str, float]]]:
    """(the site's totals, per assistant), its shards added up: 1 Query of the site's stats partition."""
    totals = {name: 0.0 for name in STAT_FIELDS}
    per_assistant: dict[int, dict[str, float]] = {}
    for item in AssistantStatsItem.query(AssistantStatsItem.site_partition(site_id)):
        figures = _figures(item)
        target = totals if item.sk.startswith("T#") else per_assistant.setdefault(
            int(item.assistant_id), {name: 0.0 for name in STAT_FIELDS})
        for name, value in figures.items():
            target[name] += value
    return totals, per_assistant


# -- the purge (the deletion worker) ---------------------------------------------------------------

def purge_some(site_id: str, user_id: str, conversation_id: int, limit: int) -> tuple[int, bool]:
    """Delete up to `limit` of a deleted conversation's messages with their search postings and
    idempotency keys: Query pages of 100 items + BatchWriteItem requests of 25. Returns (messages
    deleted, whether any remain)."""
    pk, conversation_sk = AssistantChatItem.key(conversation_id)
    keys: list[Key] = []
    partition = SearchPostingItem.partition(site_id, user_id)
    deleted = 0
    remaining = False
    for item in ChatItem.query(pk, page_size=min(limit + 2, 100)):
        if item.sk == conversation_sk:
            continue
        if isinstance(item, AssistantMessageItem):
            if deleted == limit:
                remaining = True
                break
            deleted += 1
            at_ms = int(item.created_at.timestamp() * 1000)
            keys += [(partition, SearchPostingItem.sort_key(term, at_ms, conversation_id, int(item.seq)))
                     for term in item.terms or ()]
        keys.append((item.pk, item.sk))
    with ChatItem.batch_write() as batch:
        for key in keys:
            batch.delete(ChatItem(*key))
    return deleted, remaining


def finish_purge(site_id: str, user_id: str, conversation_id: int) -> None:
    """The conversation item and its search tombstone go last: 1 BatchWriteItem."""
    with ChatItem.batch_write() as batch:
        batch.delete(ChatItem(*AssistantChatItem.key(conversation_id)))
        batch.delete(ChatItem(*SearchTombstoneItem.key(site_id, user_id, conversation_id)))
