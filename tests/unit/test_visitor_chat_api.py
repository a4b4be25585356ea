"""Seed 001 (visitor chat sessions) through chalice.test.Client and the WebSocket handlers on moto,
with @connections replaced by a recorder. The real-socket flow is tests/e2e/test_visitor_chat_flow.py."""
import hashlib
import hmac
import json
import time
import uuid
from urllib.parse import urlencode

import pytest

import app as app_module
from chalicelib.domain import visitor_sessions
from chalicelib.model import events as ev
from chalicelib.model.chat_sessions import ChatSession
from chalicelib.store import chat_sessions, connections
from chalicelib.store.base import ConditionFailed, now
from local import apigw, lambdas
from tests.unit.chat_helpers import drain_events
from tests.unit.file_helpers import PDF, WINDOWS_EXE, multipart, png
from tests.unit.identity_fixtures import world  # noqa: F401  (fixture)
from tests.unit.openapi_answers import assert_documented
from tests.unit.wire import wire  # noqa: F401  (fixture)




# -- helpers --------------------------------------------------------------------------------------

def start(world, business="site_a", token=None, path="/chat/start-session/", **body):
    return world.call("POST", path, {"business": business, **body}, token=token)


def started(world, business="site_a", token=None, status=201, **body):
    response = start(world, business, token, **body)
    assert response.status_code == status, response.body
    assert response.json_body["message"] == "Chat session started successfully"
    return response.json_body["data"]


def failure(response, status):
    assert response.status_code == status, response.body
    assert set(response.json_body) <= {"message", "errors"} and response.json_body["message"]
    return response.json_body


def _handler(route):
    return lambdas.resolve(app_module.app.websocket_handlers[route].handler_string)


def ws_connect(token=None, protocols=None, **query):
    """$connect as API Gateway sends it, then the events worker (the after-connect frames)."""
    connection_id = f"c{uuid.uuid4().hex[:12]}="
    headers = [("Host", "localhost")]
    offered = protocols if protocols is not None else (["Bearer", token] if token else [])
    if offered:
        headers.append(("Sec-WebSocket-Protocol", ", ".join(offered)))
    event = apigw.ws_connect_event(connection_id=connection_id, headers=headers, query=urlencode(query),
                                   stage="local", domain="localhost", source_ip="127.0.0.1",
                                   connected_at=int(time.time() * 1000))
    result = _handler("$connect")(event, lambdas.context("ws"))
    drain_events()
    return connection_id, result


def ws_send(connection_id, frame):
    data = frame if isinstance(frame, str) else json.dumps(frame)
    event = apigw.ws_message_event(connection_id=connection_id, data=data, stage="local", domain="localhost",
                                   connected_at=0, source_ip="127.0.0.1")
    return _handler("$default")(event, lambdas.context("ws"))


def joined(world, wire, session_id, token):
    connection_id, result = ws_connect(token, session_id=session_id)
    assert result["statusCode"] == 200 and result["headers"] == {"Sec-WebSocket-Protocol": "Bearer"}, result
    assert wire.of(connection_id) == [{"type": "connection_established", "session_id": session_id}]
    return connection_id


def upload(world, token, end_user_id, data=PDF, filename="invoice.pdf", content_type="application/pdf", **fields):
    body, header = multipart({"uploaded_by_end_user": end_user_id, "message": "null", **fields}, data, filename,
                             content_type)
    return world.call("POST", "/chat/upload-file/", body, token=token, headers={"Content-Type": header})


def set_secret(world, site_id="site_a", admin="alice"):
    response = world.call("POST", f"/api/v1/admin/sites/{site_id}/identity-secret", {},
                          token=world.token(admin, site_id))
    assert response.status_code == 201, response.body
    return response.json_body["data"]["identity_secret"]


def customer_hash(secret, customer_id):
    return hmac.new(secret.encode(), customer_id.encode(), hashlib.sha256).hexdigest()


# -- start-session --------------------------------------------------------------------------------

