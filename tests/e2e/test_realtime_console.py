"""Seed 000's WebSocket API on the running stack: real sockets, real HTTP, the gateway emulator's @connections."""
import json
import uuid

import pytest
import requests
from websockets.exceptions import InvalidStatus

from tests.e2e.realtime_client import (
    Socket,
    agent_socket,
    login,
    new_agent,
    new_visitor,
    visitor_socket,
)


@pytest.fixture(scope="module")
def admin(stack):
    return login(stack)["token"]


def rest(stack, method, path, *, agent=None, visitor=None, **kwargs):
    headers = {"Authorization": f"Bearer {agent['token']}"} if agent else {"X-Visitor-Token": visitor["token"]}
    return requests.request(method, f"{stack.url}{path}", headers=headers, timeout=10, **kwargs)


def test_visitor_and_agent_exchange_messages_over_rest_and_websocket_each_once_in_order(stack, admin):
    agent = new_agent(stack, admin)
    visitor = new_visitor(stack, name="Ada")
    with agent_socket(stack, agent) as console, visitor_socket(stack, visitor) as widget:
        console.next("user_joined", where=lambda f: f["visitor_id"] == visitor["visitor_id"])

        # 1. The visitor's first WebSocket message opens its conversation.
        widget.send(type="message", message="Hi, is anyone there?")
        created = console.next("conversation_created", where=lambda f: f["visitor_id"] == visitor["visitor_id"])
        conversation_id = created["conversation_id"]
        assert created["name"] == "Ada"
        first = console.next("message", where=lambda f: f["conversation_id"] == conversation_id)
        assert (first["from"], first["message"], first["seq"]) == ("visitor", "Hi, is anyone there?", 1)
        assert widget.next("message")["id"] == first["id"]  # the sender's tabs see it too

        # 2. The agent answers over the socket, 3. the visitor over REST, 4. the agent over REST.
        # A socket send is not acknowledged, so each side waits to see a message before the next.
        console.send(type="message", to=conversation_id, message="Hello Ada, how can I help?")
        widget.next("message", where=lambda f: f["seq"] == 2)
        sent = rest(stack, "POST", "/api/v1/messages", visitor=visitor,
                    json={"conversation_id": conversation_id, "content": "My order is late"})
        assert sent.status_code == 201, sent.text
        sent = rest(stack, "POST", "/api/v1/messages", agent=agent,
                    json={"conversation_id": conversation_id, "content": "Let me check that for you"})
        assert sent.status_code == 201, sent.text

        expected = [(1, "visitor", "Hi, is anyone there?"), (2, "support", "Hello Ada, how can I help?"),
                    (3, "visitor", "My order is late"), (4, "support", "Let me check that for you")]
        for socket in (widget, console):
            while len([f for f in socket.of_type("message") if f["conversation_id"] == conversation_id]) < 4:
                socket.next("message", where=lambda f: f["conversation_id"] == conversation_id)
            socket.drain(0.5)  # anything duplicated would arrive now
            got = [(f["seq"], f["from"], f["message"]) for f in socket.of_type("message")
                   if f["conversation_id"] == conversation_id]
            assert got == expected

        # REST and WebSocket wrote one conversation, and what reached the agent reads as delivered.
        stored = rest(stack, "GET", "/api/v1/messages", visitor=visitor,
                      params={"conversation_id": conversation_id}).json()["data"]["messages"]
        assert [(m["seq"], m["from"], m["content"]) for m in stored] == expected
        assert stored[2]["status"] == "delivered"


