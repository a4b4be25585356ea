"""Invitations of agents to sites (access patterns in store/models.py: by id, by email on gsi1,
by site on gsi2). The domain decides who may invite and accept (domain/invitations.py).

A refused conditional write raises ConditionFailed naming `invitation_key(id)` (not pending any
more) or `tenants.agent_key(agent_id)` (the accepting agent is gone). moto does not enforce TTL:
the domain filters expired invitations on read.
"""
from __future__ import annotations

from chalicelib.model.identity import Agent
from chalicelib.model.invitations import Invitation
from chalicelib.store import tenants
from chalicelib.store.base import Key, now, put_if, transaction, update_if
from chalicelib.store.models import InvitationItem


def invitation_key(invitation_id: str) -> Key:
    return InvitationItem.key(invitation_id)


def _invitation_of(item: InvitationItem) -> Invitation:
    return Invitation(
        invitation_id=item.invitation_id, site_id=item.site_id, site_name=item.site_name, email=item.email,
        role=item.role, invited_by=item.invited_by, status=item.status, created_at=item.created_at or now(),
        expires_at=item.expires_at or now(), accepted_by=item.accepted_by, accepted_at=item.accepted_at,
    )


def create(invitation: Invitation) -> Invitation:
    """1 PutItem (a new id only)."""
    i = invitation
    stamp = f"{i.created_at.isoformat()}#{i.invitation_id}"
    item = InvitationItem(
        *InvitationItem.key(i.invitation_id), invitation_id=i.invitation_id, site_id=i.site_id,
        site_name=i.site_name, email=i.email.lower(), role=i.role, invited_by=i.invited_by, status=i.status,
        created_at=i.created_at, expires_at=i.expires_at,
        gsi1pk=InvitationItem.email_index_key(i.email), gsi1sk=stamp,
        gsi2pk=InvitationItem.site_index_key(i.site_id), gsi2sk=stamp,
    )
    put_if(item, InvitationItem.pk.does_not_exist())
    return _invitation_of(item)


def get(invitation_id: str) -> Invitation | None:
    """1 GetItem (strongly consistent: accepting must see a revocation)."""
    try:
        return _invitation_of(InvitationItem.get(*InvitationItem.key(invitation_id), consistent_read=True))
    except InvitationItem.DoesNotExist:
        return None


def for_email(email: str, limit: int = 100) -> list[Invitation]:
    """An email's invitations, newest first: 1 Query on gsi1."""
    items = InvitationItem.gsi1.query(InvitationItem.email_index_key(email), scan_index_forward=False, limit=limit)
    return [_invitation_of(item) for item in items if isinstance(item, InvitationItem)]


def for_site(site_id: str, limit: int = 100) -> list[Invitation]:
    """A site's invitations, newest first: 1 Query on gsi2."""
    items = InvitationItem.gsi2.query(InvitationItem.site_index_key(site_id), scan_index_forward=False, limit=limit)
    return [_invitation_of(item) for item in items if isinstance(item, InvitationItem)]


def accept(invitation: Invitation, agent: Agent, join: bool) -> None:
    """1 TransactWriteItems: the invitation becomes accepted (if still pending) and, when `join`,
    the agent's membership of the site is written with it — both or neither."""
    with transaction() as tx:
        tx.update(InvitationItem(*InvitationItem.key(invitation.invitation_id)), actions=[
            InvitationItem.status.set("accepted"), InvitationItem.accepted_by.set(agent.agent_id),
            InvitationItem.accepted_at.set(now()),
        ], condition=InvitationItem.status == "pending")
        if join:
            tenants.add_membership_to(tx, agent, invitation.site_id)


def revoke(invitation_id: str) -> Invitation:
    """1 UpdateItem. ConditionFailed naming the invitation when it is not pending (or is gone)."""
    item = InvitationItem(*InvitationItem.key(invitation_id))
    update_if(item, [InvitationItem.status.set("revoked")], InvitationItem.status == "pending")
    return _invitation_of(item)
