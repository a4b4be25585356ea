"""Issue 23, finding 6: fuzz every public write route (anonymous, or with a visitor's token) and the
visitor's socket frames with Hypothesis-generated bodies.

Whatever arrives - any JSON value, huge and tiny numbers, NaN/Infinity, deep nesting, any Unicode
including lone surrogates (as JSON escapes and as raw bytes), bytes that are not JSON at all - the
answer is below 500, a 4xx is in its surface's error shape, and every answer is strict JSON.

The routes are found by walking the Chalice app's routes, not listed by hand: a public write route
without a body strategy below fails `test_every_public_write_route_has_a_strategy`, so a new route
joins the fuzzing the day it is added.
"""
import dataclasses
import inspect
import json
import uuid

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import app as app_module
from chalicelib.settings import get_settings
from chalicelib.surfaces import http
from tests.unit.chat_helpers import as_visitor, open_conversation, visitor_token
from tests.unit.identity_fixtures import world  # noqa: F401  (fixture)
from tests.unit.test_realtime import connect_visitor, wire, ws_send  # noqa: F401  (wire: fixture)

EXAMPLES = 50  # per route; the whole file runs in well under a minute
FUZZ = settings(max_examples=EXAMPLES, deadline=None, database=None,  # no .hypothesis/ left in the tree
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                       HealthCheck.data_too_large])
WRITE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}
# Resolvers an outsider satisfies: none, or any that takes a visitor's token (anyone gets one by
# registering). Recognised by name, and by trying a visitor's token on every write route's resolver
# (test_every_public_write_route_has_a_strategy), so a resolver of a new name is caught too.
PUBLIC_RESOLVER_WORDS = ("visitor", "customer", "guest")


# -- the routes -----------------------------------------------------------------------------------

def _declared(entry):
    """(surface, auth resolver) of a route declared through Surface.route; (None, "?") otherwise."""
    free = inspect.getclosurevars(entry.view_function).nonlocals
    if "auth" not in free or "self" not in free:
        return None, "?"
    return free["self"], free["auth"]


def write_routes():
    """(method, path, auth resolver) of every write route of the app."""
    return sorted(((method, path, _declared(entry)[1]) for path, methods in app_module.app.routes.items()
                   for method, entry in methods.items() if method in WRITE_METHODS), key=lambda r: r[:2])


class _Request:
    """Just enough of chalice's Request for an authentication resolver."""

    def __init__(self, headers):
        self.headers = headers
        self.context = {"identity": {"sourceIp": "198.51.100.7"}, "requestId": "probe"}
        self.query_params = {}


def accepts_visitor_token(auth, token):
    """Does this resolver let a visitor's token in, in any header it reads?"""
    for headers in ({"x-visitor-token": token}, {"authorization": f"Bearer {token}"}):
        try:
            principal = auth(http.Call(_Request(headers)))
        except Exception:  # refused (401/403) or could not even read it: not with this header
            continue
        if getattr(principal, "kind", None) == "visitor":
            return True
    return False


def public_write_routes(visitor_token_=None):
    """Anonymous and visitor-token write routes: by resolver name, and (given a token) by trying it."""
    found = []
    for method, path, auth in write_routes():
        if auth is None or auth == "?" or any(word in auth.__name__ for word in PUBLIC_RESOLVER_WORDS) or (
                visitor_token_ is not None and accepts_visitor_token(auth, visitor_token_)):
            found.append((method, path))
    return found


def surface_of(method, path):
    surface, _ = _declared(app_module.app.routes[path][method])
    return surface._render_error.__module__ if surface is not None else None


# -- the error shapes of the surfaces -------------------------------------------------------------

def _shape_000(body):
    return body.get("success") is False and isinstance(body["error"]["code"], str) and \
        isinstance(body["error"]["message"], str)


def _shape_003(body):
    error = body["error"]
    return all(isinstance(error[k], str) for k in ("code", "message", "message_en", "request_id")) and \
        "details" in error


def _shape_004(body):
    return isinstance(body["detail"], str) and isinstance(body["code"], str)


def _shape_002(body):
    return body.get("success") is False and isinstance(body["message"], str) and \
        set(body) <= {"success", "message", "errors"} and \
        all(isinstance(v, list) for v in body.get("errors", {}).values())