def test_typing_reaches_the_other_side_and_stops(stack, admin):
    agent = new_agent(stack, admin)
    visitor = new_visitor(stack, name="Typist")
    with agent_socket(stack, agent) as console, visitor_socket(stack, visitor) as widget:
        widget.send(type="typing_start")  # no conversation yet: nothing to show, and no error
        widget.send(message="first")
        conversation_id = console.next("conversation_created",
                                       where=lambda f: f["visitor_id"] == visitor["visitor_id"])["conversation_id"]
        widget.send(type="typing_start")
        start = console.next("typing_start", where=lambda f: f["conversation_id"] == conversation_id)
        assert (start["visitor_id"], start["name"], start["from"]) == (visitor["visitor_id"], "Typist", "visitor")
        widget.send(type="typing_stop")
        stop = console.next("typing_stop", where=lambda f: f["conversation_id"] == conversation_id)
        assert stop["visitor_id"] == visitor["visitor_id"]

        console.send(type="typing_start", conversation_id=conversation_id)
        seen = widget.next("typing_start")
        assert (seen["from"], seen["name"], seen["agent_id"]) == ("support", agent["name"], agent["id"])
        # REST typing (section 8) is the same event.
        assert rest(stack, "POST", "/api/v1/typing", agent=agent,
                    json={"conversation_id": conversation_id, "is_typing": False}).status_code == 200
        widget.next("typing_stop")
        # Nobody is shown their own typing.
        assert not [f for f in widget.drain(0.3) if f["type"].startswith("typing") and f["from"] == "visitor"]
        assert not [f for f in console.drain(0.3) if f["type"].startswith("typing") and f.get("agent_id") == agent["id"]]


def test_an_agent_of_another_site_receives_nothing(stack, admin):
    other_site = f"site_{uuid.uuid4().hex[:8]}"
    created = requests.post(f"{stack.url}/api/v1/admin/sites", json={"site_id": other_site, "name": "Other shop"},
                            headers={"Authorization": f"Bearer {admin}"}, timeout=10)
    assert created.status_code == 201, created.text
    outsider = new_agent(stack, admin, site_id=other_site)
    agent = new_agent(stack, admin)
    visitor = new_visitor(stack)
    with agent_socket(stack, outsider, site_id=other_site) as stranger, agent_socket(stack, agent) as console:
        stranger.drain(0.3)
        with visitor_socket(stack, visitor) as widget:
            widget.send(message="private question")
            console.next("message", where=lambda f: f["message"] == "private question")
            widget.send(type="typing_start")
            console.next("typing_start", where=lambda f: f["visitor_id"] == visitor["visitor_id"])
        console.next("user_left", where=lambda f: f["visitor_id"] == visitor["visitor_id"])
        assert stranger.drain(0.5) == []
        # ... and it cannot open a socket on the first site either.
        with pytest.raises(InvalidStatus) as refused:
            agent_socket(stack, outsider, site_id="site_demo")
        assert refused.value.response.status_code == 403


def test_a_connection_that_vanished_without_disconnect_is_deleted_on_the_next_post(stack, admin):
    agent = new_agent(stack, admin)
    visitor = new_visitor(stack)
    stale_id = f"stale{uuid.uuid4().hex[:10]}="
    audience = "site#site_demo#agents"
    requests.post(f"{stack.url}/_test/connections", json={
        "connection_id": stale_id, "site_id": "site_demo", "role": "agent", "principal_id": agent["id"],
        "data": {"session_id": "gone"}, "audiences": [audience, f"agent#{agent['id']}"], "age_seconds": 120,
    }, timeout=5).raise_for_status()
    assert stale_id in requests.get(f"{stack.url}/_test/connections", params={"audience": audience},
                                    timeout=5).json()["connection_ids"]
    with agent_socket(stack, agent) as console, visitor_socket(stack, visitor) as widget:
        widget.send(message="anyone?")
        console.next("message", where=lambda f: f["message"] == "anyone?")
    assert requests.get(f"{stack.url}/_test/connections/{stale_id}", timeout=5).status_code == 404
    assert stale_id not in requests.get(f"{stack.url}/_test/connections", params={"audience": audience},
                                        timeout=5).json()["connection_ids"]


