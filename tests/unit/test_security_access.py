"""Issue 23, findings 2-4: access that was never given is refused, and access taken away ends.

- 2: an agent joins a site only by accepting an invitation (or by being created into it by the
  site's admin); per-agent figures are per site.
- 3: logout, removal from a site and suspension close the agent's sockets, and fan-out checks
  membership and the site's status when it sends: nothing is pushed after the answer. The
  sockets here "stay open": the recorder below never refuses a post, so only Parley itself
  can keep frames from reaching them.
- 4: a suspended site's old tokens, logins, API keys, sockets, visitor registration and widget
  answer 403 SITE_SUSPENDED in each surface's error shape, at most the cache TTL late.
"""
import json
from contextlib import contextmanager

import botocore.client
import pytest

from chalicelib.model import events as ev
from chalicelib.realtime import fanout
from chalicelib.settings import SettingsError, get_settings, load_settings
from chalicelib.store import connections, tenants, visitors
from tests.unit.chat_helpers import as_visitor, data, error, open_conversation, send, visitor_token
from tests.unit.identity_fixtures import PASSWORD, world  # noqa: F401  (fixture)
from tests.unit.test_realtime import ws_connect, ws_disconnect
from tests.unit.wire import Wire, install


@pytest.fixture
def wire(monkeypatch):
    """@connections whose sockets never go away: every post is recorded and succeeds, even after
    a DeleteConnection (which is recorded too)."""
    return install(monkeypatch, Wire(drop_on_close=False))


@contextmanager
def dynamodb_calls(monkeypatch):
    """The DynamoDB operations made inside the block, by name."""
    calls = []
    original = botocore.client.BaseClient._make_api_call

    def counting(self, operation, params):
        if self.meta.service_model.service_name == "dynamodb":
            calls.append(operation)
        return original(self, operation, params)

    monkeypatch.setattr(botocore.client.BaseClient, "_make_api_call", counting)
    try:
        yield calls
    finally:
        monkeypatch.setattr(botocore.client.BaseClient, "_make_api_call", original)


def agent_socket(token, site_id="site_a"):
    connection_id, result = ws_connect(site_id=site_id, role="support", token=token)
    assert result["statusCode"] == 200, result
    return connection_id


def visitor_socket(world, visitor_id="v_1", site_id="site_a"):
    token = visitor_token(world, visitor_id, site_id)
    connection_id, result = ws_connect(site_id=site_id, role="visitor", token=token, visitor_id=visitor_id)
    assert result["statusCode"] == 200, result
    return connection_id, token


def member_ids(world, site_id, token):
    listed = data(world.call("GET", f"/api/v1/agents?site_id={site_id}", token=token))["agents"]
    return sorted(a["id"] for a in listed)


def new_agent(world, admin_token, username, site_id, email, role="support_agent"):
    created = world.call("POST", "/api/v1/admin/agents", {"username": username, "password": PASSWORD, "email": email,
                                                          "role": role, "site_ids": [site_id]}, token=admin_token)
    return data(created, 201)


# -- finding 2: joining a site --------------------------------------------------------------------

def test_finding_2_an_admin_cannot_pull_another_tenants_agent_into_their_site(world):
    alice, carol = world.token("alice", "site_a"), world.token("carol", "site_b")
    dave = new_agent(world, carol, "dave", "site_b", "dave@b.example")
    for agent_id in (dave["id"], world.carol.agent_id, "agent_nobody"):
        response = world.call("PUT", f"/api/v1/admin/sites/site_a/agents/{agent_id}", token=alice)
        assert error(response, 404) == "NOT_FOUND"  # the same answer as for an id that does not exist
    # Nothing changed: dave and carol are on site_b only, and site_a's roster is as it was.
    assert tenants.get_agent(dave["id"]).site_ids == ("site_b",)
    assert tenants.get_agent(world.carol.agent_id).site_ids == ("site_b",)
    assert member_ids(world, "site_a", alice) == sorted([world.alice.agent_id, world.bob.agent_id])
    assert world.call("POST", "/api/v1/auth/support/login",
                      {"username": "dave", "password": PASSWORD, "site_id": "site_a"}).status_code == 401
    # ... and site_a's admin sees none of their figures.
    assert error(world.call("GET", f"/api/v1/analytics/agents/{dave['id']}", token=alice), 404) == "NOT_FOUND"
    # An agent created into the admin's own site may be added back after a removal.
    eve = new_agent(world, alice, "eve", "site_a", "eve@a.example")
    world.call("DELETE", f"/api/v1/admin/sites/site_a/agents/{eve['id']}", token=alice)
    assert data(world.call("PUT", f"/api/v1/admin/sites/site_a/agents/{eve['id']}", token=alice))["site_ids"] == [
        "site_a"]


