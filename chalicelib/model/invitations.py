"""Invitations: how an agent who already has an account joins another site.

The site's admin invites an email address; the agent signed in with that email sees the
invitation (GET /api/v1/agents/me/invitations) and accepts it with its own token
(domain/invitations.py). Nothing secret travels out of band: the invitee's own sign-in is
the proof, and the invitation id alone lets nobody else in.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

INVITATION_STATUSES = ("pending", "accepted", "revoked")


@dataclass(frozen=True)
class Invitation:
    invitation_id: str
    site_id: str
    site_name: str
    email: str  # lower-cased
    role: str  # the role the invitee's account must have (roles belong to accounts, not sites)
    invited_by: str  # the admin's agent id
    status: str
    created_at: datetime
    expires_at: datetime
    accepted_by: str | None = None
    accepted_at: datetime | None = None
