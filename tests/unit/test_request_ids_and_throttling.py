"""Every HTTP response carries X-Request-Id (the caller's when sane), the logs carry the same id,
seed 003's errors quote it; and when DynamoDB throttles, every surface answers 503 with
Retry-After in its own error shape instead of a 500. The throttle is a real botocore error:
tests/unit/aws_faults.py answers DynamoDB calls inside botocore's call path."""
import io
import json
import re
from contextlib import contextmanager

import pytest

from chalicelib import observability
from tests.unit.aws_faults import dynamodb_fails
from tests.unit.chat_helpers import as_visitor, open_conversation, send, visitor_token
from tests.unit.identity_fixtures import world  # noqa: F401  (fixture)

GENERATED = re.compile(r"^req_[0-9a-f]{32}$")


@pytest.fixture
def callers(world):
    alice = world.token("alice", "site_a")
    key = world.call("POST", "/api/v1/admin/sites/site_a/api-keys", {"name": "ids"}, token=alice).json_body["data"]
    return {"agent": alice, "key": key["key"],
            "visitor": visitor_token(world)}


def one_request_per_surface(callers):
    """(surface, method, path, body, bearer): a DynamoDB-backed route of each seed document."""
    return [
        ("000", "GET", "/api/v1/sites", None, callers["agent"]),
        ("001", "POST", "/chat/start-session", {"business": "site_a"}, None),
        ("002", "GET", "/chat/conversations", None, callers["visitor"]),
        ("003", "GET", "/v1/agents", None, callers["key"]),
        ("004", "GET", "/api/v1/agent/me", None, callers["agent"]),
    ]


def test_the_callers_request_id_comes_back_on_every_surface(world, callers):
    for surface, method, path, body, bearer in one_request_per_surface(callers) + [("health", "GET", "/health", None,
                                                                                    None)]:
        sent = f"trace-{surface}.1_x"
        response = world.call(method, path, body, token=bearer, headers={"X-Request-Id": sent})
        assert response.status_code < 500, (surface, response.body)
        assert response.headers["X-Request-Id"] == sent, surface


@pytest.mark.parametrize("unsafe", ["x" * 129, "has space", "semi;colon", "back\\slash", "ünicode", ""])
def test_an_unsafe_request_id_is_replaced_by_a_new_one(world, unsafe):
    first = world.call("GET", "/health", headers={"X-Request-Id": unsafe})
    second = world.call("GET", "/health", headers={"X-Request-Id": unsafe})
    assert GENERATED.match(first.headers["X-Request-Id"]) and GENERATED.match(second.headers["X-Request-Id"])
    assert first.headers["X-Request-Id"] != second.headers["X-Request-Id"]


def test_the_rule_itself():
    assert observability.request_id_from("ok-1.2_3") == "ok-1.2_3"
    for unsafe in (None, "", "abc\n", "a" * 129, "a/b", "a b", "<x>"):
        assert GENERATED.match(observability.request_id_from(unsafe)), unsafe


def test_a_128_character_request_id_is_kept(world):
    longest = "a.B-9_" * 21 + "zz"
    assert len(longest) == 128
    assert world.call("GET", "/health", headers={"X-Request-Id": longest}).headers["X-Request-Id"] == longest


def test_a_003_error_quotes_the_request_id_of_its_header(world, callers):
    own = world.call("GET", "/v1/agents", token="prl_live_nope", headers={"X-Request-Id": "mine-123"})
    assert own.status_code == 401
    assert own.json_body["error"]["request_id"] == "mine-123" == own.headers["X-Request-Id"]
    generated = world.call("GET", "/v1/webhooks/wh_missing", token=callers["key"])
    assert generated.status_code == 404
    assert generated.json_body["error"]["request_id"] == generated.headers["X-Request-Id"]
    assert GENERATED.match(generated.headers["X-Request-Id"])