def test_finding_2_an_agent_joins_another_site_by_accepting_an_invitation(world):
    alice, carol = world.token("alice", "site_a"), world.token("carol", "site_b")
    new_agent(world, carol, "dave", "site_b", "Dave@B.example")
    invited = data(world.call("POST", "/api/v1/admin/sites/site_a/invitations", {"email": "dave@b.example"},
                              token=alice), 201)
    assert (invited["site_id"], invited["email"], invited["role"], invited["status"]) == (
        "site_a", "dave@b.example", "support_agent", "pending")
    # Only admins of the site invite; another site's admin, or a support agent, cannot.
    assert error(world.call("POST", "/api/v1/admin/sites/site_a/invitations", {"email": "x@y.io"}, token=carol),
                 404) == "NOT_FOUND"
    assert error(world.call("POST", "/api/v1/admin/sites/site_a/invitations", {"email": "x@y.io"},
                            token=world.token("bob", "site_a")), 403) == "FORBIDDEN"
    assert error(world.call("POST", "/api/v1/admin/sites/site_a/invitations", {"email": "nope"}, token=alice),
                 400) == "VALIDATION_ERROR"
    # Knowing the invitation's id is not enough: only the invited account can accept it.
    for other in (carol, world.token("bob", "site_a")):
        assert error(world.call("POST", f"/api/v1/invitations/{invited['id']}/accept", token=other), 404) == "NOT_FOUND"
    assert data(world.call("GET", "/api/v1/agents/me/invitations", token=carol))["invitations"] == []

    dave = world.token("dave", "site_b")
    mine = data(world.call("GET", "/api/v1/agents/me/invitations", token=dave))["invitations"]
    assert [(i["id"], i["site_id"], i["site_name"]) for i in mine] == [(invited["id"], "site_a", "Shop A")]
    accepted = data(world.call("POST", f"/api/v1/invitations/{invited['id']}/accept", token=dave))
    assert accepted["user"]["site_ids"] == ["site_b", "site_a"] and accepted["invitation"]["status"] == "accepted"
    assert world.login("dave", "site_a")["user"]["username"] == "dave"
    assert data(world.call("POST", f"/api/v1/invitations/{invited['id']}/accept", token=dave))["user"][
        "site_ids"] == ["site_b", "site_a"]  # accepting twice is accepting once
    assert data(world.call("GET", "/api/v1/agents/me/invitations", token=dave))["invitations"] == []

    # Roles belong to accounts: an admin's account cannot join as a support agent, nor the reverse.
    as_agent = data(world.call("POST", "/api/v1/admin/sites/site_a/invitations", {"email": "carol@b.example"},
                               token=alice), 201)
    assert error(world.call("POST", f"/api/v1/invitations/{as_agent['id']}/accept", token=carol), 409) == "CONFLICT"
    assert tenants.get_agent(world.carol.agent_id).site_ids == ("site_b",)
    # A revoked invitation is spent; another site's admin cannot revoke (or see) it.
    revoked_later = data(world.call("POST", "/api/v1/admin/sites/site_a/invitations",
                                    {"email": "carol@b.example", "role": "admin"}, token=alice), 201)
    assert error(world.call("DELETE", f"/api/v1/admin/sites/site_b/invitations/{revoked_later['id']}", token=carol),
                 404) == "NOT_FOUND"
    listed = data(world.call("GET", "/api/v1/admin/sites/site_a/invitations", token=alice))["invitations"]
    assert {i["id"] for i in listed} == {invited["id"], as_agent["id"], revoked_later["id"]}
    assert data(world.call("DELETE", f"/api/v1/admin/sites/site_a/invitations/{revoked_later['id']}",
                           token=alice))["status"] == "revoked"
    assert error(world.call("POST", f"/api/v1/invitations/{revoked_later['id']}/accept", token=carol),
                 409) == "CONFLICT"
    assert tenants.get_agent(world.carol.agent_id).site_ids == ("site_b",)


def test_finding_2_an_agents_figures_are_per_site(world):
    alice, carol = world.token("alice", "site_a"), world.token("carol", "site_b")
    dave_id = new_agent(world, carol, "dave", "site_b", "dave@b.example")["id"]
    invitation = data(world.call("POST", "/api/v1/admin/sites/site_a/invitations", {"email": "dave@b.example"},
                                 token=alice), 201)
    world.call("POST", f"/api/v1/invitations/{invitation['id']}/accept", token=world.token("dave", "site_b"))
    dave = world.token("dave", "site_a")
    for site_id, replies in (("site_a", 1), ("site_b", 3)):
        token = visitor_token(world, "v_1", site_id)
        conversation_id = open_conversation(world, token, site_id=site_id)
        send(world, conversation_id, "hello", headers=as_visitor(token))
        for i in range(replies):
            assert send(world, conversation_id, f"reply {i}", token=dave).status_code == 201

    def figures(token):
        return data(world.call("GET", f"/api/v1/analytics/agents/{dave_id}?period=today", token=token))

    assert figures(alice)["messages_sent"] == 1  # site_a's admin: dave's work on site_a only
    assert figures(carol)["messages_sent"] == 3  # site_b's admin: on site_b only
    assert figures(dave)["messages_sent"] == 4  # dave: all of his own


