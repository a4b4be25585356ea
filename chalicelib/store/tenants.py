"""Sites, agents and who belongs where.

Returns chalicelib.model entities and values to the domain. The two `*_agent_item` readers
return the raw row; they are for tests and local tools (tests/unit/test_seed.py), never the
domain. A refused conditional write raises store.base.ConditionFailed naming the item's key
(`site_key`, `agent_key`, `username_key`, `email_key`); the domain decides what it means.
DynamoDB requests per call are noted on each function.
"""
from __future__ import annotations

from dataclasses import replace
from typing import Any, Iterable

from chalicelib.model.identity import Agent, AgentCredentials, Site, SiteMember
from chalicelib.store.base import ConditionFailed, Key, now, put_if, transaction, update_if
from chalicelib.store.models import (
    AgentEmailItem,
    ChatItem,
    AgentItem,
    AgentUsernameItem,
    SiteItem,
    SiteMemberItem,
)


# -- mapping ------------------------------------------------------------------------------------

def site_of(item: SiteItem) -> Site:
    return Site(
        site_id=item.site_id, name=item.name, domain=item.domain, status=item.status,
        widget_config=dict(item.widget_config or {}), created_at=item.created_at or now(),
        active_conversations=int(item.active_conversations or 0), ai_settings=dict(item.ai_settings or {}),
        identity_verification=bool(item.identity_verification), identity_secret_sealed=item.identity_secret_sealed,
        agent_capacity=int(item.agent_capacity) if item.agent_capacity is not None else None,
    )


def agent_of(item: AgentItem) -> Agent:
    return Agent(
        agent_id=item.agent_id, username=item.username, email=item.email, role=item.role,
        site_ids=tuple(item.site_ids or ()), status=item.status, created_at=item.created_at or now(),
        last_seen=item.last_seen, name=item.name, origin_site_ids=tuple(item.origin_site_ids or ()),
    )


def member_of(item: SiteMemberItem) -> SiteMember:
    return SiteMember(
        site_id=item.site_id, agent_id=item.agent_id, username=item.username, email=item.email, role=item.role,
        status=item.status, last_seen=item.last_seen, active_conversations=int(item.active_conversations or 0),
        closed_conversations=int(item.closed_conversations or 0), name=item.name,
    )


def _member_item(site_id: str, agent: Agent) -> SiteMemberItem:
    pk, sk = SiteMemberItem.key(site_id, agent.agent_id)
    return SiteMemberItem(
        pk=pk, sk=sk, site_id=site_id, agent_id=agent.agent_id, username=agent.username, email=agent.email,
        name=agent.name, role=agent.role, status=agent.status, last_seen=agent.last_seen, created_at=now(),
    )


# -- keys (what a ConditionFailed names) ---------------------------------------------------------

def site_key(site_id: str) -> Key:
    return SiteItem.key(site_id)


def agent_key(agent_id: str) -> Key:
    return AgentItem.key(agent_id)


def username_key(username: str) -> Key:
    return AgentUsernameItem.key(username)


def email_key(email: str) -> Key:
    return AgentEmailItem.key(email)


# -- sites --------------------------------------------------------------------------------------

def get_site(site_id: str) -> Site | None:
    """1 GetItem."""
    try:
        return site_of(SiteItem.get(*SiteItem.key(site_id)))
    except SiteItem.DoesNotExist:
        return None


def get_sites(site_ids: Iterable[str]) -> list[Site]:
    """1 BatchGetItem (per 100 ids), in the order asked."""
    keys = [SiteItem.key(site_id) for site_id in dict.fromkeys(site_ids)]
    found = {item.site_id: site_of(item) for item in SiteItem.batch_get(keys)} if keys else {}
    return [found[site_id] for site_id in dict.fromkeys(site_ids) if site_id in found]


