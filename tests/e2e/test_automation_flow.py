"""Seed 003 on the running stack: the widget configuration, and an automation trigger that fires once,
after its delay (SQS DelaySeconds through the local SQS pump), on a matching page only; the
exit-intent frame on the visitor's socket; X-Request-Id and 413 on the wire."""
import uuid

import pytest
import requests

from tests.e2e.realtime_client import login, new_visitor, visitor_socket


@pytest.fixture(scope="module")
def key(stack):
    admin = login(stack)["token"]
    response = requests.post(f"{stack.url}/api/v1/admin/sites/site_demo/api-keys", json={"name": "e2e automation"},
                             headers={"Authorization": f"Bearer {admin}"}, timeout=10)
    assert response.status_code == 201, response.text
    return {"Authorization": f"Bearer {response.json()['data']['key']}"}


def trigger(stack, key, **fields):
    body = {"name": "Welcome", "condition": "page_load", "delay_seconds": 0, "url_pattern": "*",
            "message": f"Sizga yordam kerakmi? {uuid.uuid4().hex[:6]}", **fields}
    response = requests.post(f"{stack.url}/v1/automation/triggers", json=body, headers=key, timeout=10)
    assert response.status_code == 201, response.text
    return response.json()


def report(stack, visitor, kind, page_url):
    response = requests.post(f"{stack.url}/api/v1/visitors/activity", json={"type": kind, "page_url": page_url},
                             headers={"X-Visitor-Token": visitor["token"]}, timeout=10)
    assert response.status_code == 202, response.text
    return response.json()["data"]["triggers_queued"]


def bot_messages(frames, message):
    return [f for f in frames if f.get("type") == "message" and f.get("from") == "bot" and f["message"] == message]


def test_the_widget_configuration_is_patched_as_documented(stack, key):
    response = requests.patch(f"{stack.url}/v1/widget/config", json={"color": "#6366F1",
                                                                     "welcome_message": "Xush kelibsiz!"},
                              headers=key, timeout=10)
    assert response.status_code == 200, response.text
    got = requests.get(f"{stack.url}/v1/widget/config", headers=key, timeout=10).json()
    assert got == response.json() and got["color"] == "#6366F1" and got["welcome_message"] == "Xush kelibsiz!"
    refused = requests.patch(f"{stack.url}/v1/widget/config", json={"color": "blue"}, headers=key, timeout=10)
    assert refused.status_code == 400 and refused.json()["error"]["code"] == "REQ-001"


def test_a_trigger_fires_once_after_its_delay_on_a_matching_page_only(stack, key):
    made = trigger(stack, key, delay_seconds=2, url_pattern="/pricing*")
    visitor = new_visitor(stack)
    with visitor_socket(stack, visitor) as socket:
        assert report(stack, visitor, "page_view", "https://shop.example/about") == 0
        assert report(stack, visitor, "page_view", "https://shop.example/pricing?plan=pro") == 1
        assert bot_messages(socket.drain(1.0), made["message"]) == []  # not before its delay
        frame = socket.next("message", timeout=15, where=lambda f: f.get("from") == "bot")
        assert frame["message"] == made["message"] and frame["trigger_id"] == made["id"]
        assert frame["conversation_id"] is None
        assert report(stack, visitor, "page_view", "https://shop.example/pricing") == 0  # once a day
        assert bot_messages(socket.drain(4.0), made["message"]) == []
    requests.delete(f"{stack.url}/v1/automation/triggers/{made['id']}", headers=key, timeout=10)


def test_the_exit_intent_frame_sets_off_an_exit_trigger(stack, key):
    made = trigger(stack, key, condition="exit_intent", url_pattern="/checkout")
    visitor = new_visitor(stack)
    with visitor_socket(stack, visitor) as socket:
        socket.send(type="exit_intent", page_url="https://shop.example/checkout")
        frame = socket.next("message", timeout=15, where=lambda f: f.get("from") == "bot")
        assert frame["message"] == made["message"]
    requests.delete(f"{stack.url}/v1/automation/triggers/{made['id']}", headers=key, timeout=10)


def test_a_visitor_in_a_conversation_with_support_is_not_interrupted(stack, key):
    made = trigger(stack, key)
    visitor = new_visitor(stack)
    opened = requests.post(f"{stack.url}/api/v1/conversations", json={"site_id": "site_demo",
                                                                      "visitor_id": visitor["visitor_id"]},
                           headers={"X-Visitor-Token": visitor["token"]}, timeout=10)
    assert opened.status_code == 201, opened.text
    assert report(stack, visitor, "page_view", "https://shop.example/") == 0
    requests.delete(f"{stack.url}/v1/automation/triggers/{made['id']}", headers=key, timeout=10)


def test_request_ids_and_413_on_the_wire(stack, key):
    mine = requests.get(f"{stack.url}/health", headers={"X-Request-Id": "e2e-trace.1"}, timeout=10)
    assert mine.headers["X-Request-Id"] == "e2e-trace.1"
    big = requests.post(f"{stack.url}/v1/files/upload-url", json={
        "filename": "big.pdf", "content_type": "application/pdf", "size_bytes": 50 * 1024 * 1024},
        headers={**key, "X-Request-Id": "e2e-big"}, timeout=10)
    assert big.status_code == 413 and big.json()["error"]["code"] == "FILE-001"
    assert big.json()["error"]["request_id"] == big.headers["X-Request-Id"] == "e2e-big"
