"""Seed 004's conversation writes and reads that the shared repository does not have: the escalation
(mode, assignment and the system message in one conditional transaction) and the lists by mode.

The rows are the same conversation and message items store/conversations.py writes, with its list
keys, counters and stats, so seed 000's console and seed 003 see the very same conversation.
"""
from __future__ import annotations

import base64
import json

from chalicelib.model.conversations import Conversation, Message
from chalicelib.store import conversations as shared
from chalicelib.store.base import transaction
from chalicelib.store.models import ChatItem, ConversationItem, MessageItem, SiteMemberItem, VisitorItem


def member_key(site_id: str, agent_id: str) -> tuple[str, str]:
    return SiteMemberItem.key(site_id, agent_id)


def escalate(conversation: Conversation, message: Message, agent_id: str, agent_name: str, capacity: int,
             stats: shared.StatsChanges) -> None:
    """1 TransactWriteItems: the conversation moves to `agent` mode with its assignee and the system
    message (only if it is still open, automated, unassigned and at the sequence read), the message,
    the agent's open-conversation count (only while the agent is online and under `capacity`), the
    site's count of assigned conversations, the day's stats.

    ConditionFailed involving `shared.conversation_key` when the conversation moved (escalated,
    closed, or a message arrived: read again), `member_key` when the agent is full or went offline."""
    c, m = conversation, message
    at = m.created_at
    activity = shared._activity(at, c.conversation_id)
    preview = {"content": (m.content or "")[:200], "from": m.sender_type, "type": m.type,
               "created_at": at.isoformat()}
    actions = [
        ConversationItem.mode.set("agent"),
        ConversationItem.assigned_agent_id.set(agent_id),
        ConversationItem.assigned_agent_name.set(agent_name),
        ConversationItem.assigned_at.set(at),
        ConversationItem.seq.set(m.seq),
        ConversationItem.last_message.set(preview),
        ConversationItem.last_message_at.set(at),
        ConversationItem.updated_at.set(at),
        ConversationItem.unread_for_visitor.add(1),
        *shared._key_actions(shared._list_keys(c.site_id, c.status, agent_id, c.visitor_id, activity)),
    ]
    item = MessageItem(
        *MessageItem.key(c.conversation_id, m.seq), message_id=m.message_id, conversation_id=c.conversation_id,
        site_id=c.site_id, visitor_id=c.visitor_id, seq=m.seq, sender_type=m.sender_type, sender_id=m.sender_id,
        sender_name=m.sender_name, type=m.type, content=m.content, metadata=m.metadata or None,
        created_at=at,
    )
    under_capacity = SiteMemberItem.active_conversations.does_not_exist() | (
        SiteMemberItem.active_conversations < capacity)
    with transaction() as tx:
        tx.update(ConversationItem(*ConversationItem.key(c.conversation_id)), actions=actions,
                  condition=(ConversationItem.seq == c.seq) & (ConversationItem.status == "active")
                  & (ConversationItem.mode == "automated") & ConversationItem.assigned_agent_id.does_not_exist())
        tx.save(item, condition=MessageItem.pk.does_not_exist())
        tx.update(SiteMemberItem(*SiteMemberItem.key(c.site_id, agent_id)),
                  actions=[SiteMemberItem.active_conversations.add(1)],
                  condition=SiteMemberItem.pk.exists() & (SiteMemberItem.status == "online") & under_capacity)
        tx.update(VisitorItem(*VisitorItem.key(c.site_id, c.visitor_id)),
                  actions=[VisitorItem.last_message_at.set(at)], condition=VisitorItem.pk.exists())
        shared._count(tx, c.site_id, "assigned", 1)
        for key, increments in stats:
            shared._stats(tx, key, increments)


# -- lists by mode ------------------------------------------------------------------------------

def encode_cursor(positions: dict[str, str]) -> str:
    return base64.urlsafe_b64encode(json.dumps(positions, sort_keys=True).encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> dict[str, str] | None:
    """The per-site positions a cursor carries, or None when it is not one of ours."""
    try:
        data = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    except (ValueError, TypeError):
        return None
    if not isinstance(data, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in data.items()):
        return None
    return data


def by_mode(site_id: str, mode: str, before: str | None, limit: int) -> tuple[list[tuple[str, Conversation]], bool]:
    """A site's conversations in a seed 004 mode, newest activity first, each with its list position
    (older ones than `before`): 1 Query on the site's open or closed list (gsi1; automated and agent
    conversations are both open, told apart by a filter on `mode`; a page that the filter thins out
    reads on, one more Query per 1 MB)."""
    status = "closed" if mode == "closed" else "active"
    condition = ChatItem.gsi1sk < before if before else None
    found: list[tuple[str, Conversation]] = []
    for item in ChatItem.gsi1.query(f"SITE#{site_id}#CONVS#{status}", condition, scan_index_forward=False,
                                    filter_condition=ConversationItem.mode == mode, limit=limit + 1,
                                    page_size=max(2 * limit, 20)):
        if isinstance(item, ConversationItem):
            found.append((str(item.gsi1sk), shared.conversation_of(item)))
    return found[:limit], len(found) > limit

