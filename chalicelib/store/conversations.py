"""Conversations and messages in DynamoDB. Each function names the requests it makes.

Writes that change several items (a send, an assignment, a close) are one
TransactWriteItems; contended ones are conditional, and a refused one raises
store.base.ConditionFailed naming the items that refused (`conversation_key`,
`message_key`, `idempotency_record_key`, files.file_key) so the domain can decide
(retry, 409, replay).
"""
from __future__ import annotations

from datetime import datetime
from typing import Any, Iterable

from chalicelib.model.analytics import StatsKey
from chalicelib.model.conversations import Conversation, Message
from chalicelib.model.events import Event
from chalicelib.model.files import StoredFile
from chalicelib.store import files
from chalicelib.store.base import Key, Transaction, transaction, update_if
from chalicelib.store.models import stats_item_key, stats_partition
from chalicelib.store.models import (
    COUNTER_SORT_KEY,
    HOURS,
    STAT_FIELDS,
    ChatItem,
    ConversationItem,
    IdempotencyItem,
    ListCounterItem,
    MessageItem,
    SiteMemberItem,
    StatsItem,
    VisitorItem,
)

MESSAGE_RANGE = ("MSG#", "~CONV")  # every message, then the conversation (descending: the other way)
STATUS_RANK = {"active": "2", "closed": "1"}  # gsi3: active before closed, newest first



# -- keys (what a ConditionFailed names) ---------------------------------------------------------

def conversation_key(conversation_id: str) -> Key:
    return ConversationItem.key(conversation_id)


def message_key(conversation_id: str, seq: int) -> Key:
    return MessageItem.key(conversation_id, seq)


def idempotency_record_key(conversation_id: str, idempotency_key: str) -> Key:
    return IdempotencyItem.key(conversation_id, idempotency_key)


# -- mapping ------------------------------------------------------------------------------------

def conversation_of(item: ConversationItem) -> Conversation:
    return Conversation(
        conversation_id=item.conversation_id, site_id=item.site_id, visitor_id=item.visitor_id,
        visitor_name=item.visitor_name, status=item.status, mode=item.mode, created_at=item.created_at,
        updated_at=item.updated_at, seq=int(item.seq or 0), assigned_agent_id=item.assigned_agent_id,
        assigned_agent_name=item.assigned_agent_name, assigned_at=item.assigned_at, title=item.title,
        is_pinned=bool(item.is_pinned), is_archived=bool(item.is_archived), tags=tuple(item.tags or ()),
        notes=item.notes, last_message=item.last_message, last_message_at=item.last_message_at,
        unread_for_agents=int(item.unread_for_agents or 0), unread_for_visitor=int(item.unread_for_visitor or 0),
        agents_read_seq=int(item.agents_read_seq or 0), visitor_read_seq=int(item.visitor_read_seq or 0),
        agents_delivered_seq=int(item.agents_delivered_seq or 0),
        visitor_delivered_seq=int(item.visitor_delivered_seq or 0),
        first_visitor_message_at=item.first_visitor_message_at, first_response_at=item.first_response_at,
        closed_at=item.closed_at, closed_by=item.closed_by, resolution=item.resolution,
        customer_session_hash=item.customer_session_hash,
        rating=int(item.rating) if item.rating is not None else None, handoffs=int(item.handoffs or 0),
    )


def message_of(item: MessageItem) -> Message:
    return Message(
        message_id=item.message_id, conversation_id=item.conversation_id, site_id=item.site_id,
        visitor_id=item.visitor_id, seq=int(item.seq), sender_type=item.sender_type, sender_id=item.sender_id,
        sender_name=item.sender_name, type=item.type, content=item.content, created_at=item.created_at,
        file_id=item.file_id, file=item.file, metadata=dict(item.metadata or {}),
        client_message_id=item.client_message_id, analysis=item.analysis,
    )


def _activity(moment: datetime, conversation_id: str) -> str:
    return f"{moment.isoformat()}#{conversation_id}"