def test_a_guest_starts_a_session_and_retrieves_it_with_its_token(world):
    first = started(world)
    assert first["active"] is True and uuid.UUID(first["session_id"]) and uuid.UUID(first["end_user_id"])
    assert set(first) == {"session_id", "active", "token", "end_user_id", "conversation_id"}
    again = started(world, token=first["token"], status=200)
    assert again["session_id"] == first["session_id"] and again["end_user_id"] == first["end_user_id"]
    another = started(world)  # no token: a new guest, a new session
    assert another["session_id"] != first["session_id"] and another["end_user_id"] != first["end_user_id"]


def test_the_documented_trailing_slash_and_none_both_route(world):
    assert start(world, path="/chat/start-session/").status_code == 201
    assert start(world, path="/chat/start-session").status_code == 201


def test_the_session_is_a_conversation_in_the_console(world):
    session = started(world)
    listed = world.call("GET", "/api/v1/conversations?site_id=site_a", token=world.token("bob", "site_a"))
    rows = listed.json_body["data"]["conversations"]
    assert [r["id"] for r in rows] == [session["conversation_id"]]
    assert rows[0]["visitor"]["id"] == session["end_user_id"] and rows[0]["status"] == "active"
    carol = world.call("GET", "/api/v1/conversations?site_id=site_b", token=world.token("carol", "site_b"))
    assert carol.json_body["data"]["conversations"] == []


def test_start_refuses_unknown_and_suspended_businesses_and_bad_input(world):
    assert failure(start(world, business="site_nope"), 404)["message"] == "Business not found"
    failure(world.call("POST", "/chat/start-session/", {}), 400)
    body = failure(world.call("POST", "/chat/start-session/", {"business": 42}), 400)
    assert body["errors"] == {"business": ["business: Expected str, got int"]}
    failure(world.call("POST", "/chat/start-session/", "not json"), 400)
    failure(start(world, surprise=True), 400)
    failure(start(world, token="not-a-token"), 401)
    failure(start(world, token=world.token("bob", "site_a")), 401)  # an agent's token is no guest's
    failure(start(world, token=started(world, business="site_b")["token"]), 403)  # another business's guest
    world.call("PATCH", "/api/v1/admin/sites/site_a", {"status": "suspended"}, token=world.token("alice", "site_a"))
    failure(start(world), 403)


def test_an_external_customer_needs_the_hash_of_its_id(world):
    failure(start(world, external_customer_id="cust-42"), 403)  # no identity secret yet: nothing proves it
    secret = set_secret(world)
    failure(start(world, external_customer_id="cust-42"), 403)
    failure(start(world, external_customer_id="cust-42", customer_hash="0" * 64), 403)
    failure(start(world, external_customer_id="cust-42", customer_hash=customer_hash(secret, "cust-43")), 403)
    proof = customer_hash(secret, "cust-42")
    first = started(world, external_customer_id="cust-42", customer_hash=proof)
    again = started(world, external_customer_id="cust-42", customer_hash=proof, status=200)
    assert again["session_id"] == first["session_id"] and again["end_user_id"] == first["end_user_id"]
    assert first["end_user_id"] != "cust-42"  # derived under a server key: not guessable from the id
    other = started(world, external_customer_id="cust-43", customer_hash=customer_hash(secret, "cust-43"))
    assert other["session_id"] != first["session_id"]
    # The same customer id at another business is another customer.
    failure(start(world, business="site_b", external_customer_id="cust-42", customer_hash=proof), 403)


def test_a_business_that_verifies_identities_takes_external_customers_only(world):
    secret = set_secret(world)
    guest = started(world)
    changed = world.call("PATCH", "/api/v1/admin/sites/site_a", {"identity_verification": True},
                         token=world.token("alice", "site_a"))
    assert changed.status_code == 200, changed.body
    failure(start(world), 403)
    failure(start(world, token=guest["token"]), 403)
    started(world, external_customer_id="cust-7", customer_hash=customer_hash(secret, "cust-7"))


def test_department_is_a_short_label(world):
    assert started(world, department="billing")["active"] is True
    assert failure(start(world, department="x" * 65), 400)["errors"] == {
        "department": ["department: Expected str of length <= 64"]}


