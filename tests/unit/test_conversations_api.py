"""Seed 000 sections 4, 5, 8, 9, 11 through chalice.test.Client on moto."""
from datetime import datetime, timedelta, timezone

import pytest

from chalicelib.model import events as ev
from chalicelib.domain import inbox
from chalicelib.model.identity import AgentPrincipal
from chalicelib.store import conversations as store
from chalicelib.store import tenants
from chalicelib.store.base import ConditionFailed, now
from tests.unit.chat_helpers import as_visitor, data, drain_events, error, open_conversation, send, visitor_token
from tests.unit.identity_fixtures import world  # noqa: F401




# -- a whole conversation -----------------------------------------------------------------------

def test_a_visitor_and_an_agent_hold_a_conversation(world):
    vt = visitor_token(world)
    conversation_id = open_conversation(world, vt)
    bob = world.token("bob", "site_a")

    first = data(send(world, conversation_id, "Hello, I need help with my order", headers=as_visitor(vt)), 201)
    assert first["from"] == "visitor" and first["sender"] == {"id": "v_1", "name": "John Doe"}
    assert first["status"] == "sent" and first["type"] == "text" and first["seq"] == 1
    assert first["conversation_id"] == conversation_id and first["created_at"].endswith("Z")

    listed = data(world.call("GET", "/api/v1/conversations?site_id=site_a", token=bob))
    assert listed["pagination"] == {"page": 1, "limit": 20, "total": 1}
    row = listed["conversations"][0]
    assert row["id"] == conversation_id and row["visitor"] == {"id": "v_1", "name": "John Doe"}
    assert row["last_message"]["content"] == "Hello, I need help with my order"
    assert row["last_message"]["from"] == "visitor" and row["unread_count"] == 1 and row["status"] == "active"

    reply = data(send(world, conversation_id, "Hi John! I'd be happy to help.", token=bob), 201)
    assert reply["from"] == "support" and reply["sender"]["id"] == world.bob.agent_id and reply["seq"] == 2

    seen_by_visitor = data(world.call("GET", f"/api/v1/messages?conversation_id={conversation_id}",
                                      headers=as_visitor(vt)))
    assert [m["content"] for m in seen_by_visitor["messages"]] == [
        "Hello, I need help with my order", "Hi John! I'd be happy to help."]
    assert seen_by_visitor["has_more"] is False

    assert data(world.call("POST", "/api/v1/messages/read", {"conversation_id": conversation_id}, token=bob)) == \
        {"marked_count": 1}
    assert data(world.call("POST", "/api/v1/messages/read", {"conversation_id": conversation_id},
                           headers=as_visitor(vt))) == {"marked_count": 1}
    full = data(world.call("GET", f"/api/v1/conversations/{conversation_id}", token=bob))
    assert [m["status"] for m in full["messages"]] == ["read", "read"]
    assert full["unread_count"] == 0 and full["has_more_messages"] is False
    assert full["visitor"] == {"id": "v_1", "name": "John Doe"} and full["assigned_agent"] is None

    closed = data(world.call("PATCH", f"/api/v1/conversations/{conversation_id}/close",
                             {"resolution": "Order found"}, token=bob))
    assert closed["status"] == "closed" and closed["closed_by"] == world.bob.agent_id and closed["closed_at"]
    assert error(send(world, conversation_id, "one more thing", headers=as_visitor(vt)), 409) == "CONFLICT"


def test_from_is_derived_from_the_caller_never_the_body(world):
    vt = visitor_token(world)
    conversation_id = open_conversation(world, vt)
    sent = data(send(world, conversation_id, "I am support, trust me", headers=as_visitor(vt), **{"from": "support"}), 201)
    assert sent["from"] == "visitor"


# -- creating and reading conversations ---------------------------------------------------------

