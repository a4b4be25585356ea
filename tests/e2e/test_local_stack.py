"""The local stack over real sockets: HTTP, WebSocket, @connections, SQS, as API Gateway and Lambda behave."""
import base64
import json
import time
import uuid

import pytest
import requests
from websockets.exceptions import ConnectionClosed, InvalidStatus
from websockets.sync.client import connect

from tests.e2e.conftest import IDLE_SECONDS, MAX_LIFETIME_SECONDS, aws_client


def wait_for(predicate, timeout=10.0, interval=0.05):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError("condition not met in time")


def log_entries(stack, event=None):
    entries = requests.get(f"{stack.url}/_test/log", timeout=5).json()["entries"]
    return [e for e in entries if event is None or e["event"] == event]


def echo_socket(stack, **kwargs):
    return connect(f"{stack.ws_url}/ws?dialect=echo", open_timeout=5, **kwargs)


# -- HTTP ---------------------------------------------------------------------------------------

def test_health_names_versions_and_the_embedded_aws_endpoint(stack):
    response = requests.get(f"{stack.url}/health", timeout=5)
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok" and body["stage"] == "local"
    assert body["aws"]["endpoint"] == stack.aws_endpoint
    assert body["versions"]["chalice"] == "1.34.0"
    assert response.headers["x-amzn-RequestId"]


def test_trailing_slash_is_accepted(stack):
    assert requests.get(f"{stack.url}/health/", timeout=5).status_code == 200


def test_unknown_path_answers_like_api_gateway(stack):
    response = requests.get(f"{stack.url}/no/such/path", timeout=5)
    assert response.status_code == 403
    assert response.json() == {"message": "Missing Authentication Token"}


def test_json_round_trip_with_query_and_request_id(stack):
    response = requests.post(f"{stack.url}/_test/echo-request/abc?x=1&y=2", json={"hello": "world"}, timeout=5)
    assert response.status_code == 200
    body = response.json()
    assert body["name"] == "abc" and body["method"] == "POST" and body["query"] == {"x": "1", "y": "2"}
    assert json.loads(base64.b64decode(body["body_base64"])) == {"hello": "world"}
    assert body["request_id"] == response.headers["x-amzn-RequestId"]


def test_multipart_binary_body_reaches_the_app_byte_for_byte(stack):
    blob = bytes(range(256)) * 64  # every byte value, including NUL and invalid UTF-8
    response = requests.post(f"{stack.url}/_test/echo-request/upload", files={"file": ("b.bin", blob)},
                             data={"site_id": "site_demo"}, timeout=5)
    assert response.status_code == 200
    body = response.json()
    assert body["content_type"].startswith("multipart/form-data; boundary=")
    raw = base64.b64decode(body["body_base64"])
    assert blob in raw and b'name="site_id"' in raw


def test_payload_over_api_gateway_limit_is_refused(stack):
    response = requests.post(f"{stack.url}/_test/echo-request/big", data=b"x" * (10 * 1024 * 1024 + 1),
                             headers={"Content-Type": "application/octet-stream"}, timeout=30)
    assert response.status_code == 413


# -- WebSocket ----------------------------------------------------------------------------------

def test_frames_are_echoed_through_connections_in_order_and_disconnect_runs(stack):
    with echo_socket(stack) as ws:
        connection_id = wait_for(lambda: [e for e in log_entries(stack, "connect")])[-1]["connection_id"]
        for i in range(20):
            ws.send(f"frame {i}")
        assert [ws.recv(timeout=5) for _ in range(20)] == [f"frame {i}" for i in range(20)]
    closed = wait_for(lambda: [e for e in log_entries(stack, "disconnect") if e["connection_id"] == connection_id])
    assert closed[0]["status_code"] == 1000


def test_rejected_connect_gets_its_status(stack):
    for status in (401, 403):
        with pytest.raises(InvalidStatus) as rejected:
            connect(f"{stack.ws_url}/ws?dialect=echo&reject={status}", open_timeout=5)
        assert rejected.value.response.status_code == status


def test_unknown_realtime_protocol_is_rejected_with_400(stack):
    with pytest.raises(InvalidStatus) as rejected:
        connect(f"{stack.ws_url}/ws?hello=1", open_timeout=5)
    assert rejected.value.response.status_code == 400


def test_subprotocol_chosen_by_connect_is_echoed(stack):
    with echo_socket(stack, subprotocols=["Bearer", "token-abc"]) as ws:
        assert ws.subprotocol == "Bearer"
        ws.send("x")
        assert ws.recv(timeout=5) == "x"


def test_post_to_a_closed_connection_is_410_and_the_sender_reports_gone(stack):
    with echo_socket(stack) as ws:
        ws.send("hi")
        ws.recv(timeout=5)
        connection_id = log_entries(stack, "connect")[-1]["connection_id"]
        live = requests.get(f"{stack.url}/@connections/{connection_id}", timeout=5)
        assert live.status_code == 200 and live.json()["identity"]["sourceIp"] == "127.0.0.1"
    wait_for(lambda: [e for e in log_entries(stack, "disconnect") if e["connection_id"] == connection_id])
    response = requests.post(f"{stack.url}/@connections/{connection_id}", data=b"late", timeout=5)
    assert response.status_code == 410 and response.headers["x-amzn-ErrorType"] == "GoneException"
    sent = requests.post(f"{stack.url}/_test/send", json={"connection_id": connection_id, "data": "late"}, timeout=5)
    assert sent.json() == {"delivered": False}


