"""Realtime in-process: the Chalice WebSocket handlers over moto, with @connections replaced by a recorder.

The real-socket behaviour is in tests/e2e/test_realtime_console.py; these pin the
rules (who receives what, in which shape, at what DynamoDB cost) where a failure
names the rule.
"""
import json
import time
import uuid
from dataclasses import replace
from datetime import timedelta
from urllib.parse import urlencode

import pytest

import app as app_module
from chalicelib.realtime import fanout
from chalicelib.store import connections, tenants
from local import apigw, lambdas
from tests.unit.chat_helpers import as_visitor, open_conversation, send, visitor_token
from tests.unit.identity_fixtures import world  # noqa: F401  (fixture)
from tests.unit.wire import wire  # noqa: F401  (fixture)




def _handler(route):
    return lambdas.resolve(app_module.app.websocket_handlers[route].handler_string)


def ws_connect(**query):
    connection_id = f"c{uuid.uuid4().hex[:12]}="
    event = apigw.ws_connect_event(connection_id=connection_id, headers=[("Host", "localhost")],
                                   query=urlencode(query), stage="local", domain="localhost", source_ip="127.0.0.1",
                                   connected_at=int(time.time() * 1000))
    result = _handler("$connect")(event, lambdas.context("ws"))
    return connection_id, result


def ws_send(connection_id, frame):
    data = frame if isinstance(frame, str) else json.dumps(frame)
    event = apigw.ws_message_event(connection_id=connection_id, data=data, stage="local", domain="localhost",
                                   connected_at=0, source_ip="127.0.0.1")
    return _handler("$default")(event, lambdas.context("ws"))


def ws_disconnect(connection_id):
    event = apigw.ws_disconnect_event(connection_id=connection_id, stage="local", domain="localhost", connected_at=0,
                                      source_ip="127.0.0.1", status_code=1000, reason="")
    return _handler("$disconnect")(event, lambdas.context("ws"))


def connect_agent(world, username="bob", site_id="site_a"):
    connection_id, result = ws_connect(site_id=site_id, role="support", token=world.token(username, site_id))
    assert result["statusCode"] == 200, result
    return connection_id


def connect_visitor(world, visitor_id="v_1", site_id="site_a", name="John Doe"):
    token = visitor_token(world, visitor_id, site_id, name)
    connection_id, result = ws_connect(site_id=site_id, role="visitor", token=token, visitor_id=visitor_id)
    assert result["statusCode"] == 200, result
    return connection_id, token


def test_a_visitor_message_reaches_its_sites_agents_and_its_own_tabs_not_other_sites(world, wire):
    bob = connect_agent(world)
    carol = connect_agent(world, "carol", "site_b")
    tab1, token = connect_visitor(world)
    tab2, _ = connect_visitor(world)
    conversation_id = open_conversation(world, token)
    assert send(world, conversation_id, "hello", headers=as_visitor(token)).status_code == 201

    frame = wire.of(bob, "message")[0]
    assert {k: frame[k] for k in ("type", "from", "message", "conversation_id", "seq")} == {
        "type": "message", "from": "visitor", "message": "hello", "conversation_id": conversation_id, "seq": 1}
    assert wire.of(tab1, "message") == [frame] and wire.of(tab2, "message") == [frame]
    assert wire.of(carol) == []  # site_b hears nothing of site_a


def test_user_joined_and_left_follow_the_visitors_first_and_last_tab(world, wire):
    bob = connect_agent(world)
    tab1, _ = connect_visitor(world, name="Jane")
    tab2, _ = connect_visitor(world, name="Jane")
    assert wire.of(bob, "user_joined") == [{"type": "user_joined", "visitor_id": "v_1", "name": "Jane"}]
    ws_disconnect(tab1)
    assert wire.of(bob, "user_left") == []
    ws_disconnect(tab2)
    assert wire.of(bob, "user_left") == [{"type": "user_left", "visitor_id": "v_1"}]
    assert world.call("GET", "/api/v1/visitors/v_1?site_id=site_a",
                      token=world.token("alice", "site_a")).json_body["data"]["status"] == "offline"


def test_support_joined_goes_to_visitors_and_agents_and_support_left_on_the_last_disconnect(world, wire):
    tab, _ = connect_visitor(world)
    alice = connect_agent(world, "alice")
    assert wire.of(tab, "support_joined") == [{"type": "support_joined", "name": "alice",
                                               "agent_id": world.alice.agent_id}]
    bob = connect_agent(world)
    assert [f["name"] for f in wire.of(alice, "support_joined")] == ["bob"]
    assert wire.of(bob, "support_joined") == []  # the opening socket is not posted to before it is open
    assert tenants.get_agent(world.bob.agent_id).status == "online"
    ws_disconnect(bob)
    assert [f["name"] for f in wire.of(tab, "support_left")] == ["bob"]
    assert tenants.get_agent(world.bob.agent_id).status == "offline"