def test_a_visitor_offline_for_twenty_messages_resyncs_exactly_those_in_order(stack, admin):
    agent = new_agent(stack, admin)
    visitor = new_visitor(stack)
    with visitor_socket(stack, visitor) as widget:
        widget.send(message="hello")
        seen = widget.next("message")
        conversation_id, last_seq = seen["conversation_id"], seen["seq"]
    for i in range(20):  # the visitor is away
        answer = rest(stack, "POST", "/api/v1/messages", agent=agent,
                      json={"conversation_id": conversation_id, "content": f"while you were away {i}"})
        assert answer.status_code == 201
    with visitor_socket(stack, visitor) as widget:
        widget.send(type="get_state", last_seq=last_seq)
        state = widget.next("state")
    assert state["conversation"]["id"] == conversation_id
    assert [m["seq"] for m in state["messages"]] == list(range(last_seq + 1, last_seq + 21))
    assert [m["content"] for m in state["messages"]] == [f"while you were away {i}" for i in range(20)]
    assert (state["has_more"], state["last_seq"]) == (False, last_seq + 20)


def test_presence_flips_on_connect_and_disconnect(stack, admin):
    agent = new_agent(stack, admin)
    watcher = new_agent(stack, admin)
    visitor = new_visitor(stack, name="Present")

    def agent_status():
        listed = requests.get(f"{stack.url}/api/v1/agents", params={"site_id": "site_demo"},
                              headers={"Authorization": f"Bearer {admin}"}, timeout=5).json()["data"]["agents"]
        return next(a["status"] for a in listed if a["id"] == agent["id"])

    def active_visitors():
        data = requests.get(f"{stack.url}/api/v1/visitors/active", params={"site_id": "site_demo"},
                            headers={"Authorization": f"Bearer {admin}"}, timeout=5).json()["data"]
        return {v["visitor_id"] for v in data["visitors"]}

    with agent_socket(stack, watcher) as console:
        with visitor_socket(stack, visitor) as widget:
            joined = console.next("user_joined", where=lambda f: f["visitor_id"] == visitor["visitor_id"])
            assert joined["name"] == "Present"
            assert visitor["visitor_id"] in active_visitors()

            assert agent_status() == "offline"
            first, second = agent_socket(stack, agent), agent_socket(stack, agent)  # two tabs
            support = widget.next("support_joined", where=lambda f: f["agent_id"] == agent["id"])
            assert support["name"] == agent["name"]
            assert agent_status() == "online"
            first.close()  # one tab left: still online
            second.send(type="ping")
            second.next("pong")
            assert agent_status() == "online"
            second.close()
            left = widget.next("support_left", where=lambda f: f["agent_id"] == agent["id"])
            assert left["status"] == "offline"
            assert agent_status() == "offline"
            assert len(widget.of_type("support_joined")) == len({f["agent_id"] for f in widget.of_type("support_joined")})

            widget.send(type="init", name="Ada Lovelace")
            assert widget.next("state")["visitor_id"] == visitor["visitor_id"]
            renamed = console.next("user_joined", where=lambda f: f["name"] == "Ada Lovelace")
            assert renamed["visitor_id"] == visitor["visitor_id"]
        console.next("user_left", where=lambda f: f["visitor_id"] == visitor["visitor_id"])
    details = requests.get(f"{stack.url}/api/v1/visitors/{visitor['visitor_id']}", params={"site_id": "site_demo"},
                           headers={"Authorization": f"Bearer {admin}"}, timeout=5).json()["data"]
    assert details["name"] == "Ada Lovelace"


def test_an_away_agent_stays_away_across_reconnects(stack, admin):
    agent = new_agent(stack, admin)
    with agent_socket(stack, agent) as tab:
        tab.send(type="ping")
        tab.next("pong")
        away = requests.patch(f"{stack.url}/api/v1/agents/status", json={"status": "away"},
                              headers={"Authorization": f"Bearer {agent['token']}"}, timeout=5)
        assert away.status_code == 200
    with agent_socket(stack, agent) as tab:
        tab.send(type="get_state")
        assert tab.next("state")["agent"]["status"] == "away"


@pytest.mark.parametrize("query, status", [
    ({"role": "support", "site_id": "site_demo", "token": "not-a-jwt"}, 401),
    ({"role": "support", "site_id": "site_demo"}, 401),
    ({"role": "visitor", "site_id": "site_demo", "token": "not-a-jwt", "visitor_id": "v_x"}, 401),
    ({"role": "support", "token": "x"}, 400),
])
def test_bad_credentials_are_refused_at_the_handshake(stack, query, status):
    with pytest.raises(InvalidStatus) as refused:
        Socket.open(stack, **query)
    assert refused.value.response.status_code == status


