"""Seed 000's realtime dialect (section 12): the support console and the visitor widget.

Connect: `?site_id=&role=support|visitor&token=[&visitor_id=]` — `token` is an
agent access token (support) or a visitor session token (visitor).

Client -> server frames: `message` {message, to?, conversation_id?, file?,
client_message_id?}, `typing_start`, `typing_stop`, `init` {name},
`get_state` {conversation_id?, last_seq?}, `ping`, and the visitor's `page_view` /
`exit_intent` {page_url} (seed 003's automation triggers). Every frame goes
through the same domain calls as the REST API, so a message sent here and one
sent with `POST /api/v1/messages` are the same conversation.

Server -> client frames: section 12's `message`, `typing_start`,
`typing_stop`, `user_joined`, `user_left`, `support_joined`, `support_left`,
`analysis`; plus `state` (the answer to `get_state`/`init`), `error`, `pong`
and the console's conversation updates (`conversation_created`,
`conversation_assigned`, `conversation_closed`, `conversation_rated`,
`messages_read`), which the document's dashboard needs but does not name.

Messages and conversations in these frames are chalicelib/render/console.py's documents, the
same as the REST API's. `chalicelib.realtime.install()` registers this dialect.
"""
from __future__ import annotations

import json
from typing import Any, Callable

from chalicelib import dispatch
from chalicelib import parsing as params
from chalicelib.domain import accounts, agents, automation, inbox, limits, messaging, suspension
from chalicelib.domain import visitors as visitor_domain
from chalicelib.integrations import sockets as sender
from chalicelib.model import events as ev
from chalicelib.model.connections import ConnectionRecord, Recipient
from chalicelib.model.errors import DomainError, NotFound, Unauthorized, ValidationFailed
from chalicelib.model.identity import AgentPrincipal, Principal, VisitorPrincipal, require_site
from chalicelib.realtime import audiences, dialects, presence
from chalicelib.render import console as shapes

NAME = "console"
ROLES = {"support": "agent", "visitor": "visitor"}  # 000's words -> principal kinds
MAX_FRAME_CHARS = 64 * 1024
STATE_MESSAGES = 50
RESYNC_PAGE = 100


# -- frames ---------------------------------------------------------------------------------------

def _frame(kind: str, **fields: Any) -> str:
    return json.dumps({"type": kind, **fields}, separators=(",", ":"), default=str)


def error_frame(error: DomainError, request_type: str | None = None) -> str:
    fields: dict[str, Any] = {"code": error.code, "message": error.message}
    if error.details:
        fields["details"] = error.details
    if request_type:
        fields["request_type"] = request_type
    return _frame("error", **fields)


def message_frame(document: dict[str, Any]) -> str:
    """Section 12's `{type, from, message, file?, conversation_id}` around the message document
    `state` and the REST API use (shapes.message_frame names the fields)."""
    return _frame("message", **shapes.message_frame(document))


def _typing_frame(event: ev.Event, recipient: Recipient) -> str | None:
    actor = event.payload["actor"]
    if recipient.role == actor["type"] and recipient.principal_id == actor["id"]:
        return None  # nobody needs to see their own typing
    conversation = event.payload["conversation"]
    kind = "typing_start" if event.payload["is_typing"] else "typing_stop"
    fields: dict[str, Any] = {"visitor_id": conversation["visitor_id"], "conversation_id": event.conversation_id,
                              "from": "visitor" if actor["type"] == "visitor" else "support"}
    if kind == "typing_start":
        fields["name"] = actor.get("name")
    if actor["type"] != "visitor":
        fields["agent_id"] = actor["id"]
    return _frame(kind, **fields)


def _status_frame(event: ev.Event) -> str | None:
    agent, status, previous = event.payload["agent"], event.payload["status"], event.payload["previous_status"]
    if status == "online":
        return _frame("support_joined", name=agent["name"], agent_id=agent["id"])
    if previous == "online":  # online -> away or offline: no longer answering
        return _frame("support_left", name=agent["name"], agent_id=agent["id"], status=status)
    return None


def _conversation_frame(event: ev.Event) -> str | None:
    p = event.payload
    if event.name == ev.CONVERSATION_CREATED:
        return _frame("conversation_created", conversation_id=event.conversation_id,
                      visitor_id=p["visitor"]["id"], name=p["visitor"]["name"])
    if event.name == ev.CONVERSATION_ASSIGNED:
        return _frame("conversation_assigned", conversation_id=event.conversation_id, agent_id=p["agent"]["id"],
                      name=p["agent"]["name"])
    if event.name == ev.CONVERSATION_CLOSED:
        return _frame("conversation_closed", conversation_id=event.conversation_id, closed_by=p["closed_by"],
                      resolution=p.get("resolution"))
    if event.name == ev.CONVERSATION_RATED:
        return _frame("conversation_rated", conversation_id=event.conversation_id, rating=p["rating"])
    if event.name == ev.MESSAGES_READ:
        return _frame("messages_read", conversation_id=event.conversation_id,
                      reader="visitor" if p["reader"]["type"] == "visitor" else "support", read_seq=p["read_seq"])
    return None


