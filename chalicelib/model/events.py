"""The one catalogue of domain events: every name, and what its payload carries.

The domain returns the events it raised; `dispatch.publish` hands them to the
listeners (realtime pushes, notifications, webhooks, analysis). A listener
never invents an event name: it subscribes to one of these.
"""
from __future__ import annotations

import time
import uuid
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from typing import Any

CONVERSATION_CREATED = "conversation.created"  # conversation, visitor
CONVERSATION_ASSIGNED = "conversation.assigned"  # conversation, agent, previous_agent_id
CONVERSATION_CLOSED = "conversation.closed"  # conversation, closed_by, resolution
CONVERSATION_RATED = "conversation.rated"  # conversation, rating, comment
MESSAGE_CREATED = "message.created"  # conversation, message
MESSAGES_READ = "messages.read"  # conversation, reader {type, id}, read_seq, marked_count
TYPING = "typing"  # conversation, actor {type, id, name}, is_typing
VISITOR_CREATED = "visitor.created"  # visitor
VISITOR_UPDATED = "visitor.updated"  # visitor {id, name}: it changed its name
VISITOR_ONLINE = "visitor.online"  # visitor {id, name}: its first live connection opened (or it named itself)
VISITOR_OFFLINE = "visitor.offline"  # visitor {id, name}: its last live connection closed
AGENT_STATUS_CHANGED = "agent.status_changed"  # agent {id, name}, status, previous_status; one event per site of the agent
ANALYSIS_COMPLETED = "analysis.completed"  # conversation, message_id, from, analysis
WEBHOOK_PING = "webhook.ping"  # webhook_id: an integrator asked for a test delivery
CONNECTION_ACCEPTED = "connection.accepted"  # connection_id, endpoint, frames, close: what a socket hears once open
AUTOMATION_MESSAGE = "automation.message"  # visitor {id}, trigger {id, name, condition}, message: a proactive bot message

CATALOGUE: dict[str, str] = {
    CONVERSATION_CREATED: "A visitor's conversation was opened",
    CONVERSATION_ASSIGNED: "A conversation was assigned to an agent",
    CONVERSATION_CLOSED: "A conversation was closed",
    CONVERSATION_RATED: "A visitor rated a conversation",
    MESSAGE_CREATED: "A message was added to a conversation",
    MESSAGES_READ: "A participant read messages up to a sequence number",
    TYPING: "A participant started or stopped typing",
    VISITOR_CREATED: "A new visitor registered",
    VISITOR_UPDATED: "A visitor changed its name",
    VISITOR_ONLINE: "A visitor's first live connection opened",
    VISITOR_OFFLINE: "A visitor's last connection closed",
    AGENT_STATUS_CHANGED: "An agent went online, away or offline",
    ANALYSIS_COMPLETED: "AI analysis of a visitor message is ready",
    WEBHOOK_PING: "An integrator asked for a test delivery to one webhook",
    CONNECTION_ACCEPTED: "A WebSocket handshake was accepted; its dialect speaks first once it is open",
    AUTOMATION_MESSAGE: "An automation trigger's message is due to a visitor (seed 003 triggers)",
}


@dataclass(frozen=True)
class Event:
    name: str
    site_id: str
    payload: dict[str, Any]
    conversation_id: str | None = None
    # Time first (milliseconds, hex), so ids sort by when they happened (webhook delivery logs).
    id: str = field(default_factory=lambda: f"evt_{time.time_ns() // 1_000_000:012x}{uuid.uuid4().hex[:16]}")
    occurred_at: str = field(default_factory=lambda: datetime.now(timezone.utc).isoformat())
    # True when the change's own transaction committed the event as an outbox item (store/outbox.py):
    # the chats table's stream runs its deferred listeners, so publish does not queue it. The
    # request's bookkeeping, not part of the event: to_dict leaves it out.
    outboxed: bool = field(default=False, compare=False)

    def __post_init__(self) -> None:
        if self.name not in CATALOGUE:
            raise ValueError(f"unknown event {self.name!r}: add it to chalicelib/model/events.py")

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        del data["outboxed"]
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "Event":
        return cls(**data)
