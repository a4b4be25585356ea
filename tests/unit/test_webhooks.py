"""Webhooks: the SSRF guard, Standard Webhooks signing, the /v1/webhooks API, and delivery
(retries, DLQ, 410, redelivery, rotation) against a real receiver on loopback."""
import base64
import json
import time

import pytest

import app as app_module
from chalicelib.integrations import outbound, queues
from chalicelib.settings import get_settings
from chalicelib.domain.webhooks import service, signing
from tests.unit.chat_helpers import as_visitor, drain_events, drain_queue, open_conversation, send, visitor_token
from tests.unit.identity_fixtures import world  # noqa: F401  (fixture)
from tests.webhook_receiver import Receiver

# -- the SSRF guard (non-local stage rules: allow_loopback_http=False) -----------------------------------


def fake_dns(table):
    def resolve(host, port):
        if host in table:
            return table[host]
        return outbound.system_resolver(host, port)  # IP literals in every spelling
    return resolve


DNS = fake_dns({"hooks.example.com": ["93.184.216.34"], "internal.example.com": ["10.1.2.3"],
                "mixed.example.com": ["93.184.216.34", "192.168.0.5"], "v6.example.com": ["2606:4700::6810:84e5"],
                "ula.example.com": ["fd00:ec2::254"]})


@pytest.mark.parametrize("url", [
    "https://169.254.169.254/latest/meta-data/",  # the instance metadata service
    "https://127.0.0.1/hook",
    "https://[::ffff:127.0.0.1]/hook",  # IPv4-mapped IPv6
    "https://0x7f000001/hook",  # hex
    "https://2130706433/hook",  # decimal
    "https://0177.0.0.1/hook",  # octal
    "https://127.1/hook",
    "https://localhost/hook",
    "https://internal.example.com/hook",  # a name resolving to 10.x
    "https://mixed.example.com/hook",  # one private address among public ones is enough to refuse
    "https://ula.example.com/hook",  # IPv6 unique-local (AWS's IPv6 metadata address)
    "https://[64:ff9b::a00:1]/hook",  # NAT64 around 10.0.0.1
    "https://[2002:a00:1::]/hook",  # 6to4 around 10.0.0.1
    "https://0.0.0.0/hook",
    "https://100.64.0.1/hook",  # carrier-grade NAT
    "https://224.0.0.1/hook",  # multicast
    "http://hooks.example.com/hook",  # plain http
    "https://user:pass@hooks.example.com/hook",
    "ftp://hooks.example.com/hook",
    "https:///nohost",
])
def test_the_ssrf_guard_refuses(url):
    with pytest.raises(outbound.UnsafeUrl):
        outbound.check(url, allow_loopback_http=False, resolve=DNS)


def test_the_ssrf_guard_accepts_public_https_and_pins_the_checked_address():
    target = outbound.check("https://hooks.example.com:8443/in?x=1", allow_loopback_http=False, resolve=DNS)
    assert (target.host, target.port, target.path, target.address) == (
        "hooks.example.com", 8443, "/in?x=1", "93.184.216.34")
    assert outbound.check("https://v6.example.com/", allow_loopback_http=False, resolve=DNS).address == \
        "2606:4700::6810:84e5"


def test_the_local_stage_allows_http_to_loopback_but_nothing_else_private():
    assert outbound.check("http://127.0.0.1:9000/h", allow_loopback_http=True, resolve=DNS).address == "127.0.0.1"
    for url in ("http://169.254.169.254/", "http://internal.example.com/", "http://192.168.1.1/"):
        with pytest.raises(outbound.UnsafeUrl):
            outbound.check(url, allow_loopback_http=True, resolve=DNS)


# -- signing ------------------------------------------------------------------------------------------

