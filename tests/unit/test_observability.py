import io
import json
import logging

from chalice.app import Request, WebsocketEvent

from chalicelib import middleware, observability
from local import apigw, lambdas


def test_request_id_comes_from_api_gateway_for_rest_and_websocket():
    route = apigw.match_route("/health", ["/health"])
    rest = apigw.rest_event(method="GET", raw_path="/health", headers=[], body=b"", route=route, stage="local",
                            domain="d", source_ip="127.0.0.1", binary_types=[])
    assert middleware.request_id_of(Request(rest)) == rest["requestContext"]["requestId"]
    ws = apigw.ws_message_event(connection_id="c", data="x", stage="local", domain="d", connected_at=1,
                                source_ip="127.0.0.1")
    assert middleware.request_id_of(WebsocketEvent(ws, None)) == ws["requestContext"]["requestId"]


def test_lambda_request_id_is_the_fallback():
    class _Event:
        context = lambdas.context("worker")

        def to_dict(self):
            return {"Records": []}

    assert middleware.request_id_of(_Event()) == _Event.context.aws_request_id


def test_log_lines_are_json_with_the_request_id_while_handling():
    stream = io.StringIO()
    handler = observability.logger.registered_handler
    original = handler.stream
    handler.setStream(stream)
    try:
        route = apigw.match_route("/health", ["/health"])
        rest = apigw.rest_event(method="GET", raw_path="/health", headers=[], body=b"", route=route,
                                stage="local", domain="d", source_ip="127.0.0.1", binary_types=[])
        middleware.bind_request_id(Request(rest), lambda e: observability.logger.info("inside"))
        observability.logger.debug("below the default level")
        observability.logger.warning("outside")
    finally:
        handler.setStream(original)
    inside, outside = [json.loads(line) for line in stream.getvalue().splitlines()]
    # No X-Request-Id was sent: a new one (req_<uuid hex>), and API Gateway's id beside it.
    assert inside["message"] == "inside" and inside["request_id"].startswith("req_")
    assert inside["apigw_request_id"] == rest["requestContext"]["requestId"]
    assert "request_id" not in outside and "apigw_request_id" not in outside
    # Each line carries the level it was logged at, by its standard name; at the documented
    # default (POWERTOOLS_LOG_LEVEL unset: INFO) the debug line is dropped.
    assert (inside["level"], outside["level"]) == ("INFO", "WARNING")
    assert logging.getLevelName(inside["level"]) == logging.INFO
    assert observability.logger.log_level == logging.INFO