def test_create_conversation_shape_and_checks(world):
    vt = visitor_token(world)
    created = world.call("POST", "/api/v1/conversations", {"site_id": "site_a", "visitor_id": "v_1"},
                         headers=as_visitor(vt))
    body = data(created, 201)
    assert set(body) == {"id", "site_id", "visitor_id", "status", "created_at"}
    assert body["status"] == "active" and body["site_id"] == "site_a"
    bob = world.token("bob", "site_a")
    assert data(world.call("POST", "/api/v1/conversations", {"site_id": "site_a", "visitor_id": "v_1"},
                           token=bob), 201)["visitor_id"] == "v_1"
    assert error(world.call("POST", "/api/v1/conversations", {"site_id": "site_a", "visitor_id": "nobody"},
                            token=bob), 404) == "NOT_FOUND"
    assert error(world.call("POST", "/api/v1/conversations", {"site_id": "site_a", "visitor_id": "v_other"},
                            headers=as_visitor(vt)), 404) == "NOT_FOUND"
    assert error(world.call("POST", "/api/v1/conversations", {"site_id": "site_b", "visitor_id": "v_1"},
                            token=bob), 403) == "FORBIDDEN"
    assert error(world.call("POST", "/api/v1/conversations", {"site_id": "site_a"}, token=bob), 400) == "VALIDATION_ERROR"


def test_get_conversation_message_window(world):
    vt = visitor_token(world)
    conversation_id = open_conversation(world, vt)
    ids = [data(send(world, conversation_id, f"m{i}", headers=as_visitor(vt)), 201)["id"] for i in range(1, 8)]
    bob = world.token("bob", "site_a")
    latest = data(world.call("GET", f"/api/v1/conversations/{conversation_id}?messages_limit=3", token=bob))
    assert [m["content"] for m in latest["messages"]] == ["m5", "m6", "m7"] and latest["has_more_messages"] is True
    older = data(world.call("GET", f"/api/v1/conversations/{conversation_id}?messages_limit=3&messages_before={ids[4]}",
                            token=bob))
    assert [m["content"] for m in older["messages"]] == ["m2", "m3", "m4"] and older["has_more_messages"] is True
    oldest = data(world.call("GET", f"/api/v1/conversations/{conversation_id}?messages_limit=3&messages_before={ids[1]}",
                             token=bob))
    assert [m["content"] for m in oldest["messages"]] == ["m1"] and oldest["has_more_messages"] is False
    bare = data(world.call("GET", f"/api/v1/conversations/{conversation_id}?include_messages=false", token=bob))
    assert "messages" not in bare and bare["id"] == conversation_id
    assert error(world.call("GET", f"/api/v1/conversations/{conversation_id}?messages_limit=500", token=bob), 400)
    assert error(world.call("GET", f"/api/v1/conversations/{conversation_id}?messages_before=nope", token=bob), 400)


def test_get_messages_pagination_edges(world):
    vt = visitor_token(world)
    conversation_id = open_conversation(world, vt)
    path = f"/api/v1/messages?conversation_id={conversation_id}"
    empty = data(world.call("GET", path, headers=as_visitor(vt)))
    assert empty == {"messages": [], "has_more": False}
    ids = [data(send(world, conversation_id, f"m{i}", headers=as_visitor(vt)), 201)["id"] for i in range(1, 6)]
    exact = data(world.call("GET", f"{path}&limit=5", headers=as_visitor(vt)))
    assert len(exact["messages"]) == 5 and exact["has_more"] is False
    page = data(world.call("GET", f"{path}&limit=2", headers=as_visitor(vt)))
    assert [m["content"] for m in page["messages"]] == ["m4", "m5"] and page["has_more"] is True
    before_first = data(world.call("GET", f"{path}&before={ids[0]}", headers=as_visitor(vt)))
    assert before_first == {"messages": [], "has_more": False}
    after_last = data(world.call("GET", f"{path}&after={ids[-1]}", headers=as_visitor(vt)))
    assert after_last == {"messages": [], "has_more": False}
    after_first = data(world.call("GET", f"{path}&after={ids[0]}&limit=2", headers=as_visitor(vt)))
    assert [m["content"] for m in after_first["messages"]] == ["m2", "m3"] and after_first["has_more"] is True
    between = data(world.call("GET", f"{path}&after={ids[0]}&before={ids[3]}", headers=as_visitor(vt)))
    assert [m["content"] for m in between["messages"]] == ["m2", "m3"] and between["has_more"] is False
    seqs = [m["seq"] for m in exact["messages"]]
    assert seqs == sorted(seqs) and seqs == list(range(1, 6))
    assert error(world.call("GET", "/api/v1/messages", headers=as_visitor(vt)), 400) == "VALIDATION_ERROR"


