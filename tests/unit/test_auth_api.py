"""Seed 000 section 1 and the token attacks of the identity issue."""
import base64
import json
import time

import jwt as pyjwt

from chalicelib.auth import tokens
from tests.unit.identity_fixtures import PASSWORD, world  # noqa: F401


def _error(response):
    assert response.json_body["success"] is False
    return response.json_body["error"]["code"]


def test_login_returns_the_documented_shape(world):
    data = world.login("alice", "site_a")
    assert data["expires_in"] == 3600
    assert data["token"].count(".") == 2 and data["refresh_token"].startswith("rt_")
    assert data["user"] == {"id": world.alice.agent_id, "username": "alice", "email": "alice@a.example",
                            "role": "admin", "site_ids": ["site_a"]}


def test_wrong_password_unknown_user_and_foreign_site_look_the_same(world):
    answers = [
        world.call("POST", "/api/v1/auth/support/login", {"username": "alice", "password": "nope-nope", "site_id": "site_a"}),
        world.call("POST", "/api/v1/auth/support/login", {"username": "mallory", "password": PASSWORD, "site_id": "site_a"}),
        world.call("POST", "/api/v1/auth/support/login", {"username": "alice", "password": PASSWORD, "site_id": "site_b"}),
    ]
    assert {r.status_code for r in answers} == {401}
    assert {json.dumps(r.json_body) for r in answers} == {json.dumps(
        {"success": False, "error": {"code": "INVALID_CREDENTIALS", "message": "Invalid username or password"}})}


def test_login_validation_errors(world):
    missing = world.call("POST", "/api/v1/auth/support/login", {"username": "alice"})
    assert missing.status_code == 400 and _error(missing) == "VALIDATION_ERROR"
    garbage = world.call("POST", "/api/v1/auth/support/login", "{not json")
    assert garbage.status_code == 400 and _error(garbage) == "VALIDATION_ERROR"
    wrong_type = world.call("POST", "/api/v1/auth/support/login", [1, 2])
    assert wrong_type.status_code == 400


def test_validate_and_logout_revokes_the_session(world):
    token = world.token("bob", "site_a")
    valid = world.call("GET", "/api/v1/auth/validate", token=token)
    assert valid.status_code == 200
    assert valid.json_body == {"success": True, "data": {"valid": True, "user": {
        "id": world.bob.agent_id, "username": "bob", "role": "support_agent"}}}
    out = world.call("POST", "/api/v1/auth/logout", token=token)
    assert out.json_body == {"success": True, "message": "Logged out successfully"}
    after = world.call("GET", "/api/v1/auth/validate", token=token)
    assert after.status_code == 401 and _error(after) == "UNAUTHORIZED"


def test_logout_also_kills_the_refresh_token(world):
    data = world.login("bob", "site_a")
    world.call("POST", "/api/v1/auth/logout", token=data["token"])
    again = world.call("POST", "/api/v1/auth/refresh", {"refresh_token": data["refresh_token"]})
    assert again.status_code == 401


def test_refresh_rotates_and_reuse_revokes_the_family(world):
    first = world.login("bob", "site_a")
    rotated = world.call("POST", "/api/v1/auth/refresh", {"refresh_token": first["refresh_token"]})
    assert rotated.status_code == 200
    fresh = rotated.json_body["data"]
    assert fresh["expires_in"] == 3600 and fresh["refresh_token"] != first["refresh_token"]
    assert world.call("GET", "/api/v1/auth/validate", token=fresh["token"]).status_code == 200

    reused = world.call("POST", "/api/v1/auth/refresh", {"refresh_token": first["refresh_token"]})
    assert reused.status_code == 401
    # The whole family is gone: the newest refresh token and every access token of the session.
    assert world.call("POST", "/api/v1/auth/refresh", {"refresh_token": fresh["refresh_token"]}).status_code == 401
    assert world.call("GET", "/api/v1/auth/validate", token=fresh["token"]).status_code == 401
    assert world.call("GET", "/api/v1/auth/validate", token=first["token"]).status_code == 401
    # Other sessions of the same agent are untouched.
    assert world.call("GET", "/api/v1/auth/validate", token=world.token("bob", "site_a")).status_code == 200


def test_a_wrong_secret_for_a_real_session_does_not_revoke_it(world):
    data = world.login("bob", "site_a")
    session_id = data["refresh_token"][3:].split(".")[0]
    forged = world.call("POST", "/api/v1/auth/refresh", {"refresh_token": f"rt_{session_id}.guess"})
    assert forged.status_code == 401
    assert world.call("POST", "/api/v1/auth/refresh", {"refresh_token": data["refresh_token"]}).status_code == 200


