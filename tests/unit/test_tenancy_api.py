"""Seed 000 sections 2, 3, 10, the admin endpoints, seed 004's agent APIs and seed 003's API-key auth."""
import dataclasses

import pytest

from chalicelib.settings import get_settings
from tests.unit.identity_fixtures import PASSWORD, world  # noqa: F401


def code(response):
    body = response.json_body
    return body["error"]["code"] if "success" in body else body.get("code") or body["error"]["code"]


# -- sites --------------------------------------------------------------------------------------

def test_site_details_and_list(world):
    token = world.token("bob", "site_a")
    site = world.call("GET", "/api/v1/sites/site_a", token=token)
    assert site.status_code == 200
    data = site.json_body["data"]
    assert (data["id"], data["name"], data["domain"], data["status"]) == ("site_a", "Shop A", "https://a.example", "active")
    assert data["widget_config"] == {} and data["created_at"].endswith("Z")
    listed = world.call("GET", "/api/v1/sites?page=1&limit=20", token=token).json_body["data"]
    assert listed["sites"] == [{"id": "site_a", "name": "Shop A", "domain": "https://a.example", "active_conversations": 0}]
    assert listed["pagination"] == {"page": 1, "limit": 20, "total": 1}
    assert world.call("GET", "/api/v1/sites?page=2", token=token).json_body["data"]["sites"] == []
    assert world.call("GET", "/api/v1/sites?limit=0", token=token).status_code == 400


def test_sites_of_another_tenant_are_not_found(world):
    token = world.token("bob", "site_a")
    response = world.call("GET", "/api/v1/sites/site_b", token=token)
    assert response.status_code == 404 and code(response) == "NOT_FOUND"
    assert world.call("GET", "/api/v1/sites/nope", token=token).status_code == 404


# -- visitors -----------------------------------------------------------------------------------

def register(world, visitor_id="v_uuid_12345", site_id="site_a", **extra):
    body = {"site_id": site_id, "visitor_id": visitor_id, "name": "John Doe", "email": "john@example.com",
            "metadata": {"page_url": "https://a.example/products"}, **extra}
    return world.call("POST", "/api/v1/visitors", body)


def test_register_visitor_then_again_returns_the_same_visitor(world):
    first = register(world)
    assert first.status_code == 201
    data = first.json_body["data"]
    assert data["visitor_id"] == "v_uuid_12345" and data["name"] == "John Doe"
    assert data["id"].startswith("visitor_") and data["session_token"] and data["created_at"].endswith("Z")
    # Again as that visitor (issue 23 #1: a taken visitor_id needs its token; without it, 409).
    again = world.call("POST", "/api/v1/visitors", {"site_id": "site_a", "visitor_id": "v_uuid_12345",
                       "name": "Johnny", "email": "john@example.com"},
                       headers={"X-Visitor-Token": data["session_token"]})
    assert again.status_code == 200
    assert again.json_body["data"]["id"] == data["id"]
    assert again.json_body["data"]["name"] == "Johnny"


def test_visitor_registration_validation(world):
    assert register(world, site_id="nope").status_code == 404
    assert register(world, email="not-an-email").status_code == 400
    missing = world.call("POST", "/api/v1/visitors", {"site_id": "site_a", "visitor_id": "v"})
    assert missing.status_code == 400 and missing.json_body["error"]["details"] == {"field": "name"}
    assert register(world, metadata="x").status_code == 400


def test_visitor_details_active_list_and_tenancy(world):
    register(world)
    token = world.token("bob", "site_a")
    details = world.call("GET", "/api/v1/visitors/v_uuid_12345?site_id=site_a", token=token)
    assert details.status_code == 200
    data = details.json_body["data"]
    assert data["email"] == "john@example.com" and data["metadata"] == {"page_url": "https://a.example/products"}
    assert data["total_conversations"] == 0 and data["status"] == "online"
    assert data["first_seen"] and data["last_seen"]
    active = world.call("GET", "/api/v1/visitors/active?site_id=site_a", token=token).json_body["data"]
    assert active["total"] == 1
    assert active["visitors"][0]["visitor_id"] == "v_uuid_12345"
    assert active["visitors"][0]["current_page"] == "https://a.example/products"
    assert world.call("GET", "/api/v1/visitors/v_uuid_12345?site_id=site_b", token=token).status_code == 403
    assert world.call("GET", "/api/v1/visitors/active?site_id=site_b", token=token).status_code == 403
    assert world.call("GET", "/api/v1/visitors/nobody?site_id=site_a", token=token).status_code == 404
    assert world.call("GET", "/api/v1/visitors/v_uuid_12345", token=token).status_code == 400


