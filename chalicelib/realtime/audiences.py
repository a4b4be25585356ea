"""Audiences: the named groups a connection follows, and which of them each event reaches.

A connection subscribes to audiences when it opens (one `connections` row per
audience, keyed on `audience-index`); an event names the audiences it goes to.
Finding recipients is then one Query per audience, whatever else is connected.
"""
from __future__ import annotations

from chalicelib.model import connections as names
from chalicelib.model import events as ev


def site_agents(site_id: str) -> str:
    """Every agent connection of a site: the console's inbox and dashboard."""
    return names.site_agents_audience(site_id)


def site_visitors(site_id: str) -> str:
    """Every visitor connection of a site: they hear whether support is online."""
    return names.site_visitors_audience(site_id)


def visitor(site_id: str, visitor_id: str) -> str:
    """One visitor's connections (all its tabs): its conversations' events."""
    return f"visitor#{site_id}#{visitor_id}"


def agent(agent_id: str) -> str:
    """One agent's connections: its presence is the count of these."""
    return names.agent_audience(agent_id)


# The one list of what only agents hear, in every dialect: visitors' presence, AI analysis, and
# the inbox's news (a conversation opened, a rating given). Never routed to a visitor connection.
AGENT_ONLY_EVENTS = frozenset({
    ev.VISITOR_UPDATED, ev.VISITOR_ONLINE, ev.VISITOR_OFFLINE, ev.ANALYSIS_COMPLETED,
    ev.CONVERSATION_CREATED, ev.CONVERSATION_RATED,
})
# A conversation's own visitor hears these too (all its tabs), as do the site's agents.
_CONVERSATION_EVENTS = frozenset({
    ev.CONVERSATION_ASSIGNED, ev.CONVERSATION_CLOSED, ev.MESSAGE_CREATED, ev.MESSAGES_READ, ev.TYPING,
})

# Only the visitor hears these (all its tabs): an automation trigger's proactive message.
_VISITOR_ONLY_EVENTS = frozenset({ev.AUTOMATION_MESSAGE})

ROUTED_EVENTS = _CONVERSATION_EVENTS | AGENT_ONLY_EVENTS | _VISITOR_ONLY_EVENTS | {ev.AGENT_STATUS_CHANGED}


def for_event(event: ev.Event) -> list[str]:
    """The audiences an event reaches (each is one Query when delivering it)."""
    if event.name in AGENT_ONLY_EVENTS:
        return [site_agents(event.site_id)]
    if event.name in _CONVERSATION_EVENTS:
        visitor_id = event.payload["conversation"]["visitor_id"]
        return [visitor(event.site_id, visitor_id), site_agents(event.site_id)]
    if event.name == ev.AGENT_STATUS_CHANGED:
        return [site_agents(event.site_id), site_visitors(event.site_id)]
    if event.name in _VISITOR_ONLY_EVENTS:
        return [visitor(event.site_id, event.payload["visitor"]["id"])]
    return []
