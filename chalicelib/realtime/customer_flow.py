"""Seed 004's realtime dialect: `WS /api/v1/realtime/ws` (API Gateway has no paths; the query
says which dialect a socket speaks).

Customer: `?role=customer&conversation_id=&customer_session_id=[&last_seq=]`, proved by the
conversation's session secret; agent: `?role=agent&access_token=[&conversation_id=]`. Bad
credentials are refused at the handshake (401 agent token, 403 customer session, 404 unknown
conversation, 400 malformed), and nothing is stored.

Server frames are `{"type": <event>, "data": {...}}`. Once the socket is open (API Gateway cannot
post during $connect: realtime/after_connect.py, the mechanism seed 001's dialect uses too) it
hears `system.connected`; a customer then hears its resync: `conversation.updated` with the
snapshot and every message after `last_seq` as `message.created`, in order (reconnecting with the
last seq it saw gives exactly what it missed).

Who hears what, through the audience index: a customer follows its own visitor audience (a 004
customer is a fresh visitor with one conversation, so that is the conversation's audience) and its
site's visitors (presence, suspension); an agent follows its sites' agents (inbox events:
`conversation.updated`, `agent.assigned`, `chat.closed`, `agent.presence.changed`) and, per
`subscribe`, the conversation's audience, which alone brings it `message.created`.
"""
from __future__ import annotations

from typing import Any

from chalicelib import dispatch
from chalicelib import parsing as params
from chalicelib.domain import accounts, connections, customer_flow, inbox, limits, messaging
from chalicelib.integrations import sockets as sender
from chalicelib.model import events as ev
from chalicelib.model.connections import ConnectionRecord, Recipient
from chalicelib.model.conversations import Conversation
from chalicelib.model.errors import DomainError, Forbidden, TokenExpired, Unauthorized, ValidationFailed
from chalicelib.model.identity import AgentPrincipal
from chalicelib.observability import logger
from chalicelib.realtime import audiences, dialects
from chalicelib.render import customer_flow as shapes

NAME = "customer_flow"
ROLES = ("customer", "agent")
MAX_FRAME_CHARS = 16 * 1024
RESYNC_LIMIT = 500  # messages replayed on connect at most; older ones: GET .../messages?after_seq=


def _error(error: DomainError) -> str:
    return shapes.frame("system.error", {"code": error.code, "detail": error.message})


def _refuse(error: DomainError) -> dialects.ConnectResult:
    return dialects.ConnectResult.reject(error.status, error.message)


def _conversation_audience(conversation: Conversation) -> str:
    return audiences.visitor(conversation.site_id, conversation.visitor_id)


# -- rendering events ------------------------------------------------------------------------------

def _updated(event: ev.Event, agent_name: str | None = None) -> str:
    conversation = event.payload["conversation"]
    return shapes.frame("conversation.updated", {"conversation": shapes.conversation_from_payload(
        conversation, agent_name)})


def render(event: ev.Event, recipient: Recipient) -> str | list[str] | None:
    p = event.payload
    customer = recipient.role == "visitor"
    subscribed = customer or (recipient.audience or "").startswith("visitor#")
    if event.name == ev.MESSAGE_CREATED and subscribed:
        return shapes.frame("message.created", {"conversation_id": event.conversation_id,
                                                "message": shapes.message_from_payload(p["message"])})
    if event.name == ev.CONVERSATION_ASSIGNED:
        agent = {"id": p["agent"]["id"], "name": p["agent"].get("name") or p["agent"].get("username")}
        return [_updated(event, agent["name"]),
                shapes.frame("agent.assigned", {"conversation_id": event.conversation_id, "agent": agent})]
    if event.name == ev.CONVERSATION_CLOSED:
        return [_updated(event), shapes.frame("chat.closed", {"conversation_id": event.conversation_id})]
    if event.name == ev.CONVERSATION_CREATED and not customer:
        return _updated(event)
    if event.name == ev.TYPING and customer and p["actor"]["type"] == "agent":
        return shapes.frame("agent.typing", {"conversation_id": event.conversation_id, "is_typing": p["is_typing"],
                                             "agent": {"id": p["actor"]["id"], "name": p["actor"].get("name")}})
    if event.name == ev.AGENT_STATUS_CHANGED:
        return shapes.frame("agent.presence.changed", {"agent": p["agent"], "status": p["status"]})
    return None


# -- connect ---------------------------------------------------------------------------------------

def _connect_customer(request: dialects.ConnectRequest) -> dialects.ConnectResult:
    conversation_id = request.query.get("conversation_id", "").strip()
    if not conversation_id:
        raise ValidationFailed("conversation_id is required", {"field": "conversation_id"})
    last_seq = params.integer(request.query, "last_seq", default=0, minimum=0, maximum=10**9)
    principal, _ = customer_flow.session(conversation_id, request.query.get("customer_session_id"))
    conversation, missed, _ = messaging.since(principal, conversation_id, last_seq, RESYNC_LIMIT)
    record = ConnectionRecord(connection_id=request.connection_id, dialect=NAME, endpoint=request.endpoint,
                              site_id=conversation.site_id, role="visitor", principal_id=principal.visitor_id,
                              data={"conversation_id": conversation_id})
    frames = [shapes.frame("system.connected", {"role": "customer", "conversation_id": conversation_id}),
              shapes.frame("conversation.updated", {"conversation": shapes.conversation_view(conversation)}),
              *(shapes.frame("message.created", {"conversation_id": conversation_id,
                                                 "message": shapes.message_view(m)}) for m in missed)]
    return dialects.ConnectResult(record=record, after_connect=frames, audiences=[
        _conversation_audience(conversation), audiences.site_visitors(conversation.site_id)])