def test_a_visitor_token_reads_its_own_site_only(world):
    token = register(world).json_body["data"]["session_token"]
    assert world.call("GET", "/api/v1/sites/site_a", headers={"X-Visitor-Token": token}).status_code == 200
    assert world.call("GET", "/api/v1/sites/site_b", headers={"X-Visitor-Token": token}).status_code == 404
    assert world.call("GET", "/api/v1/visitors/active?site_id=site_a",
                      headers={"X-Visitor-Token": token}).status_code == 401


# -- agents -------------------------------------------------------------------------------------

def test_list_agents_and_update_own_status(world):
    token = world.token("bob", "site_a")
    listed = world.call("GET", "/api/v1/agents?site_id=site_a", token=token).json_body["data"]["agents"]
    assert sorted(a["username"] for a in listed) == ["alice", "bob"]
    assert set(listed[0]) == {"id", "username", "email", "status", "active_conversations", "last_seen"}
    updated = world.call("PATCH", "/api/v1/agents/status", {"status": "online"}, token=token)
    assert updated.status_code == 200
    assert updated.json_body["data"]["status"] == "online" and updated.json_body["data"]["updated_at"]
    online = world.call("GET", "/api/v1/agents?site_id=site_a&status=online", token=token).json_body["data"]["agents"]
    assert [a["username"] for a in online] == ["bob"] and online[0]["last_seen"]
    assert world.call("GET", "/api/v1/agents?site_id=site_a&status=busy", token=token).status_code == 400
    assert world.call("GET", "/api/v1/agents?site_id=site_b", token=token).status_code == 403


def test_status_patch_refuses_mass_assignment(world):
    token = world.token("bob", "site_a")
    for sneaky in ({"status": "online", "role": "admin"}, {"status": "online", "site_ids": ["site_b"]}):
        response = world.call("PATCH", "/api/v1/agents/status", sneaky, token=token)
        assert response.status_code == 400 and code(response) == "VALIDATION_ERROR"
    me = world.call("GET", "/api/v1/auth/validate", token=token).json_body["data"]["user"]
    assert me["role"] == "support_agent"
    assert world.call("PATCH", "/api/v1/agents/status", {"status": "sleeping"}, token=token).status_code == 400


# -- administration -----------------------------------------------------------------------------

def test_admin_creates_a_site_and_an_agent_who_can_log_in(world):
    token = world.token("alice", "site_a")
    site = world.call("POST", "/api/v1/admin/sites", {"site_id": "site_new", "name": "New",
                                                      "widget_config": {"primary_color": "#000000"}}, token=token)
    assert site.status_code == 201 and site.json_body["data"]["widget_config"] == {"primary_color": "#000000"}
    assert world.call("POST", "/api/v1/admin/sites", {"site_id": "site_new", "name": "Again"}, token=token).status_code == 409
    created = world.call("POST", "/api/v1/admin/agents", {"username": "dave", "password": PASSWORD, "email": "d@x.io",
                                                          "site_ids": ["site_new", "site_a"]}, token=token)
    assert created.status_code == 201
    assert created.json_body["data"]["role"] == "support_agent"
    assert created.json_body["data"]["site_ids"] == ["site_new", "site_a"]
    assert world.login("dave", "site_new")["user"]["username"] == "dave"
    taken = world.call("POST", "/api/v1/admin/agents", {"username": "dave", "password": PASSWORD,
                                                        "site_ids": ["site_a"]}, token=token)
    assert taken.status_code == 409


