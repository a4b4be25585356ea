"""Issue 23, findings 5, 6, 8 and 10: strict JSON at every edge, no anonymous 500s, every frame
rate-limited, a bounded widget_config.

JSON is strict (DESIGN §7): no NaN/Infinity, bounded depth and size, valid Unicode. Every bad
input is a 400 in the surface's own error shape (000, 003, 004) or an `error` frame on the
socket, and nothing is half-written.
"""
import dataclasses
import json

import pytest

from chalicelib.settings import get_settings
from tests.unit.chat_helpers import as_visitor, data, error, open_conversation, visitor_token
from tests.unit.identity_fixtures import world  # noqa: F401  (fixture)
from tests.unit.test_realtime import connect_agent, connect_visitor, wire, ws_send  # noqa: F401  (wire: fixture)

JSON = {"Content-Type": "application/json"}


def raw(world, method, path, text, token=None, headers=None):
    """Send `text` (str or bytes) as the body, untouched: json.dumps cannot write what these tests send."""
    sent = {**JSON, **(headers or {})}
    if token:
        sent["Authorization"] = f"Bearer {token}"
    return getattr(world.client.http, method.lower())(path, headers=sent, body=text)


def strict_constant(name):
    raise AssertionError(f"{name} in an answer: invalid JSON")


def register_raw(world, fragment, visitor_id="v_x"):
    """POST /api/v1/visitors with `fragment` spliced in as the value of metadata.x."""
    return raw(world, "POST", "/api/v1/visitors",
               '{"site_id":"site_a","visitor_id":"%s","name":"Ann","metadata":{"x":%s}}' % (visitor_id, fragment))


def visitor_exists(world, visitor_id):
    alice = world.token("alice", "site_a")
    return world.call("GET", f"/api/v1/visitors/{visitor_id}?site_id=site_a", token=alice).status_code == 200


def api_key(world):
    alice = world.token("alice", "site_a")
    return data(world.call("POST", "/api/v1/admin/sites/site_a/api-keys", {"name": "k"}, token=alice), 201)["key"]


def conversations_of_site_a(world):
    alice = world.token("alice", "site_a")
    return data(world.call("GET", "/api/v1/conversations?site_id=site_a", token=alice))["conversations"]


# -- finding 5: NaN, Infinity, -Infinity ----------------------------------------------------------

def test_finding_5_nan_and_infinity_are_refused_and_never_echoed(world):
    token = visitor_token(world, "v_ok")
    conversation_id = open_conversation(world, token, "v_ok")
    for constant in ("NaN", "Infinity", "-Infinity", "1e400", "-1e999"):
        response = register_raw(world, constant)
        assert error(response, 400) == "VALIDATION_ERROR", constant
        json.loads(response.body, parse_constant=strict_constant)  # the answer itself is strict JSON
        assert not visitor_exists(world, "v_x")  # nothing stored
        sent = raw(world, "POST", "/api/v1/messages",
                   '{"conversation_id":"%s","content":"hi","metadata":{"score":%s}}' % (conversation_id, constant),
                   headers=as_visitor(token))
        assert error(sent, 400) == "VALIDATION_ERROR", constant
    alice = world.token("alice", "site_a")
    messages = data(world.call("GET", f"/api/v1/messages?conversation_id={conversation_id}", token=alice))
    assert messages["messages"] == []


def test_finding_6_every_surface_answers_in_its_own_shape(world):
    # 003: {"error": {"code": "REQ-001", ...}} (a RecursionError and a 500 today)
    key = api_key(world)
    deep = "[" * 100_000 + "]" * 100_000
    response = raw(world, "POST", "/v1/webhooks", '{"url":"https://hooks.example/x","events":%s}' % deep, token=key)
    assert response.status_code == 400
    assert response.json_body["error"]["code"] == "REQ-001" and response.json_body["error"]["request_id"]
    assert world.call("GET", "/v1/webhooks", token=key).json_body["data"] == []
    # 004: {"detail", "code", "errors"} (a lone surrogate reached DynamoDB and a 500 today)
    response = raw(world, "POST", "/api/v1/agent/auth/login", '{"username":"bob\\ud800","password":"x"}')
    assert response.status_code == 400
    assert response.json_body["code"] == "VALIDATION_ERROR" and response.json_body["errors"] == {"field": "username"}