# -- listing ------------------------------------------------------------------------------------

def test_list_filters_and_pages(world):
    bob = world.token("bob", "site_a")
    made = []
    for i in range(5):
        vt = visitor_token(world, visitor_id=f"v_{i}")
        made.append(open_conversation(world, vt, visitor_id=f"v_{i}"))
    world.call("PATCH", f"/api/v1/conversations/{made[0]}/close", {}, token=bob)
    world.call("PATCH", f"/api/v1/conversations/{made[1]}/assign", {"agent_id": world.bob.agent_id}, token=bob)
    listing = lambda q: data(world.call("GET", f"/api/v1/conversations?site_id=site_a{q}", token=bob))  # noqa: E731
    everything = listing("")
    assert everything["pagination"]["total"] == 5 and len(everything["conversations"]) == 5
    active = listing("&status=active")
    assert active["pagination"]["total"] == 4 and made[0] not in [c["id"] for c in active["conversations"]]
    closed = listing("&status=closed")
    assert [c["id"] for c in closed["conversations"]] == [made[0]] and closed["pagination"]["total"] == 1
    mine = listing(f"&assigned_to={world.bob.agent_id}")
    assert [c["id"] for c in mine["conversations"]] == [made[1]] and mine["pagination"]["total"] == 1
    assert mine["conversations"][0]["assigned_agent"] == {"id": world.bob.agent_id, "username": "bob"}
    first_page = listing("&status=active&limit=3&page=1")
    second_page = listing("&status=active&limit=3&page=2")
    assert len(first_page["conversations"]) == 3 and len(second_page["conversations"]) == 1
    assert not set(c["id"] for c in first_page["conversations"]) & set(c["id"] for c in second_page["conversations"])
    assert listing("&status=active&limit=3&page=3")["conversations"] == []
    order = [c["id"] for c in listing("&status=active")["conversations"]]
    assert order == [made[1], made[4], made[3], made[2]]  # newest activity first; the assignment was last
    assert error(world.call("GET", "/api/v1/conversations?site_id=site_a&status=open", token=bob), 400)
    assert error(world.call("GET", "/api/v1/conversations?site_id=site_b", token=bob), 403) == "FORBIDDEN"


def test_empty_site_lists_nothing(world):
    body = data(world.call("GET", "/api/v1/conversations?site_id=site_a", token=world.token("bob", "site_a")))
    assert body == {"conversations": [], "pagination": {"page": 1, "limit": 20, "total": 0}}


# -- state machine ------------------------------------------------------------------------------

def test_close_and_assign_transitions(world):
    vt = visitor_token(world)
    conversation_id = open_conversation(world, vt)
    bob = world.token("bob", "site_a")
    assigned = data(world.call("PATCH", f"/api/v1/conversations/{conversation_id}/assign",
                               {"agent_id": world.alice.agent_id}, token=bob))
    assert assigned["assigned_agent"] == {"id": world.alice.agent_id, "username": "alice"} and assigned["assigned_at"]
    assert error(world.call("PATCH", f"/api/v1/conversations/{conversation_id}/assign",
                            {"agent_id": world.carol.agent_id}, token=bob), 400) == "VALIDATION_ERROR"
    assert error(world.call("PATCH", f"/api/v1/conversations/{conversation_id}/assign", {}, token=bob), 400)
    data(world.call("PATCH", f"/api/v1/conversations/{conversation_id}/close", {}, token=bob))
    assert error(world.call("PATCH", f"/api/v1/conversations/{conversation_id}/close", {}, token=bob), 409) == "CONFLICT"
    assert error(world.call("PATCH", f"/api/v1/conversations/{conversation_id}/assign",
                            {"agent_id": world.bob.agent_id}, token=bob), 409) == "CONFLICT"
    assert error(send(world, conversation_id, "late reply", token=bob), 409) == "CONFLICT"
    assert world.call("PATCH", f"/api/v1/conversations/{conversation_id}/close", {},
                      headers=as_visitor(vt)).status_code == 401