def test_admin_updates_a_site_and_refuses_unknown_fields(world):
    token = world.token("alice", "site_a")
    patched = world.call("PATCH", "/api/v1/admin/sites/site_a", {"name": "Shop A+", "widget_config":
                                                                 {"welcome_message": "Hello"}}, token=token)
    assert patched.status_code == 200 and patched.json_body["data"]["name"] == "Shop A+"
    assert world.call("PATCH", "/api/v1/admin/sites/site_a", {"site_id": "x"}, token=token).status_code == 400
    assert world.call("PATCH", "/api/v1/admin/sites/site_a", {"status": "gone"}, token=token).status_code == 400
    assert world.call("PATCH", "/api/v1/admin/sites/site_a", {"widget_config": {"evil": 1}}, token=token).status_code == 400


def test_non_admins_and_foreign_admins_are_refused(world):
    bob = world.token("bob", "site_a")
    carol = world.token("carol", "site_b")
    assert world.call("POST", "/api/v1/admin/sites", {"site_id": "x_site", "name": "X"}, token=bob).status_code == 403
    assert world.call("PATCH", "/api/v1/admin/sites/site_a", {"name": "Mine"}, token=carol).status_code == 404
    assert world.call("POST", "/api/v1/admin/agents", {"username": "eve", "password": PASSWORD,
                                                       "site_ids": ["site_a"]}, token=carol).status_code == 403
    assert world.call("PUT", f"/api/v1/admin/sites/site_a/agents/{world.carol.agent_id}", token=carol).status_code == 404
    assert world.call("POST", "/api/v1/admin/sites/site_a/api-keys", {"name": "k"}, token=carol).status_code == 404
    assert world.call("GET", "/api/v1/admin/sites/site_a/api-keys", token=bob).status_code == 403


def test_admin_adds_and_removes_an_agent(world):
    alice = world.token("alice", "site_a")
    # Another tenant's agent joins only by accepting an invitation (issue 23, finding 2).
    assert world.call("PUT", f"/api/v1/admin/sites/site_a/agents/{world.carol.agent_id}", token=alice).status_code == 404
    removed = world.call("DELETE", f"/api/v1/admin/sites/site_a/agents/{world.bob.agent_id}", token=alice)
    assert removed.json_body["data"]["site_ids"] == []
    assert world.call("POST", "/api/v1/auth/support/login",
                      {"username": "bob", "password": PASSWORD, "site_id": "site_a"}).status_code == 401
    added = world.call("PUT", f"/api/v1/admin/sites/site_a/agents/{world.bob.agent_id}", token=alice)
    assert added.status_code == 200 and added.json_body["data"]["site_ids"] == ["site_a"]
    assert world.login("bob", "site_a")


# -- API keys and seed 003 ----------------------------------------------------------------------

def test_api_key_lifecycle_and_003_error_format(world):
    alice = world.token("alice", "site_a")
    created = world.call("POST", "/api/v1/admin/sites/site_a/api-keys", {"name": "CRM sync"}, token=alice)
    assert created.status_code == 201
    key = created.json_body["data"]["key"]
    key_id = created.json_body["data"]["id"]
    assert key.startswith("prl_live_") and created.json_body["data"]["prefix"] == key[:13]
    listed = world.call("GET", "/api/v1/admin/sites/site_a/api-keys", token=alice).json_body["data"]["api_keys"]
    assert [k["id"] for k in listed] == [key_id] and "key" not in listed[0]

    agents_003 = world.call("GET", "/v1/agents", token=key)
    assert agents_003.status_code == 200
    assert sorted(a["name"] for a in agents_003.json_body["data"]) == ["alice", "bob"]
    assert {a["role"] for a in agents_003.json_body["data"]} == {"admin", "operator"}
    assert agents_003.headers["X-RateLimit-Limit"] in {"100", "20"}
    assert "X-RateLimit-Remaining" in agents_003.headers and "X-RateLimit-Reset" in agents_003.headers
    assert world.call("GET", "/v1/widget/config", token=key).json_body["color"] == "#4F46E5"

    revoked = world.call("DELETE", f"/api/v1/admin/sites/site_a/api-keys/{key_id}", token=alice)
    assert revoked.json_body["data"]["active"] is False
    refused = world.call("GET", "/v1/agents", token=key)
    assert refused.status_code == 401
    error = refused.json_body["error"]
    assert error["code"] == "AUTH-002" and error["message_en"] == "API key has been revoked"
    assert error["request_id"].startswith("req_") and error["details"] == {}
    assert world.call("DELETE", "/api/v1/admin/sites/site_a/api-keys/key_nope", token=alice).status_code == 404


