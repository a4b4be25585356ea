"""The gateway emulator: API Gateway REST + WebSocket + @connections on one port.

- A plain HTTP request becomes a REST proxy event for the Chalice app.
- A WebSocket upgrade on any path runs `$connect`; a non-2xx answer rejects
  the upgrade with that status, a Sec-WebSocket-Protocol header in the answer
  is the negotiated subprotocol. Frames become `$default` events (in order per
  connection); a close or a dropped socket becomes `$disconnect`.
- `/@connections/{id}` (optionally behind a stage prefix) is the management
  API the app posts to: POST delivers, GET describes, DELETE closes; unknown
  or closed ids answer 410 GoneException, as API Gateway does.
- API Gateway's limits: 128 KB WebSocket messages (larger: close 1009),
  10 minute idle and 2 hour connection lifetime (both configurable), 10 MB
  REST payloads and Lambda's 6 MB event cap.
"""
from __future__ import annotations

import asyncio
import json
import logging
import re
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any, Callable
from urllib.parse import unquote

from aiohttp import WSMsgType, web
from multidict import CIMultiDict
from chalice import Chalice

from local import apigw, lambdas

log = logging.getLogger("local_stack.gateway")

_MANAGEMENT_PATH = re.compile(r"^(?:/[^/@]+)?/@connections/(?P<id>[^/]+)$")
_GOING_AWAY = 1001


def _error(status: int, error_type: str, message: str) -> web.Response:
    return web.json_response({"message": message}, status=status, headers={"x-amzn-ErrorType": error_type})


def _iso(epoch_ms: float) -> str:
    return datetime.fromtimestamp(epoch_ms / 1000, tz=timezone.utc).isoformat().replace("+00:00", "Z")


@dataclass
class LiveSocket:
    connection_id: str
    ws: web.WebSocketResponse
    connected_at: int  # epoch ms, as API Gateway reports it
    source_ip: str
    user_agent: str | None
    last_active: float = field(default_factory=time.monotonic)
    opened: float = field(default_factory=time.monotonic)


@dataclass
class GatewayLimits:
    idle_seconds: float = 600.0
    max_lifetime_seconds: float = 7200.0
    max_ws_message_bytes: int = apigw.MAX_WS_MESSAGE_BYTES


