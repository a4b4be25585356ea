"""Seed 000 section 10: the agents of a site, and an agent's own status."""
from __future__ import annotations

from typing import Any

from chalicelib import parsing as params
from chalicelib.domain import agents
from chalicelib.model.identity import AGENT_STATUSES, AgentPrincipal
from chalicelib.surfaces.console import ok, surface
from chalicelib.surfaces.http import Call, agent, publish
from chalicelib.render.console import iso


@surface.route("/api/v1/agents", methods=["GET"], auth=agent)
def list_agents(call: Call, principal: AgentPrincipal) -> dict[str, Any]:
    site_id = params.required_text(call.query, "site_id", max_length=64)
    status = params.choice(call.query, "status", (*AGENT_STATUSES, "all"), required=False)
    return ok({"agents": [
        {
            "id": m.agent_id,
            "username": m.username,
            "email": m.email,
            "status": m.status,
            "active_conversations": m.active_conversations,
            "last_seen": iso(m.last_seen),
        }
        for m in agents.roster(principal, site_id, status)
    ]})


@surface.route("/api/v1/agents/status", methods=["PATCH"], auth=agent)
def update_status(call: Call, principal: AgentPrincipal) -> dict[str, Any]:
    body = call.body()
    params.only(body, {"status"})  # role, site_ids, ... are not the agent's to set
    status = params.choice(body, "status", AGENT_STATUSES)
    change = agents.set_status(principal.agent, status)
    publish(change.events)
    return ok({"status": status, "updated_at": iso(change.at)})
