"""Seed 004 on the running stack: the bot-first customer flow over real HTTP, and its realtime
dialect (WS /api/v1/realtime/ws) over real WebSockets through the gateway emulator and the SQS
pump that delivers the after-connect frames (system.connected and the customer's resync)."""
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import urlencode

import pytest
import requests
from websockets.exceptions import InvalidStatus
from websockets.sync.client import connect

from tests.e2e.realtime_client import Socket, login, new_agent


def auth(token):
    return {"Authorization": f"Bearer {token}"}


def realtime(stack, **query) -> Socket:
    return Socket(connect(f"{stack.ws_url}/api/v1/realtime/ws?{urlencode(query)}", open_timeout=5).__enter__())


@pytest.fixture(scope="module")
def admin(stack):
    """The demo admin, offline while these tests run (it is a member of every site it creates, so it
    would be a candidate for escalations), and back to its status afterwards."""
    token = login(stack)["token"]
    before = requests.get(f"{stack.url}/api/v1/agent/me", headers=auth(token), timeout=10).json()["status"]
    requests.post(f"{stack.url}/api/v1/agent/presence", json={"status": "offline"}, headers=auth(token), timeout=10)
    yield token
    requests.post(f"{stack.url}/api/v1/agent/presence", json={"status": before}, headers=auth(token), timeout=10)


def new_site(stack, admin, capacity=5, agents=1):
    """A site of its own (so other tests' agents are not candidates): its FAQ, its capacity, `agents`
    agents online (the demo admin, its other member, is offline: the `admin` fixture)."""
    site_id = f"site_{uuid.uuid4().hex[:10]}"
    created = requests.post(f"{stack.url}/api/v1/admin/sites", json={"site_id": site_id, "name": "Flow shop"},
                            headers=auth(admin), timeout=10)
    assert created.status_code == 201, created.text
    faq = requests.post(f"{stack.url}/api/v1/admin/sites/{site_id}/faqs", json={
        "slug": "shipping", "question": "How long is shipping?", "answer": "Two to five days.",
        "keywords": ["shipping", "delivery"]}, headers=auth(admin), timeout=10)
    assert faq.status_code == 201, faq.text
    assert requests.put(f"{stack.url}/api/v1/admin/sites/{site_id}/escalation", json={"agent_capacity": capacity},
                        headers=auth(admin), timeout=10).status_code == 200
    team = [new_agent(stack, admin, site_id) for _ in range(agents)]
    for agent in team:
        online = requests.post(f"{stack.url}/api/v1/agent/presence", json={"status": "online"},
                               headers=auth(agent["token"]), timeout=10)
        assert online.status_code == 200, online.text
    return site_id, team


def start(stack, site_id, **body):
    response = requests.post(f"{stack.url}/api/v1/customer/conversations/start", json={"site_id": site_id, **body},
                             timeout=10)
    assert response.status_code == 201, response.text
    return response.json()


def as_customer(started):
    return {"X-Customer-Session-Id": started["customer_session_id"]}


def customer_url(stack, started, suffix=""):
    return f"{stack.url}/api/v1/customer/conversations/{started['conversation_id']}{suffix}"


def test_the_demo_site_has_three_quick_questions(stack):
    response = requests.get(f"{stack.url}/api/v1/customer/quick-questions?site_id=site_demo", timeout=10)
    assert response.status_code == 200
    assert [q["slug"] for q in response.json()["items"]] == ["opening-hours", "shipping", "refunds"]