def test_a_visitor_token_opens_only_its_own_site_and_visitor(stack):
    visitor = new_visitor(stack)
    other = new_visitor(stack)
    for query, status in [
        ({"visitor_id": other["visitor_id"]}, 403),
        ({"site_id": "site_elsewhere"}, 403),
        ({"visitor_id": ""}, 400),
    ]:
        params = {"site_id": "site_demo", "role": "visitor", "token": visitor["token"],
                  "visitor_id": visitor["visitor_id"], **query}
        with pytest.raises(InvalidStatus) as refused:
            Socket.open(stack, **params)
        assert refused.value.response.status_code == status
    audience = f"visitor#site_demo#{other['visitor_id']}"
    assert requests.get(f"{stack.url}/_test/connections", params={"audience": audience},
                        timeout=5).json()["connection_ids"] == []


def test_malformed_frames_get_error_frames_and_the_socket_stays_open(stack):
    visitor = new_visitor(stack)
    with visitor_socket(stack, visitor) as widget:
        widget.ws.send("this is not json")
        assert widget.next("error")["code"] == "VALIDATION_ERROR"
        widget.ws.send(json.dumps(["a", "list"]))
        assert widget.next("error")["code"] == "VALIDATION_ERROR"
        widget.send(type="dance")
        assert "Unknown frame type" in widget.next("error")["message"]
        widget.send(type="message", message="")
        error = widget.next("error")
        assert (error["code"], error["request_type"]) == ("VALIDATION_ERROR", "message")
        widget.send(type="get_state", last_seq=-1)
        assert widget.next("error")["details"] == {"field": "last_seq"}
        widget.send(type="message", message="hi", conversation_id="conv_not_mine")
        assert widget.next("error")["code"] == "NOT_FOUND"
        widget.send(type="ping")
        assert widget.next("pong") == {"type": "pong"}


def test_a_retried_frame_with_the_same_client_message_id_makes_one_message(stack, admin):
    agent = new_agent(stack, admin)
    visitor = new_visitor(stack)
    with agent_socket(stack, agent) as console, visitor_socket(stack, visitor) as widget:
        widget.send(message="exactly once", client_message_id="c-1")
        first = widget.next("message")
        widget.send(message="exactly once", client_message_id="c-1")
        again = widget.next("message")
        assert again["id"] == first["id"] and again["client_message_id"] == "c-1"
        console.next("message", where=lambda f: f["id"] == first["id"])
        assert not [f for f in console.drain(0.5) if f["type"] == "message" and f["id"] != first["id"]
                    and f["conversation_id"] == first["conversation_id"]]


def test_a_visitor_message_is_analysed_by_the_worker_and_the_analysis_reaches_the_agents_socket(stack, admin):
    """Events queue -> analysis queue -> analysis worker (SQS pump) -> @connections -> the console."""
    agent = new_agent(stack, admin)
    visitor = new_visitor(stack, name="Buyer")
    with agent_socket(stack, agent) as console, visitor_socket(stack, visitor) as widget:
        widget.send(type="message", message="I'm interested in your premium plan but the price seems a bit high")
        first = console.next("message", where=lambda f: f["sender"]["id"] == visitor["visitor_id"])
        frame = console.next("analysis", timeout=15, where=lambda f: f["message_id"] == first["id"])
        assert frame["from"] == "visitor" and frame["conversation_id"] == first["conversation_id"]
        assert frame["analysis"]["objection"] == "Price concern" and frame["analysis"]["interest_level"] == "High"
        widget.drain(0.5)
        assert widget.of_type("analysis") == []  # agents only

        stored = rest(stack, "GET", "/api/v1/messages", agent=agent,
                      params={"conversation_id": first["conversation_id"]}).json()["data"]["messages"]
        assert stored[0]["analysis"] == frame["analysis"]
        aggregate = rest(stack, "GET", f"/api/v1/analysis/conversation/{first['conversation_id']}", agent=agent)
        assert aggregate.status_code == 200 and aggregate.json()["data"]["objections_raised"] == ["price concern"]
