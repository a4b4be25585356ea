"""Seed 004's realtime dialect (WS /api/v1/realtime/ws) through the WebSocket handlers on moto, with
@connections replaced by a recorder. Over real sockets: tests/e2e/test_customer_flow.py."""
import json
import time
import uuid
from urllib.parse import urlencode

import app as app_module
from chalicelib.store import connections
from local import apigw, lambdas
from tests.unit.chat_helpers import drain_events
from tests.unit.identity_fixtures import world  # noqa: F401  (fixture)
from tests.unit.test_customer_flow_api import agent_token, customer, presence, shop, start  # noqa: F401
from tests.unit.wire import wire  # noqa: F401  (fixture)


def _handler(route):
    return lambdas.resolve(app_module.app.websocket_handlers[route].handler_string)


def ws_connect(**query):
    connection_id = f"c{uuid.uuid4().hex[:12]}="
    event = apigw.ws_connect_event(connection_id=connection_id, headers=[("Host", "localhost")],
                                   query=urlencode(query), stage="local", domain="localhost",
                                   source_ip="127.0.0.1", connected_at=int(time.time() * 1000))
    result = _handler("$connect")(event, lambdas.context("ws"))
    drain_events()
    return connection_id, result


def ws_send(connection_id, frame):
    event = apigw.ws_message_event(connection_id=connection_id, data=json.dumps(frame), stage="local",
                                   domain="localhost", connected_at=0, source_ip="127.0.0.1")
    return _handler("$default")(event, lambdas.context("ws"))


def kinds(wire, connection_id):
    return [f["type"] for f in wire.of(connection_id)]


def customer_socket(started, **extra):
    return ws_connect(role="customer", conversation_id=started["conversation_id"],
                      customer_session_id=started["customer_session_id"], **extra)


def test_bad_credentials_are_refused_at_the_handshake_and_nothing_is_stored(shop, wire):
    started, other = start(shop), start(shop)
    refused = [
        ws_connect(role="customer", conversation_id=started["conversation_id"], customer_session_id="wrong"),
        ws_connect(role="customer", conversation_id=started["conversation_id"],
                   customer_session_id=other["customer_session_id"]),
        ws_connect(role="customer", conversation_id=started["conversation_id"]),
        ws_connect(role="customer", conversation_id="conv_00000000000000000000",
                   customer_session_id=started["customer_session_id"]),
        ws_connect(role="agent", access_token="not-a-token"),
        ws_connect(role="agent"),
        ws_connect(role="agent", access_token=agent_token(shop, "carol"), conversation_id=started["conversation_id"]),
    ]
    assert [result["statusCode"] for _, result in refused] == [403, 403, 403, 404, 401, 401, 404]
    for connection_id, _ in refused:
        assert connections.get_connection(connection_id) is None and wire.of(connection_id) == []


def test_a_customer_hears_connected_then_its_resync_from_last_seq(shop, wire):
    started = start(shop)
    customer(shop, "POST", started, "/messages", {"body": "shipping?"})  # seq 2, the bot's answer seq 3
    tab, result = customer_socket(started)
    assert result["statusCode"] == 200
    assert kinds(wire, tab) == ["system.connected", "conversation.updated", "message.created",
                                "message.created", "message.created"]
    assert wire.of(tab, "conversation.updated")[0]["data"]["conversation"]["mode"] == "automated"
    again, _ = customer_socket(started, last_seq=2)
    assert [f["data"]["message"]["seq"] for f in wire.of(again, "message.created")] == [3]
    assert wire.of(again, "message.created")[0]["data"]["message"]["sender_type"] == "bot"


