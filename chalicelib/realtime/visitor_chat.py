"""Seed 001's realtime dialect: `/ws/visitor-chat/?session_id=<uuid>` with
`Sec-WebSocket-Protocol: Bearer, <token>` (the end user's visitor token from start-session, or
an agent's access token for an agent of the session's business).

The handshake answers with the `Bearer` subprotocol (browsers drop a socket whose offered
subprotocol is not echoed). API Gateway cannot close a socket with a custom code, and cannot
post before `$connect` returns, so every outcome is an accepted handshake followed by frames
(realtime/after_connect.py): `connection_established`, or an `error` frame carrying the
documented code (4001 missing session_id, 4002 invalid session_id, 4003 unauthorized, 4006
session ended) and then the close (with API Gateway's own close code, not the documented one).

Client -> server: `text` {content}, `file` {file: the URL upload-file returned, is_audio};
`ping` answers `pong`. Server -> client: `text` and `file` to everyone in the session (plus
`id`, `seq`, `sender_type`), `session_ended` (with `code` 4006) when an agent closes the
conversation through any surface, then the close; `error` {message, code?}. History is never
sent here (GET /chat/history/{session_id}/).

Who hears a session: its connections follow the end user's audience (`visitor#<site>#<id>`),
which carries that visitor's conversation events only; a session is its end user's one active
conversation at the business.
"""
from __future__ import annotations

import threading
from datetime import datetime, timezone
from typing import Any

from chalicelib import dispatch
from chalicelib import parsing as params
from chalicelib.domain import accounts, limits
from chalicelib.domain import visitor_sessions as sessions
from chalicelib.integrations import sockets as sender
from chalicelib.model import events as ev
from chalicelib.model.chat_sessions import ChatSession
from chalicelib.model.connections import ConnectionRecord, Recipient
from chalicelib.model.errors import (
    DomainError,
    Forbidden,
    NotFound,
    TokenExpired,
    Unauthorized,
    ValidationFailed,
)
from chalicelib.model.identity import AgentPrincipal, Principal, VisitorPrincipal
from chalicelib.observability import logger
from chalicelib.realtime import audiences, dialects
from chalicelib.render import visitor_chat as shapes

NAME = "visitor_chat"
MISSING_SESSION, INVALID_SESSION, UNAUTHORIZED, SESSION_ENDED = 4001, 4002, 4003, 4006
TRY_AGAIN_LATER = 1013  # RFC 6455's "Try Again Later": AWS is busy, resend the frame shortly
MAX_FRAME_CHARS = 64 * 1024


def _bearer(request: dialects.ConnectRequest) -> tuple[str | None, str | None]:
    """(the subprotocol to answer with, the token): `Bearer, <token>` as the seed documents."""
    offered = request.subprotocols()
    if offered and offered[0].lower() == "bearer":
        return offered[0], offered[1] if len(offered) > 1 else None
    return None, None


def _refuse(subprotocol: str | None, code: int, message: str) -> dialects.ConnectResult:
    """Accept the handshake, say why in an `error` frame with the documented code, then close."""
    return dialects.ConnectResult(subprotocol=subprotocol, after_connect=[shapes.error_frame(message, code)],
                                  close_after=True)


# -- rendering events for a session's sockets -----------------------------------------------------

# Connections that heard `session_ended` for an event, closed right after the fan-out posted it
# (close_ended runs after fanout.push): no second Query for who they are.
_to_close: dict[str, list[tuple[str, str]]] = {}
_to_close_lock = threading.Lock()
_MAX_PENDING_CLOSES = 1000


def render(event: ev.Event, recipient: Recipient) -> str | None:
    if event.name == ev.MESSAGE_CREATED:
        message = event.payload["message"]
        conversation_id = event.conversation_id or ""
        return shapes.message_frame(message, lambda file_id: sessions.file_url(
            sessions.origin_for(conversation_id), file_id))
    if event.name == ev.CONVERSATION_CLOSED:
        with _to_close_lock:
            if len(_to_close) >= _MAX_PENDING_CLOSES:
                _to_close.clear()
            _to_close.setdefault(event.id, []).append((recipient.endpoint, recipient.connection_id))
        return shapes.session_ended(SESSION_ENDED)
    return None


def close_ended(event: ev.Event) -> None:
    """An immediate listener of `conversation.closed`, after the fan-out: the sockets that were
    told the session ended are closed."""
    with _to_close_lock:
        ending = _to_close.pop(event.id, [])
    for endpoint, connection_id in ending:
        try:
            sender.close(endpoint, connection_id)
        except Exception:  # its $disconnect or the connection's TTL ends it anyway
            logger.exception("closing an ended session's socket failed", extra={"connection_id": connection_id})


# -- the dialect ----------------------------------------------------------------------------------