def test_agent_tokens_are_not_api_keys_and_keys_are_not_agent_tokens(world):
    alice = world.token("alice", "site_a")
    assert world.call("GET", "/v1/agents", token=alice).status_code == 401
    key = world.call("POST", "/api/v1/admin/sites/site_a/api-keys", {"name": "k"}, token=alice).json_body["data"]["key"]
    assert world.call("GET", "/api/v1/auth/validate", token=key).status_code == 401
    assert world.call("GET", "/v1/agents", token="prl_live_" + "x" * 43).status_code == 401


def test_003_messages_follow_the_workspace_language(world, monkeypatch):
    alice = world.token("alice", "site_a")
    world.call("PATCH", "/api/v1/admin/sites/site_a", {"widget_config": {"language": "uz"}}, token=alice)
    key = world.call("POST", "/api/v1/admin/sites/site_a/api-keys", {"name": "k"}, token=alice).json_body["data"]["key"]
    limits = dataclasses.replace(get_settings().rate_limits, api_key_burst_per_second=1)
    monkeypatch.setattr("chalicelib.domain.limits.get_settings",
                        lambda: dataclasses.replace(get_settings(), rate_limits=limits))
    monkeypatch.setattr("chalicelib.domain.limits.clock", lambda: 1_800_000_000.5)
    assert world.call("GET", "/v1/agents", token=key).status_code == 200
    limited = world.call("GET", "/v1/agents", token=key).json_body["error"]
    assert limited["message"] == "Juda ko'p so'rovlar" and limited["message_en"] == "Too many requests"


