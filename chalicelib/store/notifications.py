"""Agents' notifications, and each agent's unread count in the same partition.

A notification is written with its unread-count increment in one transaction,
conditional on the notification not existing: a redelivered event (SQS is at
least once) neither duplicates it nor counts it twice.
"""
from __future__ import annotations

from datetime import timedelta
from typing import Any

from chalicelib.model.notifications import Notification
from chalicelib.store.base import ConditionFailed, key_of, now, transaction, update_if
from chalicelib.store.models import ChatItem, NotificationItem, UnreadCounterItem

KEEP_FOR = timedelta(days=30)


def _of(item: NotificationItem) -> Notification:
    return Notification(item.notification_id, item.agent_id, item.type, item.title, item.message,
                        dict(item.data or {}), bool(item.read), item.created_at, item.sk)


def add(agent_id: str, event_id: str, occurred_at: str, type_: str, title: str, message: str,
        data: dict[str, Any]) -> bool:
    """1 TransactWriteItems. Insert-once: False, and nothing written, when this event already
    notified this agent (a redelivery)."""
    created = now()
    item = NotificationItem(
        NotificationItem.partition(agent_id), f"{occurred_at}#{event_id}", notification_id=f"notif_{event_id[4:20]}",
        agent_id=agent_id, type=type_, title=title, message=message, data=data, created_at=created,
        expires_at=created + KEEP_FOR,
    )
    try:
        with transaction() as tx:
            tx.save(item, condition=NotificationItem.pk.does_not_exist())
            tx.update(UnreadCounterItem(*UnreadCounterItem.key(agent_id)),
                      actions=[UnreadCounterItem.kind.set(UnreadCounterItem), UnreadCounterItem.unread.add(1)])
    except ConditionFailed as failed:
        if key_of(item) in failed.keys:
            return False
        raise
    return True


def latest(agent_id: str, limit: int, unread_only: bool) -> tuple[list[Notification], int]:
    """Newest first, and the unread count: 1 Query (the counter sorts first in the partition);
    with unread_only, more pages only while read ones are filtered out."""
    unread = 0
    found: list[Notification] = []
    # The counter item has no `read` attribute, so it passes the unread filter too.
    condition = ((NotificationItem.read == False) | NotificationItem.read.does_not_exist()) if unread_only else None  # noqa: E712
    for item in ChatItem.query(NotificationItem.partition(agent_id), scan_index_forward=False,
                               filter_condition=condition, page_size=limit + 1):
        if isinstance(item, UnreadCounterItem):
            unread = int(item.unread or 0)
        elif isinstance(item, NotificationItem):
            found.append(_of(item))
            if len(found) >= limit:
                break
    return found, max(unread, 0)


def mark_read(agent_id: str, notification_ids: list[str] | None) -> int:
    """Mark the given notifications (all unread when None) read; returns how many changed.

    1 Query, then 1 UpdateItem per notification that changes and 1 for the counter.
    """
    wanted = set(notification_ids) if notification_ids else None
    marked = 0
    for item in NotificationItem.query(NotificationItem.partition(agent_id),
                                       filter_condition=NotificationItem.read == False):  # noqa: E712
        if not isinstance(item, NotificationItem):
            continue
        if wanted is not None and item.notification_id not in wanted:
            continue
        try:
            update_if(item, [NotificationItem.read.set(True)], NotificationItem.read == False)  # noqa: E712
        except ConditionFailed:  # read meanwhile (another tab): not this call's to count
            continue
        marked += 1
    if marked:
        UnreadCounterItem(*UnreadCounterItem.key(agent_id)).update(actions=[UnreadCounterItem.unread.add(-marked)])
    return marked