def test_assignment_is_a_conditional_write(world):
    vt = visitor_token(world)
    conversation_id = open_conversation(world, vt)
    stale = store.get(conversation_id)  # read by a second assigner before the first one wrote
    bob = world.token("bob", "site_a")
    data(world.call("PATCH", f"/api/v1/conversations/{conversation_id}/assign", {"agent_id": world.bob.agent_id},
                    token=bob))
    with pytest.raises(ConditionFailed) as refused:
        store.assign(stale, world.alice.agent_id, "alice", now(), [])
    assert refused.value.keys == {store.conversation_key(conversation_id)}  # the conversation refused, by key
    assert store.get(conversation_id).assigned_agent_id == world.bob.agent_id
    counts = {m.username: m.active_conversations for m in tenants.list_members("site_a")}
    assert counts == {"alice": 0, "bob": 1}


# -- messages -----------------------------------------------------------------------------------

def test_message_validation(world):
    vt = visitor_token(world)
    conversation_id = open_conversation(world, vt)
    headers = as_visitor(vt)
    assert error(send(world, conversation_id, "", headers=headers), 400) == "VALIDATION_ERROR"
    assert error(send(world, conversation_id, "x" * 10_001, headers=headers), 400) == "VALIDATION_ERROR"
    assert error(send(world, conversation_id, "hi", headers=headers, type="video"), 400) == "VALIDATION_ERROR"
    assert error(send(world, conversation_id, "doc", headers=headers, type="file"), 400) == "VALIDATION_ERROR"
    assert error(send(world, "conv_nope", "hi", headers=headers), 404) == "NOT_FOUND"
    assert error(send(world, conversation_id, "hi", headers=headers, metadata="x"), 400) == "VALIDATION_ERROR"
    assert data(send(world, conversation_id, "x" * 10_000, headers=headers), 201)["seq"] == 1


def test_the_same_idempotency_key_yields_one_message_and_the_same_response(world):
    vt = visitor_token(world)
    conversation_id = open_conversation(world, vt)
    headers = {**as_visitor(vt), "Idempotency-Key": "client-123"}
    first = send(world, conversation_id, "only once", headers=headers)
    again = send(world, conversation_id, "only once", headers=headers)
    assert first.status_code == again.status_code == 201
    assert first.json_body == again.json_body
    via_metadata = send(world, conversation_id, "also once", headers=as_visitor(vt),
                        metadata={"client_message_id": "m-77"})
    repeat = send(world, conversation_id, "also once", headers=as_visitor(vt), metadata={"client_message_id": "m-77"})
    assert via_metadata.json_body == repeat.json_body
    messages = data(world.call("GET", f"/api/v1/messages?conversation_id={conversation_id}", headers=as_visitor(vt)))
    assert [m["content"] for m in messages["messages"]] == ["only once", "also once"]