def create_site_if_absent(site_id: str, name: str, domain: str | None = None,
                          widget_config: dict[str, Any] | None = None) -> bool:
    """1 PutItem (conditional). True when this call created it; an existing site is left as it is
    (insert-once, for provisioning: local/seed.py, infra/create_admin.py)."""
    pk, sk = SiteItem.key(site_id)
    site = SiteItem(pk=pk, sk=sk, site_id=site_id, name=name, domain=domain, widget_config=widget_config or {},
                    created_at=now())
    try:
        put_if(site, SiteItem.pk.does_not_exist())
    except ConditionFailed:
        return False
    return True


def create_site_with_admin(site_id: str, name: str, domain: str | None, widget_config: dict[str, Any],
                           admin: Agent) -> Site:
    """1 TransactWriteItems: the site, the admin's membership, the admin's site list.
    ConditionFailed naming `site_key(site_id)` when the id is taken."""
    pk, sk = SiteItem.key(site_id)
    created = now()
    site = SiteItem(pk=pk, sk=sk, site_id=site_id, name=name, domain=domain, widget_config=widget_config,
                    created_at=created)
    with transaction() as tx:
        tx.save(site, condition=SiteItem.pk.does_not_exist())
        tx.save(_member_item(site_id, admin))
        tx.update(AgentItem(*AgentItem.key(admin.agent_id)),
                  actions=[AgentItem.site_ids.set((AgentItem.site_ids | []).append([site_id]))],
                  condition=AgentItem.pk.exists())
    return site_of(site)


def update_site(site_id: str, changes: dict[str, Any]) -> Site:
    """1 UpdateItem (conditional on existence), returns the new site. ConditionFailed when it is missing."""
    item = SiteItem(*SiteItem.key(site_id))
    update_if(item, [getattr(SiteItem, field).set(value) for field, value in changes.items()], SiteItem.pk.exists())
    return site_of(item)


# -- agents -------------------------------------------------------------------------------------

def get_agent(agent_id: str) -> Agent | None:
    """1 GetItem."""
    item = get_agent_item(agent_id)
    return agent_of(item) if item else None


def get_agent_item(agent_id: str) -> AgentItem | None:
    """The raw row (tests and local tools only; the domain reads `get_agent`). 1 GetItem."""
    try:
        return AgentItem.get(*AgentItem.key(agent_id))
    except AgentItem.DoesNotExist:
        return None


def find_agent_item(login: str) -> AgentItem | None:
    """The raw row by username, or by email when it has an '@' (tests and local tools only; the
    domain reads `find_credentials`). 2 GetItems (pointer, agent)."""
    pointer_model = AgentEmailItem if "@" in login else AgentUsernameItem
    try:
        pointer = pointer_model.get(*pointer_model.key(login))
    except pointer_model.DoesNotExist:
        return None
    return get_agent_item(pointer.agent_id)


def find_agent_by_username(username: str) -> Agent | None:
    item = find_agent_item(username)
    return agent_of(item) if item else None


def find_credentials(login: str) -> AgentCredentials | None:
    """The agent and its password hash, by username or by email (with an '@'). 2 GetItems."""
    item = find_agent_item(login)
    return AgentCredentials(agent_of(item), item.password_hash) if item else None


def create_agent(agent: Agent, password_hash: str) -> Agent:
    """1 TransactWriteItems: agent, username (and email) pointers, one membership per site.

    ConditionFailed naming `username_key(agent.username)` or `email_key(agent.email)` when taken.
    """
    item = AgentItem(
        *AgentItem.key(agent.agent_id), agent_id=agent.agent_id, username=agent.username, email=agent.email,
        name=agent.name, role=agent.role, site_ids=list(agent.site_ids), password_hash=password_hash,
        status=agent.status, last_seen=agent.last_seen, created_at=agent.created_at,
        origin_site_ids=list(agent.origin_site_ids) or None,
    )
    with transaction() as tx:
        tx.save(AgentUsernameItem(*username_key(agent.username), agent_id=agent.agent_id, created_at=agent.created_at),
                condition=AgentUsernameItem.pk.does_not_exist())
        if agent.email:
            tx.save(AgentEmailItem(*email_key(agent.email), agent_id=agent.agent_id, created_at=agent.created_at),
                    condition=AgentEmailItem.pk.does_not_exist())
        tx.save(item, condition=AgentItem.pk.does_not_exist())
        for site_id in agent.site_ids:
            tx.save(_member_item(site_id, agent))
    return agent_of(item)


