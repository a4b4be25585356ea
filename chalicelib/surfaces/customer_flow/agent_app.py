"""Seed 004 agent APIs: register, login, me, presence.

Who may register (settings.agent_registration: "open" locally, an admin's bearer
token in dev/prod) is decided by domain/agents.authorize_registration.
"""
from __future__ import annotations

from typing import Any

from chalicelib import parsing as params
from chalicelib.domain import accounts, agents
from chalicelib.model.errors import ValidationFailed
from chalicelib.model.identity import Agent, AgentPrincipal
from chalicelib.render.customer_flow import iso
from chalicelib.surfaces.contract import given
from chalicelib.surfaces.customer_flow import surface
from chalicelib.surfaces.customer_flow.schemas import (AgentOut, Login, Presence, PresenceChange, Register, Tokens,
                                                       trimmed)
from chalicelib.surfaces.http import Call, Reply, agent, publish


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


@surface.route("/api/v1/agent/register", methods=["POST"], limit="auth", body=Register, responses={201: AgentOut},
               errors=(401, 403, 404, 409))
def register(call: Call, body: Register) -> Reply:
    """Register as a support agent of a site

    Open on the local stack; elsewhere it needs an admin of that site's bearer token (401 without one,
    403 for a non-admin, 404 for another site's admin). 404 for an unknown site, 409 for a taken
    username or email."""
    site_id = body.site_id.strip()
    agents.authorize_registration(call.bearer(), site_id)
    created = agents.register(site_id, username=body.username.strip(), password=body.password,
                              email=params.email(given(body)), name=trimmed(body.name))
    return Reply(agent_view(created), status=201)


@surface.route("/api/v1/agent/auth/login", methods=["POST"], limit="auth", body=Login, responses={200: Tokens},
               errors=(401, 403))
def login(call: Call, body: Login) -> dict[str, Any]:
    """Log in with a username (or email) and password: an access and a refresh token

    401 for wrong credentials; 403 when every site of the agent is suspended."""
    login_name = trimmed(body.username) or trimmed(body.email)
    if login_name is None:
        raise ValidationFailed("username is required", {"field": "username"})
    issued = accounts.login(login_name, body.password)
    return {
        "access_token": issued.access_token,
        "refresh_token": issued.refresh_token,
        "token_type": "bearer",
        "expires_in": issued.expires_in,
        "agent": agent_view(issued.agent),
    }


@surface.route("/api/v1/agent/me", methods=["GET"], auth=agent, responses={200: AgentOut})
def me(call: Call, principal: AgentPrincipal) -> dict[str, Any]:
    """The logged-in agent"""
    return agent_view(principal.agent)


@surface.route("/api/v1/agent/presence", methods=["POST"], auth=agent, body=PresenceChange,
               responses={200: Presence})
def presence(call: Call, principal: AgentPrincipal, body: PresenceChange) -> dict[str, Any]:
    """Set the agent's presence; only online agents are assigned escalations"""
    change = agents.set_status(principal.agent, body.status)
    publish(change.events)
    return {"agent_id": principal.id, "status": body.status, "updated_at": iso(change.at)}