def test_a_new_session_starts_once_the_last_one_ended(world, wire):
    first = started(world)
    world.call("PATCH", f"/api/v1/conversations/{first['conversation_id']}/close", {},
               token=world.token("bob", "site_a"))
    second = started(world, token=first["token"])  # 201: a new session for the same guest
    assert second["session_id"] != first["session_id"] and second["end_user_id"] == first["end_user_id"]
    assert started(world, token=first["token"], status=200)["session_id"] == second["session_id"]


def test_one_claim_wins_and_a_start_that_finds_a_claim_opening_answers_it(world, monkeypatch):
    """The conditional write: a second claim for the same end user is refused, and a start that
    finds a claim still opening (a concurrent start) waits and answers that session."""
    fresh = started(world)
    visitor_id = fresh["end_user_id"]
    chat_sessions.release("site_a", visitor_id, fresh["session_id"])  # as if another start had just claimed

    def claim():
        return ChatSession(session_id=str(uuid.uuid4()), site_id="site_a", visitor_id=visitor_id,
                           conversation_id=None, created_at=now())

    pending = claim()
    chat_sessions.claim(pending)
    with pytest.raises(ConditionFailed) as refused:
        chat_sessions.claim(claim())
    assert refused.value.involves(chat_sessions.active_key("site_a", visitor_id))
    # While this start waits, the winner opens its conversation.
    monkeypatch.setattr(visitor_sessions.time, "sleep",
                        lambda seconds: chat_sessions.opened(pending, fresh["conversation_id"]))
    assert started(world, token=fresh["token"], status=200)["session_id"] == pending.session_id


# -- upload-file and history ----------------------------------------------------------------------

def test_upload_then_history_with_both_kinds_of_entry(world, wire):
    session = started(world)
    bob = world.token("bob", "site_a")
    visitor_socket = joined(world, wire, session["session_id"], session["token"])
    agent_socket = joined(world, wire, session["session_id"], bob)

    ws_send(visitor_socket, {"type": "text", "content": "Hello, I need help!"})
    response = upload(world, session["token"], session["end_user_id"])
    assert response.status_code == 201, response.body
    assert response.json_body["message"] == "File uploaded successfully"
    uploaded = response.json_body["data"]
    assert uploaded["file_name"] == "invoice.pdf" and uploaded["file"].startswith("http://localhost/api/v1/files/")
    ws_send(visitor_socket, {"type": "file", "file": uploaded["file"], "is_audio": False})
    ws_send(agent_socket, {"type": "text", "content": "Got it, thanks."})

    frames = wire.of(agent_socket)[1:]
    assert [f["type"] for f in frames] == ["text", "file", "text"]
    def same(frame):  # each recipient's file link is signed for it
        return {k: v for k, v in frame.items() if k != "file"}

    # Everyone in the session, the sender too, in order.
    assert [same(f) for f in wire.of(visitor_socket)[1:]] == [same(f) for f in frames]
    text, file, reply = frames
    assert text["content"] == "Hello, I need help!" and text["sender_id"] == session["end_user_id"]
    assert text["timestamp"].endswith("Z") and len(text["timestamp"]) == len("2025-07-02T12:00:00.000Z")
    assert file["file_name"] == "invoice.pdf" and file["is_audio"] is False
    assert file["file"].startswith("http://localhost/api/v1/files/") and file["sender_id"] == session["end_user_id"]
    assert reply["sender_id"] == world.bob.agent_id and reply["sender_type"] == "agent"

    history = world.call("GET", f"/chat/history/{session['session_id']}/", token=session["token"])
    assert history.status_code == 200, history.body
    assert history.json_body["message"] == "Chat timeline fetched successfully"
    entries = history.json_body["data"]
    assert [e["type"] for e in entries] == ["message", "attachment", "message"]
    assert entries[0]["data"]["content"] == "Hello, I need help!"
    assert {"id", "content", "sender_id", "sender_type", "timestamp"} <= set(entries[0]["data"])
    assert {"file", "file_name", "is_audio", "sender_id", "timestamp"} <= set(entries[1]["data"])
    link = entries[1]["data"]["file"]
    download = world.call("GET", link.replace("http://localhost", ""))
    assert download.status_code == 302  # a fresh link, valid when served
    assert entries[2]["data"]["sender_type"] == "agent"
    as_agent = world.call("GET", f"/chat/history/{session['session_id']}", token=bob).json_body["data"]
    assert [{**e, "data": same(e["data"])} for e in as_agent] == [{**e, "data": same(e["data"])} for e in entries]


