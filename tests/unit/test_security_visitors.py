"""Issue 23, findings 1 and 7: knowing a visitor id is never proof; visitor rate limits are per site.

Finding 1: registering an existing visitor_id needs that visitor's X-Visitor-Token (current, or
validly signed for that site and visitor and expired up to 30 days ago) or, with the site's
identity secret, `user_hash` = hex HMAC-SHA256(secret, visitor_id). Without proof: 409
VISITOR_EXISTS, nothing changed, nothing issued. Sites that turn identity verification on need
a valid user_hash for every registration.
Finding 7: a visitor's rate-limit counter is keyed by site and visitor id.
"""
import dataclasses
import hashlib
import hmac
import time

import pytest

from chalicelib.auth import tokens
from chalicelib.settings import get_settings
from chalicelib.store import visitors as visitor_store
from chalicelib.store.base import ConditionFailed
from chalicelib.store.models import SiteItem

from tests.unit.chat_helpers import as_visitor, data, error
from tests.unit.identity_fixtures import world  # noqa: F401  (fixture)

DAY = 24 * 3600


def register(world, visitor_id="v_victim", site_id="site_a", name="Victim", email="victim@example.com",
             headers=None, **extra):
    body = {"site_id": site_id, "visitor_id": visitor_id, "name": name, **extra}
    if email is not None:
        body["email"] = email
    return world.call("POST", "/api/v1/visitors", body, headers=headers)


def stored(world, visitor_id="v_victim", site_id="site_a"):
    """What an agent of the site sees of the visitor."""
    token = world.token("bob", "site_a") if site_id == "site_a" else world.token("carol", "site_b")
    return data(world.call("GET", f"/api/v1/visitors/{visitor_id}?site_id={site_id}", token=token))


def visitor_token(visitor_id, site_id="site_a", lifetime=3600, issued=None):
    return tokens.issue(tokens.VISITOR, visitor_id, lifetime, {"site": site_id}, now=issued)


def user_hash(secret, visitor_id):
    return hmac.new(secret.encode(), visitor_id.encode(), hashlib.sha256).hexdigest()


def identity_secret(world, site_id="site_a", admin="alice"):
    token = world.token(admin, site_id)
    return data(world.call("POST", f"/api/v1/admin/sites/{site_id}/identity-secret", token=token), 201)


# -- finding 1 ------------------------------------------------------------------------------------

def test_finding_1_visitor_takeover_needs_proof(world):
    first = data(register(world, metadata={"page_url": "https://a.example/cart"}), 201)
    token = first["session_token"]

    # An attacker who knows the id: 409 in seed 000's shape, no token, nothing overwritten.
    for headers in (None, {"X-Visitor-Token": "not-a-token"},
                    as_visitor(visitor_token("v_other")),  # another visitor of the site
                    as_visitor(visitor_token("v_victim", site_id="site_b")),  # the same id on another site
                    as_visitor(world.token("bob", "site_a")),  # an agent's token is not a visitor's
                    as_visitor(token[:-2] + ("AA" if not token.endswith("AA") else "BB"))):  # tampered
        taken = register(world, name="Mallory", email="mallory@evil.example", headers=headers,
                         metadata={"page_url": "https://evil.example"})
        assert error(taken, 409) == "VISITOR_EXISTS", headers
        assert set(taken.json_body) == {"success", "error"} and "session_token" not in taken.body.decode()
    seen = stored(world)
    assert (seen["name"], seen["email"]) == ("Victim", "victim@example.com")
    assert seen["metadata"] == {"page_url": "https://a.example/cart"} and seen["id"] == first["id"]

    # The visitor's own token: the same visitor, idempotently, with a fresh token that works.
    for _ in range(2):
        again = data(register(world, name="Vic", headers=as_visitor(token)), 200)
        assert again["id"] == first["id"] and again["visitor_id"] == "v_victim" and again["name"] == "Vic"
        assert again["created_at"] == first["created_at"]
        assert world.call("GET", "/api/v1/sites/site_a", headers=as_visitor(again["session_token"])).status_code == 200
    assert stored(world)["name"] == "Vic"

    # A new visitor id needs no proof (the widget's first visit); the same id on another site is another visitor.
    assert register(world, visitor_id="v_new").status_code == 201
    assert register(world, site_id="site_b").status_code == 201


def test_finding_1_an_expired_token_proves_for_30_days_only(world):
    data(register(world), 201)
    day_old = visitor_token("v_victim", lifetime=DAY, issued=time.time() - 2 * DAY)  # expired a day ago
    assert world.call("GET", "/api/v1/sites/site_a", headers=as_visitor(day_old)).status_code == 401  # no session
    assert data(register(world, headers=as_visitor(day_old)), 200)["visitor_id"] == "v_victim"

    too_old = visitor_token("v_victim", lifetime=DAY, issued=time.time() - 32 * DAY)  # expired 31 days ago
    assert error(register(world, name="Mallory", headers=as_visitor(too_old)), 409) == "VISITOR_EXISTS"
    assert stored(world)["name"] == "Victim"


