"""Issue 23, findings 9, 11, 12 and 13: per-account login lockout, download names and types from
the sniffed bytes, the SSRF guard's last gaps, and event bodies kept out of the logs."""
import io
import json
from urllib.parse import parse_qs, urlparse

import boto3
import pytest
import requests

from chalicelib.settings import get_settings
from tests.unit.chat_helpers import as_visitor, data, drain_events, open_conversation, send, visitor_token
from tests.unit.file_helpers import png
from tests.unit.identity_fixtures import PASSWORD, world  # noqa: F401  (fixture)
from tests.unit.test_webhooks import create, drain_webhooks, fast_retries, keys, receiver  # noqa: F401  (fixtures)

# -- finding 9: failed logins are counted per account too ------------------------------------------


@pytest.fixture
def pinned_clock(monkeypatch):
    """The rate-limit clock, pinned (and moved by the test) so no step straddles a window by chance.
    The per-IP auth limit is raised so that only the per-account lockout is under test."""
    from chalicelib.domain import limits

    monkeypatch.setenv("PARLEY_RATE_LIMIT_AUTH", "1000")
    get_settings.cache_clear()
    moment = {"now": 1_800_000_000.0}
    monkeypatch.setattr(limits, "clock", lambda: moment["now"])
    yield moment
    monkeypatch.undo()
    get_settings.cache_clear()


def _console_login(world, username, password):
    return world.call("POST", "/api/v1/auth/support/login",
                      {"username": username, "password": password, "site_id": "site_a"})


def _agent_app_login(world, username, password):
    return world.call("POST", "/api/v1/agent/auth/login", {"username": username, "password": password})


def test_finding_9_failed_logins_lock_the_account_with_a_growing_delay(world, pinned_clock):
    # Five wrong passwords in 15 minutes: each is the usual 401.
    for _ in range(5):
        assert _console_login(world, "alice", "wrong-guess").status_code == 401
        pinned_clock["now"] += 10
    # Locked for 30 s now, counted from the fifth failure: even the right password waits.
    locked = _console_login(world, "alice", PASSWORD)
    assert locked.status_code == 429 and locked.json_body["error"]["code"] == "RATE_LIMITED"
    assert int(locked.headers["Retry-After"]) == 20  # 30 s from the fifth failure, 10 s of it gone
    assert "20 seconds" in locked.json_body["error"]["message"]
    # Seed 004's agent login goes through the same account count, in its own error shape.
    other_surface = _agent_app_login(world, "ALICE", PASSWORD)  # the login name is normalised
    assert other_surface.status_code == 429 and other_surface.json_body["code"] == "RATE_LIMITED"
    assert other_surface.headers["Retry-After"] == "20"
    # Other accounts are not affected.
    assert _console_login(world, "bob", PASSWORD).status_code == 200

    # The lock ends; the next failure locks for twice as long (60 s), the one after for 120 s.
    pinned_clock["now"] += 20
    assert _console_login(world, "alice", "wrong-again").status_code == 401
    assert _console_login(world, "alice", PASSWORD).headers["Retry-After"] == "60"
    pinned_clock["now"] += 60
    assert _agent_app_login(world, "alice", "wrong-again").status_code == 401
    assert _console_login(world, "alice", PASSWORD).headers["Retry-After"] == "120"

    # After the lock, the right password works and a success resets the count: one more failure
    # is a plain 401, not a lock.
    pinned_clock["now"] += 120
    assert _console_login(world, "alice", PASSWORD).status_code == 200
    assert _console_login(world, "alice", "wrong-guess").status_code == 401
    assert _console_login(world, "alice", PASSWORD).status_code == 200


def test_finding_9_the_delay_doubles_up_to_15_minutes_and_failures_age_out():
    from chalicelib.domain import accounts

    assert [accounts.lockout_seconds(n) for n in range(1, 13)] == [0, 0, 0, 0, 30, 60, 120, 240, 480, 900, 900, 900]
    # Four old failures and one new one are not five in 15 minutes.
    state = accounts.LoginFailures(count=4, last_at=1000.0)
    assert accounts.locked_for(state, 1000.0 + 10) == 0
    assert accounts.counts_from_scratch(state, 1000.0 + 900)
    assert not accounts.counts_from_scratch(state, 1000.0 + 899)


