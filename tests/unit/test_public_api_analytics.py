"""Seed 003 agent stats and analytics (issue 19): the figures equal what the test made happen, over
two periods so the trends are checked, read from day counters (one Query, no chat read)."""
import json
from datetime import datetime, timedelta, timezone

import botocore.client
import pytest

from tests.unit.chat_helpers import as_visitor, open_conversation, send
from tests.unit.identity_fixtures import world  # noqa: F401  (fixture)
from tests.unit.test_conversations_api import _freeze_app_clock
from tests.unit.test_public_api_chats import issue_key, register, v1_error

PREVIOUS = datetime(2026, 1, 25, 10, 0, tzinfo=timezone.utc)  # in 2026-01-22..2026-01-31
CURRENT = datetime(2026, 2, 5, 10, 0, tzinfo=timezone.utc)  # in 2026-02-01..2026-02-10
PERIOD = "from=2026-02-01&to=2026-02-10"


@pytest.fixture
def history(world, monkeypatch):
    """What happened, minute by minute (the app's clock is the test's):

    before (Jan 25): p1, p2 opened; p1's visitor writes at +10 s, bob answers at +210 s (200 s),
      bob closes p1 at +10 min.
    now (Feb 5): c1, c2, c3 opened; each visitor writes at +10 s.
      c1: bob, answers at +60 s (50 s), closes at +20 min; rated 5.
      c2: bob, then handed to alice, who answers at +160 s (150 s) and closes at +30 min; rated 3.
      c3: nobody answers yet; assigned to bob at the end.
    """
    clock = _freeze_app_clock(monkeypatch, PREVIOUS)
    key = issue_key(world)

    def at(moment, seconds):
        clock.at(moment + timedelta(seconds=seconds))

    def patch(chat_id, body):
        response = world.call("PATCH", f"/v1/chats/{chat_id}", body, token=key)
        assert response.status_code == 200, response.body

    def answer(chat_id, agent):
        response = world.call("POST", f"/v1/chats/{chat_id}/messages", {"text": "hi", "agent_id": agent.agent_id},
                              token=key)
        assert response.status_code == 201, response.body

    def opened(name):
        token = register(world, name)
        chat_id = open_conversation(world, token, visitor_id=name)
        return chat_id, token

    at(PREVIOUS, 0)
    p1, p1_token = opened("p1")
    opened("p2")
    at(PREVIOUS, 10)
    send(world, p1, "help", headers=as_visitor(p1_token))
    patch(p1, {"assigned_to": world.bob.agent_id})
    at(PREVIOUS, 210)
    answer(p1, world.bob)
    at(PREVIOUS, 600)
    patch(p1, {"status": "closed"})

    at(CURRENT, 0)
    (c1, c1_token), (c2, c2_token), (c3, c3_token) = opened("c1"), opened("c2"), opened("c3")
    at(CURRENT, 10)
    for chat_id, token in ((c1, c1_token), (c2, c2_token), (c3, c3_token)):
        send(world, chat_id, "help", headers=as_visitor(token))
    patch(c1, {"assigned_to": world.bob.agent_id})
    patch(c2, {"assigned_to": world.bob.agent_id})
    patch(c2, {"assigned_to": world.alice.agent_id})
    at(CURRENT, 60)
    answer(c1, world.bob)
    at(CURRENT, 160)
    answer(c2, world.alice)
    at(CURRENT, 1200)
    patch(c1, {"status": "closed"})
    at(CURRENT, 1800)
    patch(c2, {"status": "closed"})
    at(CURRENT, 1900)
    for chat_id, token, stars in ((c1, c1_token, 5), (c2, c2_token, 3)):
        rated = world.call("POST", f"/api/v1/conversations/{chat_id}/rating", {"rating": stars},
                           headers=as_visitor(token))
        assert rated.status_code == 200, rated.body
    patch(c3, {"assigned_to": world.bob.agent_id})
    at(CURRENT + timedelta(days=6), 0)  # asked on Feb 11
    return key


def get(world, key, path):
    response = world.call("GET", path, token=key)
    assert response.status_code == 200, response.body
    return response.json_body


def test_overview_figures_and_trends_equal_what_happened(world, history):
    body = get(world, history, f"/v1/analytics/overview?{PERIOD}")
    assert body["period"] == {"from": "2026-02-01", "to": "2026-02-10"}
    assert body["metrics"] == {
        "total_chats": 3,
        "avg_response_time_seconds": 100,  # (50 + 150) / 2
        "avg_resolution_time_minutes": 25.0,  # (20 + 30) / 2
        "csat_score": 4.0,  # (5 + 3) / 2
        "first_contact_resolution_rate": 0.5,  # c1 by bob alone; c2 handed from bob to alice
        "resolved_chats": 2,
        "csat_responses": 2,
    }
    # Before: 2 chats, one first response of 200 s.
    assert body["trends"] == {"chats_change_percent": 50.0, "response_time_change_percent": -50.0}
    assert body["previous_period"] == {"from": "2026-01-22", "to": "2026-01-31"}

    before = get(world, history, "/v1/analytics/overview?from=2026-01-22&to=2026-01-31")["metrics"]
    assert (before["total_chats"], before["avg_response_time_seconds"], before["avg_resolution_time_minutes"],
            before["first_contact_resolution_rate"], before["csat_score"]) == (2, 200, 10.0, 1.0, 0)
    # The default period is the 30 days up to today (Feb 11): both periods' chats.
    assert get(world, history, "/v1/analytics/overview")["metrics"]["total_chats"] == 5
    assert get(world, history, f"/v1/analytics/overview?{PERIOD}&workspace_id=site_a")["metrics"]["total_chats"] == 3


