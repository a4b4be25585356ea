"""Creating agents, their presence status, and who is listed under a site."""
from __future__ import annotations

import re
import uuid
from dataclasses import dataclass, field
from datetime import datetime

from chalicelib.model import events as ev

from chalicelib.auth import passwords
from chalicelib.model.errors import NotFound, ValidationFailed
from chalicelib.model.identity import AGENT_STATUSES, ROLES, Agent, SiteMember
from chalicelib.store import tenants
from chalicelib.store.base import now
from chalicelib.store.models import AgentItem

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
    item = AgentItem(
        agent_id=f"agent_{uuid.uuid4().hex[:16]}", username=username, email=email, name=name, role=role,
        site_ids=list(dict.fromkeys(site_ids)), password_hash=passwords.hash_password(password),
    )
    return tenants.create_agent(item)


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