def test_finding_5_a_socket_frame_with_nan_is_an_error_frame(world, wire):
    tab, _ = connect_visitor(world, "v_ws", name="Ann")
    ws_send(tab, '{"type":"init","name":"Bea","x":NaN}')
    assert [f["code"] for f in wire.of(tab, "error")] == ["VALIDATION_ERROR"]
    assert wire.of(tab, "state") == []  # init did nothing: no rename, no state
    alice = world.token("alice", "site_a")
    assert data(world.call("GET", "/api/v1/visitors/v_ws?site_id=site_a", token=alice))["name"] == "Ann"


# -- finding 6: deep nesting, lone surrogates, the half-written first message ---------------------

def test_finding_6_deeply_nested_json_is_a_400_not_a_500(world, wire):
    tab, _ = connect_visitor(world, "v_ws")
    depths = (33, 100, 5_000, 100_000)  # past ours; past json's own recursion limit (a 500 today)
    for depth in depths:
        response = register_raw(world, "[" * depth + "]" * depth)
        assert error(response, 400) == "VALIDATION_ERROR", depth
        assert "nested" in response.json_body["error"]["message"]
        assert not visitor_exists(world, "v_x")
        ws_send(tab, '{"type":"ping","x":' + "{\"a\":" * depth + "1" + "}" * depth + "}")
    assert [f["code"] for f in wire.of(tab, "error")] == ["VALIDATION_ERROR"] * len(depths)
    assert wire.of(tab, "pong") == []


def test_thirty_two_levels_of_nesting_are_still_accepted(world):
    nested = "[" * 30 + "1" + "]" * 30  # the body object and metadata make 32
    assert register_raw(world, nested).status_code == 201


# (route, body with a lone surrogate, the field the 400 names); each is a 500 today, on write or later read.
SURROGATE_CASES = [
    ("/api/v1/visitors", '{"site_id":"site_a","visitor_id":"v_s","name":"A\\ud800"}', "name"),
    ("/api/v1/visitors", '{"site_id":"site_a","visitor_id":"v_s","name":"A","email":"a\\udfff@a.example"}', "email"),
    ("/api/v1/visitors", '{"site_id":"site_a","visitor_id":"v_\\ud800","name":"A"}', "visitor_id"),
    ("/api/v1/visitors", '{"site_id":"site_a","visitor_id":"v_s","name":"A","metadata":{"page":"\\udc00"}}',
     "metadata.page"),
    ("/api/v1/visitors", '{"site_id":"site_a","visitor_id":"v_s","name":"A","metadata":{"t":["ok","\\ud83d"]}}',
     "metadata.t[1]"),
    ("/api/v1/visitors", '{"site_id":"site_a","visitor_id":"v_s","name":"A","metadata":{"\\ud800":1}}',
     "metadata"),
    ("/api/v1/auth/support/login", '{"username":"bob","password":"p\\ud800","site_id":"site_a"}', "password"),
    ("/api/v1/agent/register", '{"username":"eve","password":"correct-horse-\\ud800","site_id":"site_a"}',
     "password"),
]


def test_finding_6_lone_surrogates_are_a_400_naming_the_field(world):
    for path, body, field in SURROGATE_CASES:
        response = raw(world, "POST", path, body)
        assert response.status_code == 400, (body, response.body)
        shape = response.json_body
        details = shape["error"].get("details") if "error" in shape else shape.get("errors")
        assert details == {"field": field}, body
    assert not visitor_exists(world, "v_s")


def test_finding_6_lone_surrogates_as_raw_bytes_are_a_400(world):
    body = b'{"site_id":"site_a","visitor_id":"v_s","name":"A\xed\xa0\x80"}'  # UTF-8 of U+D800: not valid UTF-8
    assert error(raw(world, "POST", "/api/v1/visitors", body), 400) == "VALIDATION_ERROR"
    assert not visitor_exists(world, "v_s")


