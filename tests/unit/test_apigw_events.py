"""The gateway emulator's events have API Gateway's documented shapes, and Chalice reads them."""
import base64

from chalice.app import Request, WebsocketEvent

from local import apigw

ROUTES = ["/health", "/api/v1/conversations/{conversation_id}", "/api/v1/conversations/{conversation_id}/close",
          "/api/v1/conversations/active"]


def test_trailing_slash_is_accepted_like_api_gateway():
    assert apigw.match_route("/health/", ROUTES).resource == "/health"
    assert apigw.normalise_path("/") == "/"


def test_literal_segments_win_over_captures():
    assert apigw.match_route("/api/v1/conversations/active", ROUTES).resource == "/api/v1/conversations/active"
    match = apigw.match_route("/api/v1/conversations/c1/close", ROUTES)
    assert (match.resource, match.path_parameters) == ("/api/v1/conversations/{conversation_id}/close",
                                                         {"conversation_id": "c1"})


def test_unknown_paths_and_empty_captures_do_not_match():
    assert apigw.match_route("/nope", ROUTES) is None
    assert apigw.match_route("/api/v1/conversations//close", ROUTES) is None


def _rest(**overrides):
    route = apigw.match_route("/api/v1/conversations/c1", ROUTES)
    args = dict(method="GET", raw_path="/api/v1/conversations/c1?include_messages=false&tag=a&tag=b",
                headers=[("Host", "127.0.0.1:8000"), ("User-Agent", "pytest")], body=b"", route=route,
                stage="local", domain="127.0.0.1:8000", source_ip="127.0.0.1",
                binary_types=["multipart/form-data", "image/*"], now=1_700_000_000.0)
    args.update(overrides)
    return apigw.rest_event(**args)


def test_rest_event_has_the_proxy_integration_fields():
    event = _rest()
    assert event["resource"] == "/api/v1/conversations/{conversation_id}"
    assert event["pathParameters"] == {"conversation_id": "c1"}
    assert event["queryStringParameters"] == {"include_messages": "false", "tag": "b"}
    assert event["multiValueQueryStringParameters"]["tag"] == ["a", "b"]
    context = event["requestContext"]
    assert context["stage"] == "local" and context["requestId"] and context["path"] == "/local/api/v1/conversations/c1"
    assert context["requestTime"] == "14/Nov/2023:22:13:20 +0000"
    assert event["body"] is None and event["isBase64Encoded"] is False
    request = Request(event)
    assert request.uri_params == {"conversation_id": "c1"}
    assert request.query_params.getlist("tag") == ["a", "b"]


def test_no_query_string_is_null_as_in_api_gateway():
    event = _rest(raw_path="/api/v1/conversations/c1")
    assert event["queryStringParameters"] is None and event["multiValueQueryStringParameters"] is None


def test_binary_media_types_arrive_base64_encoded_and_untouched():
    payload = b"--x\r\nContent-Disposition: form-data; name=\"file\"\r\n\r\n\x89PNG\x00\xff\r\n--x--\r\n"
    event = _rest(method="POST", body=payload, headers=[("Content-Type", "multipart/form-data; boundary=x")])
    assert event["isBase64Encoded"] is True
    assert Request(event).raw_body == payload
    wildcard = _rest(method="POST", body=b"\x89PNG", headers=[("Content-Type", "image/png")])
    assert wildcard["isBase64Encoded"] is True


def test_text_bodies_arrive_as_text():
    event = _rest(method="POST", body=b'{"a": 1}', headers=[("Content-Type", "application/json")])
    assert event["isBase64Encoded"] is False
    assert Request(event).json_body == {"a": 1}


def test_rest_response_merges_multi_value_headers_and_decodes_base64():
    status, headers, body = apigw.rest_response(
        {"statusCode": 201, "headers": {"A": "1"}, "multiValueHeaders": {"Set-Cookie": ["x=1", "y=2"]},
         "body": base64.b64encode(b"\x00\x01").decode(), "isBase64Encoded": True}
    )
    assert status == 201 and body == b"\x00\x01"
    assert headers == [("A", "1"), ("Set-Cookie", "x=1"), ("Set-Cookie", "y=2")]


def test_websocket_connect_event_shape():
    event = apigw.ws_connect_event(
        connection_id="abc=", headers=[("Sec-WebSocket-Protocol", "Bearer, t")], query="site_id=s1&role=visitor",
        stage="local", domain="127.0.0.1:8000", source_ip="127.0.0.1", connected_at=1,
    )
    context = event["requestContext"]
    assert (context["routeKey"], context["eventType"], context["connectionId"]) == ("$connect", "CONNECT", "abc=")
    for key in ("domainName", "stage", "apiId", "requestId", "connectedAt"):
        assert key in context
    assert event["queryStringParameters"] == {"site_id": "s1", "role": "visitor"}
    assert event["multiValueHeaders"]["Sec-WebSocket-Protocol"] == ["Bearer, t"]
    parsed = WebsocketEvent(event, None)
    assert (parsed.connection_id, parsed.stage, parsed.domain_name) == ("abc=", "local", "127.0.0.1:8000")


def test_websocket_connect_without_query_has_no_query_keys():
    event = apigw.ws_connect_event(connection_id="a", headers=[], query="", stage="local", domain="d",
                                   source_ip="127.0.0.1", connected_at=1)
    assert "queryStringParameters" not in event


def test_websocket_message_and_disconnect_events():
    text = apigw.ws_message_event(connection_id="a", data='{"type":"x"}', stage="local", domain="d",
                                  connected_at=1, source_ip="127.0.0.1")
    assert text["requestContext"]["routeKey"] == "$default" and text["requestContext"]["messageId"]
    assert WebsocketEvent(text, None).json_body == {"type": "x"}
    binary = apigw.ws_message_event(connection_id="a", data=b"\x00", stage="local", domain="d",
                                    connected_at=1, source_ip="127.0.0.1")
    assert binary["isBase64Encoded"] is True and base64.b64decode(binary["body"]) == b"\x00"
    gone = apigw.ws_disconnect_event(connection_id="a", stage="local", domain="d", connected_at=1,
                                     source_ip="127.0.0.1", status_code=1001, reason="Going away")
    assert gone["requestContext"]["eventType"] == "DISCONNECT"
    assert gone["requestContext"]["disconnectStatusCode"] == 1001


def test_connection_ids_look_like_api_gateway_ones_and_are_unique():
    ids = {apigw.new_connection_id() for _ in range(1000)}
    assert len(ids) == 1000
    assert all(len(i) == 16 and "/" not in i for i in ids)


def test_sqs_record_shape():
    record = apigw.sqs_record(
        {"MessageId": "m1", "ReceiptHandle": "r1", "Body": "{}", "MD5OfBody": "x",
         "Attributes": {"ApproximateReceiveCount": "2", "SentTimestamp": "1"},
         "MessageAttributes": {"k": {"DataType": "String", "StringValue": "v"}}},
        "arn:aws:sqs:us-east-1:123456789012:q", "us-east-1",
    )
    assert record["eventSource"] == "aws:sqs" and record["eventSourceARN"].endswith(":q")
    assert record["attributes"]["ApproximateReceiveCount"] == "2"
    assert record["messageAttributes"]["k"] == {"stringValue": "v", "binaryValue": None, "stringListValues": [],
                                                "binaryListValues": [], "dataType": "String"}