def test_finding_9_an_unknown_login_name_is_counted_and_answered_like_a_known_one(world, pinned_clock,
                                                                                    monkeypatch):
    from chalicelib.auth import passwords

    verified = []
    real_verify = passwords.verify_password
    monkeypatch.setattr(passwords, "verify_password", lambda h, p: verified.append(1) or real_verify(h, p))

    def attempts(username):
        verified.clear()
        answers = [_console_login(world, username, "wrong-guess") for _ in range(5)]
        answers.append(_console_login(world, username, "wrong-guess"))
        return answers, len(verified)

    known, known_checks = attempts("bob")
    unknown, unknown_checks = attempts("mallory-does-not-exist")
    assert [r.status_code for r in known] == [r.status_code for r in unknown] == [401] * 5 + [429]
    assert [r.body for r in known] == [r.body for r in unknown]
    assert known[-1].headers["Retry-After"] == unknown[-1].headers["Retry-After"] == "30"
    # The same work either way: five password checks (against a decoy hash for the unknown name),
    # and none while locked.
    assert known_checks == unknown_checks == 5
    # The count lives under a digest of the name: the name itself is not written to the table.
    # (Read through the table the app writes to: the model's own name and connection.)
    from chalicelib.store.models import ChatItem

    raw = ChatItem._get_connection().scan()  # every item, whatever its kind
    keys = json.dumps([item["pk"]["S"] for item in raw["Items"]])
    assert "mallory" not in keys


# -- finding 11: downloads are named and typed by the sniffed bytes ---------------------------------

def _upload(world, token, content, filename):
    from urllib3 import encode_multipart_formdata

    body, header = encode_multipart_formdata({"site_id": "site_a", "file": (filename, content, "text/html")})
    return world.client.http.post("/api/v1/files/upload", body=body,
                                  headers={"Content-Type": header, "Authorization": f"Bearer {token}"})


def _presigned(world, url):
    redirect = world.client.http.get(url)
    assert redirect.status_code == 302, redirect.body
    assert redirect.headers["X-Content-Type-Options"] == "nosniff"
    query = {k: v[0] for k, v in parse_qs(urlparse(redirect.headers["Location"]).query).items()}
    fetched = requests.get(redirect.headers["Location"], timeout=5)  # moto answers presigned URLs
    assert fetched.status_code == 200
    assert fetched.headers["Content-Type"] == query["response-content-type"]
    assert fetched.headers["Content-Disposition"] == query["response-content-disposition"]
    return query


def test_finding_11_downloads_are_named_and_typed_by_the_sniffed_type(world):
    bob = world.token("bob", "site_a")
    # Text that is not markup at its start: accepted as text/plain, uploaded under an .html name.
    text = data(_upload(world, bob, b"hello\n<script>alert(document.cookie)</script>\n", "invoice.html"), 201)
    assert text["mime_type"] == "text/plain"
    query = _presigned(world, text["url"])
    assert query["response-content-type"] == "text/plain"
    disposition = query["response-content-disposition"]
    assert disposition.startswith('attachment; filename="invoice.txt"') and ".html" not in disposition

    # An image under a page's name: served as the image it is, inline, named for its type.
    image = data(_upload(world, bob, png(), "pic.html"), 201)
    query = _presigned(world, image["url"])
    assert query["response-content-type"] == "image/png"
    assert query["response-content-disposition"].startswith('inline; filename="pic.png"')

    # A name whose extension already fits the type is kept.
    csv = data(_upload(world, bob, b"a,b\n1,2\n", "table.CSV"), 201)
    query = _presigned(world, csv["url"])
    assert query["response-content-type"] == "text/csv"
    assert query["response-content-disposition"].startswith('attachment; filename="table.CSV"')


def test_finding_11_the_download_name_rule():
    from chalicelib.domain.media.service import download_name

    assert download_name("invoice.html", "text/plain") == "invoice.txt"
    assert download_name("photo.JPEG", "image/jpeg") == "photo.JPEG"
    assert download_name("photo.jpg.exe", "image/jpeg") == "photo.jpg.jpg"
    assert download_name("README", "text/plain") == "README.txt"
    assert download_name(".htaccess", "text/plain") == ".htaccess.txt"
    assert download_name("report.pdf", "application/pdf") == "report.pdf"