def test_agent_stats_and_performance_equal_what_each_agent_did(world, history):
    bob = get(world, history, f"/v1/agents/{world.bob.agent_id}/stats?{PERIOD}")
    assert bob == {"agent_id": world.bob.agent_id, "period": {"from": "2026-02-01", "to": "2026-02-10"}, "stats": {
        "total_chats": 3, "resolved_chats": 1, "avg_response_time_seconds": 50,
        "avg_resolution_time_minutes": 20.0, "csat_score": 5.0, "csat_responses": 1}}
    alice = get(world, history, f"/v1/agents/{world.alice.agent_id}/stats?{PERIOD}")["stats"]
    assert alice == {"total_chats": 1, "resolved_chats": 1, "avg_response_time_seconds": 150,
                     "avg_resolution_time_minutes": 30.0, "csat_score": 3.0, "csat_responses": 1}
    earlier = get(world, history, f"/v1/agents/{world.bob.agent_id}/stats?from=2026-01-22&to=2026-01-31")["stats"]
    assert (earlier["total_chats"], earlier["resolved_chats"], earlier["avg_response_time_seconds"]) == (1, 1, 200)

    def order(sort_by):
        rows = get(world, history, f"/v1/analytics/agents?{PERIOD}&sort_by={sort_by}")["data"]
        return [(r["name"], r["total_chats"], r["csat_score"], r["avg_response_time_seconds"]) for r in rows]

    assert order("total_chats") == [("bob", 3, 5.0, 50), ("alice", 1, 3.0, 150)]
    assert order("csat_score") == [("bob", 3, 5.0, 50), ("alice", 1, 3.0, 150)]
    assert order("response_time") == [("bob", 3, 5.0, 50), ("alice", 1, 3.0, 150)]
    row = get(world, history, f"/v1/analytics/agents?{PERIOD}")["data"][1]
    assert row == {"agent_id": world.alice.agent_id, "name": "alice", "total_chats": 1, "resolved_chats": 1,
                   "avg_response_time_seconds": 150, "avg_resolution_time_minutes": 30.0, "csat_score": 3.0,
                   "csat_responses": 1}

    # The agents list counts what is assigned now: bob has c3 open, p1 and c1 closed; alice closed c2.
    listed = {a["name"]: (a["active_chats"], a["total_chats"]) for a in get(world, history, "/v1/agents")["data"]}
    assert listed == {"bob": (1, 3), "alice": (0, 1)}


def test_a_period_is_read_with_one_query_and_no_chat(world, history, monkeypatch):
    calls = []
    original = botocore.client.BaseClient._make_api_call

    def counting(self, operation, params):
        if self.meta.service_model.service_name == "dynamodb":
            calls.append((operation, json.dumps(params, default=str)))
        return original(self, operation, params)

    monkeypatch.setattr(botocore.client.BaseClient, "_make_api_call", counting)
    get(world, history, "/v1/analytics/overview?from=2025-02-11&to=2026-02-10")  # 366 days, and 366 before
    assert [op for op, _ in calls].count("Query") == 1
    assert not any(op == "Scan" or "CONV#" in text for op, text in calls), calls
    calls.clear()
    get(world, history, f"/v1/analytics/agents?{PERIOD}")
    assert [op for op, _ in calls].count("Query") == 3  # the members, then one per agent
    assert not any(op == "Scan" or "CONV#" in text for op, text in calls), calls


def test_bad_periods_other_workspaces_and_unknown_agents_are_refused(world, history):
    for path in ("/v1/analytics/overview?from=2026-02-10&to=2026-02-01",
                 "/v1/analytics/overview?from=2025-01-01&to=2026-02-10",
                 "/v1/analytics/overview?from=last-week",
                 "/v1/analytics/agents?sort_by=name",
                 f"/v1/agents/{world.bob.agent_id}/stats?to=2026-02-30",
                 "/v1/analytics/overview?period=month"):
        assert v1_error(world.call("GET", path, token=history), 400) == "REQ-001", path
    assert v1_error(world.call("GET", "/v1/analytics/overview?workspace_id=site_b", token=history), 403) == "AUTH-004"
    assert v1_error(world.call("GET", f"/v1/agents/{world.carol.agent_id}/stats", token=history), 404) == "RES-001"
    key_b = issue_key(world, "site_b", "carol")
    assert v1_error(world.call("GET", f"/v1/agents/{world.bob.agent_id}/stats", token=key_b), 404) == "RES-001"
    assert get(world, key_b, f"/v1/analytics/overview?{PERIOD}")["metrics"]["total_chats"] == 0