def test_expired_access_token_says_token_expired(world):
    token = world.token("bob", "site_a")
    claims = pyjwt.decode(token, options={"verify_signature": False})
    old = tokens.issue(tokens.AGENT_ACCESS, claims["sub"], 60, {"sid": claims["sid"]}, now=time.time() - 3600)
    response = world.call("GET", "/api/v1/auth/validate", token=old)
    assert response.status_code == 401 and _error(response) == "TOKEN_EXPIRED"


def _b64(data):
    return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()


def test_alg_none_and_foreign_keys_and_missing_claims_are_refused(world):
    token = world.token("bob", "site_a")
    claims = pyjwt.decode(token, options={"verify_signature": False})
    unsigned = f"{_b64({'alg': 'none', 'typ': 'JWT'})}.{_b64(claims)}."
    other_key = pyjwt.encode(claims, "another-secret-of-at-least-32-bytes!!", algorithm="HS256")
    hs512 = pyjwt.encode(claims, "another-secret-of-at-least-32-bytes!!", algorithm="HS512")
    no_jti = tokens.issue(tokens.AGENT_ACCESS, claims["sub"], 60, {"sid": claims["sid"]})
    stripped = pyjwt.decode(no_jti, options={"verify_signature": False})
    stripped.pop("jti")
    from chalicelib.auth.keys import derived_key

    missing_claim = pyjwt.encode(stripped, derived_key("agent-access"), algorithm="HS256")
    for bad in (unsigned, other_key, hs512, missing_claim, "garbage", token + "x"):
        response = world.call("GET", "/api/v1/auth/validate", token=bad)
        assert response.status_code == 401 and _error(response) == "UNAUTHORIZED", bad


def test_token_kinds_do_not_cross(world):
    data = world.login("bob", "site_a")
    # access token presented as a refresh token, refresh token presented as an access token
    assert world.call("POST", "/api/v1/auth/refresh", {"refresh_token": data["token"]}).status_code == 401
    assert world.call("GET", "/api/v1/auth/validate", token=data["refresh_token"]).status_code == 401
    visitor = world.call("POST", "/api/v1/visitors", {"site_id": "site_a", "visitor_id": "v1", "name": "Vic"})
    visitor_token = visitor.json_body["data"]["session_token"]
    # a visitor token on agent routes, as a bearer and as X-Visitor-Token
    assert world.call("GET", "/api/v1/auth/validate", token=visitor_token).status_code == 401
    assert world.call("GET", "/api/v1/agents?site_id=site_a", headers={"X-Visitor-Token": visitor_token}).status_code == 401
    # an agent token where a visitor token is expected
    assert world.call("GET", "/api/v1/sites/site_a", headers={"X-Visitor-Token": data["token"]}).status_code == 401


def test_missing_authorization_is_unauthorized_with_a_challenge(world):
    response = world.call("GET", "/api/v1/auth/validate")
    assert response.status_code == 401 and _error(response) == "UNAUTHORIZED"
    assert response.headers["WWW-Authenticate"] == "Bearer"


def test_login_brute_force_is_rate_limited(world, monkeypatch):
    from chalicelib.domain import limits

    # Mid-window, pinned: the 11 attempts must fall in one 60 s window whatever the wall clock says.
    monkeypatch.setattr(limits, "clock", lambda: 1_800_000_030.0)
    codes = []
    # A different name each time, so this is the per-IP limit alone (five failures under one
    # name lock that name first: tests/unit/test_security_misc.py, finding 9).
    for attempt in range(11):
        response = world.call("POST", "/api/v1/auth/support/login",
                              {"username": f"guess{attempt}", "password": "wrong-guess", "site_id": "site_a"})
        codes.append(response.status_code)
    assert codes[:10] == [401] * 10 and codes[10] == 429
    assert _error(response) == "RATE_LIMITED"
    assert int(response.headers["Retry-After"]) == 30
    assert response.headers["X-RateLimit-Limit"] == "10" and response.headers["X-RateLimit-Remaining"] == "0"
    # even the right password waits now
    right = world.call("POST", "/api/v1/auth/support/login",
                       {"username": "alice", "password": PASSWORD, "site_id": "site_a"})
    assert right.status_code == 429


def test_old_password_hashes_are_upgraded_on_login(world):
    from argon2 import PasswordHasher

    from chalicelib.store import tenants

    weak = PasswordHasher(time_cost=1, memory_cost=8192, parallelism=1).hash(PASSWORD)
    tenants.set_password_hash(world.bob.agent_id, weak)
    world.login("bob", "site_a")
    upgraded = tenants.get_agent_item(world.bob.agent_id).password_hash
    assert upgraded != weak and "m=65536" in upgraded