class Gateway:
    def __init__(self, app: Chalice, *, stage: str, domain: str, limits: GatewayLimits, concurrency: int = 16) -> None:
        lambdas.make_concurrent(app)
        self._app = app
        self._stage = stage
        self._domain = domain
        self.limits = limits
        self._pool = ThreadPoolExecutor(max_workers=concurrency, thread_name_prefix="lambda")
        self.sockets: dict[str, LiveSocket] = {}
        self._ws_handlers = {
            route: lambdas.resolve(config.handler_string) for route, config in app.websocket_handlers.items()
        }

    # -- wiring ---------------------------------------------------------------
    def web_app(self, before: Callable[[web.Application], None] | None = None) -> web.Application:
        """before: adds routes matched ahead of the gateway's (the static apps: local/static.py)."""
        webapp = web.Application(client_max_size=apigw.MAX_REST_PAYLOAD_BYTES + 1)
        if before is not None:
            before(webapp)
        webapp.router.add_route("*", r"/{tail:[\s\S]*}", self.dispatch)  # "\n" too, as API Gateway
        webapp.on_shutdown.append(self._close_all)
        return webapp

    async def dispatch(self, request: web.Request) -> web.StreamResponse:
        if request.headers.get("Upgrade", "").lower() == "websocket":
            return await self._websocket(request)
        match = _MANAGEMENT_PATH.match(request.path)
        if match:
            return await self._management(request, unquote(match.group("id")))
        return await self._rest(request)

    async def _invoke(self, handler: lambdas.Handler, event: dict[str, Any], name: str) -> Any:
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._pool, handler, event, lambdas.context(name))

    # -- REST -----------------------------------------------------------------
    async def _rest(self, request: web.Request) -> web.StreamResponse:
        try:
            body = await request.read()
        except web.HTTPRequestEntityTooLarge:
            return _error(413, "RequestTooLarge", "Request Too Long")
        route = apigw.match_route(request.path, self._app.routes)
        if route is None:
            return _error(403, "MissingAuthenticationTokenException", "Missing Authentication Token")
        if request.method == "OPTIONS" and "OPTIONS" not in self._app.routes[route.resource]:
            return self._preflight(route.resource)
        event = apigw.rest_event(
            method=request.method, raw_path=request.path_qs, headers=request.headers.items(), body=body,
            route=route, stage=self._stage, domain=self._domain, source_ip=request.remote or "127.0.0.1",
            binary_types=self._app.api.binary_types,
        )
        if len(json.dumps(event)) > apigw.MAX_LAMBDA_PAYLOAD_BYTES:
            return _error(413, "RequestTooLarge", "Request payload exceeds the Lambda limit of 6291456 bytes")
        try:
            result = await self._invoke(self._app, event, "api_handler")
        except Exception:
            log.exception("REST handler failed")
            return _error(502, "InternalServerErrorException", "Internal server error")
        status, pairs, data = apigw.rest_response(result)
        # Headers go in whole: given a bytes body and no headers, aiohttp would set its own
        # application/octet-stream and the function's Content-Type would be lost. API Gateway
        # passes the function's headers through (several Set-Cookie included) and defaults to JSON.
        headers = CIMultiDict(pairs)
        headers.setdefault("Content-Type", "application/json")
        headers.setdefault("x-amzn-RequestId", event["requestContext"]["requestId"])
        return web.Response(status=status, body=data, headers=headers)

    def _preflight(self, resource: str) -> web.Response:
        """OPTIONS on a resource that does not declare it: API Gateway's MOCK preflight when a route
        enables Chalice's static CORS, else no such method (403, like any undeclared method).
        Routes that decide CORS per request declare OPTIONS and reach Lambda (surfaces/cors.py)."""
        views = self._app.routes[resource]
        methods = [method for method, view in views.items() if view.cors is not None]
        if not methods:
            return _error(403, "MissingAuthenticationTokenException", "Missing Authentication Token")
        headers = views[methods[0]].cors.get_access_control_headers()
        headers["Access-Control-Allow-Methods"] = ",".join(methods + ["OPTIONS"])
        return web.Response(status=200, headers=headers)

    # -- WebSocket ------------------------------------------------------------
    async def _websocket(self, request: web.Request) -> web.StreamResponse:
        connect = self._ws_handlers.get("$connect")
        connection_id = apigw.new_connection_id()
        connected_at = int(time.time() * 1000)
        source_ip = request.remote or "127.0.0.1"
        if connect is not None:
            event = apigw.ws_connect_event(
                connection_id=connection_id, headers=request.headers.items(), query=request.query_string,
                stage=self._stage, domain=self._domain, source_ip=source_ip, connected_at=connected_at,
            )
            try:
                result = await self._invoke(connect, event, "websocket_connect") or {}
            except Exception:
                log.exception("$connect handler failed")
                return web.Response(status=500)
            status = int(result.get("statusCode", 200))
            if not 200 <= status < 300:
                body = result.get("body")
                return web.Response(status=status, body=body.encode() if isinstance(body, str) else body)
            headers = {k.lower(): v for k, v in (result.get("headers") or {}).items()}
            protocol = headers.get("sec-websocket-protocol")
        else:
            protocol = None
        ws = web.WebSocketResponse(
            protocols=(protocol,) if protocol else (), max_msg_size=self.limits.max_ws_message_bytes, autoping=True
        )
        await ws.prepare(request)
        live = LiveSocket(connection_id, ws, connected_at, source_ip, request.headers.get("User-Agent"))
        self.sockets[connection_id] = live
        watchdog = asyncio.create_task(self._watch(live))
        try:
            await self._read_frames(live)
        finally:
            watchdog.cancel()
            self.sockets.pop(connection_id, None)
            await self._disconnect(live)
        return ws

    async def _read_frames(self, live: LiveSocket) -> None:
        handler = self._ws_handlers.get("$default")
        async for message in live.ws:
            if message.type not in (WSMsgType.TEXT, WSMsgType.BINARY):
                continue  # ERROR (e.g. over 128 KB: aiohttp closes with 1009) ends the loop next
            live.last_active = time.monotonic()
            if handler is None:
                continue
            event = apigw.ws_message_event(
                connection_id=live.connection_id, data=message.data, stage=self._stage, domain=self._domain,
                connected_at=live.connected_at, source_ip=live.source_ip,
            )
            try:
                await self._invoke(handler, event, "websocket_message")
            except Exception:
                log.exception("$default handler failed")  # API Gateway keeps the socket open

    async def _disconnect(self, live: LiveSocket) -> None:
        handler = self._ws_handlers.get("$disconnect")
        if handler is None:
            return
        code = live.ws.close_code or 1006
        event = apigw.ws_disconnect_event(
            connection_id=live.connection_id, stage=self._stage, domain=self._domain,
            connected_at=live.connected_at, source_ip=live.source_ip, status_code=code,
            reason="" if code != 1006 else "Connection closed abnormally",
        )
        try:
            await self._invoke(handler, event, "websocket_disconnect")
        except Exception:
            log.exception("$disconnect handler failed")

    async def _watch(self, live: LiveSocket) -> None:
        """Close idle connections and ones past API Gateway's maximum lifetime."""
        while not live.ws.closed:
            await asyncio.sleep(min(1.0, self.limits.idle_seconds / 4))
            now = time.monotonic()
            if now - live.last_active >= self.limits.idle_seconds:
                await live.ws.close(code=_GOING_AWAY, message=b"Idle timeout")
            elif now - live.opened >= self.limits.max_lifetime_seconds:
                await live.ws.close(code=_GOING_AWAY, message=b"Connection lifetime exceeded")

    async def _close_all(self, _: web.Application) -> None:
        for live in list(self.sockets.values()):
            await live.ws.close(code=_GOING_AWAY, message=b"Server shutting down")

    # -- @connections ---------------------------------------------------------
    async def _management(self, request: web.Request, connection_id: str) -> web.StreamResponse:
        live = self.sockets.get(connection_id)
        if live is None or live.ws.closed:
            return _error(410, "GoneException", f"Connection {connection_id} is gone")
        if request.method == "POST":
            data = await request.read()
            if len(data) > self.limits.max_ws_message_bytes:
                return _error(413, "PayloadTooLargeException", "Message too long")
            try:
                await live.ws.send_str(data.decode("utf-8"))
            except UnicodeDecodeError:
                await live.ws.send_bytes(data)
            except ConnectionResetError:
                return _error(410, "GoneException", f"Connection {connection_id} is gone")
            live.last_active = time.monotonic()
            return web.Response(status=200)
        if request.method == "GET":
            return web.json_response(
                {
                    "connectedAt": _iso(live.connected_at),
                    "identity": {"sourceIp": live.source_ip, "userAgent": live.user_agent},
                    "lastActiveAt": _iso(live.connected_at + (live.last_active - live.opened) * 1000),
                }
            )
        if request.method == "DELETE":
            await live.ws.close(code=1000, message=b"")
            return web.Response(status=204)
        return _error(405, "MethodNotAllowed", "Method not allowed")

    def close(self) -> None:
        self._pool.shutdown(wait=True)