class VisitorChatDialect:
    name = NAME

    def matches(self, request: dialects.ConnectRequest) -> bool:
        if "role" in request.query or "dialect" in request.query:
            return False
        return "session_id" in request.query or _bearer(request)[0] is not None

    def connect(self, request: dialects.ConnectRequest) -> dialects.ConnectResult:
        subprotocol, token = _bearer(request)
        session_id = request.query.get("session_id", "").strip()
        if not session_id:
            return _refuse(subprotocol, MISSING_SESSION, "session_id is required")
        if not sessions.is_uuid(session_id):
            return _refuse(subprotocol, INVALID_SESSION, "Invalid session_id")
        try:
            session, principal = sessions.admit(session_id, token)
        except sessions.SessionEnded:
            return _refuse(subprotocol, SESSION_ENDED, sessions.ENDED_MESSAGE)
        except NotFound:
            return _refuse(subprotocol, INVALID_SESSION, "Invalid session_id")
        except DomainError as error:
            logger.info("visitor chat socket refused", extra={"session_id": session_id, "reason": error.code})
            return _refuse(subprotocol, UNAUTHORIZED, "Unauthorized access")
        data: dict[str, Any] = {"chat_session_id": session.session_id, "conversation_id": session.conversation_id,
                                "end_user_id": session.visitor_id}
        follows = [audiences.visitor(session.site_id, session.visitor_id)]
        if isinstance(principal, AgentPrincipal):
            data["session_id"] = principal.session_id  # the agent's login: its logout closes this socket
            follows.append(audiences.agent(principal.id))
            role, principal_id = "agent", principal.id
        else:
            follows.append(audiences.site_visitors(session.site_id))  # a suspension closes it
            role, principal_id = "visitor", session.visitor_id
        record = ConnectionRecord(connection_id=request.connection_id, dialect=NAME, endpoint=request.endpoint,
                                  site_id=session.site_id, role=role, principal_id=principal_id, data=data)
        return dialects.ConnectResult(subprotocol=subprotocol, record=record, audiences=follows,
                                      after_connect=[shapes.connection_established(session.session_id)])

    def accepted(self, connection: ConnectionRecord) -> None:
        pass  # no presence frames in this dialect

    def message(self, connection: ConnectionRecord, body: str) -> None:
        reply = lambda frame: sender.send(connection.endpoint, connection.connection_id, frame)  # noqa: E731
        kind: object = None
        try:
            if not body or len(body) > MAX_FRAME_CHARS:
                raise ValidationFailed("A frame must be a JSON object of at most 64 KB")
            data = params.json_object(body, what="A frame", max_size=MAX_FRAME_CHARS, empty_is_object=False)
            kind = data.get("type")
            principal = self._principal(connection)
            if kind == "ping":
                reply(shapes.frame("pong"))
                return
            if kind not in ("text", "file"):
                raise ValidationFailed(f"Unknown frame type {str(kind)[:40]!r}; expected text, file or ping")
            limits.check("messages", principal.rate_key)
            session = self._session(connection)
            if kind == "text":
                sent = sessions.send_text(principal, session, data.get("content"))
            else:
                sent = sessions.send_file(principal, session, data.get("file"), data.get("is_audio", False))
            dispatch.publish(sent.events)
        except sessions.SessionEnded:
            reply(shapes.error_frame(sessions.ENDED_MESSAGE, SESSION_ENDED))
            sender.close(connection.endpoint, connection.connection_id)
        except (Unauthorized, TokenExpired, Forbidden, NotFound):
            # The agent's login ended, or it lost the business: the socket ends too.
            reply(shapes.error_frame("Unauthorized access", UNAUTHORIZED))
            sender.close(connection.endpoint, connection.connection_id)
        except DomainError as error:
            reply(shapes.error_frame(error.message))
        except Exception as failure:
            answer = dialects.frame_failed(failure, "001", connection.connection_id, str(kind))
            reply(shapes.error_frame(answer.message, TRY_AGAIN_LATER if answer.status == 503 else None))

    def disconnect(self, connection: ConnectionRecord, status_code: int | None, reason: str | None) -> None:
        pass

    @staticmethod
    def _principal(connection: ConnectionRecord) -> Principal:
        if connection.role == "agent":
            return accounts.resume(str((connection.data or {}).get("session_id", "")), connection.principal_id or "")
        return VisitorPrincipal(site_id=connection.site_id or "", visitor_id=connection.principal_id or "")

    @staticmethod
    def _session(connection: ConnectionRecord) -> ChatSession:
        data = connection.data or {}
        return ChatSession(session_id=str(data.get("chat_session_id", "")), site_id=connection.site_id or "",
                           visitor_id=str(data.get("end_user_id", "")), conversation_id=data.get("conversation_id"),
                           created_at=connection.connected_at or datetime.now(timezone.utc))

    render = staticmethod(render)
