"""The conversation state machine and message helpers, on plain values."""
from dataclasses import replace
from datetime import datetime, timedelta, timezone

import pytest

from chalicelib.domain.conversations import check_assign, check_close, check_rate, check_rating, require_open
from chalicelib.model.conversations import (
    Conversation,
    Message,
    message_id,
    message_status,
    reader_side,
    seq_of,
    side_of,
)
from chalicelib.model.errors import Conflict, ValidationFailed

T0 = datetime(2026, 3, 10, 14, 0, tzinfo=timezone.utc)


def conversation(**changes) -> Conversation:
    return replace(Conversation(conversation_id="conv_1", site_id="site_a", visitor_id="v_1",
                                visitor_name="John Doe", status="active", mode="agent", created_at=T0,
                                updated_at=T0), **changes)


def closed(**changes) -> Conversation:
    return conversation(status="closed", mode="closed", closed_at=T0 + timedelta(minutes=10), closed_by="ag_1",
                        **changes)


def message(seq: int, sender_type: str) -> Message:
    return Message(message_id=message_id(seq, "abcd1234"), conversation_id="conv_1", site_id="site_a",
                   visitor_id="v_1", seq=seq, sender_type=sender_type, sender_id=None, sender_name=None,
                   type="text", content="hi", created_at=T0)


# -- the state machine ----------------------------------------------------------------------------

def test_an_open_conversation_accepts_messages_assignment_and_closing():
    open_one = conversation()
    assert open_one.is_open
    assert require_open(open_one, "send messages") is None
    assert check_assign(open_one) is None
    assert check_close(open_one) is None


def test_a_closed_conversation_refuses_messages_with_a_409_naming_the_action():
    with pytest.raises(Conflict) as refused:
        require_open(closed(), "send messages")
    assert refused.value.status == 409 and refused.value.code == "CONFLICT"
    assert refused.value.message == "Conversation is closed; cannot send messages"
    assert refused.value.details == {"status": "closed"}


def test_a_closed_conversation_cannot_be_assigned():
    with pytest.raises(Conflict) as refused:
        check_assign(closed())
    assert refused.value.message == "Conversation is closed; cannot assign it"
    assert refused.value.details == {"status": "closed"}


def test_closing_twice_is_a_conflict():
    with pytest.raises(Conflict) as refused:
        check_close(closed())
    assert refused.value.message == "Conversation is already closed"
    assert refused.value.details == {"status": "closed"}


def test_only_the_status_active_counts_as_open():
    # An assigned conversation is still "active" (an agent is set, the status stays).
    assigned = conversation(assigned_agent_id="ag_1", assigned_agent_name="bob", assigned_at=T0)
    assert assigned.is_open and check_assign(assigned) is None
    assert not conversation(status="closed").is_open


def test_a_conversation_is_rated_once():
    assert check_rate(closed()) is None
    with pytest.raises(Conflict) as refused:
        check_rate(closed(rating=4))
    assert refused.value.message == "Conversation was already rated" and refused.value.status == 409


@pytest.mark.parametrize("rating", [1, 3, 5])
def test_a_rating_is_a_whole_number_from_1_to_5(rating):
    assert check_rating(rating) == rating


@pytest.mark.parametrize("rating", [0, 6, -1, 2.5, True, "4", None])
def test_other_ratings_are_refused_naming_the_field(rating):
    with pytest.raises(ValidationFailed) as refused:
        check_rating(rating)
    assert refused.value.status == 400 and refused.value.details == {"field": "rating"}


# -- message ids and read receipts ----------------------------------------------------------------

def test_a_message_id_carries_its_sequence_number():
    assert message_id(7, "ab12cd34") == "msg_7_ab12cd34"
    assert seq_of(message_id(7, "ab12cd34")) == 7
    assert seq_of("msg_1024_ffff0000") == 1024


@pytest.mark.parametrize("not_a_message_id", [
    "msg_x_ab12", "msg_7", "msg_7_a_b", "conv_7_ab12", "", "msg__ab12", "msg_-1_ab12",
])
def test_anything_else_has_no_sequence_number(not_a_message_id):
    assert seq_of(not_a_message_id) is None


def test_agents_read_the_visitors_messages_and_the_visitor_reads_everyone_elses():
    assert reader_side("visitor") == "agents"
    assert reader_side("support") == "visitor"
    assert reader_side("bot") == "visitor"
    assert side_of("visitor") == "visitor"
    assert side_of("agent") == "agents"
    assert side_of("api_key") == "agents"


def test_a_visitors_message_status_follows_the_agents_markers():
    c = conversation(seq=5, agents_delivered_seq=4, agents_read_seq=2,
                     visitor_delivered_seq=0, visitor_read_seq=0)
    assert [message_status(message(seq, "visitor"), c) for seq in (1, 2, 3, 4, 5)] == \
        ["read", "read", "delivered", "delivered", "sent"]


def test_an_agents_message_status_follows_the_visitors_markers_only():
    # The agents have read everything; that says nothing about what the visitor has seen.
    c = conversation(seq=5, agents_delivered_seq=5, agents_read_seq=5,
                     visitor_delivered_seq=3, visitor_read_seq=1)
    assert [message_status(message(seq, "support"), c) for seq in (1, 2, 3, 4)] == \
        ["read", "delivered", "delivered", "sent"]
    assert message_status(message(4, "bot"), c) == "sent"
