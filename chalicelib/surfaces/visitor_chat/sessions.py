"""Seed 001's three HTTP routes. Each parses, calls one use case of domain/visitor_sessions.py,
and renders with chalicelib/render/visitor_chat.py."""
from __future__ import annotations

from typing import Any

from chalicelib.domain import visitor_sessions as sessions
from chalicelib.model.errors import Unauthorized, ValidationFailed
from chalicelib.model.identity import Principal
from chalicelib.render import visitor_chat as shapes
from chalicelib.surfaces.contract import UnsetType, read
from chalicelib.surfaces.http import Call, Reply, publish
from chalicelib.surfaces.uploads import parse_form
from chalicelib.surfaces.visitor_chat import surface
from chalicelib.surfaces.visitor_chat.schemas import (
    Ok,
    Started,
    StartSession,
    Timeline,
    Uploaded,
    UploadFields,
    UploadForm,
)

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


bearer_principal.security = ("visitorBearer", "agentToken")  # type: ignore[attr-defined]


def _given(value: str | None | UnsetType) -> str | None:
    """An optional text field as the use case takes it: trimmed; left out, null or blank = None."""
    return (value.strip() or None) if isinstance(value, str) else None


def _nullable(value: str | UnsetType) -> str | None:
    """A form field that may say null (the seed's `message`: "ID of the related ChatMessage (or null)")."""
    return None if not isinstance(value, str) or value.strip().lower() in ("", "null", "none") else value.strip()


@surface.route("/chat/start-session", methods=["POST"], body=StartSession,
               responses={200: Ok[Started], 201: Ok[Started]}, errors=(401, 403, 404, 409))
def start_session(call: Call, body: StartSession) -> Reply:
    """Start a chat session with a business, or retrieve the end user's active one

    A new guest sends no Authorization; a returning one sends the token of an earlier session as
    Bearer; a business's own customer sends external_customer_id (and customer_hash when the business
    verifies its customers). 201 when a session was started, 200 when the active one is returned."""
    bearer = call.bearer()
    if call.header("authorization") and bearer is None:
        raise Unauthorized("Authorization must be 'Bearer <visitor token of an earlier session>'")
    started = sessions.start(
        body.business.strip(),
        department=_given(body.department),
        external_customer_id=_given(body.external_customer_id),
        customer_hash=_given(body.customer_hash),
        bearer=bearer,
        origin=origin(call),
    )
    publish(started.events)
    s = started.session
    return Reply(shapes.started(s.session_id, s.visitor_id, s.conversation_id, started.token),
                 status=201 if started.created else 200)


@surface.route("/chat/upload-file", methods=["POST"], auth=bearer_principal, limit="file_upload",
               body=UploadForm, body_media_type="multipart/form-data", responses={201: Ok[Uploaded]},
               errors=(404, 409))
def upload_file(call: Call, principal: Principal) -> Reply:
    """Upload a file to send in the session's socket

    By the end user (uploaded_by_end_user = its own id) or an agent of the business (404 when the end
    user has no active session, 409 when it has ended). The answer's `file` link goes in a `file` frame."""
    form = parse_form(call)
    other_files = sorted(set(form.files) - {"file"})
    if other_files:
        raise ValidationFailed(f"unknown form fields: {', '.join(other_files)}")
    if "file" not in form.files:
        raise ValidationFailed("file is required", {"field": "file"})
    fields: UploadFields = read(UploadFields, form.fields, where="form")
    uploaded = sessions.upload(
        principal, fields.uploaded_by_end_user, _nullable(fields.uploaded_by_agent), _nullable(fields.message),
        form.files["file"].filename, form.files["file"].data,
    )
    return Reply(shapes.uploaded(sessions.file_url(origin(call), uploaded.file_id), uploaded.original_name),
                 status=201)


@surface.route("/chat/history/{session_id}", methods=["GET"], auth=bearer_principal, responses={200: Timeline})
def history(call: Call, principal: Principal, session_id: str) -> dict[str, Any]:
    """The session's timeline: its messages and attachments, oldest first

    For the session's end user and the agents of its business (403 for anyone else)."""
    _, messages = sessions.timeline(principal, session_id)
    base = origin(call)
    return shapes.timeline(messages, lambda file_id: sessions.file_url(base, file_id))
