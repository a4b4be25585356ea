"""Seed 000 section 1: agent login, refresh, logout, validate."""
from __future__ import annotations

from typing import Any

from chalicelib.domain import accounts
from chalicelib.model.identity import Agent, AgentPrincipal
from chalicelib.surfaces.console import ok, surface
from chalicelib.surfaces.console.schemas import Done, Login, Ok, Refresh, Session, Tokens, Validated
from chalicelib.surfaces.http import Call, agent


def user_view(a: Agent, full: bool = True) -> dict[str, Any]:
    view: dict[str, Any] = {"id": a.agent_id, "username": a.username}
    if full:
        view.update(email=a.email, role=a.role, site_ids=list(a.site_ids))
    else:
        view["role"] = a.role
    return view


@surface.route("/api/v1/auth/support/login", methods=["POST"], limit="auth", body=Login,
               responses={200: Ok[Session]}, errors=(401, 403))
def login(call: Call, body: Login) -> dict[str, Any]:
    """Sign an agent in to one of its sites

    401 INVALID_CREDENTIALS for a wrong username or password; repeated failures are slowed down (429).
    403 when the site is suspended."""
    issued = accounts.login(body.username.strip(), body.password, body.site_id.strip())
    return ok({
        "token": issued.access_token,
        "refresh_token": issued.refresh_token,
        "expires_in": issued.expires_in,
        "user": user_view(issued.agent),
    })


@surface.route("/api/v1/auth/refresh", methods=["POST"], limit="auth", body=Refresh,
               responses={200: Ok[Tokens]}, errors=(401, 403))
def refresh(call: Call, body: Refresh) -> dict[str, Any]:
    """Exchange a refresh token for a new access token

    Refresh tokens rotate: the one presented is spent and the next one is returned; presenting a spent
    one again revokes the session (401)."""
    issued = accounts.refresh(body.refresh_token.strip())
    return ok({"token": issued.access_token, "refresh_token": issued.refresh_token, "expires_in": issued.expires_in})


@surface.route("/api/v1/auth/logout", methods=["POST"], auth=agent, limit="auth", responses={200: Done})
def logout(call: Call, principal: AgentPrincipal) -> dict[str, Any]:
    """End the session of the presented access token"""
    accounts.logout(principal)
    return ok(message="Logged out successfully")


@surface.route("/api/v1/auth/validate", methods=["GET"], auth=agent, responses={200: Ok[Validated]})
def validate(call: Call, principal: AgentPrincipal) -> dict[str, Any]:
    """Whether the access token is valid, and whose it is"""
    return ok({"valid": True, "user": user_view(principal.agent, full=False)})