def render(event: ev.Event, recipient: Recipient) -> str | None:
    if event.name in audiences.AGENT_ONLY_EVENTS and recipient.role != "agent":
        return None  # routing already keeps these from visitors; a misrouted one still must not leak
    p = event.payload
    if event.name == ev.MESSAGE_CREATED:
        return message_frame(shapes.created_message(p["message"], event.conversation_id or ""))
    if event.name == ev.TYPING:
        return _typing_frame(event, recipient)
    if event.name in (ev.VISITOR_ONLINE, ev.VISITOR_UPDATED):
        return _frame("user_joined", visitor_id=p["visitor"]["id"], name=p["visitor"]["name"])
    if event.name == ev.VISITOR_OFFLINE:
        return _frame("user_left", visitor_id=p["visitor"]["id"])
    if event.name == ev.AGENT_STATUS_CHANGED:
        return _status_frame(event)
    if event.name == ev.ANALYSIS_COMPLETED:
        return _frame("analysis", **{"from": p.get("from", "visitor")}, analysis=shapes.analysis(p["analysis"]),
                      conversation_id=event.conversation_id, message_id=p.get("message_id"))
    if event.name == ev.AUTOMATION_MESSAGE:
        return automation_frame(event)
    return _conversation_frame(event)


def automation_frame(event: ev.Event) -> str:
    """Section 12's `message` frame, from the bot: a trigger's proactive message. It belongs to no
    conversation yet (conversation_id null); a visitor who answers opens one as usual."""
    trigger = event.payload["trigger"]
    return _frame("message", **{"from": "bot"}, message=event.payload["message"], message_type="text",
                  conversation_id=None, sender={"type": "bot", "name": "Bot"}, trigger_id=trigger["id"],
                  trigger_name=trigger["name"], created_at=event.occurred_at)


# -- connect --------------------------------------------------------------------------------------

def _reject(error: DomainError) -> dialects.ConnectResult:
    result = dialects.ConnectResult.reject(error.status, error.message)
    result.body = {"success": False, "error": {"code": error.code, "message": error.message}}
    return result


def _connect_agent(request: dialects.ConnectRequest, site_id: str, token: str) -> dialects.ConnectResult:
    principal = accounts.authenticate(token)
    require_site(principal, site_id)  # 403: not its site, or SITE_SUSPENDED
    agent = principal.agent
    record = ConnectionRecord(
        connection_id=request.connection_id, dialect=NAME, endpoint=request.endpoint, site_id=site_id,
        role="agent", principal_id=agent.agent_id, data={"session_id": principal.session_id},
    )
    return dialects.ConnectResult(record=record,
                                  audiences=[audiences.site_agents(site_id), audiences.agent(agent.agent_id)])


def _connect_visitor(request: dialects.ConnectRequest, site_id: str, token: str) -> dialects.ConnectResult:
    principal = visitor_domain.authenticate(token)
    visitor_id = request.query.get("visitor_id", "").strip()
    if not visitor_id:
        raise ValidationFailed("visitor_id is required for visitors", {"field": "visitor_id"})
    visitor_domain.admit(principal, site_id, visitor_id)
    record = ConnectionRecord(
        connection_id=request.connection_id, dialect=NAME, endpoint=request.endpoint, site_id=site_id,
        role="visitor", principal_id=visitor_id,
    )
    return dialects.ConnectResult(record=record, audiences=[audiences.site_visitors(site_id),
                                                            audiences.visitor(site_id, visitor_id)])


# -- client frames --------------------------------------------------------------------------------