def _list_keys(site_id: str, status: str, assigned: str | None, visitor_id: str, activity: str) -> dict[str, Any]:
    keys: dict[str, Any] = {
        "gsi1pk": f"SITE#{site_id}#CONVS#{status}", "gsi1sk": activity,
        "gsi2pk": f"SITE#{site_id}#CONVS", "gsi2sk": activity,
        "gsi4pk": f"SITE#{site_id}#VISITOR#{visitor_id}", "gsi4sk": activity,
        "gsi3pk": None, "gsi3sk": None,
    }
    if assigned:
        keys["gsi3pk"] = f"SITE#{site_id}#AGENT#{assigned}"
        keys["gsi3sk"] = f"{STATUS_RANK[status]}#{activity}"
    return keys


def _key_actions(keys: dict[str, Any]) -> list[Any]:
    actions = []
    for name, value in keys.items():
        attribute = getattr(ConversationItem, name)
        actions.append(attribute.remove() if value is None else attribute.set(value))
    return actions


# -- counters and stats (parts of larger transactions) -------------------------------------------

def _count(tx: Transaction, site_id: str, bucket: str, delta: int) -> None:
    """A list's total, kept in the list's own index partition (sorts first, descending)."""
    index = "gsi2" if bucket == "all" else "gsi1"
    partition = f"SITE#{site_id}#CONVS" if bucket == "all" else f"SITE#{site_id}#CONVS#{bucket}"
    tx.update(ListCounterItem(*ListCounterItem.key(site_id, bucket)), actions=[
        ListCounterItem.kind.set(ListCounterItem),
        ListCounterItem.total.add(delta),
        getattr(ListCounterItem, f"{index}pk").set(partition),
        getattr(ListCounterItem, f"{index}sk").set(COUNTER_SORT_KEY),
    ])


def _stats(tx: Transaction, key: StatsKey, increments: dict[str, int | float]) -> None:
    if increments:
        tx.update(StatsItem(*stats_item_key(key)), actions=[StatsItem.kind.set(StatsItem)] + [
            getattr(StatsItem, name).add(value) for name, value in increments.items()
        ])


StatsChanges = Iterable[tuple[StatsKey, dict[str, Any]]]


# -- conversations ------------------------------------------------------------------------------

def create(conversation: Conversation, stats: StatsChanges, outbox: Iterable[Event] = ()) -> None:
    """1 TransactWriteItems: the conversation, its lists' totals, the visitor's count, the day's stats,
    and `outbox`'s events (committed with it: store/outbox.py)."""
    c = conversation
    activity = _activity(c.updated_at, c.conversation_id)
    item = ConversationItem(
        *ConversationItem.key(c.conversation_id), conversation_id=c.conversation_id, site_id=c.site_id,
        visitor_id=c.visitor_id, visitor_name=c.visitor_name, status=c.status, mode=c.mode,
        created_at=c.created_at, updated_at=c.updated_at, seq=0, title=c.title,
        customer_session_hash=c.customer_session_hash,
        **{k: v for k, v in _list_keys(c.site_id, c.status, None, c.visitor_id, activity).items() if v is not None},
    )
    with transaction() as tx:
        tx.save(item, condition=ConversationItem.pk.does_not_exist())
        _count(tx, c.site_id, "active", 1)
        _count(tx, c.site_id, "all", 1)
        tx.update(VisitorItem(*VisitorItem.key(c.site_id, c.visitor_id)),
                  actions=[VisitorItem.total_conversations.add(1)], condition=VisitorItem.pk.exists())
        for key, increments in stats:
            _stats(tx, key, increments)
        tx.outbox(outbox)


def get(conversation_id: str, consistent: bool = False) -> Conversation | None:
    """1 GetItem."""
    try:
        return conversation_of(ConversationItem.get(*ConversationItem.key(conversation_id),
                                                    consistent_read=consistent))
    except ConversationItem.DoesNotExist:
        return None


def latest_page(conversation_id: str, limit: int) -> tuple[Conversation | None, list[Message], bool]:
    """The conversation and its latest `limit` messages (oldest first), and whether older ones exist.

    1 Query: descending from "~CONV", the conversation comes first, then the newest messages.
    """
    pk, _ = ConversationItem.key(conversation_id)
    conversation = None
    newest_first: list[Message] = []
    for item in ChatItem.query(pk, ChatItem.sk.between(*MESSAGE_RANGE), scan_index_forward=False, limit=limit + 2):
        if isinstance(item, ConversationItem):
            conversation = conversation_of(item)
        elif isinstance(item, MessageItem):
            newest_first.append(message_of(item))
    has_more = len(newest_first) > limit
    return conversation, list(reversed(newest_first[:limit])), has_more