# -- finding 12: the SSRF guard's last gaps ---------------------------------------------------------

@pytest.mark.parametrize("url", [
    "https://[::7f00:1]/hook",  # IPv4-compatible IPv6 around 127.0.0.1
    "https://[::a9fe:a9fe]/latest/meta-data/",  # ... around 169.254.169.254
    "https://[::10.0.0.1]/hook",  # ... written the dotted way
    "https://[::ffff:0:7f00:1]/hook",  # IPv4-translated (SIIT) around 127.0.0.1
    "https://[64:ff9b:1::a00:1]/hook",  # local-use NAT64 around 10.0.0.1
    "https://93.184.216.34:0/hook",  # port 0
    "https://hooks.example.com:0/hook",
    "https://hooks.example.com/a\r\nX-Injected: 1",  # CR/LF
    "https://hooks.example.com/hook\n",
    "https://hooks.example.com/\x00hook",
    "https://hooks.exa\tmple.com/hook",  # urlsplit would silently drop the tab
    "https://hooks.example.com/a b",
    "https://hooks.example.com/\x85hook",  # C1 control
    "https://hooks.example.com/caf\u00e9",  # not ASCII: the request line could not be sent
    "https://[::1/hook",  # urlsplit raises on this one
])
def test_finding_12_the_ssrf_guard_refuses_v4_compatible_v6_port_0_and_control_characters(url):
    from chalicelib.integrations import outbound

    def dns(host, port):
        return ["93.184.216.34"] if host == "hooks.example.com" else outbound.system_resolver(host, port)

    with pytest.raises(outbound.UnsafeUrl):
        outbound.check(url, allow_loopback_http=False, resolve=dns)
    with pytest.raises(outbound.UnsafeUrl):  # the local stage's exception (loopback http) changes nothing
        outbound.check(url.replace("https://", "http://", 1), allow_loopback_http=True, resolve=dns)


def test_finding_12_registration_and_delivery_refuse_them(world, keys, receiver, fast_retries, monkeypatch):
    from chalicelib.domain.webhooks import service
    from chalicelib.integrations import outbound
    from chalicelib.store import webhooks as webhook_store

    monkeypatch.setattr(service, "resolver", lambda host, port: ["93.184.216.34"]
                        if host == "hooks.example.com" else outbound.system_resolver(host, port))
    key = keys["site_a"]
    for url in ("https://[::7f00:1]/hook", "http://[::7f00:1]/hook", "https://hooks.example.com:0/hook",
                "https://hooks.example.com/a\r\nX-Injected: 1", "https://[::1/hook"):
        response = world.call("POST", "/v1/webhooks", {"url": url, "events": ["chat.created"]}, token=key)
        assert response.status_code == 400 and response.json_body["error"]["code"] == "REQ-001", response.body
    assert world.call("GET", "/v1/webhooks", token=key).json_body["data"] == []

    # Before every delivery too: URLs of those kinds, stored before this guard existed, are refused
    # before any connection is made, and the delivery log says why.
    for stored in (receiver.url.replace("127.0.0.1", "[::7f00:1]"), receiver.url.rsplit(":", 1)[0] + ":0/",
                   receiver.url + "\r\nX-Injected: 1"):
        hook = create(world, key, receiver.url, ["chat.created"]).json_body
        webhook_store.update(hook["id"], {"url": stored})
        visitor_id = f"v_hook_{len(stored)}"
        open_conversation(world, visitor_token(world, visitor_id=visitor_id), visitor_id=visitor_id)
        drain_events()
        drain_webhooks()
        assert receiver.requests == []
        log = world.call("GET", f"/v1/webhooks/{hook['id']}/deliveries", token=key).json_body["data"]
        assert log and log[0]["error"].startswith("refused by the SSRF guard"), log
        world.call("DELETE", f"/v1/webhooks/{hook['id']}", token=key)


# -- finding 13: event bodies stay out of the logs --------------------------------------------------

