"""Which agents work on which sites: an admin adds and removes them.

An agent joins a site in one of two ways only: it is created into it by the site's admin
(POST /api/v1/admin/agents, or seed 004's registration), or it accepts an invitation sent to
its email (domain/invitations.py). `add` therefore only puts back an agent that was created
into one of the sites its caller administers; any other agent id is a 404, exactly as if
it did not exist, so an admin cannot pull (or probe for) another tenant's agents.
Removal closes the agent's sockets to that site at once (domain/connections.end_agent_on_site).

No domain event: the catalogue has none for a membership change, and no listener would use one.
"""
from __future__ import annotations

from typing import Iterable

from chalicelib.model.errors import Forbidden, NotFound
from chalicelib.model.identity import Agent, AgentPrincipal, Principal, require_admin
from chalicelib.domain import connections
from chalicelib.store import tenants


def require_staffable(admin: AgentPrincipal, site_ids: Iterable[str]) -> None:
    """A new agent goes only to sites its creator administers (and at least one)."""
    wanted = list(site_ids)
    if not wanted or any(not admin.can_access(s) for s in wanted):
        raise Forbidden("Agents can only be added to sites you administer")


def add(principal: Principal, site_id: str, agent_id: str) -> Agent:
    """1 GetItem + 1 TransactWriteItems; an agent already on the site is left as it is (1 GetItem).
    Only an agent created into one of the caller's sites; anyone else is invited instead."""
    admin = require_admin(principal, site_id)
    agent = tenants.get_agent(agent_id)
    if agent is None:
        raise NotFound("Agent not found")
    if site_id in agent.site_ids:
        return agent
    if not set(agent.origin_site_ids) & set(admin.agent.site_ids):
        raise NotFound("Agent not found; to add an agent of another team, invite them by email "
                       "(POST /api/v1/admin/sites/{site_id}/invitations)")
    return tenants.add_membership(agent, site_id)


def remove(principal: Principal, site_id: str, agent_id: str) -> Agent:
    """1 GetItem + 1 TransactWriteItems; an agent not on the site is not found."""
    require_admin(principal, site_id)
    agent = tenants.get_agent(agent_id)
    if agent is None or site_id not in agent.site_ids:
        raise NotFound("Agent not found")
    removed = tenants.remove_membership(agent, site_id)
    connections.end_agent_on_site(site_id, agent_id)  # 1 Query (+ per socket: see connections)
    return removed