class Frame:
    """One parsed client frame on one connection, with the principal it acts as."""

    def __init__(self, record: ConnectionRecord, principal: Principal, data: dict[str, Any], kind: str) -> None:
        self.record, self.principal, self.data, self.kind = record, principal, data, kind

    def reply(self, frame: str) -> None:
        sender.send(self.record.endpoint, self.record.connection_id, frame)

    @property
    def site_id(self) -> str:
        return self.record.site_id or ""

    def conversation_id(self, *, required: bool) -> str | None:
        """Agents name the conversation (`conversation_id`, or `to` = a conversation or visitor id);
        a visitor's frames go to its current conversation unless it names one."""
        named = params.text(self.data, "conversation_id", required=False, max_length=64) or \
            params.text(self.data, "to", required=False, max_length=128)
        if isinstance(self.principal, VisitorPrincipal):
            if named:
                return named
            current = inbox.current_for_visitor(self.principal.site_id, self.principal.visitor_id)
            return current.conversation_id if current else None
        if named and not named.startswith("conv_"):
            current = inbox.current_for_visitor(self.site_id, named)
            if current is None:
                raise NotFound("This visitor has no open conversation")
            return current.conversation_id
        if required and not named:
            raise ValidationFailed("conversation_id (or to) is required", {"field": "conversation_id"})
        return named


def _on_message(frame: Frame) -> None:
    content = params.text(frame.data, "message", required=False, max_length=messaging.MAX_CONTENT_CHARS)
    file_ref = frame.data.get("file")
    file_id = file_ref.get("id") if isinstance(file_ref, dict) else file_ref
    if file_id is not None and not isinstance(file_id, str):
        raise ValidationFailed("file must be a file id", {"field": "file"})
    client_id = params.text(frame.data, "client_message_id", required=False, max_length=messaging.MAX_KEY_CHARS)
    conversation_id = frame.conversation_id(required=True)
    kind = "file" if file_id else "text"
    metadata = {"client_message_id": client_id} if client_id else {}
    published: list[ev.Event] = []
    opened, attachment = None, None
    if conversation_id is None:  # a visitor's first message opens its conversation
        if content is None and file_id is None:
            raise ValidationFailed("message is required", {"field": "message"})
        # Checked before anything is written: a refused first message leaves no empty conversation.
        attachment = messaging.check_first(frame.principal, frame.site_id, frame.principal.id, kind=kind,
                                           content=content, file_id=file_id, metadata=metadata,
                                           idempotency_key=client_id)
        outcome = inbox.open_conversation(frame.principal, frame.site_id, frame.principal.id)
        opened, published = outcome.conversation, outcome.events
        conversation_id = opened.conversation_id
    sent = messaging.send(frame.principal, conversation_id, kind=kind, content=content, file_id=file_id,
                          metadata=metadata, idempotency_key=client_id, opened=opened, attachment=attachment)
    dispatch.publish(published + sent.events)
    if sent.replayed:  # the first send already went out; answer the retry on this socket only
        frame.reply(message_frame(shapes.message(sent.message, sent.conversation, frame.principal)))


def _on_typing(frame: Frame) -> None:
    conversation_id = frame.conversation_id(required=True)
    if conversation_id is None:
        return  # a visitor typing before its first message: nothing to show yet
    name = frame.principal.agent.display_name if isinstance(frame.principal, AgentPrincipal) else None
    dispatch.publish(inbox.typing(frame.principal, conversation_id, frame.kind == "typing_start", name).events)


def _on_init(frame: Frame) -> None:
    if not isinstance(frame.principal, VisitorPrincipal):
        raise ValidationFailed("init is for visitors", {"field": "type"})
    _, raised = visitor_domain.rename(frame.principal, frame.data.get("name"))
    dispatch.publish(raised)
    _on_get_state(frame)


def _last_seq(data: dict[str, Any]) -> int | None:
    value = data.get("last_seq")
    if value is None:
        return None
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise ValidationFailed("last_seq must be a whole number, 0 or more", {"field": "last_seq"})
    return value


def _on_get_state(frame: Frame) -> None:
    last_seq = _last_seq(frame.data)
    conversation_id = frame.conversation_id(required=False)
    state: dict[str, Any] = {"role": "visitor" if frame.principal.kind == "visitor" else "support",
                             "site_id": frame.site_id, "conversation": None, "messages": [], "has_more": False}
    if conversation_id is not None:
        if last_seq is None:
            c, page, has_more = messaging.page(frame.principal, conversation_id, limit=STATE_MESSAGES, before=None,
                                               after=None)
        else:
            c, page, has_more = messaging.since(frame.principal, conversation_id, last_seq, RESYNC_PAGE)
        # The same conversation and message documents as GET /api/v1/conversations/{id}.
        state.update(conversation=shapes.conversation(c, frame.principal),
                     messages=[shapes.message(m, c, frame.principal) for m in page], has_more=has_more,
                     last_seq=c.seq)
    if isinstance(frame.principal, VisitorPrincipal):
        state["support_online"] = bool(agents.members(frame.site_id, "online"))
        state["visitor_id"] = frame.principal.visitor_id
    else:
        agent = frame.principal.agent  # type: ignore[union-attr]
        state["agent"] = {"id": agent.agent_id, "name": agent.display_name, "status": agent.status}
    frame.reply(_frame("state", **state))


