"""Seed 004 agent APIs: register, login, me, presence.

Who may register (settings.agent_registration: "open" locally, an admin's bearer
token in dev/prod) is decided by domain/agents.authorize_registration.
"""
from __future__ import annotations

from typing import Any

from chalicelib import parsing as params
from chalicelib.domain import accounts, agents
from chalicelib.model.identity import AGENT_STATUSES, Agent, AgentPrincipal
from chalicelib.surfaces.customer_flow import surface
from chalicelib.surfaces.http import Call, Reply, agent, publish
from chalicelib.render.customer_flow import iso


def agent_view(a: Agent) -> dict[str, Any]:
    return {
        "id": a.agent_id,
        "username": a.username,
        "email": a.email,
        "name": a.display_name,
        "role": a.role,
        "status": a.status,
        "site_ids": list(a.site_ids),
        "last_seen": iso(a.last_seen),
    }


@surface.route("/api/v1/agent/register", methods=["POST"], limit="auth")
def register(call: Call) -> Reply:
    body = call.body()
    params.only(body, {"username", "password", "email", "name", "site_id"})
    site_id = params.required_text(body, "site_id", max_length=64)
    agents.authorize_registration(call.bearer(), site_id)
    created = agents.register(
        site_id,
        username=params.required_text(body, "username", max_length=64),
        password=params.secret(body, "password"),
        email=params.email(body),
        name=params.text(body, "name", required=False, max_length=120),
    )
    return Reply(agent_view(created), status=201)


@surface.route("/api/v1/agent/auth/login", methods=["POST"], limit="auth")
def login(call: Call) -> dict[str, Any]:
    body = call.body()
    login_name = params.text(body, "username", required=False, max_length=254) or params.text(
        body, "email", required=False, max_length=254)
    if login_name is None:
        params.required_text(body, "username")  # names the missing field
    issued = accounts.login(str(login_name), params.secret(body, "password"))
    return {
        "access_token": issued.access_token,
        "refresh_token": issued.refresh_token,
        "token_type": "bearer",
        "expires_in": issued.expires_in,
        "agent": agent_view(issued.agent),
    }


@surface.route("/api/v1/agent/me", methods=["GET"], auth=agent)
def me(call: Call, principal: AgentPrincipal) -> dict[str, Any]:
    return agent_view(principal.agent)


@surface.route("/api/v1/agent/presence", methods=["POST"], auth=agent)
def presence(call: Call, principal: AgentPrincipal) -> dict[str, Any]:
    body = call.body()
    params.only(body, {"status"})
    status = params.choice(body, "status", AGENT_STATUSES)
    change = agents.set_status(principal.agent, status)
    publish(change.events)
    return {"agent_id": principal.id, "status": status, "updated_at": iso(change.at)}