def test_escalation_reply_typing_and_close_reach_the_customer_and_subscribed_agents(shop, wire):
    started = start(shop)
    tab, _ = customer_socket(started)
    bob = shop.tokens["bob"]
    watcher, result = ws_connect(role="agent", access_token=bob)  # follows the site, not the conversation
    assert result["statusCode"] == 200 and kinds(wire, watcher) == ["system.connected"]
    subscribed, _ = ws_connect(role="agent", access_token=bob, conversation_id=started["conversation_id"])
    assert kinds(wire, subscribed) == ["system.connected", "system.subscribed"]
    wire.frames.clear()
    escalated = customer(shop, "POST", started, "/escalate")
    assert escalated.status_code == 200
    assert kinds(wire, tab) == ["conversation.updated", "agent.assigned", "message.created"]
    assert wire.of(tab, "agent.assigned")[0]["data"]["agent"] == {"id": shop.bob.agent_id, "name": "bob"}
    assert wire.of(tab, "conversation.updated")[0]["data"]["conversation"]["mode"] == "agent"
    assert wire.of(tab, "message.created")[0]["data"]["message"]["sender_type"] == "system"
    assert kinds(wire, watcher) == ["conversation.updated", "agent.assigned"]  # inbox news, no messages
    assert kinds(wire, subscribed) == ["conversation.updated", "agent.assigned", "message.created"]
    wire.frames.clear()
    ws_send(subscribed, {"type": "typing", "conversation_id": started["conversation_id"], "is_typing": True})
    assert wire.of(tab, "agent.typing")[0]["data"]["is_typing"] is True
    cid = started["conversation_id"]
    shop.call("POST", f"/api/v1/agent/conversations/{cid}/messages", {"body": "Hello!"}, token=bob)
    assert wire.of(tab, "message.created")[-1]["data"]["message"]["body"] == "Hello!"
    shop.call("POST", f"/api/v1/agent/conversations/{cid}/close", token=bob)
    assert kinds(wire, tab)[-2:] == ["conversation.updated", "chat.closed"]
    assert kinds(wire, watcher)[-2:] == ["conversation.updated", "chat.closed"]


def test_client_frames_subscribe_unsubscribe_ping_and_errors(shop, wire):
    started = start(shop)
    agent_tab, _ = ws_connect(role="agent", access_token=shop.tokens["bob"])
    cid = started["conversation_id"]
    for frame in ({"type": "subscribe", "conversation_id": cid}, {"type": "ping"},
                  {"type": "dance"}, {"type": "subscribe"}, {"type": "subscribe", "conversation_id": "conv_nope"},
                  {"type": "unsubscribe", "conversation_id": cid}):
        ws_send(agent_tab, frame)
    assert kinds(wire, agent_tab)[1:] == ["system.subscribed", "pong", "system.error", "system.error",
                                          "system.error", "system.unsubscribed"]
    wire.frames.clear()
    customer(shop, "POST", started, "/messages", {"body": "hello"})
    assert wire.of(agent_tab, "message.created") == []  # unsubscribed: no messages
    tab, _ = customer_socket(started)
    ws_send(tab, {"type": "subscribe", "conversation_id": cid})
    ws_send(tab, "not json at all")
    assert kinds(wire, tab)[-2:] == ["system.error", "system.error"]
    assert connections.get_connection(tab) is not None  # the socket stays open


def test_presence_changes_reach_customers_and_agents(shop, wire):
    started = start(shop)
    tab, _ = customer_socket(started)
    agent_tab, _ = ws_connect(role="agent", access_token=shop.tokens["alice"])
    presence(shop, shop.tokens["bob"], "away")
    for connection_id in (tab, agent_tab):
        changed = wire.of(connection_id, "agent.presence.changed")
        assert changed and changed[-1]["data"]["status"] == "away"
        assert changed[-1]["data"]["agent"]["id"] == shop.bob.agent_id


def test_an_agent_of_another_site_cannot_subscribe_or_type(shop, wire):
    started = start(shop)
    tab, _ = customer_socket(started)
    carol, result = ws_connect(role="agent", access_token=agent_token(shop, "carol"))
    assert result["statusCode"] == 200
    for frame in ({"type": "subscribe", "conversation_id": started["conversation_id"]},
                  {"type": "typing", "conversation_id": started["conversation_id"], "is_typing": True}):
        ws_send(carol, frame)
    assert [(f["type"], f["data"]["code"]) for f in wire.of(carol)[1:]] == [("system.error", "NOT_FOUND")] * 2
    customer(shop, "POST", started, "/messages", {"body": "private words"})
    assert wire.of(carol, "message.created") == [] and wire.of(tab, "agent.typing") == []