def window(conversation_id: str, *, before: int | None, after: int | None, limit: int) -> tuple[list[Message], bool]:
    """Messages strictly between `after` and `before` (by seq), oldest first. 1 Query.

    With `after`: the `limit` oldest after it. Otherwise: the `limit` newest before `before`.
    """
    pk, _ = ConversationItem.key(conversation_id)
    low = f"MSG#{(after or 0) + 1:010d}"
    high = f"MSG#{before - 1:010d}" if before is not None else "MSG#9999999999"
    if before is not None and before - 1 < (after or 0) + 1:
        return [], False
    ascending = after is not None
    items = [message_of(item) for item in MessageItem.query(
        pk, MessageItem.sk.between(low, high), scan_index_forward=ascending, limit=limit + 1)]
    has_more = len(items) > limit
    items = items[:limit]
    return (items if ascending else list(reversed(items))), has_more


def append(conversation: Conversation, message: Message, *, idempotency_key: str | None,
           first_visitor_message: bool, first_response: bool, stats: StatsChanges,
           attachment: StoredFile | None = None, outbox: Iterable[Event] = ()) -> None:
    """1 TransactWriteItems: the message, the conversation (conditional on its seq), the idempotency
    key, the visitor's last-message fields, the day's stats, the attached file (which must
    still be ready and free or this conversation's), and `outbox`'s events (store/outbox.py).

    ConditionFailed names `conversation_key` or `message_key` (another write moved the sequence:
    read again), `idempotency_record_key` (the key was used) or files.file_key (the file was
    deleted or attached elsewhere meanwhile); `contended` keys mean a concurrent transaction.
    """
    c, m = conversation, message
    activity = _activity(m.created_at, c.conversation_id)
    preview = {"content": (m.content or "")[:200], "from": m.sender_type, "type": m.type,
               "created_at": m.created_at.isoformat()}
    from_visitor = m.sender_type == "visitor"
    actions = [
        ConversationItem.seq.set(m.seq),
        ConversationItem.last_message.set(preview),
        ConversationItem.last_message_at.set(m.created_at),
        ConversationItem.updated_at.set(m.created_at),
        (ConversationItem.unread_for_agents if from_visitor else ConversationItem.unread_for_visitor).add(1),
        *_key_actions(_list_keys(c.site_id, c.status, c.assigned_agent_id, c.visitor_id, activity)),
    ]
    if first_visitor_message:
        actions.append(ConversationItem.first_visitor_message_at.set(m.created_at))
    if first_response:
        actions.append(ConversationItem.first_response_at.set(m.created_at))
    item = MessageItem(
        *MessageItem.key(c.conversation_id, m.seq), message_id=m.message_id, conversation_id=c.conversation_id,
        site_id=c.site_id, visitor_id=c.visitor_id, seq=m.seq, sender_type=m.sender_type, sender_id=m.sender_id,
        sender_name=m.sender_name, type=m.type, content=m.content, file_id=m.file_id, file=m.file,
        metadata=m.metadata or None, client_message_id=m.client_message_id, created_at=m.created_at,
    )
    visitor_actions = [VisitorItem.last_message_at.set(m.created_at)]
    if from_visitor:
        visitor_actions.append(VisitorItem.unread_count.add(1))
    with transaction() as tx:
        tx.update(ConversationItem(*ConversationItem.key(c.conversation_id)), actions=actions,
                  condition=(ConversationItem.seq == c.seq) & (ConversationItem.status == "active"))
        tx.save(item, condition=MessageItem.pk.does_not_exist())
        if idempotency_key:
            tx.save(IdempotencyItem(*IdempotencyItem.key(c.conversation_id, idempotency_key), seq=m.seq,
                                    created_at=m.created_at),
                    condition=IdempotencyItem.pk.does_not_exist())
        tx.update(VisitorItem(*VisitorItem.key(c.site_id, c.visitor_id)), actions=visitor_actions,
                  condition=VisitorItem.pk.exists())
        for key, increments in stats:
            _stats(tx, key, increments)
        if attachment is not None:
            files.attach_to_message(tx, attachment, c.conversation_id, m.seq)
        tx.outbox(outbox)