def _connect_agent(request: dialects.ConnectRequest) -> dialects.ConnectResult:
    token = request.query.get("access_token", "").strip()
    if not token:
        raise Unauthorized("access_token is required")
    principal = accounts.authenticate(token)
    sites = [s for s in principal.agent.site_ids if principal.can_access(s)]
    if not sites:
        raise Forbidden("No site to follow")
    follows = [audiences.site_agents(s) for s in sites] + [audiences.agent(principal.id)]
    frames = [shapes.frame("system.connected", {"role": "agent", "agent_id": principal.id})]
    conversation_id = request.query.get("conversation_id", "").strip()
    if conversation_id:
        conversation = inbox.load(principal, conversation_id)
        follows.append(_conversation_audience(conversation))
        frames.append(shapes.frame("system.subscribed", {"conversation_id": conversation_id}))
    record = ConnectionRecord(connection_id=request.connection_id, dialect=NAME, endpoint=request.endpoint,
                              site_id=sites[0], role="agent", principal_id=principal.id,
                              data={"session_id": principal.session_id})  # its logout closes this socket
    return dialects.ConnectResult(record=record, audiences=follows, after_connect=frames)


# -- the dialect -----------------------------------------------------------------------------------

class CustomerFlowDialect:
    name = NAME

    def matches(self, request: dialects.ConnectRequest) -> bool:
        return request.query.get("role") in ROLES and "dialect" not in request.query

    def connect(self, request: dialects.ConnectRequest) -> dialects.ConnectResult:
        try:
            if request.query["role"] == "customer":
                return _connect_customer(request)
            return _connect_agent(request)
        except DomainError as error:
            logger.info("realtime 004 socket refused", extra={"role": request.query.get("role"), "reason": error.code})
            return _refuse(error)

    def accepted(self, connection: ConnectionRecord) -> None:
        pass  # agents' presence is what they set (POST /api/v1/agent/presence), not their sockets

    def message(self, connection: ConnectionRecord, body: str) -> None:
        reply = lambda frame: sender.send(connection.endpoint, connection.connection_id, frame)  # noqa: E731
        kind: object = None
        try:
            if not body or len(body) > MAX_FRAME_CHARS:
                raise ValidationFailed("A frame must be a JSON object of at most 16 KB")
            data = params.json_object(body, what="A frame", max_size=MAX_FRAME_CHARS, empty_is_object=False)
            kind = data.get("type")
            if kind == "ping":
                reply(shapes.frame("pong", {}))
                return
            if kind not in ("subscribe", "unsubscribe", "typing"):
                raise ValidationFailed(f"Unknown frame type {str(kind)[:40]!r}; expected subscribe, unsubscribe, "
                                       "typing or ping")
            if connection.role != "agent":
                raise Forbidden(f"{kind} frames are for agents")
            principal = accounts.resume(str((connection.data or {}).get("session_id", "")),
                                        connection.principal_id or "")
            limits.check("other", principal.rate_key)
            conversation_id = params.required_text(data, "conversation_id", max_length=64)
            reply_frame = self._agent_frame(connection, principal, str(kind), conversation_id, data)
            if reply_frame:
                reply(reply_frame)
        except (Unauthorized, TokenExpired) as error:
            reply(_error(error))  # the agent's login ended: the socket ends too
            sender.close(connection.endpoint, connection.connection_id)
        except DomainError as error:
            reply(_error(error))
        except Exception as failure:
            reply(_error(dialects.frame_failed(failure, "004", connection.connection_id, str(kind))))

    @staticmethod
    def _agent_frame(connection: ConnectionRecord, principal: AgentPrincipal, kind: str, conversation_id: str,
                     data: dict[str, Any]) -> str | None:
        conversation = inbox.load(principal, conversation_id)
        if kind == "subscribe":
            connections.follow(connection, _conversation_audience(conversation))
            return shapes.frame("system.subscribed", {"conversation_id": conversation_id})
        if kind == "unsubscribe":
            connections.unfollow(connection.connection_id, _conversation_audience(conversation))
            return shapes.frame("system.unsubscribed", {"conversation_id": conversation_id})
        is_typing = data.get("is_typing")
        if not isinstance(is_typing, bool):
            raise ValidationFailed("is_typing must be true or false", {"field": "is_typing"})
        dispatch.publish(inbox.typing(principal, conversation_id, is_typing, principal.agent.display_name).events)
        return None

    def disconnect(self, connection: ConnectionRecord, status_code: int | None, reason: str | None) -> None:
        pass

    render = staticmethod(render)