def test_signatures_match_the_standard_webhooks_reference_vector():
    secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
    body = b'{"test": 2432232314}'
    assert signing.signature(secret, "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, body) == \
        "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="
    headers = signing.headers([secret], "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, body)
    assert signing.verify(secret, headers, body, now=1614265330)
    assert not signing.verify(secret, headers, body + b" ", now=1614265330)  # body changed
    assert not signing.verify(secret, headers, body, now=1614265330 + 301)  # replayed later


# -- the API --------------------------------------------------------------------------------------------

@pytest.fixture
def keys(world):
    def key_for(admin, site_id):
        response = world.call("POST", f"/api/v1/admin/sites/{site_id}/api-keys", {"name": "hooks"},
                              token=world.token(admin, site_id))
        assert response.status_code == 201, response.body
        return response.json_body["data"]["key"]

    return {"site_a": key_for("alice", "site_a"), "site_b": key_for("carol", "site_b")}


@pytest.fixture
def receiver():
    r = Receiver().start()
    yield r
    r.stop()


def create(world, key, url, events=("chat.created", "message.sent"), **extra):
    return world.call("POST", "/v1/webhooks", {"url": url, "events": list(events), **extra}, token=key)


def test_register_list_update_rotate_and_delete(world, keys, receiver):
    created = create(world, keys["site_a"], receiver.url, ["chat.created", "chat.closed", "message.sent"])
    assert created.status_code == 201, created.body
    hook = created.json_body
    assert hook["id"].startswith("webhook_") and hook["active"] is True and hook["url"] == receiver.url
    assert hook["events"] == ["chat.created", "chat.closed", "message.sent"] and hook["created_at"].endswith("Z")
    assert hook["secret"].startswith("whsec_") and "*" not in hook["secret"]  # generated: shown this once

    listed = world.call("GET", "/v1/webhooks", token=keys["site_a"]).json_body["data"]
    assert [w["id"] for w in listed] == [hook["id"]] and listed[0]["secret"] == "whsec_" + "*" * 21
    assert world.call("GET", f"/v1/webhooks/{hook['id']}", token=keys["site_a"]).json_body["secret"] == \
        "whsec_" + "*" * 21

    own = create(world, keys["site_a"], receiver.url, ["message.sent"], secret=signing.new_secret())
    assert own.status_code == 201 and own.json_body["secret"] == "whsec_" + "*" * 21  # as 003 documents
    # A plain secret (003's example sends one) is converted, and its whsec_ form shown this once.
    plain = create(world, keys["site_a"], receiver.url, ["message.sent"], secret="my-own-secret-0123456789")
    assert plain.status_code == 201
    assert plain.json_body["secret"] == "whsec_" + base64.b64encode(b"my-own-secret-0123456789").decode()

    patched = world.call("PATCH", f"/v1/webhooks/{hook['id']}", {"events": ["chat.assigned"], "active": False},
                         token=keys["site_a"])
    assert patched.status_code == 200 and patched.json_body["events"] == ["chat.assigned"]
    assert patched.json_body["active"] is False

    rotated = world.call("POST", f"/v1/webhooks/{hook['id']}/rotate-secret", token=keys["site_a"]).json_body
    assert rotated["secret"].startswith("whsec_") and rotated["secret"] != hook["secret"]
    assert rotated["previous_secret_valid_until"].endswith("Z")

    assert world.call("DELETE", f"/v1/webhooks/{hook['id']}", token=keys["site_a"]).status_code == 204
    assert world.call("GET", f"/v1/webhooks/{hook['id']}", token=keys["site_a"]).status_code == 404


def test_another_workspaces_webhooks_are_invisible(world, keys, receiver):
    hook = create(world, keys["site_a"], receiver.url).json_body
    for method, path, body in [("GET", f"/v1/webhooks/{hook['id']}", None),
                               ("PATCH", f"/v1/webhooks/{hook['id']}", {"active": False}),
                               ("DELETE", f"/v1/webhooks/{hook['id']}", None),
                               ("POST", f"/v1/webhooks/{hook['id']}/rotate-secret", None),
                               ("POST", f"/v1/webhooks/{hook['id']}/test", None),
                               ("GET", f"/v1/webhooks/{hook['id']}/deliveries", None)]:
        response = world.call(method, path, body, token=keys["site_b"])
        assert response.status_code == 404 and response.json_body["error"]["code"] == "RES-001", (method, path)
    assert world.call("GET", "/v1/webhooks", token=keys["site_b"]).json_body["data"] == []
    assert world.call("GET", "/v1/webhooks", token=world.token("alice", "site_a")).status_code == 401  # keys only


@pytest.mark.parametrize("body", [
    {"url": "https://[::ffff:10.0.0.1]/x", "events": ["chat.created"]},  # private, even on the local stage
    {"url": "http://169.254.169.254/latest", "events": ["chat.created"]},
    {"url": "http://10.0.0.1/x", "events": ["chat.created"]},
    {"url": "not a url", "events": ["chat.created"]},
    {"url": "RECEIVER", "events": []},
    {"url": "RECEIVER", "events": ["chat.exploded"]},
    {"url": "RECEIVER", "events": "chat.created"},
    {"url": "RECEIVER", "events": ["webhook.test"]},
    {"url": "RECEIVER", "events": ["chat.created"], "secret": "short"},
    {"url": "RECEIVER", "events": ["chat.created"], "secret": "whsec_not/base64!!"},
    {"url": "RECEIVER", "events": ["chat.created"], "secret": "whsec_" + base64.b64encode(b"16 bytes is weak").decode()},
    {"url": "RECEIVER", "events": ["chat.created"], "extra": 1},
    {"events": ["chat.created"]},
])
def test_bad_registrations_are_400s(world, keys, receiver, body):
    body = {k: (receiver.url if v == "RECEIVER" else v) for k, v in body.items()}
    response = world.call("POST", "/v1/webhooks", body, token=keys["site_a"])
    assert response.status_code == 400 and response.json_body["error"]["code"] == "REQ-001", response.body


# -- delivery ---------------------------------------------------------------------------------------

@pytest.fixture
def fast_retries(monkeypatch):
    monkeypatch.setenv("PARLEY_WEBHOOK_RETRY_SCHEDULE", "0,0,0,0,0")  # five attempts, no waiting
    monkeypatch.setenv("PARLEY_WEBHOOK_DISABLE_AFTER_SECONDS", "0")
    monkeypatch.setenv("PARLEY_WEBHOOK_TIMEOUT_SECONDS", "2")
    get_settings.cache_clear()
    yield
    monkeypatch.undo()
    get_settings.cache_clear()


def drain_webhooks(rounds=20):
    return drain_queue("webhooks", app_module.deliver_webhooks, rounds)


def start_chat(world):
    vt = visitor_token(world)
    conversation_id = open_conversation(world, vt)
    return vt, conversation_id


def test_events_arrive_signed_versioned_and_verifiable(world, keys, receiver, fast_retries):
    hook = create(world, keys["site_a"], receiver.url, ["chat.created", "message.sent"]).json_body
    create(world, keys["site_b"], receiver.url, ["chat.created"])  # another workspace's: hears nothing of a
    vt, conversation_id = start_chat(world)
    send(world, conversation_id, "Hello, I need help", headers=as_visitor(vt))
    drain_events()
    drain_webhooks()

    # A batch's jobs are delivered side by side: webhooks promise no order (receivers sort by created_at).
    assert sorted(r.json["type"] for r in receiver.requests) == ["chat.created", "message.sent"]
    for got in receiver.requests:
        assert signing.verify(hook["secret"], got.headers, got.body, now=int(time.time()))
        assert got.headers["webhook-id"] == got.json["id"] and got.json["api_version"]
        assert got.json["workspace_id"] == "site_a"
    [message] = [r.json["data"]["message"] for r in receiver.requests if r.json["type"] == "message.sent"]
    assert message["text"] == "Hello, I need help" and message["sender"]["type"] == "visitor"
    assert message["chat_id"] == conversation_id

    log = world.call("GET", f"/v1/webhooks/{hook['id']}/deliveries", token=keys["site_a"]).json_body["data"]
    assert sorted((d["event"], d["status"], d["attempts"], d["status_code"]) for d in log) == [
        ("chat.created", "delivered", 1, 200), ("message.sent", "delivered", 1, 200)]
    assert [d["event_id"] for d in log] == sorted((d["event_id"] for d in log), reverse=True)  # newest first


def test_three_failures_then_success_is_one_delivery_with_one_webhook_id(world, keys, fast_retries):
    receiver = Receiver(respond=lambda got, nth: (500, {}) if nth <= 3 else (200, {})).start()
    try:
        hook = create(world, keys["site_a"], receiver.url, ["chat.created"]).json_body
        start_chat(world)
        drain_events()
        drain_webhooks()
        ids = {r.headers["webhook-id"] for r in receiver.requests}
        assert len(receiver.requests) == 4 and len(ids) == 1
        log = world.call("GET", f"/v1/webhooks/{hook['id']}/deliveries", token=keys["site_a"]).json_body["data"]
        assert (log[0]["status"], log[0]["attempts"]) == ("delivered", 4)
        assert [entry["status_code"] for entry in log[0]["log"]] == [500, 500, 500, 200]

        # SQS hands the last job over again: no second delivery.
        job = service.Job(hook["id"], log[0]["event_id"], "chat.created", receiver.requests[-1].body.decode(),
                          attempt=4)
        queues.send("webhooks", job.to_json())
        first = service.Job(hook["id"], log[0]["event_id"], "chat.created", receiver.requests[0].body.decode())
        queues.send("webhooks", first.to_json())
        drain_webhooks()
        assert len(receiver.requests) == 4
    finally:
        receiver.stop()


def test_a_receiver_that_never_succeeds_ends_in_the_dlq_and_the_log_says_so(world, keys, fast_retries):
    receiver = Receiver(respond=lambda got, nth: (503, {})).start()
    try:
        hook = create(world, keys["site_a"], receiver.url, ["chat.created"]).json_body
        start_chat(world)
        drain_events()
        drain_webhooks()
        assert len(receiver.requests) == 5  # the schedule's five attempts
        log = world.call("GET", f"/v1/webhooks/{hook['id']}/deliveries", token=keys["site_a"]).json_body["data"]
        assert (log[0]["status"], log[0]["attempts"], log[0]["error"]) == ("dead_lettered", 5, "HTTP 503")
        dlq = drain_queue("webhooks-dlq", lambda event, context: {"batchItemFailures": []})
        assert [json.loads(body)["event_id"] for body in dlq] == [log[0]["event_id"]]
        state = world.call("GET", f"/v1/webhooks/{hook['id']}", token=keys["site_a"]).json_body
        assert state["active"] is False and "ran out of 5 attempts" in state["disabled_reason"]
    finally:
        receiver.stop()


def test_410_disables_the_webhook(world, keys, fast_retries):
    receiver = Receiver(respond=lambda got, nth: (410, {})).start()
    try:
        hook = create(world, keys["site_a"], receiver.url, ["chat.created"]).json_body
        start_chat(world)
        drain_events()
        drain_webhooks()
        vt = visitor_token(world, "v_2")
        open_conversation(world, vt, "v_2")
        drain_events()
        drain_webhooks()
        assert len(receiver.requests) == 1  # the later event is not sent: the webhook is off
        state = world.call("GET", f"/v1/webhooks/{hook['id']}", token=keys["site_a"]).json_body
        assert state["active"] is False and "410" in state["disabled_reason"]
        statuses = sorted(d["status"] for d in world.call(
            "GET", f"/v1/webhooks/{hook['id']}/deliveries", token=keys["site_a"]).json_body["data"])
        assert statuses == ["failed"]  # a disabled webhook gets no jobs at all
    finally:
        receiver.stop()


def test_a_redirect_to_an_internal_address_is_not_followed(world, keys, fast_retries):
    metadata = Receiver().start()  # stands in for an internal service the redirect points at
    receiver = Receiver(respond=lambda got, nth: (302, {"Location": metadata.url})).start()
    try:
        hook = create(world, keys["site_a"], receiver.url, ["chat.created"]).json_body
        start_chat(world)
        drain_events()
        drain_webhooks()
        assert metadata.requests == [] and len(receiver.requests) == 5
        log = world.call("GET", f"/v1/webhooks/{hook['id']}/deliveries", token=keys["site_a"]).json_body["data"]
        assert log[0]["status_code"] == 302 and log[0]["error"] == "redirects are not followed"
    finally:
        receiver.stop()
        metadata.stop()


def test_during_a_rotation_both_secrets_sign_and_a_test_ping_arrives(world, keys, receiver, fast_retries):
    hook = create(world, keys["site_a"], receiver.url, ["chat.created"]).json_body
    new = world.call("POST", f"/v1/webhooks/{hook['id']}/rotate-secret", token=keys["site_a"]).json_body["secret"]
    ping = world.call("POST", f"/v1/webhooks/{hook['id']}/test", token=keys["site_a"])
    assert ping.status_code == 202
    drain_events()
    drain_webhooks()
    got = receiver.requests[0]
    assert got.json["type"] == "webhook.test" and got.json["id"] == ping.json_body["event_id"]
    assert len(got.headers["webhook-signature"].split()) == 2
    assert signing.verify(new, got.headers, got.body, now=int(time.time()))
    assert signing.verify(hook["secret"], got.headers, got.body, now=int(time.time()))


def test_the_guard_runs_again_at_delivery(world, keys, receiver, fast_retries, monkeypatch):
    hook = create(world, keys["site_a"], receiver.url, ["chat.created"]).json_body
    # The name now resolves somewhere private (DNS rebinding): the delivery is refused, not sent.
    monkeypatch.setattr(service, "resolver", lambda host, port: ["10.9.8.7"])
    start_chat(world)
    drain_events()
    drain_webhooks()
    assert receiver.requests == []
    log = world.call("GET", f"/v1/webhooks/{hook['id']}/deliveries", token=keys["site_a"]).json_body["data"]
    assert log[0]["error"].startswith("refused by the SSRF guard")


def test_a_webhook_disabled_after_its_job_was_queued_skips_it_and_logs_why(world, keys, receiver, fast_retries):
    hook = create(world, keys["site_a"], receiver.url, ["chat.created"]).json_body
    start_chat(world)
    drain_events()  # the delivery job is queued now
    world.call("PATCH", f"/v1/webhooks/{hook['id']}", {"active": False}, token=keys["site_a"])
    drain_webhooks()
    assert receiver.requests == []
    log = world.call("GET", f"/v1/webhooks/{hook['id']}/deliveries", token=keys["site_a"]).json_body["data"]
    assert log[0]["status"] == "skipped" and "disabled" in log[0]["error"]


def test_an_attempt_a_crashed_worker_left_is_taken_over_after_its_lease(world, keys, receiver, fast_retries,
                                                                       monkeypatch):
    from datetime import timedelta

    from chalicelib.store import webhooks as store

    hook = create(world, keys["site_a"], receiver.url, ["chat.created"]).json_body
    start_chat(world)
    drain_events()
    bodies = drain_queue("webhooks", lambda event, context: {"batchItemFailures": []})  # take the job aside
    job = service.Job.from_json(bodies[0])
    assert store.claim(job.webhook_id, job.event_id, job.event_type, 1, 30)  # a worker took it, then died

    assert service.deliver(job) == "duplicate" and receiver.requests == []  # SQS redelivered too early
    later = store.now() + timedelta(seconds=31)
    monkeypatch.setattr(store, "now", lambda: later)
    assert service.deliver(job) == "delivered" and len(receiver.requests) == 1
    assert service.deliver(job) == "duplicate" and len(receiver.requests) == 1


def test_the_readmes_verification_snippet_accepts_our_deliveries_and_rejects_forgeries():
    import re
    from pathlib import Path

    page = (Path(__file__).resolve().parents[2] / "docs" / "webhooks.md").read_text()
    snippet = re.search(r"<!-- readme-snippet:webhook-verify -->\s*```python\n(.*?)```", page, re.S).group(1)
    assert len(snippet.strip().splitlines()) <= 10
    namespace: dict = {}
    exec(snippet, namespace)  # noqa: S102 (our own docs/webhooks.md)
    verify = namespace["verify"]
    secret, other = signing.new_secret(), signing.new_secret()
    body = b'{"id":"evt_1","type":"chat.created"}'
    headers = signing.headers([secret], "evt_1", int(time.time()), body)
    assert verify(secret, headers, body)
    assert not verify(other, headers, body)  # someone else's secret
    assert not verify(secret, headers, body.replace(b"created", b"closed"))  # tampered
    assert not verify(secret, {**headers, "webhook-id": "evt_2"}, body)  # replayed under another id
    old = signing.headers([secret], "evt_1", int(time.time()) - 3600, body)
    assert not verify(secret, old, body)  # replayed an hour later
    rotating = signing.headers([other, secret], "evt_1", int(time.time()), body)
    assert verify(secret, rotating, body) and verify(other, rotating, body)
    converted = signing.standard_form("my-own-secret-0123456789")  # what we show back for a plain secret
    assert verify(converted, signing.headers([converted], "e", int(time.time()), body), body)


def test_the_official_standard_webhooks_library_verifies_real_deliveries(world, keys, receiver, fast_retries):
    """Interop contract: whatever secret the integrator holds (generated, their own whsec_, or a plain
    one converted and shown back), the `standardwebhooks` package accepts our deliveries."""
    from standardwebhooks.webhooks import Webhook as OfficialVerifier, WebhookVerificationError

    generated = create(world, keys["site_a"], receiver.url, ["chat.created"]).json_body["secret"]
    own = signing.new_secret()
    create(world, keys["site_a"], receiver.url, ["chat.created"], secret=own)
    # seed 003's own request example
    plain = create(world, keys["site_a"], receiver.url, ["chat.created"], secret="your_webhook_secret").json_body
    held = [generated, own, plain["secret"]]
    assert all(secret.startswith("whsec_") and "*" not in secret for secret in held)

    start_chat(world)
    drain_events()
    drain_webhooks()
    # each delivery is accepted under its own webhook's secret, and under no other
    assert sorted(_accepted_by(OfficialVerifier, WebhookVerificationError, held, got) for got in
                  receiver.requests) == [[0], [1], [2]]


def _official_accepts(verifier, error, secret, got) -> bool:
    try:
        verifier(secret).verify(got.body, dict(got.headers))
    except error:
        return False
    return True


def _accepted_by(verifier, error, held, got) -> list[int]:
    return [i for i, secret in enumerate(held) if _official_accepts(verifier, error, secret, got)]


def test_the_request_that_raised_an_event_is_named_on_its_delivery(world, keys, receiver, fast_retries):
    """X-Request-Id travels request -> events queue -> webhook job -> the delivery's header."""
    create(world, keys["site_a"], receiver.url, ["message.sent"])
    vt, conversation_id = start_chat(world)
    sent = send(world, conversation_id, "traced", headers={**as_visitor(vt), "X-Request-Id": "trace-4f2a"})
    assert sent.status_code == 201 and sent.headers["X-Request-Id"] == "trace-4f2a"
    drain_events()
    drain_webhooks()
    [delivery] = receiver.requests
    assert delivery.headers["x-request-id"] == "trace-4f2a"