def create_agent_if_username_free(agent: Agent, password_hash: str) -> bool:
    """Insert-once for provisioning (local/seed.py): False, and nothing written, when the
    username or email is taken."""
    try:
        create_agent(agent, password_hash)
    except ConditionFailed as failed:
        taken = {username_key(agent.username), *([email_key(agent.email)] if agent.email else [])}
        if failed.keys & taken:
            return False
        raise
    return True


def add_membership(agent: Agent, site_id: str) -> Agent:
    """1 TransactWriteItems: the membership row + the agent's site list (the domain decided).
    ConditionFailed naming `agent_key` when the agent is gone."""
    with transaction() as tx:
        add_membership_to(tx, agent, site_id)
    return replace(agent, site_ids=(*agent.site_ids, site_id))


def add_membership_to(tx: Any, agent: Agent, site_id: str) -> None:
    """The two writes of a membership, as part of a larger transaction (store/invitations.py)."""
    tx.save(_member_item(site_id, agent))
    tx.update(AgentItem(*AgentItem.key(agent.agent_id)),
              actions=[AgentItem.site_ids.set((AgentItem.site_ids | []).append([site_id]))],
              condition=AgentItem.pk.exists())


def remove_membership(agent: Agent, site_id: str) -> Agent:
    """1 TransactWriteItems: the membership row goes, the agent's site list shrinks.
    ConditionFailed naming `agent_key` when the agent is gone."""
    remaining = [s for s in agent.site_ids if s != site_id]
    with transaction() as tx:
        tx.delete(SiteMemberItem(*SiteMemberItem.key(site_id, agent.agent_id)))
        tx.update(AgentItem(*AgentItem.key(agent.agent_id)), actions=[AgentItem.site_ids.set(remaining)],
                  condition=AgentItem.pk.exists())
    return replace(agent, site_ids=tuple(remaining))


def list_members(site_id: str) -> list[SiteMember]:
    """1 Query (per 1 MB page)."""
    pk, _ = SiteItem.key(site_id)
    return [member_of(item) for item in SiteMemberItem.query(pk, SiteMemberItem.sk.startswith("MEMBER#"))]


def set_agent_status(agent: Agent, status: str, seen_at: Any) -> None:
    """1 TransactWriteItems: the agent and its membership rows, so every listing agrees.
    ConditionFailed naming whichever of them is gone."""
    with transaction() as tx:
        tx.update(AgentItem(*AgentItem.key(agent.agent_id)),
                  actions=[AgentItem.status.set(status), AgentItem.last_seen.set(seen_at)],
                  condition=AgentItem.pk.exists())
        for site_id in agent.site_ids:
            tx.update(SiteMemberItem(*SiteMemberItem.key(site_id, agent.agent_id)),
                      actions=[SiteMemberItem.status.set(status), SiteMemberItem.last_seen.set(seen_at)],
                      condition=SiteMemberItem.pk.exists())


def set_password_hash(agent_id: str, password_hash: str) -> None:
    """1 UpdateItem (used to upgrade old hashes on login)."""
    AgentItem(*AgentItem.key(agent_id)).update(actions=[AgentItem.password_hash.set(password_hash)])


def site_and_members(site_id: str, agent_ids: Iterable[str]) -> tuple[Site | None, set[str]]:
    """The site and which of these agents are its members (their membership rows): 1 BatchGetItem
    (per 100 keys). What fan-out checks before it pushes a site's event to agents' connections."""
    keys = [SiteItem.key(site_id)] + [SiteMemberItem.key(site_id, a) for a in dict.fromkeys(agent_ids)]
    site: Site | None = None
    members: set[str] = set()
    for item in ChatItem.batch_get(keys):
        if isinstance(item, SiteItem):
            site = site_of(item)
        elif isinstance(item, SiteMemberItem):
            members.add(item.agent_id)
    return site, members
