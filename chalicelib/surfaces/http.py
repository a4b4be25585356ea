"""What every surface shares: request parsing, authentication, rate limits and error rendering.

A surface declares routes with `Surface.route(...)`; the view gets a `Call`
(the parsed request) and, when the route authenticates, the principal. Any
DomainError becomes that surface's error envelope with the right status;
anything unexpected is logged and rendered as the surface's 500, never as
Chalice's own error body.
"""
from __future__ import annotations

import functools
import inspect
import re
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable

from chalice import Blueprint, Response
from chalice.app import Request

from chalicelib import parsing
from chalicelib.domain import accounts, limits, sites, visitors
from chalicelib.model.errors import DomainError, ServerError, ServiceUnavailable, Unauthorized
from chalicelib.model.failures import RETRY_AFTER_SECONDS, throttled
from chalicelib.model.identity import Principal
from chalicelib.observability import current_request_id, logger
from chalicelib.surfaces import contract, cors

MAX_JSON_BODY = parsing.MAX_JSON_BYTES


@dataclass
class Call:
    request: Request
    rate_headers: dict[str, str] = field(default_factory=dict)
    principal: Principal | None = None
    _body: dict[str, Any] | None = None

    def header(self, name: str) -> str | None:
        return self.request.headers.get(name)

    @property
    def query(self) -> dict[str, str]:
        return dict(self.request.query_params or {})

    @property
    def source_ip(self) -> str:
        return str((self.request.context.get("identity") or {}).get("sourceIp") or "unknown")

    @property
    def request_id(self) -> str:
        """The X-Request-Id of this response (middleware.py binds it: the caller's when sane)."""
        return current_request_id() or str(self.request.context.get("requestId") or "")

    def bearer(self) -> str | None:
        value = self.header("authorization") or ""
        scheme, _, token = value.partition(" ")
        return token.strip() if scheme.lower() == "bearer" and token.strip() else None

    @property
    def body_if_read(self) -> dict[str, Any] | None:
        """The body when the view read it (a route that never reads its body is not parsed for it)."""
        return self._body

    def body(self) -> dict[str, Any]:
        """The JSON object in the body ({} when empty), read strictly (parsing.json_object: no
        NaN/Infinity, bounded depth and size, valid Unicode); anything else is a VALIDATION_ERROR."""
        if self._body is None:
            self._body = parsing.json_object(self.request.raw_body or b"", max_size=MAX_JSON_BODY)
        return self._body


def publish(events: list) -> None:
    """Hand the events a domain call raised to their listeners (after the write committed)."""
    from chalicelib import dispatch

    dispatch.publish(events)


@dataclass
class Reply:
    body: Any
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)


# -- failures that are nobody's fault: AWS throttling (model/failures.py) --------------------------------

def unexpected(failure: Exception, path: str) -> DomainError:
    """What a surface answers for an exception no use case raised on purpose: 503 with Retry-After
    when AWS is throttling, else the surface's 500. Logged either way, with the request id."""
    if throttled(failure):
        logger.warning("aws throttled the request", extra={"path": path, "error_type": type(failure).__name__})
        return ServiceUnavailable(RETRY_AFTER_SECONDS)
    logger.exception("unhandled error", extra={"path": path})
    return ServerError()


# -- authentication resolvers: Call -> Principal ---------------------------------------------------

def agent(call: Call) -> Principal:
    token = call.bearer()
    if token is None:
        raise Unauthorized("Missing bearer token")
    return accounts.authenticate(token)


def visitor(call: Call) -> Principal:
    token = call.header("x-visitor-token")
    if not token:
        raise Unauthorized("Missing X-Visitor-Token")
    return visitors.authenticate(token)


def agent_or_visitor(call: Call) -> Principal:
    """Agents send a bearer token, visitors X-Visitor-Token (seed 000)."""
    if call.header("authorization"):
        return agent(call)
    if call.header("x-visitor-token"):
        return visitor(call)
    raise Unauthorized("Missing Authorization or X-Visitor-Token")


def api_key(call: Call) -> Principal:
    token = call.bearer()
    if token is None:
        raise Unauthorized("Missing API key")
    return sites.authenticate_api_key(token)


def agent_or_api_key(call: Call) -> Principal:
    """Seed 003's routes that agents' tools use too: an API key, or an agent's access token."""
    from chalicelib.auth import api_keys as key_format

    token = call.bearer()
    if token is None:
        raise Unauthorized("Missing API key")
    return api_key(call) if key_format.looks_like_key(token) else accounts.authenticate(token)


Authenticator = Callable[[Call], Principal]
ErrorRenderer = Callable[[DomainError, Call], tuple[int, Any]]

# How each authenticator is described (the security schemes are defined in surfaces/openapi.py); an
# authenticator a surface defines for itself sets its own `security` the same way.
agent.security = ("agentToken",)  # type: ignore[attr-defined]
visitor.security = ("visitorToken",)  # type: ignore[attr-defined]
agent_or_visitor.security = ("agentToken", "visitorToken")  # type: ignore[attr-defined]
api_key.security = ("apiKey",)  # type: ignore[attr-defined]
agent_or_api_key.security = ("apiKey", "agentToken")  # type: ignore[attr-defined]


@dataclass(frozen=True)
class Description:
    """What a surface's OpenAPI document says of itself (surfaces/openapi.py builds the rest)."""

    seed: str  # "000".."004": served at /openapi/<seed>.json
    title: str
    summary: str
    error: type  # the surface's error body, as a contract.Shape
    version: str = "1.0.0"