def test_read_receipts_by_ids_and_all(world):
    vt = visitor_token(world)
    conversation_id = open_conversation(world, vt)
    ids = [data(send(world, conversation_id, f"q{i}", headers=as_visitor(vt)), 201)["id"] for i in range(4)]
    bob = world.token("bob", "site_a")
    agent_reply = data(send(world, conversation_id, "answer", token=bob), 201)["id"]
    marked = data(world.call("POST", "/api/v1/messages/read", {"conversation_id": conversation_id,
                                                               "message_ids": [ids[0], ids[1]]}, token=bob))
    assert marked == {"marked_count": 2}
    listed = data(world.call("GET", "/api/v1/conversations?site_id=site_a", token=bob))["conversations"][0]
    assert listed["unread_count"] == 2
    statuses = {m["id"]: m["status"] for m in data(world.call(
        "GET", f"/api/v1/messages?conversation_id={conversation_id}", token=bob))["messages"]}
    assert [statuses[i] for i in ids] == ["read", "read", "sent", "sent"] and statuses[agent_reply] == "sent"
    assert data(world.call("POST", "/api/v1/messages/read", {"conversation_id": conversation_id,
                                                             "message_ids": [ids[0]]}, token=bob)) == {"marked_count": 0}
    assert data(world.call("POST", "/api/v1/messages/read", {"conversation_id": conversation_id}, token=bob)) == \
        {"marked_count": 2}
    active = data(world.call("GET", "/api/v1/visitors/active?site_id=site_a", token=bob))["visitors"][0]
    assert active["unread_count"] == 0 and active["last_message_at"]
    assert data(world.call("POST", "/api/v1/messages/read", {"conversation_id": conversation_id},
                           headers=as_visitor(vt))) == {"marked_count": 1}
    assert error(world.call("POST", "/api/v1/messages/read", {"conversation_id": conversation_id,
                                                              "message_ids": ["bogus"]}, token=bob), 400)


def test_typing(world):
    vt = visitor_token(world)
    conversation_id = open_conversation(world, vt)
    ok = world.call("POST", "/api/v1/typing", {"conversation_id": conversation_id, "is_typing": True},
                    headers=as_visitor(vt))
    assert ok.status_code == 200 and ok.json_body == {"success": True}
    assert error(world.call("POST", "/api/v1/typing", {"conversation_id": conversation_id}, headers=as_visitor(vt)), 400)
    assert error(world.call("POST", "/api/v1/typing", {"conversation_id": conversation_id, "is_typing": True},
                            token=world.token("carol", "site_b")), 404)


# -- notifications ------------------------------------------------------------------------------

def test_notifications_from_events_and_marking_them_read(world):
    vt = visitor_token(world)
    conversation_id = open_conversation(world, vt)
    send(world, conversation_id, "anyone there?", headers=as_visitor(vt))
    assert drain_events() == 3  # visitor.created (for webhooks), conversation.created, message.created
    bob = world.token("bob", "site_a")
    listed = data(world.call("GET", "/api/v1/notifications", token=bob))
    assert listed["unread_count"] == 2
    assert [n["type"] for n in listed["notifications"]] == ["new_message", "new_conversation"]
    created = listed["notifications"][1]
    assert created["title"] == "New conversation" and created["message"] == "John Doe started a new conversation"
    assert created["data"] == {"conversation_id": conversation_id, "visitor_name": "John Doe"}
    assert created["read"] is False and created["created_at"]
    assert data(world.call("POST", "/api/v1/notifications/read", {"notification_ids": [created["id"]]}, token=bob)) == \
        {"marked_count": 1}
    unread = data(world.call("GET", "/api/v1/notifications?unread_only=true", token=bob))
    assert unread["unread_count"] == 1 and [n["type"] for n in unread["notifications"]] == ["new_message"]
    assert data(world.call("POST", "/api/v1/notifications/read", {}, token=bob)) == {"marked_count": 1}
    assert data(world.call("GET", "/api/v1/notifications", token=bob))["unread_count"] == 0
    assert data(world.call("GET", "/api/v1/notifications", token=world.token("carol", "site_b"))) == \
        {"notifications": [], "unread_count": 0}


def test_assigned_conversations_notify_only_the_assignee_and_redelivery_is_harmless(world):
    from chalicelib import dispatch

    vt = visitor_token(world)
    conversation_id = open_conversation(world, vt)
    bob = world.token("bob", "site_a")
    world.call("PATCH", f"/api/v1/conversations/{conversation_id}/assign", {"agent_id": world.bob.agent_id}, token=bob)
    send(world, conversation_id, "for bob", headers=as_visitor(vt))
    drain_events()
    alice = world.token("alice", "site_a")
    bob_types = [n["type"] for n in data(world.call("GET", "/api/v1/notifications", token=bob))["notifications"]]
    alice_types = [n["type"] for n in data(world.call("GET", "/api/v1/notifications", token=alice))["notifications"]]
    assert bob_types == ["new_message", "conversation_assigned", "new_conversation"]
    assert alice_types == ["new_conversation"]
    replay = ev.Event(ev.CONVERSATION_ASSIGNED, "site_a", {"agent": {"id": world.bob.agent_id}}, conversation_id,
                      id="evt_fixed_for_replay_0001", occurred_at="2026-01-01T00:00:00+00:00")
    dispatch.run_deferred(replay)
    dispatch.run_deferred(replay)  # SQS delivers at least once
    after = data(world.call("GET", "/api/v1/notifications", token=bob))
    assert after["unread_count"] == 4 and len(after["notifications"]) == 4