def test_finding_1_identity_secret_is_for_the_sites_admins_and_shown_once(world):
    assert error(world.call("POST", "/api/v1/admin/sites/site_a/identity-secret",
                            token=world.token("bob", "site_a")), 403) == "FORBIDDEN"  # an agent, not an admin
    assert world.call("POST", "/api/v1/admin/sites/site_a/identity-secret",
                      token=world.token("carol", "site_b")).status_code in (403, 404)  # another site's admin
    assert world.call("POST", "/api/v1/admin/sites/site_a/identity-secret",
                      headers=as_visitor(visitor_token("v"))).status_code == 401
    secret = identity_secret(world)["identity_secret"]
    assert len(secret) >= 32
    assert data(world.call("GET", "/api/v1/sites/site_a", token=world.token("bob", "site_a")))["identity_secret_set"]
    alice = world.token("alice", "site_a")
    for shown in (world.call("GET", "/api/v1/sites/site_a", token=alice).body.decode(),
                  world.call("PATCH", "/api/v1/admin/sites/site_a", {"name": "Shop A"}, token=alice).body.decode()):
        assert secret not in shown
    raw = SiteItem.get(*SiteItem.key("site_a")).attribute_values
    assert all(secret not in str(value) for value in raw.values())  # stored encrypted, not as itself


def test_finding_1_user_hash_proves_and_identity_verification_requires_it(world):
    data(register(world), 201)
    secret = identity_secret(world)["identity_secret"]
    # Verification off: a valid user_hash is proof for an existing id; a wrong one is not.
    assert error(register(world, name="Mallory", user_hash=user_hash("guess", "v_victim")), 409) == "VISITOR_EXISTS"
    assert error(register(world, name="Mallory", user_hash="zz"), 409) == "VISITOR_EXISTS"
    assert data(register(world, user_hash=user_hash(secret, "v_victim")), 200)["visitor_id"] == "v_victim"

    alice = world.token("alice", "site_a")
    turned_on = data(world.call("PATCH", "/api/v1/admin/sites/site_a", {"identity_verification": True}, token=alice))
    assert turned_on["identity_verification"] is True
    assert error(world.call("PATCH", "/api/v1/admin/sites/site_a", {"identity_verification": "yes"}, token=alice),
                 400) == "VALIDATION_ERROR"
    token = data(register(world, user_hash=user_hash(secret, "v_victim")), 200)["session_token"]
    # On: every registration needs the hash, new visitors too; the visitor's token alone is not enough.
    for refused in (register(world, visitor_id="v_fresh"),
                    register(world, visitor_id="v_fresh", user_hash=user_hash(secret, "v_victim")),
                    register(world, name="Mallory", headers=as_visitor(token))):
        assert refused.status_code == 403 and refused.json_body["success"] is False
        assert refused.json_body["error"]["code"] == "IDENTITY_VERIFICATION_FAILED"
    assert register(world, visitor_id="v_fresh", user_hash=user_hash(secret, "v_fresh")).status_code == 201
    assert stored(world)["name"] == "Victim"

    # Rotation: the old secret stops proving at once, the new one proves.
    rotated = identity_secret(world)["identity_secret"]
    assert rotated != secret
    assert register(world, user_hash=user_hash(secret, "v_victim")).status_code == 403
    assert register(world, user_hash=user_hash(rotated, "v_victim").upper()).status_code == 200  # hex, any case
    # Another site's secret never proves here.
    other = identity_secret(world, "site_b", "carol")["identity_secret"]
    assert register(world, user_hash=user_hash(other, "v_victim")).status_code == 403


def test_finding_1_verification_needs_a_secret_first(world):
    """Turning verification on before there is a secret would lock every visitor out: 400, unchanged."""
    alice = world.token("alice", "site_a")
    refused = world.call("PATCH", "/api/v1/admin/sites/site_a", {"identity_verification": True}, token=alice)
    assert error(refused, 400) == "VALIDATION_ERROR"
    assert refused.json_body["error"]["details"] == {"field": "identity_verification"}
    site = data(world.call("GET", "/api/v1/sites/site_a", token=alice))
    assert site["identity_verification"] is False and site["identity_secret_set"] is False
    assert register(world).status_code == 201
    # Carol (site B's admin) cannot switch site A's verification.
    carol = world.token("carol", "site_b")
    assert world.call("PATCH", "/api/v1/admin/sites/site_a", {"identity_verification": False},
                      token=carol).status_code in (403, 404)


def test_finding_1_a_new_visitor_is_created_once(aws):
    """Creation is a conditional write: the second create of one id is refused and changes nothing."""
    from chalicelib.store import tenants

    tenants.create_site_if_absent("site_a", "Shop A")
    first = visitor_store.create("site_a", "v_race", "First", "first@example.com", {"k": "1"})
    with pytest.raises(ConditionFailed) as refused:
        visitor_store.create("site_a", "v_race", "Second", "second@example.com", {"k": "2"})
    assert visitor_store.visitor_key("site_a", "v_race") in refused.value.keys
    kept = visitor_store.get_visitor("site_a", "v_race")
    assert (kept.id, kept.name, kept.email, kept.metadata) == (first.id, "First", "first@example.com", {"k": "1"})


# -- finding 7 ------------------------------------------------------------------------------------

def test_finding_7_visitor_rate_limits_are_per_site(world, monkeypatch):
    token_a = data(register(world, visitor_id="v_shared"), 201)["session_token"]
    token_b = data(register(world, visitor_id="v_shared", site_id="site_b"), 201)["session_token"]
    limits = dataclasses.replace(get_settings().rate_limits, other=2)
    monkeypatch.setattr("chalicelib.domain.limits.get_settings",
                        lambda: dataclasses.replace(get_settings(), rate_limits=limits))
    monkeypatch.setattr("chalicelib.domain.limits.clock", lambda: 1_800_000_010.0)
    statuses_a = [world.call("GET", "/api/v1/sites/site_a", headers=as_visitor(token_a)).status_code
                  for _ in range(3)]
    assert statuses_a == [200, 200, 429]
    # The same visitor id on site B has its own budget.
    assert world.call("GET", "/api/v1/sites/site_b", headers=as_visitor(token_b)).status_code == 200