# -- finding 3: access taken away ends on the sockets ---------------------------------------------

def test_finding_3_logout_closes_the_sessions_sockets_and_nothing_is_pushed_after(world, wire):
    first, second = world.login("bob", "site_a"), world.login("bob", "site_a")
    ended = agent_socket(first["token"])
    other_device = agent_socket(second["token"])
    _, visitor = visitor_socket(world)
    conversation_id = open_conversation(world, visitor)

    assert world.call("POST", "/api/v1/auth/logout", token=first["token"]).status_code == 200
    assert wire.closed == [ended]  # DeleteConnection for the session's socket, not the other device's
    before = len(wire.frames[ended])
    assert send(world, conversation_id, "still there?", headers=as_visitor(visitor)).status_code == 201
    assert len(wire.frames[ended]) == before  # no push after logout's answer, though the socket stayed open
    assert [f["message"] for f in wire.of(other_device, "message")] == ["still there?"]
    # API Gateway then runs $disconnect for the closed socket: its record is dropped as usual.
    ws_disconnect(ended)
    assert connections.get_connection(ended) is None


def test_finding_3_removal_from_a_site_closes_the_agents_sockets_there(world, wire):
    bob = agent_socket(world.token("bob", "site_a"))
    watcher = agent_socket(world.token("alice", "site_a"))
    _, visitor = visitor_socket(world)
    conversation_id = open_conversation(world, visitor)
    removed = world.call("DELETE", f"/api/v1/admin/sites/site_a/agents/{world.bob.agent_id}",
                         token=world.token("alice", "site_a"))
    assert removed.status_code == 200 and wire.closed == [bob]
    before = len(wire.frames[bob])
    send(world, conversation_id, "anyone?", headers=as_visitor(visitor))
    assert len(wire.frames[bob]) == before
    assert [f["message"] for f in wire.of(watcher, "message")] == ["anyone?"]
    ws_disconnect(bob)  # the $disconnect API Gateway sends after DeleteConnection
    assert tenants.get_agent(world.bob.agent_id).status == "offline"


def test_finding_3_suspension_closes_the_sites_sockets_and_fanout_checks_before_it_sends(world, wire, monkeypatch):
    bob = agent_socket(world.token("bob", "site_a"))
    tab, visitor = visitor_socket(world)
    carol = agent_socket(world.token("carol", "site_b"), "site_b")
    conversation_id = open_conversation(world, visitor)
    event = ev.Event(ev.MESSAGE_CREATED, "site_a", {
        "conversation": {"id": conversation_id, "visitor_id": "v_1"},
        "message": {"id": "msg_9", "seq": 9, "from": "visitor", "type": "text", "content": "late",
                    "sender": {"id": "v_1", "name": "J"}, "created_at": "now", "metadata": {}}}, conversation_id)

    # Fan-out asks, at most once per event, whether each agent is still a member and the site active.
    tenants.remove_membership(tenants.get_agent(world.bob.agent_id), "site_a")  # behind the domain's back
    with dynamodb_calls(monkeypatch) as calls:
        delivery = fanout.deliver(event)
    assert calls.count("BatchGetItem") == 1 and calls.count("Query") == 2
    assert [r.connection_id for r in delivery.posted] == [tab] and wire.of(bob, "message") == []

    suspended = world.call("PATCH", "/api/v1/admin/sites/site_a", {"status": "suspended"},
                           token=world.token("alice", "site_a"))
    assert suspended.status_code == 200
    assert sorted(wire.closed) == sorted([bob, tab]) and carol not in wire.closed
    counts = {c: len(wire.frames[c]) for c in (bob, tab)}
    tenants.add_membership(tenants.get_agent(world.bob.agent_id), "site_a")
    connections.save_connection(connections.get_connection(bob), ["site#site_a#agents"])  # a straggler row
    assert fanout.deliver(event).posted == []  # a suspended site's events reach nobody
    assert {c: len(wire.frames[c]) for c in (bob, tab)} == counts


# -- finding 4: suspension is enforced everywhere -------------------------------------------------

def suspended_403(response, code_path=("error", "code")):
    assert response.status_code == 403, response.body
    body = response.json_body
    for part in code_path:
        body = body[part]
    return body