def by_idempotency_key(conversation_id: str, key: str) -> Message | None:
    """2 GetItems (the key, then its message)."""
    try:
        pointer = IdempotencyItem.get(*IdempotencyItem.key(conversation_id, key), consistent_read=True)
    except IdempotencyItem.DoesNotExist:
        return None
    try:
        return message_of(MessageItem.get(*MessageItem.key(conversation_id, int(pointer.seq)), consistent_read=True))
    except MessageItem.DoesNotExist:
        return None


def list_for_site(site_id: str, status: str, page: int, limit: int) -> tuple[list[Conversation], int]:
    """Newest activity first, with the list's total: 1 Query (the total sorts first in the partition)."""
    if status == "all":
        index, partition = ChatItem.gsi2, f"SITE#{site_id}#CONVS"
    else:
        index, partition = ChatItem.gsi1, f"SITE#{site_id}#CONVS#{status}"
    total = 0
    found: list[Conversation] = []
    for item in index.query(partition, scan_index_forward=False, limit=page * limit + 1):
        if isinstance(item, ListCounterItem):
            total = int(item.total or 0)
        elif isinstance(item, ConversationItem):
            found.append(conversation_of(item))
    return found[(page - 1) * limit : page * limit], total


def list_assigned(site_id: str, page: int, limit: int) -> tuple[list[Conversation], int]:
    """Open conversations with an agent (seed 003's `assigned`), newest activity first, and their
    total: 1 Query on the open list (keeping the assigned ones) + 1 GetItem (the total's counter)."""
    items = ChatItem.gsi1.query(f"SITE#{site_id}#CONVS#active", scan_index_forward=False,
                                filter_condition=ConversationItem.assigned_agent_id.exists(), limit=page * limit)
    found = [conversation_of(i) for i in items if isinstance(i, ConversationItem)]
    try:
        total = int(ListCounterItem.get(*ListCounterItem.key(site_id, "assigned")).total or 0)
    except ListCounterItem.DoesNotExist:
        total = 0
    return found[(page - 1) * limit : page * limit], total


def set_labels(conversation_id: str, tags: list[str] | None, notes: str | None, at: datetime) -> Conversation:
    """Set a conversation's tags and/or notes (None leaves one as it is; "" clears the notes).
    1 UpdateItem; ConditionFailed naming `conversation_key` when it does not exist."""
    actions: list[Any] = [ConversationItem.updated_at.set(at)]
    if tags is not None:
        actions.append(ConversationItem.tags.set(tags))
    if notes is not None:
        actions.append(ConversationItem.notes.set(notes) if notes else ConversationItem.notes.remove())
    item = ConversationItem(*ConversationItem.key(conversation_id))
    update_if(item, actions, ConversationItem.pk.exists())
    return conversation_of(item)


def list_for_agent(site_id: str, agent_id: str, status: str, page: int,
                   limit: int) -> tuple[list[Conversation], int]:
    """Conversations assigned to an agent: 1 Query on gsi3 + 1 GetItem (the agent's counts)."""
    partition = f"SITE#{site_id}#AGENT#{agent_id}"
    condition = None if status == "all" else ChatItem.gsi3sk.startswith(f"{STATUS_RANK[status]}#")
    items = ChatItem.gsi3.query(partition, condition, scan_index_forward=False, limit=page * limit)
    found = [conversation_of(i) for i in items if isinstance(i, ConversationItem)]
    try:
        member = SiteMemberItem.get(*SiteMemberItem.key(site_id, agent_id))
        counts = {"active": int(member.active_conversations or 0), "closed": int(member.closed_conversations or 0)}
    except SiteMemberItem.DoesNotExist:
        counts = {"active": 0, "closed": 0}
    total = counts["active"] + counts["closed"] if status == "all" else counts[status]
    return found[(page - 1) * limit : page * limit], total


def for_visitor(site_id: str, visitor_id: str, limit: int = 50) -> list[Conversation]:
    """A visitor's conversations, newest activity first: 1 Query on gsi4."""
    items = ChatItem.gsi4.query(f"SITE#{site_id}#VISITOR#{visitor_id}", scan_index_forward=False, limit=limit)
    return [conversation_of(i) for i in items if isinstance(i, ConversationItem)]


