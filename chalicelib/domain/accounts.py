"""Agents' accounts: login, refresh with rotation and reuse detection, logout, authentication.

DynamoDB requests: login = 2 GetItem (pointer, agent) + 1 PutItem (session)
[+1 UpdateItem when the password hash is upgraded]; refresh = 1 GetItem +
1 UpdateItem; logout = 1 UpdateItem; authenticating an agent request =
1 BatchGetItem (session + agent).
"""
from __future__ import annotations

import uuid
from contextlib import suppress
from dataclasses import dataclass
from functools import lru_cache

from chalicelib.auth import passwords, tokens
from chalicelib.model.errors import InvalidCredentials, Unauthorized
from chalicelib.model.identity import Agent, AgentPrincipal
from chalicelib.settings import get_settings
from chalicelib.store import sessions, tenants
from chalicelib.store.base import ConditionFailed, now


@dataclass(frozen=True)
class IssuedTokens:
    agent: Agent
    access_token: str
    refresh_token: str
    expires_in: int


@lru_cache(maxsize=1)
def _decoy_hash() -> str:
    # Verified against when the user does not exist, so both failures cost the same time.
    return passwords.hash_password("decoy password, never valid")


def _issue(agent: Agent, session_id: str, secret: str) -> IssuedTokens:
    settings = get_settings()
    access = tokens.issue(tokens.AGENT_ACCESS, agent.agent_id, settings.access_token_seconds, {"sid": session_id})
    return IssuedTokens(agent, access, tokens.refresh_token(session_id, secret), settings.access_token_seconds)


def login(login_name: str, password: str, site_id: str | None = None) -> IssuedTokens:
    """Unknown user, wrong password and a site the agent is not in all answer the same 401."""
    found = tenants.find_credentials(login_name)
    if found is None:
        passwords.verify_password(_decoy_hash(), password)
        raise InvalidCredentials()
    if not passwords.verify_password(found.password_hash, password):
        raise InvalidCredentials()
    agent = found.agent
    if site_id is not None and site_id not in agent.site_ids:
        raise InvalidCredentials()
    if passwords.needs_rehash(found.password_hash):
        tenants.set_password_hash(agent.agent_id, passwords.hash_password(password))
    session_id = uuid.uuid4().hex
    secret = tokens.new_refresh_secret()
    sessions.create(session_id, agent.agent_id, tokens.secret_hash(secret), get_settings().refresh_token_seconds)
    return _issue(agent, session_id, secret)


def _end(session_id: str, reason: str) -> None:
    with suppress(ConditionFailed):  # the session is gone already: nothing left to revoke
        sessions.revoke(session_id, reason)


def refresh(refresh_token: str) -> IssuedTokens:
    """Rotate: the presented token is spent. Presenting a spent token revokes the whole session."""
    session_id, secret = tokens.parse_refresh_token(refresh_token)
    presented = tokens.secret_hash(secret)
    session = sessions.get(session_id)
    if session is None or session.revoked or (session.expires_at is not None and session.expires_at <= now()):
        raise Unauthorized("Refresh token is no longer valid")
    if presented in session.used_hashes:
        _end(session_id, "refresh token reuse")
        raise Unauthorized("Refresh token was already used; the session has been revoked")
    if presented != session.current_hash:
        raise Unauthorized("Invalid refresh token")
    new_secret = tokens.new_refresh_secret()
    try:
        sessions.rotate(session_id, presented, tokens.secret_hash(new_secret))
    except ConditionFailed:
        # Someone rotated this very token first: a second use of one refresh token.
        _end(session_id, "refresh token reuse")
        raise Unauthorized("Refresh token was already used; the session has been revoked") from None
    agent = tenants.get_agent(session.agent_id)
    if agent is None:
        raise Unauthorized("Refresh token is no longer valid")
    return _issue(agent, session_id, new_secret)


def logout(principal: AgentPrincipal) -> None:
    _end(principal.session_id, "logout")


def authenticate(access_token: str) -> AgentPrincipal:
    claims = tokens.verify(tokens.AGENT_ACCESS, access_token)
    session_id = claims.get("sid")
    if not isinstance(session_id, str):
        raise Unauthorized("Invalid token")
    return resume(session_id, claims["sub"])


def resume(session_id: str, agent_id: str) -> AgentPrincipal:
    """The agent of a live session (1 BatchGetItem). A WebSocket opened with an access token
    outlives the token; each frame is checked against the session, so logout still ends it."""
    session, agent = sessions.get_with_agent(session_id, agent_id)
    if session is None or session.revoked or session.agent_id != agent_id or agent is None:
        raise Unauthorized("Session has ended")
    if session.expires_at is not None and session.expires_at <= now():
        raise Unauthorized("Session has ended")
    return AgentPrincipal(agent=agent, session_id=session_id)