def test_agents_upload_for_the_end_user_and_bad_files_are_refused(world, wire):
    session = started(world)
    bob = world.token("bob", "site_a")
    response = upload(world, bob, session["end_user_id"], data=png(), filename="shot.png", content_type="image/png",
                      uploaded_by_agent=world.bob.agent_id)
    assert response.status_code == 201, response.body
    assert response.json_body["data"]["file_name"] == "shot.png"
    failure(upload(world, bob, session["end_user_id"], uploaded_by_agent="agent_someone_else"), 403)
    failure(upload(world, session["token"], str(uuid.uuid4())), 403)  # not the visitor itself
    failure(upload(world, session["token"], "not-a-uuid"), 400)
    body = failure(upload(world, session["token"], session["end_user_id"], data=WINDOWS_EXE, filename="x.pdf"), 400)
    assert "not allowed" in body["message"]
    failure(upload(world, world.token("carol", "site_b"), session["end_user_id"]), 404)  # another business
    failure(upload(world, None, session["end_user_id"]), 401)


def test_history_is_for_the_session_its_end_user_and_its_business(world):
    session = started(world)
    other = started(world)
    sid = session["session_id"]
    failure(world.call("GET", f"/chat/history/{sid}/"), 401)
    failure(world.call("GET", f"/chat/history/{sid}/", token=other["token"]), 403)
    failure(world.call("GET", f"/chat/history/{sid}/", token=world.token("carol", "site_b")), 403)
    failure(world.call("GET", f"/chat/history/{uuid.uuid4()}/", token=session["token"]), 404)
    failure(world.call("GET", "/chat/history/nope/", token=session["token"]), 404)
    assert world.call("GET", f"/chat/history/{sid}/", token=session["token"]).json_body["data"] == []


# -- the WebSocket ------------------------------------------------------------------------------

def refused(wire, connection_id, result, code):
    assert result["statusCode"] == 200, result
    frames = wire.of(connection_id)
    assert len(frames) == 1 and frames[0]["type"] == "error" and frames[0]["code"] == code, frames
    assert wire.closed == [connection_id]
    assert connections.get_connection(connection_id) is None
    wire.reopen()


def test_the_documented_close_codes_travel_in_an_error_frame_before_the_close(world, wire):
    session = started(world)
    sid, token = session["session_id"], session["token"]
    refused(wire, *ws_connect(token), 4001)
    refused(wire, *ws_connect(token, session_id="not-a-uuid"), 4002)
    refused(wire, *ws_connect(token, session_id=str(uuid.uuid4())), 4002)
    refused(wire, *ws_connect(None, session_id=sid), 4003)
    refused(wire, *ws_connect("garbage", session_id=sid), 4003)
    refused(wire, *ws_connect(started(world)["token"], session_id=sid), 4003)  # another guest
    refused(wire, *ws_connect(world.token("carol", "site_b"), session_id=sid), 4003)  # another business's agent
    world.call("PATCH", f"/api/v1/conversations/{session['conversation_id']}/close", {},
               token=world.token("bob", "site_a"))
    refused(wire, *ws_connect(token, session_id=sid), 4006)


def test_an_agent_closing_the_conversation_ends_the_session_for_everyone(world, wire):
    session = started(world)
    bob = world.token("bob", "site_a")
    visitor_socket = joined(world, wire, session["session_id"], session["token"])
    agent_socket = joined(world, wire, session["session_id"], bob)
    closed = world.call("PATCH", f"/api/v1/conversations/{session['conversation_id']}/close", {}, token=bob)
    assert closed.status_code == 200, closed.body
    for socket in (visitor_socket, agent_socket):
        ended = wire.of(socket, "session_ended")
        assert len(ended) == 1 and ended[0]["message"] == "The session has ended." and ended[0]["code"] == 4006
        assert ended[0]["timestamp"].endswith("Z")
    assert sorted(wire.closed) == sorted([visitor_socket, agent_socket])
    wire.reopen()  # a frame that raced the close
    ws_send(visitor_socket, {"type": "text", "content": "hello?"})
    assert wire.of(visitor_socket, "error")[-1] == {
        "type": "error", "code": 4006, "message": "This session has ended. No further communication is allowed."}
    assert wire.closed == [visitor_socket]