@contextmanager
def log_stream():
    stream = io.StringIO()
    handler = observability.logger.registered_handler
    original = handler.stream
    handler.setStream(stream)
    try:
        yield stream
    finally:
        handler.setStream(original)


def test_the_logs_carry_the_same_request_id(world, callers):
    with log_stream() as stream, dynamodb_fails("ThrottlingException"):
        response = world.call("GET", "/v1/agents", token=callers["key"], headers={"X-Request-Id": "logged-42"})
    assert response.status_code == 503
    lines = [json.loads(line) for line in stream.getvalue().splitlines()]
    logged = [line for line in lines if line["message"] == "aws throttled the request"]
    assert logged and all(line["request_id"] == "logged-42" for line in logged)
    assert response.json_body["error"]["request_id"] == "logged-42"


SHAPES = {
    "000": lambda body: body["success"] is False and body["error"]["code"] == "SERVICE_UNAVAILABLE",
    "001": lambda body: isinstance(body["message"], str) and "success" not in body,
    "002": lambda body: body["success"] is False and isinstance(body["message"], str),
    "003": lambda body: body["error"]["code"] == "SRV-002" and body["error"]["message_en"]
    and body["error"]["details"] == {"retry_after": 1},
    "004": lambda body: body["code"] == "SERVICE_UNAVAILABLE" and isinstance(body["detail"], str),
}


@pytest.mark.parametrize("code", ["ProvisionedThroughputExceededException", "ThrottlingException",
                                  "RequestLimitExceeded", "InternalServerError"])
def test_a_throttled_dynamodb_is_a_503_with_retry_after_on_every_surface(world, callers, code):
    for surface, method, path, body, bearer in one_request_per_surface(callers):
        with dynamodb_fails(code) as refused:
            response = world.call(method, path, body, token=bearer, headers={"X-Request-Id": f"busy-{surface}"})
        assert refused, f"{surface}: DynamoDB was never called"
        assert response.status_code == 503, (surface, response.body)
        assert response.headers["Retry-After"] == "1", surface
        assert response.headers["X-Request-Id"] == f"busy-{surface}", surface
        assert SHAPES[surface](response.json_body), (surface, response.json_body)


def test_a_throttle_on_a_later_read_is_a_503_too(world, callers):
    """Authentication passes (its GetItem answers); the route's Query is throttled."""
    with dynamodb_fails("ProvisionedThroughputExceededException", operations=("Query",)) as refused:
        response = world.call("GET", "/v1/webhooks", token=callers["key"])
    assert refused == ["Query"]
    assert response.status_code == 503 and response.json_body["error"]["code"] == "SRV-002"


def test_a_transaction_cancelled_for_throttling_is_a_503(world, callers):
    """A TransactWriteItems refused because an item was throttled (not for a failed condition)."""
    conversation = open_conversation(world, callers["visitor"])
    reasons = {"CancellationReasons": [{"Code": "None"}, {"Code": "ThrottlingError", "Message": "busy"}]}
    with dynamodb_fails("TransactionCanceledException", operations=("TransactWriteItems",), extra=reasons) as refused:
        response = send(world, conversation, "hello?", headers=as_visitor(callers["visitor"]))
    assert refused == ["TransactWriteItems"]
    assert response.status_code == 503 and response.headers["Retry-After"] == "1", response.body
    assert response.json_body["error"]["code"] == "SERVICE_UNAVAILABLE"


def test_a_dynamodb_error_that_is_no_throttle_stays_a_500(world, callers):
    with dynamodb_fails("ValidationException"):
        response = world.call("GET", "/v1/agents", token=callers["key"])
    assert response.status_code == 500 and "Retry-After" not in response.headers
    assert response.json_body["error"]["code"] == "SRV-001"


def test_the_store_works_again_once_dynamodb_recovers(world, callers):
    with dynamodb_fails("ThrottlingException"):
        assert world.call("GET", "/v1/agents", token=callers["key"]).status_code == 503
    assert world.call("GET", "/v1/agents", token=callers["key"]).status_code == 200