def _shape_001(body):
    return isinstance(body["message"], str) and set(body) <= {"message", "errors"} and \
        all(isinstance(v, list) for v in body.get("errors", {}).values())


SHAPES = {
    "chalicelib.surfaces.console": _shape_000,
    "chalicelib.surfaces.visitor_chat": _shape_001,
    "chalicelib.surfaces.assistant": _shape_002,
    "chalicelib.surfaces.public_api": _shape_003,
    "chalicelib.surfaces.customer_flow": _shape_004,
}


def _refuse_constant(name):
    raise AssertionError(f"{name} in an answer: not valid JSON")


def check_answer(method, path, response, sent):
    assert response.status_code < 500, (method, path, sent[:300], response.body[:300])
    if not response.body:
        return
    body = json.loads(response.body, parse_constant=_refuse_constant)  # strict JSON, whatever the status
    if 400 <= response.status_code < 500:
        shape = SHAPES.get(surface_of(method, path))
        assert shape is not None, f"{method} {path}: a surface without a known error shape; add it to SHAPES"
        try:
            assert shape(body)
        except (AssertionError, KeyError, TypeError):
            raise AssertionError(f"{method} {path} answered {response.status_code} outside its surface's "
                                 f"error shape: {body}") from None


# -- strategies -----------------------------------------------------------------------------------

NASTY = ["\ud800", "a\udfffb", "\udbff\udc00\udc00", "\x00", "\u202e", "\U0001F600", "\ufeff", "\uffff",
         "é" * 300, " ", "", "../../etc/passwd", "<script>", "1e400", "NaN"]
any_char = st.characters(codec=None, exclude_categories=())  # every code point, lone surrogates included
texts = st.one_of(st.text(any_char, max_size=40), st.sampled_from(NASTY), st.text(max_size=20))
numbers = st.one_of(st.integers(), st.integers(min_value=-(10 ** 60), max_value=10 ** 60),
                    st.floats(allow_nan=True, allow_infinity=True), st.sampled_from([1e308, 5e-324, -0.0, 2 ** 53]))
scalars = st.one_of(st.none(), st.booleans(), numbers, texts)
json_values = st.recursive(scalars, lambda inner: st.one_of(st.lists(inner, max_size=4),
                                                            st.dictionaries(texts, inner, max_size=4)),
                           max_leaves=12)


def _encode(value, how):
    if how == "escaped":  # lone surrogates as \ud800 escapes, NaN/Infinity as the bare words
        return json.dumps(value)
    return json.dumps(value, ensure_ascii=False).encode("utf-8", "surrogatepass")  # as raw (invalid) UTF-8


def _arrays(depth):
    return "[" * depth + "]" * depth


def _objects(depth):
    return '{"a":' * depth + "1" + "}" * depth


def shaped(good):
    """Bodies near a valid one: one field fuzzed (so the rest gets past validation, into the domain
    and the store), or several fuzzed, some dropped and unknown ones added."""
    fields = sorted(good)
    if not fields:  # a route without a body: anything at all
        return st.dictionaries(texts, json_values, max_size=3)
    one = st.builds(lambda field, value: {**good, field: value}, st.sampled_from(fields),
                    st.one_of(texts, texts, json_values))
    several = st.builds(
        lambda keep, fuzzed, extra: {**{k: v for k, v in good.items() if k in keep}, **fuzzed, **extra},
        st.sets(st.sampled_from(fields)),
        st.dictionaries(st.sampled_from(fields), st.one_of(texts, json_values), max_size=len(fields)),
        st.dictionaries(texts, json_values, max_size=1),
    )
    return st.one_of(one, one, several)


def json_bodies(good):
    """Encoded bodies: near-valid objects, any JSON value, deep nesting, and bytes that are not JSON."""
    encoded = st.builds(_encode, st.one_of(shaped(good), shaped(good), json_values),
                        st.sampled_from(["escaped", "raw"]))
    nested = st.builds(lambda depth, inside: json.dumps({**good, "metadata": "@"}).replace('"@"', inside(depth)),
                       st.integers(1, 3000), st.sampled_from([_arrays, _objects]))
    return st.one_of(encoded, encoded, encoded, nested, st.binary(max_size=64),
                     st.sampled_from(['{"a":NaN}', '{"a":-Infinity}', "[1e999]", '{"a":1' + "0" * 5000 + "}"]))


