"""Conversations on the running stack over real HTTP, under concurrency, with the SQS pump running listeners."""
import time
import uuid
from concurrent.futures import ThreadPoolExecutor

import requests

from tests.e2e.conftest import DEMO_PASSWORD


def admin_token(stack):
    response = requests.post(f"{stack.url}/api/v1/auth/support/login", json={
        "username": "admin", "password": DEMO_PASSWORD, "site_id": "site_demo"}, timeout=10)
    return response.json()["data"]["token"]


def new_visitor_conversation(stack):
    visitor_id = f"v_{uuid.uuid4().hex[:8]}"
    token = requests.post(f"{stack.url}/api/v1/visitors", json={
        "site_id": "site_demo", "visitor_id": visitor_id, "name": "Load Tester"}, timeout=10).json()["data"]["session_token"]
    headers = {"X-Visitor-Token": token}
    conversation = requests.post(f"{stack.url}/api/v1/conversations", json={
        "site_id": "site_demo", "visitor_id": visitor_id}, headers=headers, timeout=10)
    assert conversation.status_code == 201
    return conversation.json()["data"]["id"], headers


def all_messages(stack, conversation_id, headers):
    response = requests.get(f"{stack.url}/api/v1/messages", params={"conversation_id": conversation_id, "limit": 100},
                            headers=headers, timeout=10)
    return response.json()["data"]["messages"]


def test_twenty_concurrent_senders_get_gapless_increasing_sequence_numbers(stack):
    conversation_id, visitor = new_visitor_conversation(stack)
    agent = {"Authorization": f"Bearer {admin_token(stack)}"}

    def send(i):
        headers = visitor if i % 2 else agent
        return requests.post(f"{stack.url}/api/v1/messages", json={
            "conversation_id": conversation_id, "content": f"message {i}", "type": "text"}, headers=headers, timeout=60)

    with ThreadPoolExecutor(max_workers=20) as pool:
        answers = list(pool.map(send, range(20)))
    assert [a.status_code for a in answers] == [201] * 20, [a.text for a in answers if a.status_code != 201]
    seqs = sorted(a.json()["data"]["seq"] for a in answers)
    assert seqs == list(range(1, 21))
    stored = all_messages(stack, conversation_id, visitor)
    assert [m["seq"] for m in stored] == list(range(1, 21))
    assert sorted(m["content"] for m in stored) == sorted(f"message {i}" for i in range(20))


def test_fifty_concurrent_sends_with_one_key_make_one_message(stack):
    conversation_id, visitor = new_visitor_conversation(stack)
    headers = {**visitor, "Idempotency-Key": f"key-{uuid.uuid4().hex}"}

    def send(_):
        return requests.post(f"{stack.url}/api/v1/messages", json={
            "conversation_id": conversation_id, "content": "exactly once", "type": "text"}, headers=headers, timeout=60)

    with ThreadPoolExecutor(max_workers=50) as pool:
        answers = list(pool.map(send, range(50)))
    assert {a.status_code for a in answers} == {201}
    assert len({a.json()["data"]["id"] for a in answers}) == 1
    assert [m["content"] for m in all_messages(stack, conversation_id, visitor)] == ["exactly once"]


def test_racing_assigners_leave_one_assignee_and_consistent_counts(stack):
    token = admin_token(stack)
    auth = {"Authorization": f"Bearer {token}"}
    agent_ids = []
    for _ in range(4):
        name = f"racer{uuid.uuid4().hex[:6]}"
        created = requests.post(f"{stack.url}/api/v1/admin/agents", json={
            "username": name, "password": "racer-password-1", "site_ids": ["site_demo"]}, headers=auth, timeout=10)
        agent_ids.append(created.json()["data"]["id"])
    conversation_id, _ = new_visitor_conversation(stack)

    def assign(agent_id):
        return requests.patch(f"{stack.url}/api/v1/conversations/{conversation_id}/assign",
                              json={"agent_id": agent_id}, headers=auth, timeout=60)

    with ThreadPoolExecutor(max_workers=8) as pool:
        answers = list(pool.map(assign, agent_ids * 2))
    assert set(a.status_code for a in answers) <= {200, 409} and 200 in [a.status_code for a in answers]
    final = requests.get(f"{stack.url}/api/v1/conversations/{conversation_id}", headers=auth, timeout=10)
    assignee = final.json()["data"]["assigned_agent"]["id"]
    assert assignee in agent_ids
    agents = requests.get(f"{stack.url}/api/v1/agents", params={"site_id": "site_demo"}, headers=auth,
                          timeout=10).json()["data"]["agents"]
    counts = {a["id"]: a["active_conversations"] for a in agents if a["id"] in agent_ids}
    assert sum(counts.values()) == 1 and counts[assignee] == 1  # nobody counted twice, nobody lost


def test_notifications_arrive_through_the_sqs_pump(stack):
    token = admin_token(stack)
    auth = {"Authorization": f"Bearer {token}"}
    before = requests.get(f"{stack.url}/api/v1/notifications", headers=auth, timeout=10).json()["data"]["unread_count"]
    conversation_id, visitor = new_visitor_conversation(stack)
    requests.post(f"{stack.url}/api/v1/messages", json={"conversation_id": conversation_id, "content": "hello?",
                                                        "type": "text"}, headers=visitor, timeout=10)
    deadline = time.monotonic() + 20
    listed = {}
    while time.monotonic() < deadline:
        listed = requests.get(f"{stack.url}/api/v1/notifications", headers=auth, timeout=10).json()["data"]
        mine = [n for n in listed["notifications"] if n["data"].get("conversation_id") == conversation_id]
        if len(mine) == 2:
            break
        time.sleep(0.2)
    assert sorted(n["type"] for n in mine) == ["new_conversation", "new_message"]
    assert listed["unread_count"] >= before + 2  # exact counts are asserted in the unit tests