def test_unknown_event_names_are_refused():
    with pytest.raises(ValueError):
        ev.Event("conversation.exploded", "site_a", {})


# -- analytics ----------------------------------------------------------------------------------

class _AppClock:
    """Stands in for chalicelib.store.base.now, the one clock the app reads; the test moves it."""

    def __init__(self, moment):
        self.moment = moment

    def __call__(self):
        return self.moment

    def at(self, moment):
        self.moment = moment


def _freeze_app_clock(monkeypatch, moment):
    """Every module that took `now` from store/base (`from chalicelib.store.base import now`)
    holds its own reference: replace each, and base's, with one clock the test controls."""
    import sys

    from chalicelib.store import base

    clock, real = _AppClock(moment), base.now
    for name, module in list(sys.modules.items()):
        if name.split(".")[0] in ("chalicelib", "local", "app") and getattr(module, "now", None) is real:
            monkeypatch.setattr(module, "now", clock)
    monkeypatch.setattr(base, "now", clock)
    return clock


def _utc(text):
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def test_dashboard_and_agent_figures_equal_what_happened(world, monkeypatch):
    # A fixed moment, well inside one UTC hour and day: nothing straddles a boundary, whenever it runs.
    t0 = datetime(2026, 3, 10, 14, 0, 0, tzinfo=timezone.utc)
    clock = _freeze_app_clock(monkeypatch, t0)
    bob = world.token("bob", "site_a")
    conversations = []
    for i in range(3):  # opened at 14:00, 14:01, 14:02; each visitor writes 10 s later
        clock.at(t0 + timedelta(minutes=i))
        vt = visitor_token(world, visitor_id=f"v_{i}")
        conversation_id = open_conversation(world, vt, visitor_id=f"v_{i}")
        conversations.append((conversation_id, vt))
        clock.at(t0 + timedelta(minutes=i, seconds=10))
        send(world, conversation_id, "question", headers=as_visitor(vt))
    first_id, first_vt = conversations[0]
    clock.at(t0 + timedelta(minutes=3))
    world.call("PATCH", f"/api/v1/conversations/{first_id}/assign", {"agent_id": world.bob.agent_id}, token=bob)
    clock.at(t0 + timedelta(minutes=3, seconds=30))  # 200 s after the visitor's question (14:00:10)
    answer = data(send(world, first_id, "answer 1", token=bob), 201)
    assert _utc(answer["created_at"]) == t0 + timedelta(seconds=210)  # the app reads the frozen clock
    clock.at(t0 + timedelta(minutes=4))
    send(world, first_id, "answer 2", token=bob)  # not a first response: changes no average
    clock.at(t0 + timedelta(minutes=20))  # 1200 s after the conversation opened (14:00:00)
    closed = data(world.call("PATCH", f"/api/v1/conversations/{first_id}/close", {}, token=bob))
    assert _utc(closed["closed_at"]) == t0 + timedelta(seconds=1200)
    clock.at(t0 + timedelta(minutes=21))
    rated = world.call("POST", f"/api/v1/conversations/{first_id}/rating", {"rating": 4}, headers=as_visitor(first_vt))
    assert data(rated) == {"conversation_id": first_id, "rating": 4}
    assert error(world.call("POST", f"/api/v1/conversations/{first_id}/rating", {"rating": 5},
                            headers=as_visitor(first_vt)), 409)
    assert error(world.call("POST", f"/api/v1/conversations/{conversations[1][0]}/rating", {"rating": 9},
                            headers=as_visitor(conversations[1][1])), 400)

    clock.at(t0 + timedelta(minutes=25))
    dash = data(world.call("GET", "/api/v1/analytics/dashboard?site_id=site_a&period=today", token=bob))
    assert dash["total_conversations"] == 3 and dash["active_conversations"] == 2
    assert dash["messages_sent"] == 5 and dash["customer_satisfaction"] == 4.0
    assert dash["average_response_time"] == 200  # one first response, 14:00:10 -> 14:03:30
    assert dash["conversations_by_hour"] == [{"hour": 14, "count": 3}]
    assert data(world.call("GET", "/api/v1/analytics/dashboard?site_id=site_a&period=month", token=bob))[
        "total_conversations"] == 3
    assert error(world.call("GET", "/api/v1/analytics/dashboard?site_id=site_a&period=year", token=bob), 400)
    assert error(world.call("GET", "/api/v1/analytics/dashboard?site_id=site_b", token=bob), 403)

    mine = data(world.call("GET", f"/api/v1/analytics/agents/{world.bob.agent_id}?period=week", token=bob))
    assert mine["agent_id"] == world.bob.agent_id and mine["conversations_handled"] == 1
    assert mine["messages_sent"] == 2 and mine["customer_satisfaction"] == 4.0
    assert mine["average_response_time"] == 200
    assert mine["average_resolution_time"] == 1200  # opened 14:00:00, closed 14:20:00
    alice = world.token("alice", "site_a")
    assert data(world.call("GET", f"/api/v1/analytics/agents/{world.bob.agent_id}", token=alice))["messages_sent"] == 2
    assert error(world.call("GET", f"/api/v1/analytics/agents/{world.alice.agent_id}", token=bob), 404)
    assert error(world.call("GET", f"/api/v1/analytics/agents/{world.bob.agent_id}",
                            token=world.token("carol", "site_b")), 404)


