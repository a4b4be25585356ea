"""Invitations: the one way an agent who already has an account joins another site.

A site's admin invites an email address; the agent signed in with that email sees the
invitation and accepts it with its own token. Nothing secret travels out of band: the
invitee's own sign-in is the proof, so the invitation id is no key to anything.

- Anyone else who calls accept (another email, another tenant) gets 404, as for a missing
  invitation; inviting never says whether an account with that email exists.
- Roles belong to accounts, not to sites, so an invitation names the role the invitee's
  account must already have: a support agent cannot become an admin by accepting, and an
  admin's account cannot join as a support agent (409; the site's admin invites with the
  other role or creates a new account).
- An invitation is accepted once, within INVITATION_SECONDS, unless revoked first; accepting
  writes the membership and marks the invitation in one transaction.
"""
from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import timedelta

from chalicelib.domain import suspension
from chalicelib.model.errors import Conflict, NotFound, ValidationFailed
from chalicelib.model.identity import ROLES, Agent, AgentPrincipal, Principal, require_admin
from chalicelib.model.invitations import Invitation
from chalicelib.store import invitations as store
from chalicelib.store import tenants
from chalicelib.store.base import ConditionFailed, now

INVITATION_SECONDS = 7 * 24 * 3600


def _live(invitation: Invitation) -> bool:
    return invitation.status == "pending" and invitation.expires_at > now()


def invite(principal: Principal, site_id: str, email: str, role: str | None = None) -> Invitation:
    """1 GetItem (the site, for its name) + 1 PutItem."""
    admin = require_admin(principal, site_id)
    role = role or "support_agent"
    if role not in ROLES:
        raise ValidationFailed(f"role must be one of {', '.join(ROLES)}", {"field": "role"})
    site = tenants.get_site(site_id)
    if site is None:
        raise NotFound("Site not found")
    created = now()
    return store.create(Invitation(
        invitation_id=f"inv_{uuid.uuid4().hex}", site_id=site_id, site_name=site.name, email=email.lower(),
        role=role, invited_by=admin.id, status="pending", created_at=created,
        expires_at=created + timedelta(seconds=INVITATION_SECONDS),
    ))


def for_site(principal: Principal, site_id: str) -> list[Invitation]:
    """A site's invitations (its admins only), newest first: 1 Query."""
    require_admin(principal, site_id)
    return store.for_site(site_id)


def mine(principal: AgentPrincipal) -> list[Invitation]:
    """The caller's open invitations (to its account's email), newest first: 1 Query."""
    email = principal.agent.email
    if not email:
        return []
    return [i for i in store.for_email(email) if _live(i) and i.site_id not in principal.agent.site_ids]


def accept(principal: AgentPrincipal, invitation_id: str) -> tuple[Agent, Invitation]:
    """1 GetItem + 1 TransactWriteItems (+ the site's cached status). Accepting twice is the same
    as once."""
    agent = principal.agent
    invitation = store.get(invitation_id)
    if invitation is None or not agent.email or invitation.email != agent.email.lower():
        raise NotFound("Invitation not found")
    if invitation.status == "accepted" and invitation.accepted_by == agent.agent_id:
        return agent, invitation
    if invitation.status != "pending":
        raise Conflict(f"This invitation was {invitation.status}", {"status": invitation.status})
    if invitation.expires_at <= now():
        raise Conflict("This invitation has expired; ask the site's admin for a new one", {"status": "expired"})
    if agent.role != invitation.role:
        raise Conflict(f"This invitation is for a {invitation.role} account; yours is {agent.role}",
                       {"field": "role"})
    suspension.require_active(invitation.site_id)
    joining = invitation.site_id not in agent.site_ids
    try:
        store.accept(invitation, agent, join=joining)
    except ConditionFailed as failed:
        if failed.involves(store.invitation_key(invitation_id)):
            raise Conflict("This invitation was used or revoked meanwhile") from None
        if failed.involves(tenants.agent_key(agent.agent_id)):
            raise NotFound("Agent not found") from None
        raise
    joined = replace(agent, site_ids=(*agent.site_ids, invitation.site_id)) if joining else agent
    return joined, replace(invitation, status="accepted", accepted_by=agent.agent_id, accepted_at=now())


def revoke(principal: Principal, site_id: str, invitation_id: str) -> Invitation:
    """1 GetItem + 1 UpdateItem. Only a pending invitation of this site; another site's is a 404."""
    require_admin(principal, site_id)
    invitation = store.get(invitation_id)
    if invitation is None or invitation.site_id != site_id:
        raise NotFound("Invitation not found")
    try:
        return store.revoke(invitation_id)
    except ConditionFailed:
        raise Conflict(f"This invitation was {invitation.status}", {"status": invitation.status}) from None