def _group(view: Callable[..., Any]) -> str:
    """The description's group for a route: its module (chats, webhooks, admin, ...), as the code is laid out."""
    return view.__module__.rsplit(".", 1)[-1].replace("_", " ")


def _summary(view: Callable[..., Any]) -> tuple[str, str]:
    doc = inspect.cleandoc(view.__doc__ or "")
    first, _, rest = doc.partition("\n")
    return (first.strip() or view.__name__.replace("_", " ").capitalize()), rest.strip()


class Surface:
    """One seed document's routes on one Blueprint, with its error envelope."""

    def __init__(self, import_name: str, render_error: ErrorRenderer,
                 description: Description | None = None) -> None:
        self.blueprint = Blueprint(import_name)
        self._render_error = render_error
        self.description = description
        self.operations: list[contract.Operation] = []

    def route(self, path: str, methods: Iterable[str] = ("GET",), *, auth: Authenticator | None = None,
              limit: str = "other", body: type | None = None, query: type | None = None,
              responses: dict[int, type | None] | None = None, errors: Iterable[int] = (),
              body_media_type: str = "application/json", tags: Iterable[str] = (),
              proven_by_view: tuple[str, ...] = ()) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
        """limit: a rate-limit category; "auth" is counted per client IP before anything else.
        body / query: contract models the request is validated with (after authentication) and handed
        to the view as `body=` / `query=`; a JSON body only (a multipart form's model documents it and
        the view validates the parsed form with contract.read). responses: status -> response model
        (None: no JSON body); errors: statuses beyond the ones every route can answer (openapi.py).
        proven_by_view: security schemes a route without `auth=` checks in its view (a refusal is its
        403), so the description names the credential all the same."""
        methods = list(methods)

        def decorate(view: Callable[..., Any]) -> Callable[..., Any]:
            summary, detail = _summary(view)
            for method in methods:
                self.operations.append(contract.Operation(
                    path=path, method=method.lower(), view=view.__name__, summary=summary, description=detail,
                    security=tuple(getattr(auth, "security", ("undescribed",))) if auth else proven_by_view,
                    challenges=auth is not None,
                    body=body, body_media_type=body_media_type, query=query, responses=dict(responses or {}),
                    errors=tuple(errors), tags=tuple(tags) or (_group(view),)))
            validates_json = body is not None and body_media_type == "application/json"

            @functools.wraps(view)
            def handler(**params: str) -> Response:
                call = Call(self.blueprint.current_request)
                try:
                    if limit == "auth" or auth is None:
                        self._count(call, limit, f"ip:{call.source_ip}")
                    if auth is not None:
                        call.principal = auth(call)
                        if limit != "auth":
                            category = "api_key" if call.principal.kind == "api_key" else limit
                            self._count(call, category, call.principal.rate_key)
                    models: dict[str, Any] = {}
                    if query is not None:
                        models["query"] = contract.read(query, call.query, where="query", from_strings=True)
                    if validates_json:
                        models["body"] = contract.read(body, call.body())
                    params = {**params, **models}
                    result = view(call, **params) if auth is None else view(call, call.principal, **params)
                    reply = result if isinstance(result, Reply) else Reply(result)
                    response = Response(body=reply.body, status_code=reply.status,
                                        headers={**call.rate_headers, **reply.headers})
                except DomainError as error:
                    response = self._error(error, call)
                except Exception as failure:  # a bug, or AWS busy: logged with the request id, in this surface's shape
                    response = self._error(unexpected(failure, path), call)
                return self._with_cors(path, call, response)

            self.blueprint.route(path, methods=list(methods), content_types=["*/*"])(handler)
            if cors.is_widget_route(path) and cors.declare(path, methods):
                self._route_preflight(path)
            return handler

        return decorate

    def _with_cors(self, path: str, call: Call, response: Response) -> Response:
        """The widget's routes answer browsers on the site's own domains only (surfaces/cors.py)."""
        origin = call.header("origin")
        if origin is None or not cors.is_widget_route(path):
            return response
        try:
            site_id = cors.site_named(call.query, call.principal, call.body_if_read)
            response.headers.update(cors.response_headers(path, origin, site_id))
        except Exception as failure:  # the site could not be read (throttled, ...): no grant, the answer stands
            unexpected(failure, path)
            response.headers["Vary"] = "Origin"
        return response

    def _route_preflight(self, path: str) -> None:
        """API Gateway passes OPTIONS to Lambda because the route declares it (no static CORS config)."""

        def preflight(**_params: str) -> Response:
            call = Call(self.blueprint.current_request)
            try:
                headers = cors.preflight(path, call.header("origin"), call.query,
                                         call.header("access-control-request-method"))
                return Response(body="", status_code=204, headers=headers)
            except DomainError as error:
                return self._error(error, call)
            except Exception as failure:
                return self._error(unexpected(failure, path), call)

        preflight.__name__ = "preflight" + re.sub(r"\W+", "_", path)
        self.blueprint.route(path, methods=["OPTIONS"], content_types=["*/*"])(preflight)

    def _count(self, call: Call, category: str, caller: str) -> None:
        decision = limits.check(category, caller)
        if decision is not None:
            call.rate_headers = decision.headers()

    def _error(self, error: DomainError, call: Call) -> Response:
        status, body = self._render_error(error, call)
        headers = {**call.rate_headers, **error.headers}
        if status == 401:
            headers.setdefault("WWW-Authenticate", "Bearer")
        return Response(body=body, status_code=status, headers=headers)