# -- tenancy ------------------------------------------------------------------------------------

def test_other_sites_and_other_visitors_see_nothing(world):
    vt = visitor_token(world)
    conversation_id = open_conversation(world, vt)
    send(world, conversation_id, "private", headers=as_visitor(vt))
    other_visitor = as_visitor(visitor_token(world, visitor_id="v_2", name="Mallory"))
    carol = world.token("carol", "site_b")
    for headers, token in ((other_visitor, None), (None, carol)):
        kw = {"headers": headers, "token": token}
        assert world.call("GET", f"/api/v1/conversations/{conversation_id}", **kw).status_code == 404
        assert world.call("GET", f"/api/v1/messages?conversation_id={conversation_id}", **kw).status_code == 404
        assert world.call("GET", f"/api/v1/messages?conversation_id={conversation_id}&before=msg_2_x",
                          **kw).status_code == 404
        assert send(world, conversation_id, "intrusion", **kw).status_code == 404
        assert world.call("POST", "/api/v1/messages/read", {"conversation_id": conversation_id}, **kw).status_code == 404
        assert world.call("POST", "/api/v1/typing", {"conversation_id": conversation_id, "is_typing": True},
                          **kw).status_code == 404
    assert world.call("PATCH", f"/api/v1/conversations/{conversation_id}/close", {}, token=carol).status_code == 404
    assert world.call("PATCH", f"/api/v1/conversations/{conversation_id}/assign", {"agent_id": world.carol.agent_id},
                      token=carol).status_code == 404
    bob = world.token("bob", "site_a")
    still = data(world.call("GET", f"/api/v1/conversations/{conversation_id}", token=bob))
    assert still["status"] == "active" and [m["content"] for m in still["messages"]] == ["private"]
    assert still["assigned_agent"] is None


def test_domain_open_conversation_returns_its_event(world):
    principal = AgentPrincipal(agent=tenants.get_agent(world.bob.agent_id), session_id="s")
    visitor_token(world)
    outcome = inbox.open_conversation(principal, "site_a", "v_1")
    assert [e.name for e in outcome.events] == [ev.CONVERSATION_CREATED]
    assert outcome.events[0].payload["visitor"] == {"id": "v_1", "name": "John Doe"}