NAME, EMAIL, TEXT = "Zebulon Quartermaine", "zebulon.q@private.example", "my card ends in 4242, ship to Elm St"


@pytest.fixture
def captured_logs():
    from chalicelib import observability

    stream = io.StringIO()
    handler = observability.logger.registered_handler
    original = handler.stream
    handler.setStream(stream)
    yield stream
    handler.setStream(original)


def _events_dlq():
    sqs = boto3.client("sqs", region_name="us-east-1")
    url = sqs.get_queue_url(QueueName=get_settings().queue_name("events-dlq"))["QueueUrl"]
    bodies = []
    while True:
        got = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10).get("Messages", [])
        if not got:
            return bodies
        bodies.extend(json.loads(m["Body"]) for m in got)
        for m in got:
            sqs.delete_message(QueueUrl=url, ReceiptHandle=m["ReceiptHandle"])


def _flow(world):
    registered = world.call("POST", "/api/v1/visitors", {"site_id": "site_a", "visitor_id": "v_private",
                                                         "name": NAME, "email": EMAIL})
    assert registered.status_code in (200, 201), registered.body
    token = registered.json_body["data"]["session_token"]
    conversation_id = open_conversation(world, token, visitor_id="v_private")
    assert send(world, conversation_id, TEXT, headers=as_visitor(token)).status_code == 201
    return conversation_id


def test_finding_13_events_not_queued_are_parked_in_the_dlq_and_logged_by_id_only(world, captured_logs,
                                                                                   monkeypatch):
    from chalicelib.integrations import queues

    def events_queue_down(bodies):
        raise RuntimeError("SQS is having a bad day")

    monkeypatch.setattr(queues, "send_events", events_queue_down)
    _flow(world)
    logged = captured_logs.getvalue()
    assert "events not queued" in logged
    for secret in (NAME, EMAIL, TEXT, "Zebulon", "private.example", "ship to Elm"):
        assert secret not in logged
    lines = [json.loads(line) for line in logged.splitlines() if "events not queued" in line]
    named = [e for line in lines for e in line["events"]]
    assert {"event": "visitor.created", "site_id": "site_a"}.items() <= \
        next(e for e in named if e["event"] == "visitor.created").items()
    assert all(set(e) <= {"event", "event_id", "site_id", "conversation_id"} for e in named)
    # The opening's and the send's events rode their transactions (the outbox): never queued, never parked.
    assert not {"conversation.created", "message.created"} & {e["event"] for e in named}

    # Replayable: the whole events wait in the events DLQ, under the ids the log names.
    parked = _events_dlq()
    assert {e["id"] for e in parked} == {e["event_id"] for e in named}
    assert any(e["name"] == "visitor.created" and e["payload"]["visitor"]["email"] == EMAIL for e in parked)
    # A redrive (DLQ -> events queue) replays them through the events worker.
    sqs = boto3.client("sqs", region_name="us-east-1")
    events_url = sqs.get_queue_url(QueueName=get_settings().queue_name("events"))["QueueUrl"]
    for event in parked:
        sqs.send_message(QueueUrl=events_url, MessageBody=json.dumps(event))
    assert drain_events() == len(parked) + 2  # and, from the stream, conversation.created and message.created


def test_finding_13_when_the_dlq_is_down_too_the_log_still_names_ids_only(world, captured_logs, monkeypatch):
    from chalicelib.integrations import queues

    def everything_down(*args, **kwargs):
        raise RuntimeError("SQS is down")

    monkeypatch.setattr(queues, "send_events", everything_down)
    monkeypatch.setattr(queues, "send_batch", everything_down)
    _flow(world)
    logged = captured_logs.getvalue()
    assert "events not queued" in logged
    for secret in (NAME, EMAIL, TEXT, "Zebulon", "private.example", "ship to Elm"):
        assert secret not in logged


def test_finding_13_a_normal_flow_logs_no_personal_data(world, captured_logs):
    _flow(world)
    drain_events()
    logged = captured_logs.getvalue()
    for secret in (NAME, EMAIL, TEXT, "Zebulon", "private.example", "ship to Elm"):
        assert secret not in logged
