"""The widget routes' CORS, decided per site from its widget `domains` (chalicelib/surfaces/cors.py).

A browser reads an answer only when it carries Access-Control-Allow-Origin for its origin; a
preflight that is refused stops the real request from being sent at all.
"""
import json

import pytest

from chalicelib.store import tenants
from tests.unit.chat_helpers import as_visitor, visitor_token
from tests.unit.identity_fixtures import world  # noqa: F401 (fixture)

SHOP = "https://www.shop-a.example"
ELSEWHERE = "https://evil.example"


@pytest.fixture
def sites(world):  # noqa: F811
    tenants.update_site("site_a", {"widget_config": {"domains": ["*.shop-a.example"]}})
    tenants.update_site("site_b", {"widget_config": {"domains": [ELSEWHERE]}})
    return world


def preflight(world, path, origin, method="POST"):
    headers = {"Access-Control-Request-Method": method, "Access-Control-Request-Headers": "content-type"}
    if origin:
        headers["Origin"] = origin
    return world.client.http.request("OPTIONS", path, headers=headers, body=b"")


def test_a_preflight_from_the_sites_domain_is_granted_with_the_routes_methods(sites):
    response = preflight(sites, "/api/v1/messages?site_id=site_a", SHOP)
    assert response.status_code == 204
    assert response.headers["Access-Control-Allow-Origin"] == SHOP
    assert set(response.headers["Access-Control-Allow-Methods"].split(",")) == {"GET", "POST", "OPTIONS"}
    assert "X-Visitor-Token" in response.headers["Access-Control-Allow-Headers"]
    assert response.headers["Vary"] == "Origin"


@pytest.mark.parametrize("path, origin", [
    ("/api/v1/messages?site_id=site_a", ELSEWHERE),       # another site's domain
    ("/api/v1/messages?site_id=site_a", None),            # no Origin at all
    ("/api/v1/messages?site_id=site_a", "null"),          # a sandboxed frame or a file:// page
    ("/api/v1/messages", SHOP),                           # no site named: nothing to check against
    ("/api/v1/messages?site_id=site_zzz", SHOP),          # an unknown site
])
def test_a_preflight_from_anywhere_else_is_refused_without_a_grant(sites, path, origin):
    response = preflight(sites, path, origin)
    assert response.status_code == 403
    assert "Access-Control-Allow-Origin" not in response.headers
    assert json.loads(response.body)["error"]["code"] == "ORIGIN_NOT_ALLOWED"


def test_a_preflight_for_a_method_the_route_does_not_have_is_a_400(sites):
    response = preflight(sites, "/api/v1/visitors?site_id=site_a", SHOP, method="DELETE")
    assert response.status_code == 400 and "Access-Control-Allow-Origin" not in response.headers


def test_a_public_widget_call_is_granted_on_the_site_it_names(sites):
    body = json.dumps({"site_id": "site_a", "visitor_id": "v_cors", "name": "Ann"})
    allowed = sites.client.http.post("/api/v1/visitors", body=body,
                                     headers={"Content-Type": "application/json", "Origin": SHOP})
    assert allowed.status_code == 201 and allowed.headers["Access-Control-Allow-Origin"] == SHOP
    body = json.dumps({"site_id": "site_a", "visitor_id": "v_cors_2", "name": "Eve"})
    refused = sites.client.http.post("/api/v1/visitors", body=body,
                                     headers={"Content-Type": "application/json", "Origin": ELSEWHERE})
    assert "Access-Control-Allow-Origin" not in refused.headers and refused.headers["Vary"] == "Origin"


def test_the_site_a_visitor_proved_decides_not_the_one_the_query_names(sites):
    """site_a's visitor token called from site_b's domain, naming site_b: the browser gets no grant."""
    token = visitor_token(sites, "v_cors_3", "site_a")
    response = sites.client.http.get("/api/v1/sites/site_a?site_id=site_b",
                                     headers={**as_visitor(token), "Origin": ELSEWHERE})
    assert response.status_code == 200
    assert "Access-Control-Allow-Origin" not in response.headers
    granted = sites.client.http.get("/api/v1/sites/site_a?site_id=site_a", headers={**as_visitor(token), "Origin": SHOP})
    assert granted.headers["Access-Control-Allow-Origin"] == SHOP


def test_errors_of_a_widget_route_carry_the_grant_so_the_widget_can_read_them(sites):
    response = sites.client.http.post("/api/v1/messages?site_id=site_a", body=b"{}",
                                      headers={"Content-Type": "application/json", "Origin": SHOP})
    # An expired or missing token: the site named decides, so the widget can read the 401 and register again.
    assert response.status_code == 401 and response.headers["Access-Control-Allow-Origin"] == SHOP
    token = visitor_token(sites, "v_cors_4", "site_a")
    response = sites.client.http.post("/api/v1/messages?site_id=site_a", body=b"{}",
                                      headers={"Content-Type": "application/json", "Origin": SHOP, **as_visitor(token)})
    assert response.status_code == 400 and response.headers["Access-Control-Allow-Origin"] == SHOP


def test_agent_routes_never_grant_cross_origin_reads(sites):
    token = sites.token("alice", "site_a")
    response = sites.client.http.get("/api/v1/agents?site_id=site_a",
                                      headers={"Authorization": f"Bearer {token}", "Origin": SHOP})
    assert response.status_code == 200 and "Access-Control-Allow-Origin" not in response.headers
    assert "OPTIONS" not in __import__("app").app.routes["/api/v1/agents"]


@pytest.mark.parametrize("path", ["/api/v1/visitors/activity?site_id=site_a", "/chat/start-session?site_id=site_a",
                                  "/api/v1/customer/conversations/start?site_id=site_a"])
def test_every_widget_write_the_widget_makes_is_preflighted_on_the_sites_domains(sites, path):
    granted = preflight(sites, path, SHOP)
    assert granted.status_code == 204 and granted.headers["Access-Control-Allow-Origin"] == SHOP
    assert "X-Request-Id" in granted.headers["Access-Control-Allow-Headers"]
    assert preflight(sites, path, ELSEWHERE).status_code == 403