def assign(conversation: Conversation, agent_id: str, agent_name: str, at: datetime, stats: StatsChanges,
           outbox: Iterable[Event] = ()) -> None:
    """1 TransactWriteItems: the conversation (only if its assignee is still the one read, and it
    is active), both agents' counts, the site's count of open assigned conversations, `outbox`'s events.
    ConditionFailed involving `conversation_key` when it moved."""
    c = conversation
    activity = _activity(at, c.conversation_id)
    actions = [
        ConversationItem.assigned_agent_id.set(agent_id),
        ConversationItem.assigned_agent_name.set(agent_name),
        ConversationItem.assigned_at.set(at),
        ConversationItem.updated_at.set(at),
        *_key_actions(_list_keys(c.site_id, c.status, agent_id, c.visitor_id, activity)),
    ]
    previous = c.assigned_agent_id
    if previous and previous != agent_id:
        actions.append(ConversationItem.handoffs.add(1))
    unchanged = (ConversationItem.assigned_agent_id == previous) if previous else \
        ConversationItem.assigned_agent_id.does_not_exist()
    with transaction() as tx:
        tx.update(ConversationItem(*ConversationItem.key(c.conversation_id)), actions=actions,
                  condition=unchanged & (ConversationItem.status == "active"))
        tx.update(SiteMemberItem(*SiteMemberItem.key(c.site_id, agent_id)),
                  actions=[SiteMemberItem.active_conversations.add(1)], condition=SiteMemberItem.pk.exists())
        if previous and previous != agent_id:
            tx.update(SiteMemberItem(*SiteMemberItem.key(c.site_id, previous)),
                      actions=[SiteMemberItem.active_conversations.add(-1)])
        if not previous:
            _count(tx, c.site_id, "assigned", 1)
        for key, increments in stats:
            _stats(tx, key, increments)
        tx.outbox(outbox)


def close(conversation: Conversation, closed_by: str, resolution: str | None, at: datetime,
          stats: StatsChanges, outbox: Iterable[Event] = ()) -> None:
    """1 TransactWriteItems: the conversation (only while active), list totals, the assignee's counts,
    the day's stats, `outbox`'s events. ConditionFailed involving `conversation_key` when it was closed meanwhile."""
    c = conversation
    activity = _activity(at, c.conversation_id)
    actions = [
        ConversationItem.status.set("closed"),
        ConversationItem.mode.set("closed"),
        ConversationItem.closed_at.set(at),
        ConversationItem.closed_by.set(closed_by),
        ConversationItem.updated_at.set(at),
        *_key_actions(_list_keys(c.site_id, "closed", c.assigned_agent_id, c.visitor_id, activity)),
    ]
    if resolution:
        actions.append(ConversationItem.resolution.set(resolution))
    with transaction() as tx:
        tx.update(ConversationItem(*ConversationItem.key(c.conversation_id)), actions=actions,
                  condition=ConversationItem.status == "active")
        _count(tx, c.site_id, "active", -1)
        _count(tx, c.site_id, "closed", 1)
        if c.assigned_agent_id:
            tx.update(SiteMemberItem(*SiteMemberItem.key(c.site_id, c.assigned_agent_id)), actions=[
                SiteMemberItem.active_conversations.add(-1), SiteMemberItem.closed_conversations.add(1)])
            _count(tx, c.site_id, "assigned", -1)
        for key, increments in stats:
            _stats(tx, key, increments)
        tx.outbox(outbox)


def unread_after(conversation_id: str, after_seq: int, limit: int = 1000) -> tuple[Conversation | None, list[Message]]:
    """The conversation and its messages after `after_seq`: 1 Query (descending from "~CONV")."""
    pk, _ = ConversationItem.key(conversation_id)
    conversation = None
    messages: list[Message] = []
    for item in ChatItem.query(pk, ChatItem.sk.between(f"MSG#{after_seq + 1:010d}", "~CONV"),
                               scan_index_forward=False, limit=limit + 1):
        if isinstance(item, ConversationItem):
            conversation = conversation_of(item)
        elif isinstance(item, MessageItem):
            messages.append(message_of(item))
    return conversation, list(reversed(messages))


