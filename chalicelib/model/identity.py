"""Who is who: sites, agents, visitors, API keys, and the principals that call the API."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Union

from chalicelib.model.errors import Forbidden, NotFound, SiteSuspended

ROLES = ("admin", "support_agent")
AGENT_STATUSES = ("online", "away", "offline")
SITE_STATUSES = ("active", "suspended")


@dataclass(frozen=True)
class Site:
    site_id: str
    name: str
    domain: str | None
    status: str
    widget_config: dict[str, Any]
    created_at: datetime
    active_conversations: int = 0
    ai_settings: dict[str, Any] = field(default_factory=dict)  # see domain/sites.py validate_ai_settings
    # Identity verification (domain/visitor_identity.py): when on, every visitor registration needs
    # user_hash = HMAC-SHA256(identity secret, visitor_id). The secret is kept sealed (auth/vault.py).
    identity_verification: bool = False
    identity_secret_sealed: str | None = field(default=None, repr=False)
    agent_capacity: int | None = None  # seed 004 escalation: open conversations per agent (None: the default)


@dataclass(frozen=True)
class Agent:
    agent_id: str
    username: str
    email: str | None
    role: str
    site_ids: tuple[str, ...]
    status: str
    created_at: datetime
    last_seen: datetime | None = None
    name: str | None = None
    # The sites it was created into (by their admin, or by registering): an admin of one of them may
    # add it back to a site of theirs; anyone else joins a site only by accepting an invitation.
    origin_site_ids: tuple[str, ...] = ()

    @property
    def display_name(self) -> str:
        return self.name or self.username


@dataclass(frozen=True)
class AgentCredentials:
    """An agent with its password hash, read together for a login; the hash goes no further."""

    agent: Agent
    password_hash: str


@dataclass(frozen=True)
class SiteMember:
    """An agent as listed under one site (copied fields kept in step by store/)."""

    site_id: str
    agent_id: str
    username: str
    email: str | None
    role: str
    status: str
    last_seen: datetime | None
    active_conversations: int = 0
    name: str | None = None
    closed_conversations: int = 0  # closed while assigned to this agent


@dataclass(frozen=True)
class Visitor:
    site_id: str
    visitor_id: str  # client-generated
    id: str  # server-generated
    name: str
    email: str | None
    metadata: dict[str, Any]
    status: str
    first_seen: datetime
    last_seen: datetime
    total_conversations: int = 0
    unread_count: int = 0
    last_message_at: datetime | None = None
    online_until: datetime | None = None  # presence lease while a socket is open
    phone: str | None = None


@dataclass(frozen=True)
class ApiKey:
    key_id: str
    site_id: str
    name: str
    prefix: str
    created_at: datetime
    created_by: str | None
    last_used_at: datetime | None = None
    revoked_at: datetime | None = None
    agent_id: str | None = None  # the agent the key acts as when it sends messages (seed 003)

    @property
    def active(self) -> bool:
        return self.revoked_at is None


# -- principals ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class AgentPrincipal:
    agent: Agent
    session_id: str
    # The agent's sites that are suspended (domain/suspension.py): no access to them but their
    # admins' (require_admin), so an admin can still lift the suspension.
    suspended_site_ids: frozenset[str] = frozenset()
    kind: str = field(default="agent", init=False)

    @property
    def id(self) -> str:
        return self.agent.agent_id

    @property
    def rate_key(self) -> str:
        return f"agent:{self.agent.agent_id}"

    @property
    def is_admin(self) -> bool:
        return self.agent.role == "admin"

    def can_access(self, site_id: str) -> bool:
        return site_id in self.agent.site_ids and site_id not in self.suspended_site_ids


@dataclass(frozen=True)
class VisitorPrincipal:
    site_id: str
    visitor_id: str
    kind: str = field(default="visitor", init=False)

    @property
    def id(self) -> str:
        return self.visitor_id

    @property
    def rate_key(self) -> str:
        """The rate-limit caller: a visitor id is the client's own, unique only within its site."""
        return f"visitor:{self.site_id}:{self.visitor_id}"

    def can_access(self, site_id: str) -> bool:
        return site_id == self.site_id


@dataclass(frozen=True)
class ApiKeyPrincipal:
    key: ApiKey
    kind: str = field(default="api_key", init=False)

    @property
    def id(self) -> str:
        return self.key.key_id

    @property
    def rate_key(self) -> str:
        return f"api_key:{self.key.key_id}"

    @property
    def site_id(self) -> str:
        return self.key.site_id

    def can_access(self, site_id: str) -> bool:
        return site_id == self.key.site_id


Principal = Union[AgentPrincipal, VisitorPrincipal, ApiKeyPrincipal]


def _refuse_suspended(principal: Principal, site_id: str) -> None:
    if site_id in getattr(principal, "suspended_site_ids", ()):
        raise SiteSuspended()


def require_site(principal: Principal, site_id: str) -> None:
    """A site named in a query or body that the caller may not touch: 403, nothing changes."""
    _refuse_suspended(principal, site_id)
    if not principal.can_access(site_id):
        raise Forbidden("No access to this site")


def require_site_object(principal: Principal, site_id: str, what: str = "Resource") -> None:
    """An object of another site is indistinguishable from a missing one: 404. An object of one of
    the caller's suspended sites: 403 SITE_SUSPENDED."""
    _refuse_suspended(principal, site_id)
    if not principal.can_access(site_id):
        raise NotFound(f"{what} not found")


def require_admin(principal: Principal, site_id: str | None = None) -> AgentPrincipal:
    if not isinstance(principal, AgentPrincipal) or not principal.is_admin:
        raise Forbidden("Administrators only")
    if site_id is not None and site_id not in principal.agent.site_ids:
        # Suspended or not: a site's admins still manage it (and may lift the suspension).
        raise NotFound("Site not found")
    return principal
