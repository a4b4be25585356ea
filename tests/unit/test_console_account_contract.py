"""Seed 000's account side answers what /openapi/000.json says: sign in, sites, agents, notifications,
analytics and the admin routes (sites, agents, API keys, identity secret, invitations, assistants), every
answer checked against its documented status and schema; the request models refuse what the routes
refused before, naming the field, and texts are still trimmed as before."""
import pytest

from chalicelib.surfaces import descriptions
from tests.unit.identity_fixtures import PASSWORD, world  # noqa: F401  (fixture)
from tests.unit.openapi_answers import assert_documented


def test_every_account_operation_declares_a_model_for_each_success():
    import app  # noqa: F401  (registers every route)

    document = descriptions.document("000")
    account = ("/api/v1/auth", "/api/v1/sites", "/api/v1/agents", "/api/v1/notifications", "/api/v1/analytics",
               "/api/v1/admin", "/api/v1/invitations")
    operations = [(path, method, operation) for path, item in document["paths"].items() if path.startswith(account)
                  for method, operation in item.items()]
    assert len(operations) >= 30
    for path, method, operation in operations:
        successes = {status: answer for status, answer in operation["responses"].items() if int(status) < 300}
        assert successes and all("content" in answer for answer in successes.values()), (method, path)


def test_an_admin_runs_the_account_side_as_documented(world):
    def call(method, path, route, body=None, token=None):
        answer = assert_documented("000", method, route, world.call(method, path, body, token=token))
        assert "data" in answer or "message" in answer or route.endswith("{invitation_id}"), (method, path, answer)
        return answer

    session = call("POST", "/api/v1/auth/support/login", "/api/v1/auth/support/login",
                   {"username": " alice ", "password": PASSWORD, "site_id": "site_a"})["data"]
    assert session["user"]["username"] == "alice"  # trimmed, as before
    alice = session["token"]
    renewed = call("POST", "/api/v1/auth/refresh", "/api/v1/auth/refresh",
                   {"refresh_token": session["refresh_token"]})["data"]
    assert renewed["refresh_token"] != session["refresh_token"]
    alice = renewed["token"]
    assert call("GET", "/api/v1/auth/validate", "/api/v1/auth/validate", token=alice)["data"]["user"]["role"] == "admin"

    site = call("GET", "/api/v1/sites/site_a", "/api/v1/sites/{site_id}", token=alice)["data"]
    assert site["ai"] == {"auto_analysis": True, "monthly_token_budget": None}
    call("GET", "/api/v1/sites?page=1&limit=5", "/api/v1/sites", token=alice)
    changed = call("PATCH", "/api/v1/admin/sites/site_a", "/api/v1/admin/sites/{site_id}",
                   {"name": " Shop A2 ", "domain": "  ", "widget_config": {"welcome_message": "Hi"},
                    "ai": {"monthly_token_budget": 1000}}, token=alice)["data"]
    assert (changed["name"], changed["domain"]) == ("Shop A2", None)  # trimmed; a blank domain is none
    assert changed["widget_config"] == {"welcome_message": "Hi"} and changed["ai"]["monthly_token_budget"] == 1000
    created = call("POST", "/api/v1/admin/sites", "/api/v1/admin/sites",
                   {"site_id": "site_c", "name": "Shop C", "widget_config": None}, token=alice)["data"]
    assert created["id"] == "site_c" and created["widget_config"] == {}
    call("POST", "/api/v1/admin/sites/site_a/identity-secret", "/api/v1/admin/sites/{site_id}/identity-secret",
         token=alice)

    dave = call("POST", "/api/v1/admin/agents", "/api/v1/admin/agents",
                {"username": "dave", "password": PASSWORD, "site_ids": ["site_a"], "email": " dave@a.example ",
                 "role": None}, token=alice)["data"]
    assert dave["role"] == "support_agent" and dave["email"] == "dave@a.example"
    membership = "/api/v1/admin/sites/{site_id}/agents/{agent_id}"
    assert call("DELETE", f"/api/v1/admin/sites/site_a/agents/{dave['id']}", membership,
                token=alice)["data"]["site_ids"] == []
    assert call("PUT", f"/api/v1/admin/sites/site_a/agents/{dave['id']}", membership,
                token=alice)["data"]["site_ids"] == ["site_a"]
    call("GET", "/api/v1/agents?site_id=site_a&status=all", "/api/v1/agents", token=alice)
    call("PATCH", "/api/v1/agents/status", "/api/v1/agents/status", {"status": "away"}, token=alice)
    call("GET", "/api/v1/analytics/dashboard?site_id=site_a&period=week", "/api/v1/analytics/dashboard",
         token=alice)
    call("GET", f"/api/v1/analytics/agents/{dave['id']}?period=month", "/api/v1/analytics/agents/{agent_id}",
         token=alice)
    call("GET", "/api/v1/notifications?limit=5&unread_only=true", "/api/v1/notifications", token=alice)
    call("POST", "/api/v1/notifications/read", "/api/v1/notifications/read", {}, token=alice)

    key = call("POST", "/api/v1/admin/sites/site_a/api-keys", "/api/v1/admin/sites/{site_id}/api-keys",
               {"name": "crm", "agent_id": None}, token=alice)["data"]
    assert key["key"] and key["active"] is True
    call("GET", "/api/v1/admin/sites/site_a/api-keys", "/api/v1/admin/sites/{site_id}/api-keys", token=alice)
    revoked = call("DELETE", f"/api/v1/admin/sites/site_a/api-keys/{key['id']}",
                   "/api/v1/admin/sites/{site_id}/api-keys/{key_id}", token=alice)["data"]
    assert revoked["active"] is False and revoked["revoked_at"]

    invited = call("POST", "/api/v1/admin/sites/site_a/invitations", "/api/v1/admin/sites/{site_id}/invitations",
                   {"email": " Carol@b.example ", "role": "admin"}, token=alice)["data"]
    assert invited["email"] == "carol@b.example"  # trimmed (and lower-cased by the domain)
    call("GET", "/api/v1/admin/sites/site_a/invitations", "/api/v1/admin/sites/{site_id}/invitations", token=alice)
    carol = world.token("carol", "site_b")
    assert call("GET", "/api/v1/agents/me/invitations", "/api/v1/agents/me/invitations",
                token=carol)["data"]["invitations"][0]["id"] == invited["id"]
    joined = call("POST", f"/api/v1/invitations/{invited['id']}/accept", "/api/v1/invitations/{invitation_id}/accept",
                  token=carol)["data"]
    assert "site_a" in joined["user"]["site_ids"] and joined["invitation"]["status"] == "accepted"
    late = call("DELETE", f"/api/v1/admin/sites/site_a/invitations/{invited['id']}",
                "/api/v1/admin/sites/{site_id}/invitations/{invitation_id}", token=alice)
    assert late["error"]["code"] == "CONFLICT"  # accepted already: 409, documented

    assistant = call("POST", "/api/v1/admin/sites/site_a/assistants", "/api/v1/admin/sites/{site_id}/assistants",
                     {"name": " Helper ", "instructions": "  ", "provider": None}, token=alice)["data"]
    assert (assistant["name"], assistant["instructions"], assistant["provider"], assistant["active"]) == (
        "Helper", None, "local", True)
    route = "/api/v1/admin/sites/{site_id}/assistants/{agent_id}"
    updated = call("PATCH", f"/api/v1/admin/sites/site_a/assistants/{assistant['id']}", route,
                   {"active": False, "model_id": " m1 "}, token=alice)["data"]
    assert updated["active"] is False and updated["model_id"] == "m1" and updated["name"] == "Helper"
    call("GET", "/api/v1/admin/sites/site_a/assistants", "/api/v1/admin/sites/{site_id}/assistants", token=alice)
    call("DELETE", f"/api/v1/admin/sites/site_a/assistants/{assistant['id']}", route, token=alice)
    assert call("POST", "/api/v1/auth/logout", "/api/v1/auth/logout", token=alice)["message"]


