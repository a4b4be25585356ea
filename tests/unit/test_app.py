"""The Chalice app through chalice.test.Client and its WebSocket handlers with API Gateway-shaped events."""
import json

import pytest
from chalice.test import Client

import app as app_module
from chalicelib.realtime import dialects
from chalicelib.store import connections
from local import apigw, lambdas


@pytest.fixture
def client():
    with Client(app_module.app, stage_name="local") as test_client:
        yield test_client


def test_health_reports_versions_stage_and_aws_endpoint(client):
    response = client.http.get("/health")
    assert response.status_code == 200
    body = response.json_body
    assert body["status"] == "ok" and body["stage"] == "local"
    assert body["versions"]["parley"] and body["versions"]["chalice"] == "1.34.0"
    assert body["aws"] == {"region": "us-east-1", "endpoint": "aws"}


def test_test_handlers_are_not_mounted_by_default():
    assert not any(path.startswith("/_test") for path in app_module.app.routes)
    assert all(not getattr(s, "queue", "").endswith("test-echo") for s in app_module.app.event_sources)


class _RecordingDialect:
    name = "recording"

    def __init__(self):
        self.frames, self.closed = [], []

    def matches(self, request):
        return request.query.get("dialect") == "recording"

    def connect(self, request):
        if request.query.get("token") != "good":
            return dialects.ConnectResult.reject(401, "bad token")
        return dialects.ConnectResult(
            subprotocol=request.subprotocols()[0] if request.subprotocols() else None,
            record=connections.ConnectionRecord(request.connection_id, self.name, request.endpoint, site_id="s1"),
            audiences=["conv#1"],
        )

    def message(self, connection, body):
        self.frames.append((connection.connection_id, body))

    def disconnect(self, connection, status_code, reason):
        self.closed.append((connection.connection_id, status_code))


@pytest.fixture
def recording(aws):
    dialect = _RecordingDialect()
    dialects.register(dialect)
    yield dialect
    dialects._DIALECTS.pop(dialect.name, None)


def _connect(query, headers=()):
    event = apigw.ws_connect_event(connection_id="conn1", headers=list(headers), query=query, stage="local",
                                   domain="127.0.0.1:8000", source_ip="127.0.0.1", connected_at=1)
    return app_module.ws_connect(event, lambdas.context("t"))


def test_unknown_dialect_is_rejected_and_nothing_stored(aws):
    response = _connect("foo=bar")
    assert response["statusCode"] == 400
    assert connections.get_connection("conn1") is None


def test_rejected_credentials_store_nothing(recording):
    assert _connect("dialect=recording&token=bad")["statusCode"] == 401
    assert connections.get_connection("conn1") is None


def test_connect_message_disconnect_cycle(recording):
    response = _connect("dialect=recording&token=good", [("Sec-WebSocket-Protocol", "Bearer, abc")])
    assert response == {"statusCode": 200, "headers": {"Sec-WebSocket-Protocol": "Bearer"}}
    stored = connections.get_connection("conn1")
    assert stored.dialect == "recording" and stored.site_id == "s1"
    assert stored.endpoint == "https://local.execute-api.us-east-1.amazonaws.com/local"
    assert [r.connection_id for r in connections.recipients("conv#1")] == ["conn1"]

    frame = apigw.ws_message_event(connection_id="conn1", data=json.dumps({"type": "ping"}), stage="local",
                                   domain="d", connected_at=1, source_ip="127.0.0.1")
    assert app_module.ws_message(frame, lambdas.context("t"))["statusCode"] == 200
    assert recording.frames == [("conn1", '{"type": "ping"}')]

    gone = apigw.ws_disconnect_event(connection_id="conn1", stage="local", domain="d", connected_at=1,
                                     source_ip="127.0.0.1", status_code=1000, reason="")
    app_module.ws_disconnect(gone, lambdas.context("t"))
    assert recording.closed == [("conn1", 1000)]
    assert connections.get_connection("conn1") is None
    assert connections.recipients("conv#1") == []


def test_frame_on_an_unknown_connection_is_dropped_without_error(aws):
    frame = apigw.ws_message_event(connection_id="ghost", data="{}", stage="local", domain="d", connected_at=1,
                                   source_ip="127.0.0.1")
    assert app_module.ws_message(frame, lambdas.context("t"))["statusCode"] == 410
