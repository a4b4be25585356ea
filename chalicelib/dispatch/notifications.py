"""Deferred listener: events become agents' notifications (seed 000 section 9).

- conversation.created -> every agent of the site ("new_conversation");
- message.created from a visitor -> the assignee, or every agent of the site
  while the conversation is unassigned ("new_message");
- conversation.assigned -> the assignee ("conversation_assigned").
Redelivered events do not notify twice (store.notifications.add is conditional).
"""
from __future__ import annotations

from chalicelib.model import events as ev
from chalicelib.dispatch import on
from chalicelib.store import notifications, tenants


def _site_agents(site_id: str) -> list[str]:
    return [member.agent_id for member in tenants.list_members(site_id)]


def _notify(agent_ids: list[str], event: ev.Event, type_: str, title: str, message: str, data: dict) -> None:
    for agent_id in dict.fromkeys(agent_ids):
        notifications.add(agent_id, event.id, event.occurred_at, type_, title, message, data)


@on(ev.CONVERSATION_CREATED, deferred=True)
def new_conversation(event: ev.Event) -> None:
    name = event.payload["visitor"]["name"]
    _notify(_site_agents(event.site_id), event, "new_conversation", "New conversation",
            f"{name} started a new conversation",
            {"conversation_id": event.conversation_id, "visitor_name": name})


@on(ev.MESSAGE_CREATED, deferred=True)
def new_message(event: ev.Event) -> None:
    message = event.payload["message"]
    if message["from"] != "visitor":
        return
    assignee = event.payload["conversation"].get("assigned_agent_id")
    targets = [assignee] if assignee else _site_agents(event.site_id)
    name = message["sender"].get("name") or "A visitor"
    preview = (message.get("content") or "")[:120]
    _notify(targets, event, "new_message", f"New message from {name}", preview,
            {"conversation_id": event.conversation_id, "message_id": message["id"], "visitor_name": name})


@on(ev.CONVERSATION_ASSIGNED, deferred=True)
def assigned(event: ev.Event) -> None:
    agent = event.payload["agent"]
    _notify([agent["id"]], event, "conversation_assigned", "Conversation assigned to you",
            "A conversation was assigned to you", {"conversation_id": event.conversation_id})
