"""Deferred listeners: events become agents' notifications (seed 000 section 9).

Who is told of what, and the writing, are the domain's (domain/notifications.py); this
module only pairs those use cases with their events (dispatch.install subscribes them, off
the request path).
"""
from __future__ import annotations

from chalicelib.domain import notifications
from chalicelib.model import events as ev

LISTENERS = (
    (ev.CONVERSATION_CREATED, notifications.conversation_created),
    (ev.MESSAGE_CREATED, notifications.message_created),
    (ev.CONVERSATION_ASSIGNED, notifications.conversation_assigned),
)
