"""Conversations: one state machine for every surface (000, 003, 004 share it).

Pure: the decisions here take values from chalicelib/model and raise its errors;
store/ persists what they allow.
"""
from __future__ import annotations

from chalicelib.model.conversations import Conversation
from chalicelib.model.errors import Conflict, ValidationFailed


# -- the state machine ----------------------------------------------------------------------------

def require_open(conversation: Conversation, action: str) -> None:
    if not conversation.is_open:
        raise Conflict(f"Conversation is closed; cannot {action}", {"status": conversation.status})


def check_close(conversation: Conversation) -> None:
    if not conversation.is_open:
        raise Conflict("Conversation is already closed", {"status": conversation.status})


def check_assign(conversation: Conversation) -> None:
    require_open(conversation, "assign it")


def check_rating(rating: object) -> int:
    """A visitor's rating: a whole number from 1 to 5 (checked before the conversation is read)."""
    if isinstance(rating, bool) or rating not in range(1, 6):
        raise ValidationFailed("rating must be a whole number from 1 to 5", {"field": "rating"})
    return int(rating)  # type: ignore[call-overload]


def check_rate(conversation: Conversation) -> None:
    """A conversation is rated once."""
    if conversation.rating is not None:
        raise Conflict("Conversation was already rated")
