"""Invitations (/api/v1/admin/sites/{site_id}/invitations, /api/v1/agents/me/invitations,
/api/v1/invitations/{id}/accept): how an agent with an account joins another site.

An admin invites an email; the agent signed in with that email lists its invitations and
accepts one with its own token. The rules are domain/invitations.py's.
"""
from __future__ import annotations

from typing import Any

from chalicelib.domain import invitations
from chalicelib.model.identity import AgentPrincipal, Principal
from chalicelib.model.invitations import Invitation
from chalicelib.render.console import iso
from chalicelib.surfaces.console import ok, surface
from chalicelib.surfaces.console.auth import user_view
from chalicelib.surfaces.console.schemas import Accepted, InvitationCreate, InvitationList, InvitationOut, Ok
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


@surface.route("/api/v1/admin/sites/{site_id}/invitations", methods=["POST"], auth=agent, body=InvitationCreate,
               responses={201: Ok[InvitationOut]})
def invite(call: Call, principal: Principal, site_id: str, body: InvitationCreate) -> Reply:
    """Invite an email address to join the site

    The agent signed in with that email accepts with its own token; role is the role its account must have."""
    invited = invitations.invite(principal, site_id, body.email.strip(), body.role or None)
    return Reply(ok(invitation_view(invited)), status=201)


@surface.route("/api/v1/admin/sites/{site_id}/invitations", methods=["GET"], auth=agent,
               responses={200: Ok[InvitationList]})
def list_for_site(call: Call, principal: Principal, site_id: str) -> dict[str, Any]:
    """The site's invitations"""
    return ok({"invitations": [invitation_view(i) for i in invitations.for_site(principal, site_id)]})


@surface.route("/api/v1/admin/sites/{site_id}/invitations/{invitation_id}", methods=["DELETE"], auth=agent,
               responses={200: Ok[InvitationOut]}, errors=(409,))
def revoke(call: Call, principal: Principal, site_id: str, invitation_id: str) -> dict[str, Any]:
    """Revoke a pending invitation

    409 when it was accepted or revoked already."""
    return ok(invitation_view(invitations.revoke(principal, site_id, invitation_id)))


@surface.route("/api/v1/agents/me/invitations", methods=["GET"], auth=agent, responses={200: Ok[InvitationList]})
def mine(call: Call, principal: AgentPrincipal) -> dict[str, Any]:
    """The invitations to the caller's email"""
    return ok({"invitations": [invitation_view(i) for i in invitations.mine(principal)]})


@surface.route("/api/v1/invitations/{invitation_id}/accept", methods=["POST"], auth=agent,
               responses={200: Ok[Accepted]}, errors=(409,))
def accept(call: Call, principal: AgentPrincipal, invitation_id: str) -> dict[str, Any]:
    """Accept an invitation to the caller's email: join its site

    Accepting twice answers the same; 409 when it was revoked, has expired or is for another role."""
    joined, invitation = invitations.accept(principal, invitation_id)
    return ok({"invitation": invitation_view(invitation), "user": user_view(joined)})
