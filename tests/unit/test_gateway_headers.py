"""The local gateway passes a function's response headers through as API Gateway does: its
Content-Type (not aiohttp's octet-stream default), several values of one header, cookies; and
JSON when the function names no type."""
import asyncio

from aiohttp.test_utils import TestClient, TestServer
from chalice import Chalice, Response

from local.gateway import Gateway, GatewayLimits


def tiny_app() -> Chalice:
    app = Chalice(app_name="headers")

    @app.route("/json")
    def as_json():
        return {"ok": True}

    @app.route("/text")
    def as_text():
        return Response("plain words", headers={"Content-Type": "text/plain; charset=utf-8"})

    @app.route("/cookies")
    def cookies():
        return Response("", status_code=204, headers={"Set-Cookie": ["a=1; Path=/", "b=2; Path=/"],
                                                       "X-Many": ["one", "two"]})

    @app.route("/untyped")
    def untyped():
        return Response("{}", headers={})

    return app


def fetch_all():
    async def go():
        gateway = Gateway(tiny_app(), stage="local", domain="127.0.0.1", limits=GatewayLimits())
        async with TestClient(TestServer(gateway.web_app())) as client:
            answers = {}
            for path in ("/json", "/text", "/cookies", "/untyped"):
                response = await client.get(path)
                answers[path] = (response.status, response.headers, await response.read())
            return answers
    return asyncio.run(go())


def test_the_functions_headers_arrive_as_api_gateway_sends_them():
    answers = fetch_all()
    status, headers, body = answers["/json"]
    assert status == 200 and headers.getall("Content-Type") == ["application/json"] and body == b'{"ok":true}'
    assert answers["/text"][1].getall("Content-Type") == ["text/plain; charset=utf-8"]
    assert answers["/text"][2] == b"plain words"
    status, headers, _ = answers["/cookies"]
    assert status == 204 and headers.getall("Set-Cookie") == ["a=1; Path=/", "b=2; Path=/"]
    assert headers.getall("X-Many") == ["one", "two"]
    assert answers["/untyped"][1].getall("Content-Type") == ["application/json"]  # API Gateway's default
    assert all(h.get("x-amzn-RequestId") for _, h, _ in answers.values())
