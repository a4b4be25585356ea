"""Webhooks on the running stack: events -> events worker -> webhooks queue -> delivery worker
(SQS pump) -> a real receiver on loopback, signed; retries through real SQS delays; the DLQ."""
import json
import time

import pytest
import requests

from local.harness import StackProcess
from tests.e2e.conftest import STACK_ENV, aws_client
from tests.e2e.realtime_client import login
from tests.webhook_receiver import Receiver
from tests.waiting import wait_until

# Retries 1 s apart (the production schedule spans ~28 hours), and disable at the first dead letter.
FAST = {**STACK_ENV, "PARLEY_WEBHOOK_RETRY_SCHEDULE": "0,1,1,1", "PARLEY_WEBHOOK_DISABLE_AFTER_SECONDS": "0"}


@pytest.fixture(scope="module")
def hook_stack():
    process = StackProcess(env=FAST)
    process.start()
    yield process
    assert process.stop() == 0, process.log()


@pytest.fixture(scope="module")
def api_key(hook_stack):
    admin = login(hook_stack)["token"]
    response = requests.post(f"{hook_stack.url}/api/v1/admin/sites/site_demo/api-keys", json={"name": "e2e hooks"},
                             headers={"Authorization": f"Bearer {admin}"}, timeout=5)
    assert response.status_code == 201, response.text
    return response.json()["data"]["key"]


def register(stack, key, url, events):
    response = requests.post(f"{stack.url}/v1/webhooks", json={"url": url, "events": events},
                             headers={"Authorization": f"Bearer {key}"}, timeout=5)
    assert response.status_code == 201, response.text
    return response.json()




def test_a_chat_reaches_a_flaky_receiver_signed_once_per_event(hook_stack, api_key):
    from chalicelib.domain.webhooks import signing

    receiver = Receiver(respond=lambda got, nth: (500, {}) if nth <= 2 else (204, {})).start()
    try:
        hook = register(hook_stack, api_key, receiver.url, ["chat.created", "message.sent", "visitor.created"])
        visitor = requests.post(f"{hook_stack.url}/api/v1/visitors", timeout=5, json={
            "site_id": "site_demo", "visitor_id": "v_hook_1", "name": "Hook Tester"}).json()["data"]
        vt = {"X-Visitor-Token": visitor["session_token"]}
        chat = requests.post(f"{hook_stack.url}/api/v1/conversations", headers=vt, timeout=5, json={
            "site_id": "site_demo", "visitor_id": "v_hook_1"}).json()["data"]
        requests.post(f"{hook_stack.url}/api/v1/messages", headers=vt, timeout=5, json={
            "conversation_id": chat["id"], "content": "Is my order shipped?"})

        def accepted():
            return [r for r in receiver.requests if len(receiver.with_id(r.headers["webhook-id"])) >= 3]

        assert wait_until(lambda: len({r.headers["webhook-id"] for r in accepted()}) == 3), receiver.requests
        time.sleep(1.5)  # anything sent twice would arrive now
        by_type = {}
        for got in receiver.requests:
            assert signing.verify(hook["secret"], got.headers, got.body, now=int(time.time()))
            by_type.setdefault(got.json["type"], set()).add(got.headers["webhook-id"])
        assert {t: len(ids) for t, ids in by_type.items()} == {"visitor.created": 1, "chat.created": 1,
                                                               "message.sent": 1}
        assert len(receiver.requests) == 9  # three events x (two failures + one success), nothing more
    finally:
        receiver.stop()


def test_a_dead_receiver_ends_in_the_dlq_and_is_disabled(hook_stack, api_key):
    receiver = Receiver(respond=lambda got, nth: (500, {})).start()
    try:
        hook = register(hook_stack, api_key, receiver.url, ["visitor.created"])
        requests.post(f"{hook_stack.url}/api/v1/visitors", timeout=5, json={
            "site_id": "site_demo", "visitor_id": "v_hook_dead", "name": "Nobody Home"})
        headers = {"Authorization": f"Bearer {api_key}"}

        def state():
            return requests.get(f"{hook_stack.url}/v1/webhooks/{hook['id']}", headers=headers, timeout=5).json()

        assert wait_until(lambda: state()["active"] is False), receiver.requests
        assert len(receiver.requests) == 4  # the schedule's four attempts
        log = requests.get(f"{hook_stack.url}/v1/webhooks/{hook['id']}/deliveries", headers=headers,
                           timeout=5).json()["data"]
        assert (log[0]["status"], log[0]["attempts"], log[0]["status_code"]) == ("dead_lettered", 4, 500)
        sqs = aws_client(hook_stack, "sqs")
        url = sqs.get_queue_url(QueueName="parley-local-webhooks-dlq")["QueueUrl"]
        bodies = [json.loads(m["Body"]) for m in sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10,
                                                                     WaitTimeSeconds=1).get("Messages", [])]
        assert log[0]["event_id"] in {b["event_id"] for b in bodies}
    finally:
        receiver.stop()
