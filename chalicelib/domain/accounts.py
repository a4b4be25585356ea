"""Agents' accounts: login, refresh with rotation and reuse detection, logout, authentication.

DynamoDB requests: login = 1 GetItem (the name's failure counter) + 2 GetItem (pointer, agent)
+ 1 PutItem (session) [+1 DeleteItem when earlier failures are cleared, +1 UpdateItem when the
password hash is upgraded]; a failed login = 1-3 GetItem + 1 UpdateItem (the failure counter); a
locked login = 1 GetItem; refresh = 2 GetItem +
1 UpdateItem; logout = 1 UpdateItem + closing the session's sockets (1 Query +
1 BatchGetItem when it has none, domain/connections.end_session); authenticating an agent
request = 1 BatchGetItem (session + agent). Login, refresh and authentication also check
that the agent's sites are not suspended: +1 BatchGetItem at most once per
settings.site_status_cache_seconds per process (domain/suspension.py).
"""
from __future__ import annotations

import hashlib
import math
import uuid
from contextlib import suppress
from dataclasses import dataclass
from functools import lru_cache

from chalicelib.auth import passwords, tokens
from chalicelib.domain import connections, suspension
from chalicelib.domain import limits
from chalicelib.model.errors import InvalidCredentials, RateLimited, SiteSuspended, Unauthorized
from chalicelib.model.identity import Agent, AgentPrincipal
from chalicelib.settings import get_settings
from chalicelib.store import ratelimits, sessions, tenants
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


# The per-account lockout (on top of the per-IP `auth` limit): LOCKOUT_AFTER failures under one
# login name within FAILURE_WINDOW lock it for FIRST_LOCK seconds, doubling with each further
# failure up to MAX_LOCK; a successful login clears the count. Failures are counted under a
# digest of the normalised name whether or not an agent has it, so a lock tells nothing about
# the account, and a locked name is refused before any lookup or password check.
LOCKOUT_AFTER = 5
FAILURE_WINDOW = 15 * 60
FIRST_LOCK = 30
MAX_LOCK = 15 * 60


@dataclass(frozen=True)
class LoginFailures:
    count: int
    last_at: float  # epoch seconds (the rate-limit clock, `limits.clock`)


def lockout_seconds(failures: int) -> int:
    """How long `failures` recent failures lock a login name for, from the last one."""
    if failures < LOCKOUT_AFTER:
        return 0
    return min(MAX_LOCK, FIRST_LOCK * 2 ** min(failures - LOCKOUT_AFTER, 16))


def locked_for(state: LoginFailures | None, at: float) -> int:
    """Whole seconds the name stays locked at `at` (0: not locked)."""
    if state is None:
        return 0
    return max(0, math.ceil(state.last_at + lockout_seconds(state.count) - at))


def counts_from_scratch(state: LoginFailures | None, at: float) -> bool:
    """The next failure starts a new count: none yet, or the last is older than the window
    (a lock never outlasts the window, so an aged-out count is never a lock)."""
    return state is None or at - state.last_at >= FAILURE_WINDOW


def _failure_bucket(login_name: str) -> str:
    return "login:" + hashlib.sha256(login_name.strip().lower().encode()).hexdigest()


def login(login_name: str, password: str, site_id: str | None = None) -> IssuedTokens:
    """Unknown user, wrong password and a site the agent is not in all answer the same 401 and
    count one failure against the name; a locked name answers 429 (RATE_LIMITED, Retry-After)."""
    bucket = _failure_bucket(login_name)
    at = limits.clock()
    counted = ratelimits.failures(bucket)
    state = LoginFailures(*counted) if counted else None
    wait = locked_for(state, at)
    if wait:
        raise RateLimited(wait, message=f"Too many failed sign-in attempts; try again in {wait} "
                                        f"second{'' if wait == 1 else 's'}")
    try:
        agent = _verified_agent(login_name, password, site_id)
    except InvalidCredentials:
        ratelimits.add_failure(bucket, at, counts_from_scratch(state, at), FAILURE_WINDOW)
        raise
    if state is not None:
        ratelimits.clear_failures(bucket)
    session_id = uuid.uuid4().hex
    secret = tokens.new_refresh_secret()
    sessions.create(session_id, agent.agent_id, tokens.secret_hash(secret), get_settings().refresh_token_seconds)
    return _issue(agent, session_id, secret)


def _verified_agent(login_name: str, password: str, site_id: str | None) -> Agent:
    found = tenants.find_credentials(login_name)
    if found is None:
        passwords.verify_password(_decoy_hash(), password)
        raise InvalidCredentials()
    if not passwords.verify_password(found.password_hash, password):
        raise InvalidCredentials()
    agent = found.agent
    if site_id is not None and site_id not in agent.site_ids:
        raise InvalidCredentials()
    closed = suspension.closed_to(agent)  # a support agent of suspended sites only: 403
    if site_id is not None and site_id in closed and agent.role != "admin":
        raise SiteSuspended()
    if passwords.needs_rehash(found.password_hash):
        tenants.set_password_hash(agent.agent_id, passwords.hash_password(password))
    return agent


def _end(session_id: str, reason: str, agent_id: str | None = None) -> None:
    with suppress(ConditionFailed):  # the session is gone already: nothing left to revoke
        sessions.revoke(session_id, reason)
    if agent_id:  # and the sockets opened with it: no push after the answer
        connections.end_session(agent_id, session_id)


def refresh(refresh_token: str) -> IssuedTokens:
    """Rotate: the presented token is spent. Presenting a spent token revokes the whole session."""
    session_id, secret = tokens.parse_refresh_token(refresh_token)
    presented = tokens.secret_hash(secret)
    session = sessions.get(session_id)
    if session is None or session.revoked or (session.expires_at is not None and session.expires_at <= now()):
        raise Unauthorized("Refresh token is no longer valid")
    if presented in session.used_hashes:
        _end(session_id, "refresh token reuse", session.agent_id)
        raise Unauthorized("Refresh token was already used; the session has been revoked")
    if presented != session.current_hash:
        raise Unauthorized("Invalid refresh token")
    agent = tenants.get_agent(session.agent_id)
    if agent is None:
        raise Unauthorized("Refresh token is no longer valid")
    suspension.closed_to(agent)  # before rotating: a refused refresh leaves the token as it was
    new_secret = tokens.new_refresh_secret()
    try:
        sessions.rotate(session_id, presented, tokens.secret_hash(new_secret))
    except ConditionFailed:
        # Someone rotated this very token first: a second use of one refresh token.
        _end(session_id, "refresh token reuse", session.agent_id)
        raise Unauthorized("Refresh token was already used; the session has been revoked") from None
    return _issue(agent, session_id, new_secret)


def logout(principal: AgentPrincipal) -> None:
    """Revoke the session and close the sockets opened with it (domain/connections.end_session)."""
    _end(principal.session_id, "logout", principal.id)


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
    return AgentPrincipal(agent=agent, session_id=session_id, suspended_site_ids=suspension.closed_to(agent))