def test_the_bot_first_flow_from_start_to_close(stack, admin):
    site_id, (agent,) = new_site(stack, admin)
    started = start(stack, site_id, name="Jane")
    assert started["messages"][0]["sender_type"] == "bot"
    opened = time.monotonic()
    tab = realtime(stack, role="customer", conversation_id=started["conversation_id"],
                   customer_session_id=started["customer_session_id"])
    tab.next("system.connected", timeout=2.0)
    assert time.monotonic() - opened < 2.0
    assert tab.next("conversation.updated")["data"]["conversation"]["mode"] == "automated"
    assert tab.next("message.created")["data"]["message"]["seq"] == 1
    # a quick question, then free text the bot answers
    picked = requests.post(customer_url(stack, started, "/quick-replies/shipping"), headers=as_customer(started),
                           timeout=10)
    assert [m["sender_type"] for m in picked.json()["items"]] == ["customer", "bot"]
    said = requests.post(customer_url(stack, started, "/messages"), json={"body": "when is the delivery?"},
                         headers=as_customer(started), timeout=10)
    assert said.status_code == 201 and said.json()["replies"][0]["body"] == "Two to five days."
    assert [tab.next("message.created")["data"]["message"]["seq"] for _ in range(4)] == [2, 3, 4, 5]
    # escalate: the customer hears the assignment and the system message
    escalated = requests.post(customer_url(stack, started, "/escalate"), headers=as_customer(started), timeout=10)
    assert escalated.status_code == 200, escalated.text
    assert escalated.json()["assigned_agent"]["id"] == agent["id"]
    assert tab.next("agent.assigned")["data"]["agent"]["id"] == agent["id"]
    assert tab.next("message.created")["data"]["message"]["body"] == f"You are now connected with {agent['name']}"
    # the agent joins and replies
    desk = realtime(stack, role="agent", access_token=agent["token"], conversation_id=started["conversation_id"])
    desk.next("system.connected", timeout=2.0)
    desk.next("system.subscribed")
    listed = requests.get(f"{stack.url}/api/v1/agent/conversations?status=agent", headers=auth(agent["token"]),
                          timeout=10).json()["items"]
    assert [c["id"] for c in listed] == [started["conversation_id"]]
    cid = started["conversation_id"]
    reply = requests.post(f"{stack.url}/api/v1/agent/conversations/{cid}/messages", json={"body": "Hi Jane"},
                          headers=auth(agent["token"]), timeout=10)
    assert reply.status_code == 201
    seen = tab.next("message.created", where=lambda f: f["data"]["message"]["sender_type"] == "agent")
    last_seq = seen["data"]["message"]["seq"]
    desk.send(type="typing", conversation_id=cid, is_typing=True)
    assert tab.next("agent.typing")["data"]["is_typing"] is True
    # the customer goes offline; two messages later it reconnects and gets exactly what it missed
    tab.close()
    for body in ("Are you still there?", "Your refund is on its way"):
        assert requests.post(f"{stack.url}/api/v1/agent/conversations/{cid}/messages", json={"body": body},
                             headers=auth(agent["token"]), timeout=10).status_code == 201
    back = realtime(stack, role="customer", conversation_id=cid, customer_session_id=started["customer_session_id"],
                    last_seq=str(last_seq))
    back.next("system.connected", timeout=2.0)
    assert back.next("conversation.updated")["data"]["conversation"]["mode"] == "agent"
    missed = [f["data"]["message"] for f in back.drain(1.0) if f["type"] == "message.created"]
    assert [(m["seq"], m["body"]) for m in missed] == [(last_seq + 1, "Are you still there?"),
                                                       (last_seq + 2, "Your refund is on its way")]
    # the agent closes; the customer hears chat.closed
    closed = requests.post(f"{stack.url}/api/v1/agent/conversations/{cid}/close", headers=auth(agent["token"]),
                           timeout=10)
    assert closed.status_code == 200
    back.next("chat.closed")
    assert requests.post(customer_url(stack, started, "/messages"), json={"body": "thanks"},
                         headers=as_customer(started), timeout=10).status_code == 409
    # the same conversation in seed 000's console
    console = requests.get(f"{stack.url}/api/v1/conversations/{cid}", headers=auth(admin), timeout=10)
    assert console.status_code == 200 and console.json()["data"]["status"] == "closed"
    back.close()
    desk.close()


def test_twenty_concurrent_escalations_make_one_assignment_and_one_system_message(stack, admin):
    site_id, (agent,) = new_site(stack, admin)
    started = start(stack, site_id)
    tab = realtime(stack, role="customer", conversation_id=started["conversation_id"],
                   customer_session_id=started["customer_session_id"])
    tab.next("system.connected")

    def escalate(_):
        return requests.post(customer_url(stack, started, "/escalate"), headers=as_customer(started), timeout=30)

    with ThreadPoolExecutor(max_workers=20) as pool:
        answers = list(pool.map(escalate, range(20)))
    assert [a.status_code for a in answers] == [200] * 20, [a.text for a in answers if a.status_code != 200]
    assert {a.json()["assigned_agent"]["id"] for a in answers} == {agent["id"]}
    history = requests.get(customer_url(stack, started, "/messages"), headers=as_customer(started), timeout=10)
    assert [m["sender_type"] for m in history.json()["items"]] == ["bot", "system"]
    frames = tab.drain(1.5)
    assert [f["type"] for f in frames].count("agent.assigned") == 1
    tab.close()


def test_capacity_is_respected_under_a_race(stack, admin):
    site_id, (agent,) = new_site(stack, admin, capacity=2)
    customers = [start(stack, site_id) for _ in range(6)]

    def escalate(started):
        return requests.post(customer_url(stack, started, "/escalate"), headers=as_customer(started), timeout=30)

    with ThreadPoolExecutor(max_workers=6) as pool:
        answers = list(pool.map(escalate, customers))
    assert sorted(a.status_code for a in answers) == [200, 200, 409, 409, 409, 409]
    assert all(a.json()["code"] for a in answers if a.status_code == 409)
    listed = requests.get(f"{stack.url}/api/v1/agent/conversations?status=agent", headers=auth(agent["token"]),
                          timeout=10).json()["items"]
    assert len(listed) == 2
    waiting = requests.get(f"{stack.url}/api/v1/agent/conversations?status=automated", headers=auth(agent["token"]),
                           timeout=10).json()["items"]
    assert len(waiting) == 4


@pytest.mark.parametrize("query, status", [
    ({"role": "agent", "access_token": "not-a-jwt"}, 401),
    ({"role": "agent"}, 401),
    ({"role": "customer", "conversation_id": "conv_00000000000000000000", "customer_session_id": "x"}, 404),
])
def test_bad_credentials_are_refused_at_the_handshake(stack, query, status):
    with pytest.raises(InvalidStatus) as refused:
        realtime(stack, **query)
    assert refused.value.response.status_code == status


def test_a_wrong_customer_session_is_refused_with_403(stack, admin):
    started, other = start(stack, "site_demo"), start(stack, "site_demo")
    for secret in ("wrong", other["customer_session_id"]):
        with pytest.raises(InvalidStatus) as refused:
            realtime(stack, role="customer", conversation_id=started["conversation_id"], customer_session_id=secret)
        assert refused.value.response.status_code == 403