def _on_ping(frame: Frame) -> None:
    frame.reply(_frame("pong"))


def _on_activity(frame: Frame) -> None:
    """`page_view` / `exit_intent` {page_url}: what POST /api/v1/visitors/activity does (seed 003's
    automation triggers). Visitors only; answers nothing unless it fails."""
    if not isinstance(frame.principal, VisitorPrincipal):
        raise ValidationFailed(f"{frame.kind} is for visitors", {"field": "type"})
    automation.report(frame.principal, frame.kind, frame.data.get("page_url"))


HANDLERS: dict[str, Callable[[Frame], None]] = {
    "message": _on_message, "typing_start": _on_typing, "typing_stop": _on_typing, "init": _on_init,
    "get_state": _on_get_state, "ping": _on_ping, "page_view": _on_activity, "exit_intent": _on_activity,
}
# Every frame counts against its sender's rate limit, in the category of the REST call it mirrors.
FRAME_LIMITS = {"message": "messages"}  # any other frame: "other"


def _count(frame: Frame) -> None:
    """1 UpdateItem per frame (the same counter as the sender's REST calls); RATE_LIMITED when over."""
    limits.check(FRAME_LIMITS.get(frame.kind, "other"), frame.principal.rate_key)


def _parse(body: str | None) -> tuple[dict[str, Any], str]:
    """The frame's JSON object, read as strictly as a REST body (parsing.json_object)."""
    if not body or len(body) > MAX_FRAME_CHARS:
        raise ValidationFailed("A frame must be a JSON object of at most 64 KB")
    data = params.json_object(body, what="A frame", max_size=MAX_FRAME_CHARS, empty_is_object=False)
    kind = data.get("type") or ("message" if "message" in data else None)
    if kind not in HANDLERS:
        raise ValidationFailed(f"Unknown frame type {str(kind)[:40]!r}; expected one of {', '.join(HANDLERS)}",
                               {"field": "type"})
    return data, kind


class ConsoleDialect:
    name = NAME

    def matches(self, request: dialects.ConnectRequest) -> bool:
        return request.query.get("role") in ROLES and "dialect" not in request.query

    def connect(self, request: dialects.ConnectRequest) -> dialects.ConnectResult:
        site_id = request.query.get("site_id", "").strip()
        token = request.query.get("token", "").strip()
        try:
            if not site_id:
                raise ValidationFailed("site_id is required", {"field": "site_id"})
            if not token:
                raise Unauthorized("token is required")
            if ROLES[request.query["role"]] == "agent":
                return _connect_agent(request, site_id, token)
            return _connect_visitor(request, site_id, token)
        except DomainError as error:
            return _reject(error)

    def accepted(self, connection: ConnectionRecord) -> None:
        if connection.role == "agent":
            presence.agent_connected(connection)
        else:
            presence.visitor_connected(connection)

    def message(self, connection: ConnectionRecord, body: str) -> None:
        kind: str | None = None
        try:
            try:
                data, kind = _parse(body)
            except ValidationFailed:  # a frame that is not one counts too: no free flood of junk
                limits.check("other", self._principal(connection).rate_key)
                raise
            frame = Frame(connection, self._principal(connection), data, kind)
            _count(frame)
            HANDLERS[kind](frame)
        except Unauthorized as error:  # the agent's session ended (logout, revoked): end the socket too
            sender.send(connection.endpoint, connection.connection_id, error_frame(error, kind))
            sender.close(connection.endpoint, connection.connection_id)
        except DomainError as error:
            sender.send(connection.endpoint, connection.connection_id, error_frame(error, kind))
        except Exception as failure:
            answer = dialects.frame_failed(failure, "console", connection.connection_id, str(kind))
            sender.send(connection.endpoint, connection.connection_id, error_frame(answer, kind))

    def disconnect(self, connection: ConnectionRecord, status_code: int | None, reason: str | None) -> None:
        if connection.role == "agent":
            presence.agent_disconnected(connection)
        else:
            presence.visitor_disconnected(connection)

    @staticmethod
    def _principal(connection: ConnectionRecord) -> Principal:
        if connection.role == "agent":
            return accounts.resume(str((connection.data or {}).get("session_id", "")), connection.principal_id or "")
        suspension.require_active(connection.site_id or "")  # cached site status, as for REST
        return VisitorPrincipal(site_id=connection.site_id or "", visitor_id=connection.principal_id or "")

    render = staticmethod(render)