def test_finding_6_lone_surrogates_in_messages_ratings_and_widget_texts(world, wire):
    token = visitor_token(world, "v_m")
    conversation_id = open_conversation(world, token, "v_m")
    for body, field in [
        ('{"conversation_id":"%s","content":"hi \\ud800"}' % conversation_id, "content"),
        ('{"conversation_id":"%s","content":"hi","metadata":{"ref":"\\udfff"}}' % conversation_id, "metadata.ref"),
    ]:
        response = raw(world, "POST", "/api/v1/messages", body, headers=as_visitor(token))
        assert error(response, 400) == "VALIDATION_ERROR"
        assert response.json_body["error"]["details"] == {"field": field}
    rated = raw(world, "POST", f"/api/v1/conversations/{conversation_id}/rating",
                '{"rating":5,"comment":"\\ud800"}', headers=as_visitor(token))
    assert error(rated, 400) == "VALIDATION_ERROR"
    assert rated.json_body["error"]["details"] == {"field": "comment"}

    alice = world.token("alice", "site_a")
    patched = raw(world, "PATCH", "/api/v1/admin/sites/site_a", '{"widget_config":{"welcome_message":"\\ud800"}}',
                  token=alice)
    assert error(patched, 400) == "VALIDATION_ERROR"
    assert patched.json_body["error"]["details"] == {"field": "widget_config.welcome_message"}

    tab, _ = connect_visitor(world, "v_m2")
    ws_send(tab, '{"type":"message","message":"x\\ud800"}')
    ws_send(tab, '{"type":"init","name":"\\udc00"}')
    assert [(f["code"], f["details"]) for f in wire.of(tab, "error")] == [
        ("VALIDATION_ERROR", {"field": "message"}), ("VALIDATION_ERROR", {"field": "name"})]

    # Every later read still works: nothing unreadable was stored.
    assert data(world.call("GET", f"/api/v1/conversations/{conversation_id}", headers=as_visitor(token)))[
        "messages"] == []
    assert data(world.call("GET", "/api/v1/sites/site_a", token=alice))
    assert data(world.call("GET", "/api/v1/visitors/v_m?site_id=site_a", token=alice))["name"] == "John Doe"


def test_finding_6_a_failed_first_socket_message_leaves_no_conversation(world, wire):
    tab, _ = connect_visitor(world, "v_first")
    ws_send(tab, {"type": "message", "message": "hello", "file": "file_does_not_exist"})
    assert [f["code"] for f in wire.of(tab, "error")] == ["VALIDATION_ERROR"]
    assert conversations_of_site_a(world) == []  # no conversation with seq 0 and no message

    ws_send(tab, {"type": "message", "message": "hello"})  # a good first message opens it, with its message
    assert len(wire.of(tab, "error")) == 1
    [conversation] = conversations_of_site_a(world)
    assert [f["message"] for f in wire.of(tab, "message")] == ["hello"]
    assert wire.of(tab, "message")[0]["conversation_id"] == conversation["id"]


# -- finding 8: every frame is rate-limited -------------------------------------------------------

@pytest.fixture
def tight_limits(monkeypatch):
    """Two 'other' requests a minute, messages unchanged; a pinned clock so the window holds."""
    limits = dataclasses.replace(get_settings().rate_limits, other=2)
    monkeypatch.setattr("chalicelib.domain.limits.get_settings",
                        lambda: dataclasses.replace(get_settings(), rate_limits=limits))
    monkeypatch.setattr("chalicelib.domain.limits.clock", lambda: 1_800_000_010.0)


@pytest.mark.parametrize("frame", [{"type": "ping"}, {"type": "get_state"}, {"type": "init", "name": "Ann"}])
def test_finding_8_init_get_state_and_ping_frames_are_rate_limited(world, wire, tight_limits, frame):
    tab, _ = connect_visitor(world, "v_rl")
    for _ in range(3):
        ws_send(tab, frame)
    answers = [f["type"] for f in wire.frames[tab] if f["type"] in ("pong", "state", "error")]
    assert answers == ["pong" if frame["type"] == "ping" else "state"] * 2 + ["error"]
    limited = wire.of(tab, "error")[0]
    assert limited["code"] == "RATE_LIMITED" and limited["request_type"] == frame["type"]
    assert limited["details"]["retry_after"] > 0


