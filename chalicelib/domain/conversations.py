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


# -- seed 004's modes: automated (the bot answers) -> agent (a human) -> closed --------------------

MODES = ("automated", "agent", "closed")


def mode_of(conversation: Conversation) -> str:
    """The mode a customer sees: a closed conversation is `closed` whatever it was before."""
    return conversation.mode if conversation.is_open else "closed"


def check_customer_message(conversation: Conversation) -> None:
    """A customer may write in automated and agent mode (even while its agent is offline)."""
    require_open(conversation, "send messages")


def check_quick_reply(conversation: Conversation) -> None:
    require_open(conversation, "use quick replies")
    if conversation.mode != "automated":
        raise Conflict("Quick replies are answered by the bot, in automated mode only", {"mode": conversation.mode})


def check_escalate(conversation: Conversation) -> bool:
    """May this conversation be handed to an agent? True when it already was (escalation is idempotent)."""
    require_open(conversation, "talk to an agent")
    if conversation.mode == "agent":
        return True
    if conversation.assigned_agent_id is not None:  # assigned from the console while the bot was answering
        raise Conflict("The conversation is already assigned to an agent", {"mode": conversation.mode})
    return False


def check_agent_message(conversation: Conversation) -> None:
    require_open(conversation, "send messages")
    if conversation.mode != "agent":
        raise Conflict("Agents write in agent mode only; the bot answers until the customer asks for an agent",
                       {"mode": conversation.mode})


def speaks_for(conversation: Conversation, agent_id: str, is_admin: bool) -> bool:
    """Who may write to (or close) a customer's conversation: its assigned agent or a site admin."""
    return is_admin or conversation.assigned_agent_id == agent_id