def test_a_file_frame_must_name_a_file_uploaded_for_this_session(world, wire):
    session = started(world)
    other = started(world)
    socket = joined(world, wire, session["session_id"], session["token"])
    elsewhere = upload(world, other["token"], other["end_user_id"]).json_body["data"]["file"]
    ws_send(socket, {"type": "file", "file": elsewhere, "is_audio": False})
    ws_send(socket, {"type": "file", "file": "https://evil.example/x.pdf", "is_audio": False})
    ws_send(socket, {"type": "file", "file": upload(world, session["token"], session["end_user_id"])
                    .json_body["data"]["file"], "is_audio": "yes"})
    ws_send(socket, {"type": "shout", "content": "?"})
    ws_send(socket, "{not json")
    ws_send(socket, {"type": "text", "content": "   "})
    errors = wire.of(socket, "error")
    assert len(errors) == 6 and all("code" not in e for e in errors), errors
    assert wire.of(socket, "file") == [] and wire.of(socket, "text") == [] and wire.closed == []
    assert world.call("GET", f"/chat/history/{session['session_id']}/",
                      token=session["token"]).json_body["data"] == []


def test_an_agent_whose_login_ended_is_cut_off(world, wire):
    session = started(world)
    bob = world.token("bob", "site_a")
    socket = joined(world, wire, session["session_id"], bob)
    world.call("POST", "/api/v1/auth/logout", token=bob)
    assert socket in wire.closed  # logout closes the sockets opened with that login
    wire.reopen()
    ws_send(socket, {"type": "text", "content": "still here?"})
    assert wire.of(socket, "error")[-1]["code"] == 4003 and wire.closed == [socket]


def test_connection_accepted_is_a_catalogued_event_for_the_events_worker():
    assert ev.CONNECTION_ACCEPTED in ev.CATALOGUE


def test_every_answer_is_the_one_the_openapi_document_describes(world, wire):
    """GET /openapi/001.json against real answers: each status documented, each body valid."""
    fresh = world.call("POST", "/chat/start-session/", {"business": "site_a", "department": None})
    session = assert_documented("001", "POST", "/chat/start-session", fresh)["data"]
    again = start(world, token=session["token"], department="  ")  # blank = left out
    assert again.status_code == 200 and assert_documented("001", "POST", "/chat/start-session", again)
    socket = joined(world, wire, session["session_id"], session["token"])
    ws_send(socket, {"type": "text", "content": "Hello"})
    sent = upload(world, session["token"], session["end_user_id"], uploaded_by_agent="")
    file = assert_documented("001", "POST", "/chat/upload-file", sent)["data"]["file"]
    ws_send(socket, {"type": "file", "file": file, "is_audio": True})
    history = world.call("GET", f"/chat/history/{session['session_id']}/", token=world.token("bob", "site_a"))
    entries = assert_documented("001", "GET", "/chat/history/{session_id}", history)["data"]
    assert [e["type"] for e in entries] == ["message", "attachment"] and entries[1]["data"]["is_audio"] is True
    refusals = [
        ("POST", "/chat/start-session", start(world, business="  "), 400, "business"),
        ("POST", "/chat/start-session", start(world, colour="red"), 400, "colour"),
        ("POST", "/chat/upload-file", upload(world, session["token"], "not-a-uuid"), 400, "uploaded_by_end_user"),
        ("POST", "/chat/upload-file", upload(world, session["token"], session["end_user_id"], note="x"), 400, "note"),
        ("GET", "/chat/history/{session_id}", world.call("GET", "/chat/history/nope", token=session["token"]), 404,
         None),
    ]
    for method, path, response, status, field in refusals:
        body = assert_documented("001", method, path, response)
        assert response.status_code == status and (field is None or field in body["errors"]), body
