"""Seed 004's pure rules on plain values: the modes, the bot's FAQ choice, the escalation order."""
from dataclasses import replace
from datetime import datetime, timedelta, timezone

import pytest

from chalicelib.domain import bot
from chalicelib.domain.conversations import (
    check_agent_message,
    check_customer_message,
    check_escalate,
    check_quick_reply,
    mode_of,
    speaks_for,
)
from chalicelib.model.conversations import Conversation, Faq
from chalicelib.model.errors import Conflict
from chalicelib.model.identity import SiteMember

T0 = datetime(2026, 3, 10, 14, 0, tzinfo=timezone.utc)
AUTOMATED = Conversation(conversation_id="conv_1", site_id="site_a", visitor_id="cust_1", visitor_name="Jane",
                         status="active", mode="automated", created_at=T0, updated_at=T0)
WITH_AGENT = replace(AUTOMATED, mode="agent", assigned_agent_id="ag_1", assigned_agent_name="Bob")
CLOSED = replace(WITH_AGENT, status="closed", mode="closed")

FAQS = (
    Faq("site_a", "refunds", "Refund?", "5 days", ("refund", "money back"), 0),
    Faq("site_a", "shipping", "Shipping?", "2-5 days", ("shipping", "delivery", "refund"), 1),
)


def member(agent_id, status="online", load=0, seen_minutes=0):
    return SiteMember(site_id="site_a", agent_id=agent_id, username=agent_id, email=None, role="support_agent",
                      status=status, last_seen=T0 - timedelta(minutes=seen_minutes), active_conversations=load)


def test_modes_allow_what_each_party_may_do():
    check_customer_message(AUTOMATED)
    check_customer_message(WITH_AGENT)  # accepted whether or not the agent is online
    check_quick_reply(AUTOMATED)
    check_agent_message(WITH_AGENT)
    for refused, conversation in ((check_quick_reply, WITH_AGENT), (check_agent_message, AUTOMATED),
                                  (check_customer_message, CLOSED), (check_quick_reply, CLOSED),
                                  (check_agent_message, CLOSED), (check_escalate, CLOSED)):
        with pytest.raises(Conflict):
            refused(conversation)
    assert [mode_of(c) for c in (AUTOMATED, WITH_AGENT, CLOSED)] == ["automated", "agent", "closed"]


def test_escalation_is_idempotent_once_an_agent_has_it():
    assert check_escalate(AUTOMATED) is False
    assert check_escalate(WITH_AGENT) is True
    with pytest.raises(Conflict):  # assigned from the console while the bot was answering
        check_escalate(replace(AUTOMATED, assigned_agent_id="ag_2"))


def test_only_the_assigned_agent_or_an_admin_speaks():
    assert speaks_for(WITH_AGENT, "ag_1", is_admin=False)
    assert not speaks_for(WITH_AGENT, "ag_2", is_admin=False)
    assert speaks_for(WITH_AGENT, "ag_2", is_admin=True)


@pytest.mark.parametrize("text,slug", [
    ("I want a REFUND", "refunds"),
    ("money back please, it is a refund", "refunds"),  # two keywords beat one
    ("where is my delivery? shipping takes ages", "shipping"),
    ("refund for the shipping", "shipping"),  # shipping's two keywords
    ("Réfund?", "refunds"),  # accents and case folded
    ("refunding", None),  # whole words only
    ("hello there", None),
])
def test_the_bot_picks_the_faq_the_words_mention_most(text, slug):
    found = bot.best_faq(FAQS, text)
    assert (found.slug if found else None) == slug


def test_a_tie_goes_to_the_faq_listed_first():
    assert bot.best_faq(FAQS, "refund").slug == "refunds"
    assert bot.best_faq(FAQS[::-1], "refund").slug == "shipping"


def test_escalation_tries_online_agents_under_capacity_least_loaded_first():
    members = [member("busy", load=2), member("away", status="away"), member("full", load=5),
               member("idle", load=0, seen_minutes=5), member("fresh", load=0, seen_minutes=1)]
    assert [m.agent_id for m in bot.escalation_candidates(members, capacity=5)] == ["idle", "fresh", "busy"]
    assert bot.escalation_candidates(members, capacity=1) == [members[3], members[4]]
    assert bot.escalation_candidates([member("away", status="offline")], capacity=5) == []
    assert bot.capacity_of(None) == 5 and bot.capacity_of(2) == 2
    assert bot.connected_text("Bob") == "You are now connected with Bob"