def test_finding_8_an_agents_pings_are_rate_limited_too(world, wire, tight_limits):
    bob = connect_agent(world)
    for _ in range(3):
        ws_send(bob, {"type": "ping"})
    assert len(wire.of(bob, "pong")) == 2
    assert [f["code"] for f in wire.of(bob, "error")] == ["RATE_LIMITED"]


def test_finding_8_frames_that_are_not_frames_count_too(world, wire, tight_limits):
    tab, _ = connect_visitor(world, "v_junk")
    for junk in ('{"type":"nope"}', "not json", '{"type":"ping","x":NaN}'):
        ws_send(tab, junk)
    assert [f["code"] for f in wire.of(tab, "error")] == ["VALIDATION_ERROR", "VALIDATION_ERROR", "RATE_LIMITED"]


# -- finding 10: widget_config is bounded ---------------------------------------------------------

def test_finding_10_widget_config_is_bounded(world):
    alice = world.token("alice", "site_a")
    big = world.call("PATCH", "/api/v1/admin/sites/site_a", {"widget_config": {"welcome_message": "x" * 200_000}},
                     token=alice)
    assert error(big, 400) == "VALIDATION_ERROR" and big.json_body["error"]["details"] == {"field": "widget_config"}

    # Merged with what is stored: two halves that fit alone do not fit together (a 500 at 400 KB today).
    half = "y" * 10_000
    assert world.call("PATCH", "/api/v1/admin/sites/site_a", {"widget_config": {"welcome_message": half}},
                      token=alice).status_code == 200
    both = world.call("PATCH", "/api/v1/admin/sites/site_a", {"widget_config": {"offline_message": half}},
                      token=alice)
    assert error(both, 400) == "VALIDATION_ERROR"
    config = data(world.call("GET", "/api/v1/sites/site_a", token=alice))["widget_config"]
    assert config.get("welcome_message") == half and "offline_message" not in config

    created = world.call("POST", "/api/v1/admin/sites", {"site_id": "site_big", "name": "Big",
                                                          "widget_config": {"branding": {"logo_url": "z" * 17_000}}},
                         token=alice)
    assert error(created, 400) == "VALIDATION_ERROR"


def test_finding_10_a_400_kb_config_is_refused_in_every_request_shape(world):
    alice = world.token("alice", "site_a")
    for field in ("welcome_message", "offline_message", "button_text"):
        response = world.call("PATCH", "/api/v1/admin/sites/site_a", {"widget_config": {field: "q" * 150_000}},
                              token=alice)
        assert response.status_code == 400, response.body
    assert world.call("GET", "/api/v1/sites/site_a", token=alice).status_code == 200


def test_strict_json_reader_unit():
    """The one reader both edges use: what it accepts and how it names what it refuses."""
    from chalicelib import parsing
    from chalicelib.model.errors import ValidationFailed

    assert parsing.json_object(b'{"a": [1, 2.5, "\\u00e9\\ud83d\\ude00", null, true]}') == {
        "a": [1, 2.5, "\u00e9\U0001F600", None, True]}
    assert parsing.json_object(b"  ") == {}
    for bad, field in [(b'{"a": {"b": ["\\udbff"]}}', "a.b[0]"), (b'{"a": NaN}', None), (b"[1]", None),
                       (b'{"n": 123456789012345678901234567890123456789012}', "n"), (b"[1e400]", "[0]")]:
        with pytest.raises(ValidationFailed) as refused:
            parsing.json_object(bad)
        assert refused.value.details.get("field") == field
    with pytest.raises(ValidationFailed):
        parsing.json_object(b"{" * 10 + b"}" * 10, max_size=5)
    assert json.loads(json.dumps(parsing.json_object(b'{"x": 1e-400}'))) == {"x": 0.0}
