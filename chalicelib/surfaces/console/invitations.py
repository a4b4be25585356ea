"""Invitations (/api/v1/admin/sites/{site_id}/invitations, /api/v1/agents/me/invitations,
/api/v1/invitations/{id}/accept): how an agent with an account joins another site.

An admin invites an email; the agent signed in with that email lists its invitations and
accepts one with its own token. The rules are domain/invitations.py's.
"""
from __future__ import annotations

from typing import Any

from chalicelib import parsing as params
from chalicelib.domain import invitations
from chalicelib.model.identity import ROLES, AgentPrincipal, Principal
from chalicelib.model.invitations import Invitation
from chalicelib.render.console import iso
from chalicelib.surfaces.console import ok, surface
from chalicelib.surfaces.console.auth import user_view
from chalicelib.surfaces.http import Call, Reply, agent


def invitation_view(invitation: Invitation) -> dict[str, Any]:
    return {
        "id": invitation.invitation_id,
        "site_id": invitation.site_id,
        "site_name": invitation.site_name,
        "email": invitation.email,
        "role": invitation.role,
        "status": invitation.status,
        "invited_by": invitation.invited_by,
        "created_at": iso(invitation.created_at),
        "expires_at": iso(invitation.expires_at),
        "accepted_at": iso(invitation.accepted_at),
    }


@surface.route("/api/v1/admin/sites/{site_id}/invitations", methods=["POST"], auth=agent)
def invite(call: Call, principal: Principal, site_id: str) -> Reply:
    body = call.body()
    params.only(body, {"email", "role"})
    email = params.email(body, required=True) or ""
    role = params.choice(body, "role", ROLES, required=False)
    return Reply(ok(invitation_view(invitations.invite(principal, site_id, email, role))), status=201)


@surface.route("/api/v1/admin/sites/{site_id}/invitations", methods=["GET"], auth=agent)
def list_for_site(call: Call, principal: Principal, site_id: str) -> dict[str, Any]:
    return ok({"invitations": [invitation_view(i) for i in invitations.for_site(principal, site_id)]})


@surface.route("/api/v1/admin/sites/{site_id}/invitations/{invitation_id}", methods=["DELETE"], auth=agent)
def revoke(call: Call, principal: Principal, site_id: str, invitation_id: str) -> dict[str, Any]:
    return ok(invitation_view(invitations.revoke(principal, site_id, invitation_id)))


@surface.route("/api/v1/agents/me/invitations", methods=["GET"], auth=agent)
def mine(call: Call, principal: AgentPrincipal) -> dict[str, Any]:
    return ok({"invitations": [invitation_view(i) for i in invitations.mine(principal)]})


@surface.route("/api/v1/invitations/{invitation_id}/accept", methods=["POST"], auth=agent)
def accept(call: Call, principal: AgentPrincipal, invitation_id: str) -> dict[str, Any]:
    joined, invitation = invitations.accept(principal, invitation_id)
    return ok({"invitation": invitation_view(invitation), "user": user_view(joined)})
