"""Creating agents, their presence status, and who is listed under a site."""
from __future__ import annotations

import re
import uuid
from dataclasses import dataclass, field
from datetime import datetime

from chalicelib.model import events as ev

from chalicelib.auth import passwords
from chalicelib.domain import accounts
from chalicelib.model.errors import Conflict, NotFound, Unauthorized, ValidationFailed
from chalicelib.model.identity import AGENT_STATUSES, ROLES, Agent, Principal, SiteMember, require_admin, require_site
from chalicelib.settings import get_settings
from chalicelib.store import tenants
from chalicelib.store.base import ConditionFailed, now

USERNAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{1,63}$")
MIN_PASSWORD = 8
MAX_PASSWORD = 256


def new_agent(username: str, password: str, role: str, site_ids: list[str], email: str | None = None,
              name: str | None = None) -> Agent:
    """1 BatchGetItem (the sites must exist) + 1 TransactWriteItems. Conflict on a taken username/email."""
    if not USERNAME.match(username):
        raise ValidationFailed("username must be 2-64 letters, digits, '.', '_' or '-'", {"field": "username"})
    if not MIN_PASSWORD <= len(password) <= MAX_PASSWORD:
        raise ValidationFailed(f"password must be {MIN_PASSWORD}-{MAX_PASSWORD} characters", {"field": "password"})
    if role not in ROLES:
        raise ValidationFailed(f"role must be one of {', '.join(ROLES)}", {"field": "role"})
    found = {site.site_id for site in tenants.get_sites(site_ids)}
    missing = [s for s in site_ids if s not in found]
    if missing:
        raise NotFound(f"Site not found: {missing[0]}")
    agent = Agent(
        agent_id=f"agent_{uuid.uuid4().hex[:16]}", username=username, email=email, name=name, role=role,
        site_ids=tuple(dict.fromkeys(site_ids)), status="offline", created_at=now(),
        origin_site_ids=tuple(dict.fromkeys(site_ids)),  # its creators' sites may add it back (memberships)
    )
    try:
        return tenants.create_agent(agent, passwords.hash_password(password))
    except ConditionFailed as failed:
        if tenants.username_key(username) in failed.keys:
            raise Conflict("Username is already taken", {"field": "username"}) from None
        if email and tenants.email_key(email) in failed.keys:
            raise Conflict("Email is already registered", {"field": "email"}) from None
        raise


@dataclass
class StatusChange:
    at: datetime
    events: list[ev.Event] = field(default_factory=list)


def set_status(agent: Agent, status: str) -> StatusChange:
    """1 TransactWriteItems (agent + its membership rows). Raises one event per site of the agent
    when the status really changed (presence pushes `support_joined`/`support_left` from it)."""
    if status not in AGENT_STATUSES:
        raise ValidationFailed(f"status must be one of {', '.join(AGENT_STATUSES)}", {"field": "status"})
    stamp = now()
    tenants.set_agent_status(agent, status, stamp)
    if status == agent.status:
        return StatusChange(stamp)
    payload = {"agent": {"id": agent.agent_id, "name": agent.display_name}, "status": status,
               "previous_status": agent.status}
    return StatusChange(stamp, [ev.Event(ev.AGENT_STATUS_CHANGED, site_id, payload) for site_id in agent.site_ids])


def members(site_id: str, status: str | None = None) -> list[SiteMember]:
    """1 Query. status: online | away | offline | all (None = all)."""
    if status not in (None, "all", *AGENT_STATUSES):
        raise ValidationFailed("status must be online, away, offline or all", {"field": "status"})
    listed = tenants.list_members(site_id)
    if status in (None, "all"):
        return listed
    return [m for m in listed if m.status == status]


def roster(principal: Principal, site_id: str, status: str | None = None) -> list[SiteMember]:
    """The agents of a site its caller belongs to (403 otherwise). 1 Query."""
    require_site(principal, site_id)
    return members(site_id, status)


def total_conversations(member: SiteMember) -> int:
    """Open and closed conversations assigned to the agent on this site: the total of its own
    "all" list (store/conversations.list_for_agent), from counters on the membership row."""
    return member.active_conversations + member.closed_conversations


# -- self-registration (seed 004) ---------------------------------------------------------------

def authorize_registration(bearer: str | None, site_id: str) -> None:
    """settings.agent_registration: "open" lets anyone register in an existing site (local);
    "admin" needs the bearer token of an admin of that site (dev/prod). 1 BatchGetItem when gated."""
    if get_settings().agent_registration != "admin":
        return
    if bearer is None:
        raise Unauthorized("Registration requires an administrator's token")
    require_admin(accounts.authenticate(bearer), site_id)


def register(site_id: str, username: str, password: str, email: str | None, name: str | None) -> Agent:
    """A registrant is a support agent of one site; only an admin makes admins (console/admin)."""
    return new_agent(username=username, password=password, role="support_agent", site_ids=[site_id],
                     email=email, name=name)
