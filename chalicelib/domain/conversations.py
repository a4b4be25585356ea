"""Conversations: one state machine for every surface (000, 003, 004 share it).

Pure: the decisions here take values from chalicelib/model and raise its errors;
store/ persists what they allow.
"""
from __future__ import annotations

from chalicelib.model.conversations import Conversation
from chalicelib.model.errors import Conflict


# -- the state machine ----------------------------------------------------------------------------

def require_open(conversation: Conversation, action: str) -> None:
    if not conversation.is_open:
        raise Conflict(f"Conversation is closed; cannot {action}", {"status": conversation.status})


def check_close(conversation: Conversation) -> None:
    if not conversation.is_open:
        raise Conflict("Conversation is already closed", {"status": conversation.status})


def check_assign(conversation: Conversation) -> None:
    require_open(conversation, "assign it")


def check_rate(conversation: Conversation, rating: int) -> None:
    if conversation.rating is not None:
        raise Conflict("Conversation was already rated")