BOUNDARY = "fuzzboundary"


def multipart_bodies(fields):
    """Upload routes: forms with the given fields (some fuzzed) and a file with a fuzzed name and
    bytes, or bytes that are no form at all."""
    def part(headers, payload):
        return b"--" + BOUNDARY.encode() + b"\r\n" + headers + b"\r\n\r\n" + payload + b"\r\n"

    def form(values, filename, data):
        body = b"".join(part(f'Content-Disposition: form-data; name="{name}"'.encode(),
                             value.encode("utf-8", "surrogatepass")) for name, value in values.items())
        body += part(b'Content-Disposition: form-data; name="file"; filename="' +
                     filename.encode("utf-8", "surrogatepass") + b'"\r\nContent-Type: image/png', data)
        return body + b"--" + BOUNDARY.encode() + b"--\r\n"

    values = st.builds(lambda fuzzed: {**fields, **fuzzed},
                       st.dictionaries(st.sampled_from(sorted(fields)), texts, max_size=len(fields))
                       if fields else st.just({}))
    data = st.one_of(st.binary(max_size=64), st.just(b"\x89PNG\r\n\x1a\n" + b"\x00" * 32))
    return st.one_of(st.builds(form, values, texts, data), st.builds(form, values, st.just("a.png"), data),
                     st.binary(max_size=128))


@dataclasses.dataclass
class Target:
    """How a route is called: its body strategy, the credential it sends, and the content type."""
    body: st.SearchStrategy
    credential: str | None = None  # "x-visitor-token" or "bearer": the visitor's token in that header
    content_type: str = "application/json"


@dataclasses.dataclass
class Context:
    """What the fuzzed calls act on: a visitor (000) with its conversation, and a seed 001 session."""
    visitor_id: str
    token: str
    conversation_id: str
    guest_id: str = "v_nobody"
    guest_token: str = ""
    assistant_conversation_id: str = "1"  # seed 002's integer ids
    customer_conversation_id: str = "conv_x"  # seed 004's customer conversation and its session
    customer_session: str = ""


def context(world):
    token = visitor_token(world, "v_fuzz")
    ctx = Context("v_fuzz", token, open_conversation(world, token, "v_fuzz"))
    if "/chat/start-session" in app_module.app.routes:  # seed 001's sessions, where they are built
        started = world.call("POST", "/chat/start-session", {"business": "site_a"})
        assert started.status_code == 201, started.body
        ctx.guest_id, ctx.guest_token = started.json_body["data"]["end_user_id"], started.json_body["data"]["token"]
    if "/api/v1/customer/conversations/start" in app_module.app.routes:  # seed 004's customer, where built
        started = world.call("POST", "/api/v1/customer/conversations/start", {"site_id": "site_a"})
        assert started.status_code == 201, started.body
        ctx.customer_conversation_id = started.json_body["conversation_id"]
        ctx.customer_session = started.json_body["customer_session_id"]
    return ctx


