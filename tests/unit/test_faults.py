"""Faults injected through the one AWS client factory (chalicelib.clients.inject) and into DynamoDB's
clients (tests/unit/aws_faults.py): each is a real botocore error raised inside botocore's call path.
Under each a caller gets a clean answer (503 + Retry-After + a code, never a bare 500), nothing it was
told succeeded is missing, and once the fault clears the same call works."""
from contextlib import contextmanager

import pytest
from botocore.exceptions import ClientError

from chalicelib import clients
from chalicelib.integrations import sockets
from tests.unit.aws_faults import dynamodb_fails
from tests.unit.chat_helpers import as_visitor, open_conversation, send, visitor_token
from tests.unit.file_helpers import png
from tests.unit.identity_fixtures import world  # noqa: F401  (fixture)
from tests.unit.test_customer_flow_api import shop, start  # noqa: F401  (fixture)
from tests.unit.test_files_api import upload
from tests.unit.wire import wire  # noqa: F401  (fixture)


@contextmanager
def fails(service, code, operations=(), status=503):
    fault = clients.Fault(service, code, frozenset(operations), status)
    clear = clients.inject(fault)
    try:
        yield fault.refused
    finally:
        clear()


@pytest.mark.parametrize("code, status", [("SlowDown", 503), ("InternalError", 500), ("ServiceUnavailable", 503)])
def test_s3_refusing_an_upload_is_a_503_and_the_same_upload_works_once_it_recovers(world, code, status):
    vt = visitor_token(world)
    conversation_id = open_conversation(world, vt)
    with fails("s3", code, {"PutObject"}, status) as refused:
        response = upload(world, png(), headers=as_visitor(vt), conversation_id=conversation_id)
    assert refused and set(refused) == {"PutObject"}  # botocore's own retries included
    assert response.status_code == 503 and response.headers["Retry-After"] == "1", response.body
    assert response.json_body["error"]["code"] == "SERVICE_UNAVAILABLE"
    again = upload(world, png(), headers=as_visitor(vt), conversation_id=conversation_id)
    assert again.status_code == 201, again.body


def test_a_send_refused_by_dynamodb_and_retried_with_its_idempotency_key_is_one_message(world):
    vt = visitor_token(world)
    conversation_id = open_conversation(world, vt)
    key = {**as_visitor(vt), "Idempotency-Key": "order-42"}
    with dynamodb_fails("ProvisionedThroughputExceededException", operations=("TransactWriteItems",)) as refused:
        refused_send = send(world, conversation_id, "where is order 42?", headers=key)
    assert refused and refused_send.status_code == 503 and refused_send.headers["Retry-After"] == "1"
    first = send(world, conversation_id, "where is order 42?", headers=key)
    retried = send(world, conversation_id, "where is order 42?", headers=key)
    assert first.status_code == 201 and retried.status_code in (200, 201)
    assert retried.json_body["data"]["id"] == first.json_body["data"]["id"]
    listed = world.call("GET", f"/api/v1/messages?conversation_id={conversation_id}&limit=50", headers=as_visitor(vt))
    contents = [m["content"] for m in listed.json_body["data"]["messages"]]
    assert contents.count("where is order 42?") == 1, contents


def test_a_gone_connection_is_reported_and_a_failing_gateway_raises_for_the_caller_to_log(world):
    endpoint = "https://abc123.execute-api.us-east-1.amazonaws.com/local"
    with fails("apigatewaymanagementapi", "GoneException", {"PostToConnection"}, 410):
        assert sockets.send(endpoint, "conn-1", "{}") is False  # the fan-out drops its record
    with fails("apigatewaymanagementapi", "InternalFailure", {"PostToConnection"}, 500) as refused:
        with pytest.raises(ClientError):
            sockets.send(endpoint, "conn-1", "{}")
    assert refused
    assert sockets.send(endpoint, "conn-1", "{}") is True  # the fault cleared


# -- realtime frames: AWS busy is an error frame saying "retry", the socket stays open -------------------

def test_a_000_frame_refused_by_dynamodb_is_a_service_unavailable_frame_and_the_retry_is_delivered(world, wire):
    from tests.unit.test_realtime import connect_agent, connect_visitor, ws_send

    bob = connect_agent(world)
    tab, token = connect_visitor(world)
    open_conversation(world, token)
    with dynamodb_fails("ThrottlingException", operations=("TransactWriteItems",)) as refused:
        ws_send(tab, {"type": "message", "message": "is anyone there?"})
    error = wire.of(tab, "error")[-1]
    assert refused and error["code"] == "SERVICE_UNAVAILABLE" and error["details"] == {"retry_after": 1}
    assert tab not in wire.closed and wire.of(bob, "message") == []  # nothing half-sent
    ws_send(tab, {"type": "message", "message": "is anyone there?"})
    assert [frame["message"] for frame in wire.of(bob, "message")] == ["is anyone there?"]


def test_a_004_frame_refused_by_dynamodb_is_a_service_unavailable_system_error(shop, wire):
    from tests.unit.test_customer_flow_realtime import kinds, ws_connect, ws_send

    started = start(shop)
    agent_tab, _ = ws_connect(role="agent", access_token=shop.tokens["bob"])
    subscribe = {"type": "subscribe", "conversation_id": started["conversation_id"]}
    with dynamodb_fails("ProvisionedThroughputExceededException",
                        operations=("UpdateItem", "PutItem", "TransactWriteItems")) as refused:
        ws_send(agent_tab, subscribe)
    error = wire.of(agent_tab, "system.error")[-1]
    assert refused and error["data"]["code"] == "SERVICE_UNAVAILABLE", error
    assert agent_tab not in wire.closed
    ws_send(agent_tab, subscribe)
    assert kinds(wire, agent_tab)[-1] == "system.subscribed"