def test_api_key_burst_and_minute_windows(world, monkeypatch):
    alice = world.token("alice", "site_a")
    key = world.call("POST", "/api/v1/admin/sites/site_a/api-keys", {"name": "k"}, token=alice).json_body["data"]["key"]
    limits = dataclasses.replace(get_settings().rate_limits, api_key_burst_per_second=3)
    monkeypatch.setattr("chalicelib.domain.limits.get_settings",
                        lambda: dataclasses.replace(get_settings(), rate_limits=limits))
    monkeypatch.setattr("chalicelib.domain.limits.clock", lambda: 1_800_000_000.25)
    statuses = [world.call("GET", "/v1/agents", token=key).status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    last = world.call("GET", "/v1/agents", token=key)
    assert last.json_body["error"]["code"] == "RATE-001" and last.headers["Retry-After"] == "1"
    monkeypatch.setattr("chalicelib.domain.limits.clock", lambda: 1_800_000_001.5)  # next second
    assert world.call("GET", "/v1/agents", token=key).status_code == 200


# -- seed 004 agent APIs ------------------------------------------------------------------------

def test_004_register_login_me_presence(world):
    created = world.call("POST", "/api/v1/agent/register", {"username": "erin", "password": PASSWORD,
                                                            "email": "erin@a.example", "site_id": "site_a"})
    assert created.status_code == 201 and created.json_body["role"] == "support_agent"
    duplicate = world.call("POST", "/api/v1/agent/register", {"username": "erin", "password": PASSWORD,
                                                              "site_id": "site_a"})
    assert duplicate.status_code == 409 and duplicate.json_body["code"] == "CONFLICT"
    login = world.call("POST", "/api/v1/agent/auth/login", {"email": "erin@a.example", "password": PASSWORD})
    assert login.status_code == 200
    body = login.json_body
    assert body["token_type"] == "bearer" and body["expires_in"] == 3600 and body["agent"]["username"] == "erin"
    token = body["access_token"]
    me = world.call("GET", "/api/v1/agent/me", token=token)
    assert me.status_code == 200 and me.json_body["site_ids"] == ["site_a"] and me.json_body["status"] == "offline"
    presence = world.call("POST", "/api/v1/agent/presence", {"status": "away"}, token=token)
    assert presence.status_code == 200 and presence.json_body["status"] == "away"
    assert world.call("GET", "/api/v1/agent/me", token=token).json_body["status"] == "away"


def test_004_status_semantics(world):
    bad_status = world.call("POST", "/api/v1/agent/presence", {"status": "busy"}, token=world.token("bob", "site_a"))
    assert bad_status.status_code == 400 and bad_status.json_body["code"] == "VALIDATION_ERROR"
    assert "detail" in bad_status.json_body
    no_token = world.call("GET", "/api/v1/agent/me")
    assert no_token.status_code == 401 and no_token.json_body["code"] == "UNAUTHORIZED"
    wrong = world.call("POST", "/api/v1/agent/auth/login", {"username": "bob", "password": "nope-nope"})
    assert wrong.status_code == 401
    no_site = world.call("POST", "/api/v1/agent/register", {"username": "zed", "password": PASSWORD, "site_id": "nope"})
    assert no_site.status_code == 404
    escalate = world.call("POST", "/api/v1/agent/register", {"username": "zed", "password": PASSWORD,
                                                             "site_id": "site_a", "role": "admin"})
    assert escalate.status_code == 400
    short = world.call("POST", "/api/v1/agent/register", {"username": "zed", "password": "short", "site_id": "site_a"})
    assert short.status_code == 400


def test_004_registration_is_admin_gated_outside_local(world, monkeypatch):
    gated = dataclasses.replace(get_settings(), agent_registration="admin")
    monkeypatch.setattr("chalicelib.domain.agents.get_settings", lambda: gated)
    body = {"username": "gus", "password": PASSWORD, "site_id": "site_a"}
    assert world.call("POST", "/api/v1/agent/register", body).status_code == 401
    assert world.call("POST", "/api/v1/agent/register", body, token=world.token("bob", "site_a")).status_code == 403
    assert world.call("POST", "/api/v1/agent/register", body, token=world.token("carol", "site_b")).status_code == 404
    assert world.call("POST", "/api/v1/agent/register", body, token=world.token("alice", "site_a")).status_code == 201


# -- cross-site access on every route of this issue --------------------------------------------

@pytest.mark.parametrize("method,path,body", [
    ("GET", "/api/v1/sites/site_b", None),
    ("GET", "/api/v1/visitors/v_b?site_id=site_b", None),
    ("GET", "/api/v1/visitors/active?site_id=site_b", None),
    ("GET", "/api/v1/agents?site_id=site_b", None),
    ("PATCH", "/api/v1/admin/sites/site_b", {"name": "pwned"}),
    ("PUT", "/api/v1/admin/sites/site_b/agents/AGENT", None),
    ("DELETE", "/api/v1/admin/sites/site_b/agents/CAROL", None),
    ("POST", "/api/v1/admin/sites/site_b/api-keys", {"name": "k"}),
    ("GET", "/api/v1/admin/sites/site_b/api-keys", None),
    ("DELETE", "/api/v1/admin/sites/site_b/api-keys/KEY", None),
    ("POST", "/api/v1/admin/agents", {"username": "spy", "password": PASSWORD, "site_ids": ["site_b"]}),
])
def test_site_a_admin_cannot_touch_site_b(world, method, path, body):
    register(world, visitor_id="v_b", site_id="site_b")
    carol = world.token("carol", "site_b")
    key = world.call("POST", "/api/v1/admin/sites/site_b/api-keys", {"name": "b"}, token=carol).json_body["data"]
    path = path.replace("AGENT", world.alice.agent_id).replace("CAROL", world.carol.agent_id).replace("KEY", key["id"])
    response = world.call(method, path, body, token=world.token("alice", "site_a"))
    assert response.status_code in (403, 404), (path, response.status_code)
    assert world.call("GET", "/api/v1/sites/site_b", token=carol).json_body["data"]["name"] == "Shop B"
    keys = world.call("GET", "/api/v1/admin/sites/site_b/api-keys", token=carol).json_body["data"]["api_keys"]
    assert [k["id"] for k in keys] == [key["id"]] and keys[0]["active"] is True
    assert sorted(a["username"] for a in
                  world.call("GET", "/api/v1/agents?site_id=site_b", token=carol).json_body["data"]["agents"]) == ["carol"]