@pytest.mark.parametrize("method,path,route,body,field", [
    ("POST", "/api/v1/auth/support/login", None, {"username": "   ", "password": "x", "site_id": "site_a"},
     "username"),
    ("POST", "/api/v1/auth/support/login", None, {"username": "alice", "password": "", "site_id": "site_a"},
     "password"),
    ("POST", "/api/v1/auth/refresh", None, {"refresh_token": 42}, "refresh_token"),
    ("PATCH", "/api/v1/agents/status", None, {"status": "busy"}, "status"),
    ("PATCH", "/api/v1/agents/status", None, {"status": "online", "role": "admin"}, "role"),
    ("POST", "/api/v1/notifications/read", None, {"notification_ids": [""]}, "notification_ids[0]"),
    ("PATCH", "/api/v1/admin/sites/site_a", "/api/v1/admin/sites/{site_id}", {"status": "closed"}, "status"),
    ("PATCH", "/api/v1/admin/sites/site_a", "/api/v1/admin/sites/{site_id}", {"widget_config": "x"},
     "widget_config"),
    ("PATCH", "/api/v1/admin/sites/site_a", "/api/v1/admin/sites/{site_id}", {"identity_verification": None},
     "identity_verification"),
    ("PATCH", "/api/v1/admin/sites/site_a", "/api/v1/admin/sites/{site_id}", {"widget_config": {"language": "fr"}},
     "widget_config.language"),
    ("PATCH", "/api/v1/admin/sites/site_a", "/api/v1/admin/sites/{site_id}", {"ai": {"monthly_token_budget": -1}},
     "ai.monthly_token_budget"),
    ("POST", "/api/v1/admin/sites", None, {"site_id": "Bad Id", "name": "X"}, "site_id"),
    ("POST", "/api/v1/admin/agents", None, {"username": "eve", "password": PASSWORD}, "site_ids"),
    ("POST", "/api/v1/admin/agents", None,
     {"username": "eve", "password": PASSWORD, "site_ids": ["site_a"], "email": "nope"}, "email"),
    ("POST", "/api/v1/admin/sites/site_a/api-keys", "/api/v1/admin/sites/{site_id}/api-keys", {"name": ""}, "name"),
    ("POST", "/api/v1/admin/sites/site_a/invitations", "/api/v1/admin/sites/{site_id}/invitations",
     {"email": "x@y.io", "role": "owner"}, "role"),
    ("POST", "/api/v1/admin/sites/site_a/assistants", "/api/v1/admin/sites/{site_id}/assistants",
     {"name": "A", "active": "yes"}, "active"),
    ("POST", "/api/v1/admin/sites/site_a/assistants", "/api/v1/admin/sites/{site_id}/assistants",
     {"name": "A", "provider": "openai"}, "provider"),
])
def test_a_refused_body_names_its_field(world, method, path, route, body, field):
    alice = world.token("alice", "site_a")
    response = assert_documented("000", method, route or path, world.call(method, path, body, token=alice))
    assert response["error"]["code"] == "VALIDATION_ERROR", response
    assert response["error"]["details"] == {"field": field}


@pytest.mark.parametrize("query,field", [
    ("/api/v1/agents?site_id=site_a&status=busy", "status"),
    ("/api/v1/agents?status=online", "site_id"),
    ("/api/v1/analytics/dashboard?site_id=site_a&period=year", "period"),
    ("/api/v1/notifications?limit=0", "limit"),
    ("/api/v1/notifications?unread_only=maybe", "unread_only"),
    ("/api/v1/sites?page=x", "page"),
    ("/api/v1/sites?sort=name", "sort"),
])
def test_a_refused_query_names_its_parameter(world, query, field):
    bob = world.token("bob", "site_a")
    response = assert_documented("000", "GET", query.split("?")[0], world.call("GET", query, token=bob))
    assert response["error"]["code"] == "VALIDATION_ERROR" and response["error"]["details"] == {"field": field}