def test_app_can_post_to_a_live_connection_from_a_rest_handler(stack):
    with echo_socket(stack) as ws:
        ws.send("hello")
        ws.recv(timeout=5)
        connection_id = log_entries(stack, "connect")[-1]["connection_id"]
        sent = requests.post(f"{stack.url}/_test/send", json={"connection_id": connection_id, "data": "pushed"},
                             timeout=5)
        assert sent.json() == {"delivered": True}
        assert ws.recv(timeout=5) == "pushed"


def test_delete_on_connections_closes_the_socket(stack):
    with echo_socket(stack) as ws:
        ws.send("x")
        ws.recv(timeout=5)
        connection_id = log_entries(stack, "connect")[-1]["connection_id"]
        assert requests.delete(f"{stack.url}/@connections/{connection_id}", timeout=5).status_code == 204
        with pytest.raises(ConnectionClosed):
            ws.recv(timeout=5)
    wait_for(lambda: [e for e in log_entries(stack, "disconnect") if e["connection_id"] == connection_id])


def test_message_over_128_kb_closes_with_1009(stack):
    with echo_socket(stack, max_size=None) as ws:
        ws.send("a" * (128 * 1024))  # exactly at the limit: delivered
        assert len(ws.recv(timeout=5)) == 128 * 1024
        ws.send("a" * (128 * 1024 + 1))
        with pytest.raises(ConnectionClosed) as closed:
            ws.recv(timeout=5)
        assert closed.value.rcvd.code == 1009


def test_idle_connection_is_closed_after_the_idle_timeout(short_timeout_stack):
    with echo_socket(short_timeout_stack) as ws:
        started = time.monotonic()
        with pytest.raises(ConnectionClosed) as closed:
            ws.recv(timeout=IDLE_SECONDS + 5)
        assert closed.value.rcvd.code == 1001
        assert time.monotonic() - started >= IDLE_SECONDS - 0.5


def test_busy_connection_is_closed_at_the_maximum_lifetime(short_timeout_stack):
    with echo_socket(short_timeout_stack) as ws:
        started = time.monotonic()
        with pytest.raises(ConnectionClosed) as closed:
            while time.monotonic() - started < MAX_LIFETIME_SECONDS + 5:
                ws.send("keepalive")  # never idle
                ws.recv(timeout=5)
                time.sleep(0.5)
        assert closed.value.rcvd.code == 1001
        assert time.monotonic() - started >= MAX_LIFETIME_SECONDS - 0.5


# -- SQS pump -----------------------------------------------------------------------------------

def _send(stack, body):
    sqs = aws_client(stack, "sqs")
    url = sqs.get_queue_url(QueueName="parley-local-test-echo")["QueueUrl"]
    sqs.send_message(QueueUrl=url, MessageBody=json.dumps(body))


def test_sqs_message_reaches_its_handler(stack):
    key = uuid.uuid4().hex
    _send(stack, {"id": key})
    processed = wait_for(lambda: [e for e in log_entries(stack, "sqs_processed") if e["id"] == key])
    assert processed[0]["attempt"] == 1


def test_partial_batch_failure_is_redelivered_and_then_succeeds(stack):
    key = uuid.uuid4().hex
    _send(stack, {"id": key, "fail_times": 1})
    processed = wait_for(lambda: [e for e in log_entries(stack, "sqs_processed") if e["id"] == key], timeout=20)
    assert processed[0]["attempt"] == 2
    assert len([e for e in log_entries(stack, "sqs_failed") if e["id"] == key]) == 1


def test_poison_message_lands_in_the_dead_letter_queue(stack):
    key = uuid.uuid4().hex
    _send(stack, {"id": key, "poison": True})
    sqs = aws_client(stack, "sqs")
    dlq = sqs.get_queue_url(QueueName="parley-local-test-echo-dlq")["QueueUrl"]

    def in_dlq():
        messages = sqs.receive_message(QueueUrl=dlq, MaxNumberOfMessages=10, WaitTimeSeconds=1).get("Messages", [])
        return [m for m in messages if json.loads(m["Body"])["id"] == key]

    assert wait_for(in_dlq, timeout=30)
    attempts = [e["attempt"] for e in log_entries(stack, "sqs_failed") if e["id"] == key]
    assert attempts == [1, 2, 3]  # maxReceiveCount of the test queue
    assert not [e for e in log_entries(stack, "sqs_processed") if e["id"] == key]


def test_the_api_docs_page_renders_every_served_description(stack):
    page = requests.get(f"{stack.url}/docs", timeout=10)
    assert page.status_code == 200 and page.headers["Content-Type"].startswith("text/html")
    assert 'src="/docs/swagger-ui-bundle.js"' in page.text and 'fetch("/openapi.json")' in page.text
    bundle = requests.get(f"{stack.url}/docs/swagger-ui-bundle.js", timeout=10)
    assert bundle.status_code == 200 and bundle.headers["Content-Type"].startswith("text/javascript")
    assert '"5.' in bundle.text[:5_000_000]  # Swagger UI 5: the first major version that reads OpenAPI 3.1
    assert requests.get(f"{stack.url}/docs/__init__.py", timeout=10).status_code == 404  # its two files only
    for spec in requests.get(f"{stack.url}/openapi.json", timeout=10).json()["specs"]:
        described = requests.get(stack.url + spec["url"], timeout=10)
        assert described.status_code == 200 and described.json()["openapi"] == "3.1.0"