def targets(ctx):
    """A body strategy for every public write route. A new public write route must be added here."""
    conversation = {"conversation_id": ctx.conversation_id}
    multipart = f"multipart/form-data; boundary={BOUNDARY}"
    return {
        ("POST", "/api/v1/visitors"): Target(json_bodies(
            {"site_id": "site_a", "visitor_id": "v_fz", "name": "Ann", "email": "ann@a.example",
             "metadata": {"page_url": "https://a.example/"}})),
        ("POST", "/api/v1/auth/support/login"): Target(json_bodies(
            {"username": "bob", "password": "not-the-password", "site_id": "site_a"})),
        ("POST", "/api/v1/auth/refresh"): Target(json_bodies({"refresh_token": "rt_x"})),
        ("POST", "/api/v1/agent/register"): Target(json_bodies(
            {"username": "fz", "password": "correct-horse-battery", "email": "fz@a.example", "name": "Fz",
             "site_id": "site_a"})),
        ("POST", "/api/v1/agent/auth/login"): Target(json_bodies({"username": "bob", "password": "nope-nope"})),
        ("POST", "/api/v1/conversations"): Target(json_bodies({"site_id": "site_a", "visitor_id": ctx.visitor_id}),
                                                  "x-visitor-token"),
        ("POST", "/api/v1/conversations/{conversation_id}/rating"): Target(json_bodies(
            {"rating": 5, "comment": "thanks"}), "x-visitor-token"),
        ("POST", "/api/v1/messages"): Target(json_bodies(
            {**conversation, "content": "hi", "type": "text", "metadata": {"ref": "x"}}), "x-visitor-token"),
        ("POST", "/api/v1/messages/read"): Target(json_bodies({**conversation, "message_ids": []}),
                                                  "x-visitor-token"),
        ("POST", "/api/v1/typing"): Target(json_bodies({**conversation, "is_typing": True}), "x-visitor-token"),
        ("POST", "/api/v1/files/upload"): Target(multipart_bodies({"site_id": "site_a"}), "x-visitor-token",
                                                 multipart),
        ("POST", "/api/v1/visitors/activity"): Target(json_bodies(
            {"type": "page_view", "page_url": "https://a.example/pricing?plan=pro"}), "x-visitor-token"),
        # seed 001
        ("POST", "/chat/start-session"): Target(json_bodies(
            {"business": "site_a", "department": "sales", "external_customer_id": "c_1", "customer_hash": "00"})),
        ("POST", "/chat/upload-file"): Target(multipart_bodies(
            {"uploaded_by_end_user": ctx.guest_id, "message": "null"}), "bearer", multipart),
        # seed 004 (the customer's session in X-Customer-Session-Id)
        ("POST", "/api/v1/customer/conversations/start"): Target(json_bodies(
            {"site_id": "site_a", "name": "Jane", "email": "jane@a.example"})),
        ("POST", "/api/v1/customer/conversations/{conversation_id}/messages"): Target(json_bodies(
            {"body": "refund please", "client_message_id": "m-1"}), "customer-session"),
        ("POST", "/api/v1/customer/conversations/{conversation_id}/quick-replies/{faq_slug}"): Target(
            json_bodies({}), "customer-session"),
        ("POST", "/api/v1/customer/conversations/{conversation_id}/escalate"): Target(json_bodies({}),
                                                                                      "customer-session"),
        # seed 002 (the end user's visitor token as Bearer)
        ("POST", "/chat/conversations"): Target(json_bodies({"title": "Help", "agent_id": 1}), "bearer"),
        ("PUT", "/chat/conversations/{conversation_id}"): Target(json_bodies(
            {"title": "Renamed", "is_pinned": True, "is_archived": False}), "bearer"),
        ("DELETE", "/chat/conversations/{conversation_id}"): Target(json_bodies({}), "bearer"),
        ("POST", "/chat/conversations/{conversation_id}/messages"): Target(json_bodies(
            {"content": "hi", "sender_type": "user", "content_type": "text", "message_type": "text"}), "bearer"),
        ("POST", "/chat/conversations/{conversation_id}/ai-response"): Target(json_bodies(
            {"message": "hi", "agent_id": 1, "include_context": True}), "bearer"),
    }


# -- the tests ------------------------------------------------------------------------------------

@pytest.fixture
def no_rate_limits(monkeypatch):
    """Fuzzing is many requests from one caller; let every one reach the parser and the domain."""
    off = dataclasses.replace(get_settings().rate_limits, enabled=False)
    monkeypatch.setattr("chalicelib.domain.limits.get_settings",
                        lambda: dataclasses.replace(get_settings(), rate_limits=off))


ROUTES = sorted(targets(Context("v", "t", "conv_x")))


def test_every_public_write_route_has_a_strategy(world):
    token = visitor_token(world, "v_probe")
    routes = public_write_routes(token)
    assert ("POST", "/api/v1/visitors") in routes and ("POST", "/api/v1/messages") in routes  # the walk works
    assert ("PATCH", "/api/v1/admin/sites/{site_id}") not in routes  # and tells an admin route apart
    missing = sorted(set(routes) - set(ROUTES))
    assert missing == [], f"public write routes without a fuzz strategy in this file: {missing}"
    unknown = sorted({surface_of(m, p) for m, p in routes} - set(SHAPES))
    assert unknown == [], f"surfaces without a known error shape: {unknown}"


