"""Seed 001's three HTTP routes. Each parses, calls one use case of domain/visitor_sessions.py,
and renders with chalicelib/render/visitor_chat.py."""
from __future__ import annotations

from typing import Any

from chalicelib import parsing as params
from chalicelib.domain import visitor_sessions as sessions
from chalicelib.model.errors import Unauthorized, ValidationFailed
from chalicelib.model.identity import Principal
from chalicelib.render import visitor_chat as shapes
from chalicelib.surfaces.http import Call, Reply, publish
from chalicelib.surfaces.uploads import parse_form
from chalicelib.surfaces.visitor_chat import surface

_LOCAL_HOSTS = ("127.0.0.1", "localhost", "[::1]", "0.0.0.0")


def origin(call: Call) -> str:
    """Where the client reached this API, for absolute file links. API Gateway sets the
    domain name (a client cannot forge it); the API's own execute-api URL carries the stage."""
    context = call.request.context or {}
    domain = str(context.get("domainName") or call.header("host") or "localhost")
    host = domain.rsplit(":", 1)[0] if not domain.startswith("[") else domain.split("]")[0] + "]"
    scheme = "http" if host in _LOCAL_HOSTS else "https"
    stage = context.get("stage")
    prefix = f"/{stage}" if stage and domain.endswith(".amazonaws.com") else ""
    return f"{scheme}://{domain}{prefix}"


def bearer_principal(call: Call) -> Principal:
    """Upload and history: the end user's visitor token or an agent's access token, as Bearer."""
    token = call.bearer()
    if token is None:
        raise Unauthorized("Send the visitor's or an agent's token as Authorization: Bearer <token>")
    return sessions.authenticate(token)


def _nullable(value: str | None) -> str | None:
    return None if value is None or value.strip().lower() in ("", "null", "none") else value.strip()


@surface.route("/chat/start-session", methods=["POST"])
def start_session(call: Call) -> Reply:
    body = call.body()
    params.only(body, {"business", "department", "external_customer_id", "customer_hash"})
    bearer = call.bearer()
    if call.header("authorization") and bearer is None:
        raise Unauthorized("Authorization must be 'Bearer <visitor token of an earlier session>'")
    started = sessions.start(
        params.required_text(body, "business", max_length=64),
        department=params.text(body, "department", required=False, max_length=sessions.MAX_DEPARTMENT),
        external_customer_id=params.text(body, "external_customer_id", required=False,
                                         max_length=sessions.MAX_EXTERNAL_ID),
        customer_hash=params.text(body, "customer_hash", required=False, max_length=128),
        bearer=bearer,
        origin=origin(call),
    )
    publish(started.events)
    s = started.session
    return Reply(shapes.started(s.session_id, s.visitor_id, s.conversation_id, started.token),
                 status=201 if started.created else 200)


@surface.route("/chat/upload-file", methods=["POST"], auth=bearer_principal, limit="file_upload")
def upload_file(call: Call, principal: Principal) -> Reply:
    form = parse_form(call)
    unknown = sorted(set(form.fields) - {"message", "uploaded_by_end_user", "uploaded_by_agent"})
    if unknown or set(form.files) - {"file"}:
        raise ValidationFailed(f"unknown form fields: {', '.join(unknown or sorted(form.files))}")
    if "file" not in form.files:
        raise ValidationFailed("file is required", {"field": "file"})
    end_user = params.required_text(form.fields, "uploaded_by_end_user", max_length=64)
    uploaded = sessions.upload(
        principal, end_user,
        _nullable(params.text(form.fields, "uploaded_by_agent", required=False, max_length=64)),
        _nullable(params.text(form.fields, "message", required=False, max_length=64)),
        form.files["file"].filename, form.files["file"].data,
    )
    return Reply(shapes.uploaded(sessions.file_url(origin(call), uploaded.file_id), uploaded.original_name),
                 status=201)


@surface.route("/chat/history/{session_id}", methods=["GET"], auth=bearer_principal)
def history(call: Call, principal: Principal, session_id: str) -> dict[str, Any]:
    _, messages = sessions.timeline(principal, session_id)
    base = origin(call)
    return shapes.timeline(messages, lambda file_id: sessions.file_url(base, file_id))
