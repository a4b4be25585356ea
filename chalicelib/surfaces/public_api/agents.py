"""Seed 003 Agents API: GET /v1/agents (the key's workspace)."""
from __future__ import annotations

from typing import Any

from chalicelib.domain import agents
from chalicelib.model.identity import ApiKeyPrincipal
from chalicelib.surfaces.http import Call, api_key
from chalicelib.surfaces.public_api import surface
from chalicelib.surfaces.public_api.schemas import AgentList

ROLE_NAMES = {"admin": "admin", "support_agent": "operator"}


@surface.route("/v1/agents", methods=["GET"], auth=api_key, responses={200: AgentList})
def list_agents(call: Call, principal: ApiKeyPrincipal) -> dict[str, Any]:
    """List the workspace's agents with their status and chat counts"""
    return {"data": [
        {
            "id": m.agent_id,
            "name": m.name or m.username,
            "email": m.email,
            "role": ROLE_NAMES.get(m.role, m.role),
            "status": m.status,
            "active_chats": m.active_conversations,
            "total_chats": agents.total_conversations(m),  # counters on the row just read: no extra request
        }
        for m in agents.members(principal.site_id)
    ]}