def fuzz_route(world, ctx, method, path):
    target = targets(ctx)[(method, path)]
    url = path.replace("{conversation_id}", ctx.assistant_conversation_id if path.startswith("/chat/")
                       else ctx.customer_conversation_id if path.startswith("/api/v1/customer/")
                       else ctx.conversation_id).replace("{faq_slug}", "shipping")
    token = ctx.guest_token if path.startswith("/chat/") else ctx.token
    headers = {"Content-Type": target.content_type}
    if target.credential == "x-visitor-token":
        headers.update(as_visitor(token))
    elif target.credential == "bearer":
        headers["Authorization"] = f"Bearer {token}"
    elif target.credential == "customer-session":
        headers["X-Customer-Session-Id"] = ctx.customer_session

    @FUZZ
    @given(body=target.body)
    def answers_below_500_in_shape(body):
        response = getattr(world.client.http, method.lower())(url, headers=headers, body=body)
        check_answer(method, path, response, body if isinstance(body, bytes) else body.encode("utf-8", "replace"))

    answers_below_500_in_shape()


def test_fuzz_every_public_write_route(world, no_rate_limits):
    """One world for all routes (a world per route would cost more than the fuzzing); every route
    is fuzzed even when an earlier one fails, and the failures are reported together."""
    ctx = context(world)
    failures = []
    for method, path in ROUTES:
        if method not in app_module.app.routes.get(path, {}):
            continue  # a route this file knows that the app does not have (yet)
        try:
            fuzz_route(world, ctx, method, path)
        except Exception as failure:  # noqa: BLE001  (collected, re-raised below with the others named)
            failures.append((f"{method} {path}", failure))
    # and what the fuzzing stored still reads back (a 500 "on a later read")
    alice = world.token("alice", "site_a")
    for read in (f"/api/v1/conversations/{ctx.conversation_id}", "/api/v1/conversations?site_id=site_a&limit=100",
                 f"/api/v1/visitors/{ctx.visitor_id}?site_id=site_a", "/api/v1/sites/site_a",
                 "/api/v1/visitors/active?site_id=site_a"):
        response = world.call("GET", read, token=alice)
        if response.status_code != 200:
            failures.append((f"GET {read}", AssertionError(response.body[:300])))
        else:
            json.loads(response.body, parse_constant=_refuse_constant)
    if failures:
        summary = "; ".join(f"{route}: {str(error)[:200]}" for route, error in failures)
        raise AssertionError(f"{len(failures)} route(s) failed: {summary}") from failures[0][1]


FRAME_TYPES = ["message", "typing_start", "typing_stop", "init", "get_state", "ping", "page_view", "exit_intent"]


def test_fuzz_visitor_socket_frames(world, wire, no_rate_limits):
    tab, _ = connect_visitor(world, f"v_{uuid.uuid4().hex[:8]}")
    frames = st.one_of(
        st.builds(_encode, st.builds(lambda kind, rest: {"type": kind, **rest}, st.sampled_from(FRAME_TYPES),
                                     st.dictionaries(st.sampled_from(["message", "name", "conversation_id", "to",
                                                                      "last_seq", "file", "client_message_id",
                                                                      "page_url"]),
                                                     st.one_of(texts, json_values), max_size=3)),
                  st.sampled_from(["escaped", "raw"])),
        st.builds(_encode, json_values, st.just("escaped")),
        st.builds(lambda depth, inside: '{"type":"ping","x":' + inside(depth) + "}", st.integers(30, 5000),
                  st.sampled_from([_arrays, _objects])),
    )

    @FUZZ
    @given(frame=frames)
    def never_a_server_error(frame):
        text = frame.decode("utf-8", "surrogatepass") if isinstance(frame, bytes) else frame
        ws_send(tab, text)
        assert [f for f in wire.of(tab, "error") if f["code"] == "SERVER_ERROR"] == [], text[:300]

    never_a_server_error()