def test_a_gone_connection_is_forgotten_and_its_presence_ends(world, wire):
    watcher = connect_agent(world, "alice")
    bob = connect_agent(world)
    _, token = connect_visitor(world)
    conversation_id = open_conversation(world, token)
    wire.gone.add(bob)  # the socket died; API Gateway never told us
    # Recorded a minute ago: past the grace period for sockets that are still opening.
    record = connections.get_connection(bob)
    connections.save_connection(replace(record, connected_at=record.connected_at - timedelta(minutes=1)),
                                ["site#site_a#agents", f"agent#{world.bob.agent_id}"])
    send(world, conversation_id, "anyone?", headers=as_visitor(token))
    assert connections.get_connection(bob) is None
    assert connections.recipients(f"agent#{world.bob.agent_id}") == []
    assert tenants.get_agent(world.bob.agent_id).status == "offline"
    assert [f["agent_id"] for f in wire.of(watcher, "support_left")] == [world.bob.agent_id]


def test_typing_is_not_echoed_to_the_typist(world, wire):
    bob = connect_agent(world)
    tab, token = connect_visitor(world, name="Jane")
    conversation_id = open_conversation(world, token)
    ws_send(tab, {"type": "typing_start"})
    assert wire.of(bob, "typing_start") == [{"type": "typing_start", "visitor_id": "v_1", "name": "Jane",
                                             "conversation_id": conversation_id, "from": "visitor"}]
    assert wire.of(tab, "typing_start") == []
    ws_send(bob, {"type": "typing_stop", "to": "v_1"})  # an agent may name the visitor instead
    assert wire.of(tab, "typing_stop")[0]["agent_id"] == world.bob.agent_id
    assert wire.of(bob, "typing_stop") == []


def test_agent_frames_need_a_live_session(world, wire):
    token = world.token("bob", "site_a")
    connection_id, _ = ws_connect(site_id="site_a", role="support", token=token)
    world.call("POST", "/api/v1/auth/logout", token=token)
    assert connection_id in wire.gone  # logout closes the session's sockets (issue 23, finding 3)
    wire.gone.discard(connection_id)  # a socket whose close has not landed yet: its frames are still refused
    ws_send(connection_id, {"type": "get_state"})
    assert wire.of(connection_id, "error")[0]["code"] == "UNAUTHORIZED"
    assert connection_id in wire.gone  # closed through @connections


def test_an_agent_must_name_the_conversation(world, wire):
    bob = connect_agent(world)
    ws_send(bob, {"type": "message", "message": "to whom?"})
    assert wire.of(bob, "error")[0]["details"] == {"field": "conversation_id"}
    ws_send(bob, {"type": "message", "message": "hi", "to": "v_nobody"})
    assert wire.of(bob, "error")[1]["code"] == "NOT_FOUND"


def test_visitor_of_a_suspended_site_cannot_connect(world, wire):
    token = visitor_token(world)
    world.call("PATCH", "/api/v1/admin/sites/site_a", {"status": "suspended"}, token=world.token("alice", "site_a"))
    _, result = ws_connect(site_id="site_a", role="visitor", token=token, visitor_id="v_1")
    assert result["statusCode"] == 403
    assert json.loads(result["body"])["error"]["code"] == "SITE_SUSPENDED"  # names the suspension (issue 23 #4)
    assert connections.recipients("visitor#site_a#v_1") == []


def test_fanout_cost_is_one_query_per_audience_whatever_else_is_connected(world, wire):
    bob = connect_agent(world)
    _, token = connect_visitor(world)
    conversation_id = open_conversation(world, token)
    for i in range(200):  # unrelated live connections of another site
        connections.save_connection(connections.ConnectionRecord(
            connection_id=f"other{i}", dialect="console", endpoint="http://x", site_id="site_b", role="agent",
            principal_id=f"agent_{i}"), ["site#site_b#agents"])
    from chalicelib.model import events as ev

    event = ev.Event(ev.MESSAGE_CREATED, "site_a", {
        "conversation": {"id": conversation_id, "visitor_id": "v_1"},
        "message": {"id": "msg_1_x", "seq": 1, "from": "visitor", "type": "text", "content": "x",
                    "sender": {"id": "v_1", "name": "J"}, "created_at": "now", "metadata": {}}}, conversation_id)
    delivery = fanout.deliver(event)
    assert (delivery.audiences, delivery.recipients, len(delivery.posted)) == (2, 2, 2)
    assert [f["message"] for f in wire.of(bob, "message")] == ["x"]