def set_read(conversation: Conversation, side: str, read_seq: int, unread: int) -> None:
    """Move a side's read marker forward, only if no message arrived meanwhile. When agents read,
    the visitor's unread mirror (shown in visitor lists) follows. 1 UpdateItem or 1 TransactWriteItems.
    ConditionFailed involving `conversation_key` when a message arrived (or the marker moved)."""
    marker = ConversationItem.agents_read_seq if side == "agents" else ConversationItem.visitor_read_seq
    counter = ConversationItem.unread_for_agents if side == "agents" else ConversationItem.unread_for_visitor
    target = ConversationItem(*ConversationItem.key(conversation.conversation_id))
    actions = [marker.set(read_seq), counter.set(unread)]
    condition = (ConversationItem.seq == conversation.seq) & (marker < read_seq)
    if side != "agents":
        update_if(target, actions, condition)
        return
    with transaction() as tx:
        tx.update(target, actions=actions, condition=condition)
        tx.update(VisitorItem(*VisitorItem.key(conversation.site_id, conversation.visitor_id)),
                  actions=[VisitorItem.unread_count.set(unread)], condition=VisitorItem.pk.exists())


def mark_delivered(conversation_id: str, side: str, seq: int) -> None:
    """Move a side's delivered marker forward to `seq` (never back). 1 UpdateItem.
    ConditionFailed when it was already there or further (or the conversation is gone)."""
    marker = ConversationItem.agents_delivered_seq if side == "agents" else ConversationItem.visitor_delivered_seq
    update_if(ConversationItem(*ConversationItem.key(conversation_id)), [marker.set(seq)],
              ConversationItem.pk.exists() & (marker.does_not_exist() | (marker < seq)))


def rate(conversation: Conversation, rating: int, comment: str | None, stats: StatsChanges,
         outbox: Iterable[Event] = ()) -> None:
    """1 TransactWriteItems (with `outbox`'s events). ConditionFailed naming `conversation_key` when it
    was already rated."""
    actions = [ConversationItem.rating.set(rating)]
    if comment:
        actions.append(ConversationItem.rating_comment.set(comment))
    with transaction() as tx:
        tx.update(ConversationItem(*ConversationItem.key(conversation.conversation_id)), actions=actions,
                  condition=ConversationItem.rating.does_not_exist())
        for key, increments in stats:
            _stats(tx, key, increments)
        tx.outbox(outbox)


def dashboard_counters(site_id: str, counters: list[StatsKey]) -> tuple[list[dict[str, float]], int]:
    """The site's day counters and its active-conversation total: 1 BatchGetItem (<= 99 days)."""
    fields = STAT_FIELDS + HOURS
    days: list[dict[str, float]] = []
    active = 0
    day_keys = [stats_item_key(counter) for counter in counters]
    for item in ChatItem.batch_get(day_keys + [ListCounterItem.key(site_id, "active")]):
        if isinstance(item, ListCounterItem):
            active = int(item.total or 0)
        elif isinstance(item, StatsItem):
            days.append({name: float(getattr(item, name) or 0) for name in fields})
    return days, active


def stats_days(counters: list[StatsKey]) -> list[dict[str, float]]:
    """Day counters for the given keys: 1 BatchGetItem per 100 days (missing days are skipped)."""
    fields = STAT_FIELDS + HOURS
    found = []
    keys = [stats_item_key(counter) for counter in counters]
    for start in range(0, len(keys), 100):
        for item in StatsItem.batch_get(keys[start : start + 100]):
            found.append({name: float(getattr(item, name) or 0) for name in fields})
    return found


def stats_range(scope: str, owner_id: str, site_id: str, first_day: str, last_day: str) -> dict[str, dict[str, float]]:
    """The day counters of one site (scope "site") or of one agent on one site (scope "agent")
    from first_day to last_day (YYYY-MM-DD, inclusive), by day: 1 Query (days without activity
    have no item)."""
    found: dict[str, dict[str, float]] = {}
    for item in StatsItem.query(stats_partition(scope, owner_id, site_id),
                                StatsItem.sk.between(f"DAY#{first_day}", f"DAY#{last_day}")):
        found[item.sk[len("DAY#"):]] = {name: float(getattr(item, name) or 0) for name in STAT_FIELDS}
    return found
