"""Agent sessions: one per login, holding the refresh-token family.

Only hashes of refresh secrets are stored. Rotation is a conditional update on
the current hash, so of concurrent refreshes with one token exactly one wins.
"""
from __future__ import annotations

from datetime import timedelta

from chalicelib.model.identity import Agent
from chalicelib.model.sessions import Session
from chalicelib.store.base import now, put_if, update_if
from chalicelib.store.models import AgentItem, ChatItem, SessionItem
from chalicelib.store.tenants import agent_of


def _session_of(item: SessionItem) -> Session:
    return Session(
        session_id=item.session_id, agent_id=item.agent_id, current_hash=item.current_hash,
        used_hashes=tuple(item.used_hashes or ()), revoked=bool(item.revoked), expires_at=item.expires_at,
    )


def create(session_id: str, agent_id: str, secret_hash: str, lifetime_seconds: int) -> None:
    """1 PutItem (new id only)."""
    created = now()
    put_if(SessionItem(
        *SessionItem.key(session_id), session_id=session_id, agent_id=agent_id, current_hash=secret_hash,
        created_at=created, last_used_at=created, expires_at=created + timedelta(seconds=lifetime_seconds),
    ), SessionItem.pk.does_not_exist())


def get(session_id: str) -> Session | None:
    """1 GetItem (strongly consistent: a rotation must see the latest hash)."""
    try:
        item = SessionItem.get(*SessionItem.key(session_id), consistent_read=True)
    except SessionItem.DoesNotExist:
        return None
    return _session_of(item)


def get_with_agent(session_id: str, agent_id: str) -> tuple[Session | None, Agent | None]:
    """What every agent request checks: 1 BatchGetItem of the session and the agent."""
    session = agent = None
    for item in ChatItem.batch_get([SessionItem.key(session_id), AgentItem.key(agent_id)]):
        if isinstance(item, SessionItem):
            session = _session_of(item)
        elif isinstance(item, AgentItem):
            agent = agent_of(item)
    return session, agent


def rotate(session_id: str, presented_hash: str, new_hash: str) -> None:
    """1 conditional UpdateItem. ConditionFailed when the presented secret is no longer current
    (or the session was revoked)."""
    update_if(
        SessionItem(*SessionItem.key(session_id)),
        [
            SessionItem.current_hash.set(new_hash),
            SessionItem.used_hashes.set((SessionItem.used_hashes | []).append([presented_hash])),
            SessionItem.generation.add(1),
            SessionItem.last_used_at.set(now()),
        ],
        (SessionItem.current_hash == presented_hash) & (SessionItem.revoked == False),  # noqa: E712
    )


def revoke(session_id: str, reason: str) -> None:
    """1 UpdateItem. Idempotent; ConditionFailed when the session is gone."""
    update_if(SessionItem(*SessionItem.key(session_id)),
              [SessionItem.revoked.set(True), SessionItem.revoked_reason.set(reason)], SessionItem.pk.exists())
