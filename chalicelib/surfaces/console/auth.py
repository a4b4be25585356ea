"""Seed 000 section 1: agent login, refresh, logout, validate."""
from __future__ import annotations

from typing import Any

from chalicelib.domain import accounts
from chalicelib.model.identity import Agent, AgentPrincipal
from chalicelib import parsing as params
from chalicelib.surfaces.console import ok, surface
from chalicelib.surfaces.http import Call, agent


def user_view(a: Agent, full: bool = True) -> dict[str, Any]:
    view: dict[str, Any] = {"id": a.agent_id, "username": a.username}
    if full:
        view.update(email=a.email, role=a.role, site_ids=list(a.site_ids))
    else:
        view["role"] = a.role
    return view


@surface.route("/api/v1/auth/support/login", methods=["POST"], limit="auth")
def login(call: Call) -> dict[str, Any]:
    body = call.body()
    username = params.required_text(body, "username", max_length=254)
    password = params.secret(body, "password")
    site_id = params.required_text(body, "site_id", max_length=64)
    issued = accounts.login(username, password, site_id)
    return ok({
        "token": issued.access_token,
        "refresh_token": issued.refresh_token,
        "expires_in": issued.expires_in,
        "user": user_view(issued.agent),
    })


@surface.route("/api/v1/auth/refresh", methods=["POST"], limit="auth")
def refresh(call: Call) -> dict[str, Any]:
    token = params.required_text(call.body(), "refresh_token", max_length=512)
    issued = accounts.refresh(token)
    # Refresh tokens rotate: the one presented is spent, so the new one is returned too.
    return ok({"token": issued.access_token, "refresh_token": issued.refresh_token, "expires_in": issued.expires_in})


@surface.route("/api/v1/auth/logout", methods=["POST"], auth=agent, limit="auth")
def logout(call: Call, principal: AgentPrincipal) -> dict[str, Any]:
    accounts.logout(principal)
    return ok(message="Logged out successfully")


@surface.route("/api/v1/auth/validate", methods=["GET"], auth=agent)
def validate(call: Call, principal: AgentPrincipal) -> dict[str, Any]:
    return ok({"valid": True, "user": user_view(principal.agent, full=False)})
