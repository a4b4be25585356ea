"""Which agents work on which sites: an admin adds and removes them.

No domain event: the catalogue has none for a membership change, and no listener would use one.
"""
from __future__ import annotations

from typing import Iterable

from chalicelib.model.errors import Forbidden, NotFound
from chalicelib.model.identity import Agent, AgentPrincipal, Principal, require_admin
from chalicelib.store import tenants


def require_staffable(admin: AgentPrincipal, site_ids: Iterable[str]) -> None:
    """A new agent goes only to sites its creator administers (and at least one)."""
    wanted = list(site_ids)
    if not wanted or any(not admin.can_access(s) for s in wanted):
        raise Forbidden("Agents can only be added to sites you administer")


def add(principal: Principal, site_id: str, agent_id: str) -> Agent:
    """1 GetItem + 1 TransactWriteItems; an agent already on the site is left as it is (1 GetItem)."""
    require_admin(principal, site_id)
    agent = tenants.get_agent(agent_id)
    if agent is None:
        raise NotFound("Agent not found")
    if site_id in agent.site_ids:
        return agent
    return tenants.add_membership(agent, site_id)


def remove(principal: Principal, site_id: str, agent_id: str) -> Agent:
    """1 GetItem + 1 TransactWriteItems; an agent not on the site is not found."""
    require_admin(principal, site_id)
    agent = tenants.get_agent(agent_id)
    if agent is None or site_id not in agent.site_ids:
        raise NotFound("Agent not found")
    return tenants.remove_membership(agent, site_id)