def test_finding_4_a_suspended_site_refuses_every_entry_point(world, wire):
    alice = world.token("alice", "site_a")
    bob = world.login("bob", "site_a")
    key = data(world.call("POST", "/api/v1/admin/sites/site_a/api-keys", {"name": "crm"}, token=alice), 201)["key"]
    world.call("PATCH", "/api/v1/admin/sites/site_a", {"widget_config": {"offline_message": "Back soon"}}, token=alice)
    visitor = visitor_token(world)
    assert world.call("GET", "/v1/widget/config", token=key).status_code == 200

    assert world.call("PATCH", "/api/v1/admin/sites/site_a", {"status": "suspended"}, token=alice).status_code == 200

    old_token = world.call("GET", "/api/v1/conversations?site_id=site_a", token=bob["token"])
    assert suspended_403(old_token) == "SITE_SUSPENDED" and "suspended" in old_token.json_body["error"]["message"]
    assert world.call("GET", "/api/v1/auth/validate", token=bob["token"]).json_body["error"]["code"] == "SITE_SUSPENDED"
    assert suspended_403(world.call("POST", "/api/v1/auth/refresh", {"refresh_token": bob["refresh_token"]})) == \
        "SITE_SUSPENDED"
    assert suspended_403(world.call("POST", "/api/v1/auth/support/login",
                                    {"username": "bob", "password": PASSWORD, "site_id": "site_a"})) == "SITE_SUSPENDED"
    assert suspended_403(world.call("POST", "/api/v1/agent/auth/login", {"username": "bob", "password": PASSWORD}),
                         ("code",)) == "SITE_SUSPENDED"  # seed 004's shape
    api = world.call("GET", "/v1/widget/config", token=key)
    assert suspended_403(api) == "SITE_SUSPENDED" and api.json_body["error"]["request_id"]  # seed 003's shape
    registration = world.call("POST", "/api/v1/visitors", {"site_id": "site_a", "visitor_id": "v_new", "name": "N"})
    assert suspended_403(registration) == "SITE_SUSPENDED"
    assert registration.json_body["error"]["details"] == {"offline_message": "Back soon"}  # what the widget shows
    assert suspended_403(world.call("GET", "/api/v1/sites/site_a", headers=as_visitor(visitor))) == "SITE_SUSPENDED"
    assert suspended_403(world.call("POST", "/api/v1/conversations", {"site_id": "site_a", "visitor_id": "v_1"},
                                    headers=as_visitor(visitor))) == "SITE_SUSPENDED"
    for query in ({"role": "support", "token": bob["token"]},
                  {"role": "visitor", "token": visitor, "visitor_id": "v_1"}):
        _, result = ws_connect(site_id="site_a", **query)
        assert result["statusCode"] == 403 and json.loads(result["body"])["error"]["code"] == "SITE_SUSPENDED"
    assert visitors.get_visitor("site_a", "v_new") is None  # nothing was written

    # The site's admin still reaches its admin routes (to lift it); the rest of its console is closed.
    assert suspended_403(world.call("GET", "/api/v1/conversations?site_id=site_a", token=alice)) == "SITE_SUSPENDED"
    assert world.call("PATCH", "/api/v1/admin/sites/site_a", {"status": "active"}, token=alice).status_code == 200
    assert world.call("GET", "/api/v1/conversations?site_id=site_a", token=bob["token"]).status_code == 200
    assert world.call("GET", "/v1/widget/config", token=key).status_code == 200
    # site_b never noticed.
    assert world.call("GET", "/api/v1/sites/site_b", token=world.token("carol", "site_b")).status_code == 200


def test_finding_4_suspension_reaches_other_processes_within_the_cache_ttl(world, monkeypatch):
    from chalicelib.domain import suspension

    ttl = get_settings().site_status_cache_seconds
    assert 0 < ttl <= 60
    bob = world.token("bob", "site_a")
    assert world.call("GET", "/api/v1/auth/validate", token=bob).status_code == 200  # status now cached
    tenants.update_site("site_a", {"status": "suspended"})  # as another process (container) would
    read_at = suspension._cache["site_a"][0]
    clock = [read_at + ttl - 1]
    monkeypatch.setattr(suspension, "_clock", lambda: clock[0])
    assert world.call("GET", "/api/v1/auth/validate", token=bob).status_code == 200  # still within the TTL
    clock[0] = read_at + ttl + 1
    assert world.call("GET", "/api/v1/auth/validate", token=bob).json_body["error"]["code"] == "SITE_SUSPENDED"
    with pytest.raises(SettingsError):
        load_settings({"PARLEY_SITE_STATUS_CACHE_SECONDS": "61"})
