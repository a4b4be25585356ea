"""Agents' notifications (seed 000 section 9): who is told of which event, and reading them.

- conversation.created -> every agent of the site ("new_conversation");
- message.created from a visitor -> the assignee, or every agent of the site while the
  conversation is unassigned ("new_message");
- conversation.assigned -> the assignee ("conversation_assigned").
A redelivered event (SQS is at least once) notifies no one twice: the write is conditional
on the event id.
"""
from __future__ import annotations

from typing import Any

from chalicelib.domain import agents
from chalicelib.model import events as ev
from chalicelib.model.identity import AgentPrincipal
from chalicelib.model.notifications import Notification
from chalicelib.store import notifications as store


def _site_agents(site_id: str) -> list[str]:
    """1 Query."""
    return [member.agent_id for member in agents.members(site_id)]


def _notify(agent_ids: list[str], event: ev.Event, type_: str, title: str, message: str,
            data: dict[str, Any]) -> None:
    """1 TransactWriteItems per agent (each once, however often listed)."""
    for agent_id in dict.fromkeys(agent_ids):
        store.add(agent_id, event.id, event.occurred_at, type_, title, message, data)


def conversation_created(event: ev.Event) -> None:
    name = event.payload["visitor"]["name"]
    _notify(_site_agents(event.site_id), event, "new_conversation", "New conversation",
            f"{name} started a new conversation",
            {"conversation_id": event.conversation_id, "visitor_name": name})


def message_created(event: ev.Event) -> None:
    """Only a visitor's message notifies: agents' and the bot's replies are not news to agents."""
    message = event.payload["message"]
    if message["from"] != "visitor":
        return
    assignee = event.payload["conversation"].get("assigned_agent_id")
    targets = [assignee] if assignee else _site_agents(event.site_id)
    name = message["sender"].get("name") or "A visitor"
    preview = (message.get("content") or "")[:120]
    _notify(targets, event, "new_message", f"New message from {name}", preview,
            {"conversation_id": event.conversation_id, "message_id": message["id"], "visitor_name": name})


def conversation_assigned(event: ev.Event) -> None:
    agent = event.payload["agent"]
    _notify([agent["id"]], event, "conversation_assigned", "Conversation assigned to you",
            "A conversation was assigned to you", {"conversation_id": event.conversation_id})


def latest(principal: AgentPrincipal, limit: int, unread_only: bool) -> tuple[list[Notification], int]:
    """The agent's own, newest first, and its unread count: 1 Query (more only when filtering)."""
    return store.latest(principal.id, limit=limit, unread_only=unread_only)


def mark_read(principal: AgentPrincipal, notification_ids: list[str] | None) -> int:
    """Marks the given ones read; none given (or an empty list) means all unread. Returns how many changed."""
    return store.mark_read(principal.id, notification_ids or None)
