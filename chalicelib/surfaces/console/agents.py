"""Seed 000 section 10: the agents of a site, and an agent's own status."""
from __future__ import annotations

from typing import Any

from chalicelib.domain import agents
from chalicelib.model.identity import AgentPrincipal
from chalicelib.render.console import iso
from chalicelib.surfaces.console import ok, surface
from chalicelib.surfaces.contract import UNSET
from chalicelib.surfaces.console.schemas import AgentList, AgentsQuery, Ok, StatusChange, StatusChanged
from chalicelib.surfaces.http import Call, agent, publish


@surface.route("/api/v1/agents", methods=["GET"], auth=agent, query=AgentsQuery, responses={200: Ok[AgentList]})
def list_agents(call: Call, principal: AgentPrincipal, query: AgentsQuery) -> dict[str, Any]:
    """The agents of one of the caller's sites, optionally by status"""
    status = None if query.status is UNSET else query.status
    return ok({"agents": [
        {
            "id": m.agent_id,
            "username": m.username,
            "email": m.email,
            "status": m.status,
            "active_conversations": m.active_conversations,
            "last_seen": iso(m.last_seen),
        }
        for m in agents.roster(principal, query.site_id.strip(), status)
    ]})


@surface.route("/api/v1/agents/status", methods=["PATCH"], auth=agent, body=StatusChange,
               responses={200: Ok[StatusChanged]})
def update_status(call: Call, principal: AgentPrincipal, body: StatusChange) -> dict[str, Any]:
    """Set the caller's own status: online, away or offline

    Only status may be sent (role, site_ids, ... are not the agent's to set)."""
    change = agents.set_status(principal.agent, body.status)
    publish(change.events)
    return ok({"status": body.status, "updated_at": iso(change.at)})
