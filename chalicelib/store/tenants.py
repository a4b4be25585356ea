"""Sites, agents and who belongs where. Returns domain objects, never PynamoDB items.

DynamoDB requests per call are noted on each function.
"""
from __future__ import annotations

from typing import Any, Iterable

from pynamodb.exceptions import PutError, TransactWriteError, UpdateError

from chalicelib.model.errors import Conflict, NotFound
from chalicelib.model.identity import Agent, Site, SiteMember
from chalicelib.store.base import failed_conditions, is_condition_failure, now, transaction
from chalicelib.store.models import (
    AgentEmailItem,
    AgentItem,
    AgentUsernameItem,
    ChatItem,
    SiteItem,
    SiteMemberItem,
)


# -- mapping ------------------------------------------------------------------------------------

def site_of(item: SiteItem) -> Site:
    return Site(
        site_id=item.site_id, name=item.name, domain=item.domain, status=item.status,
        widget_config=dict(item.widget_config or {}), created_at=item.created_at or now(),
        active_conversations=int(item.active_conversations or 0), ai_settings=dict(item.ai_settings or {}),
    )


def agent_of(item: AgentItem) -> Agent:
    return Agent(
        agent_id=item.agent_id, username=item.username, email=item.email, role=item.role,
        site_ids=tuple(item.site_ids or ()), status=item.status, created_at=item.created_at or now(),
        last_seen=item.last_seen, name=item.name,
    )


def member_of(item: SiteMemberItem) -> SiteMember:
    return SiteMember(
        site_id=item.site_id, agent_id=item.agent_id, username=item.username, email=item.email, role=item.role,
        status=item.status, last_seen=item.last_seen, active_conversations=int(item.active_conversations or 0),
        name=item.name,
    )


def _member_item(site_id: str, agent: AgentItem) -> SiteMemberItem:
    pk, sk = SiteMemberItem.key(site_id, agent.agent_id)
    return SiteMemberItem(
        pk=pk, sk=sk, site_id=site_id, agent_id=agent.agent_id, username=agent.username, email=agent.email,
        name=agent.name, role=agent.role, status=agent.status, last_seen=agent.last_seen, created_at=now(),
    )


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
    """1 PutItem (conditional). True when this call created it."""
    pk, sk = SiteItem.key(site_id)
    site = SiteItem(pk=pk, sk=sk, site_id=site_id, name=name, domain=domain, widget_config=widget_config or {},
                    created_at=now())
    try:
        site.save(condition=SiteItem.pk.does_not_exist())
    except PutError as error:
        if is_condition_failure(error):
            return False
        raise
    return True


def create_site_with_admin(site_id: str, name: str, domain: str | None, widget_config: dict[str, Any],
                           admin_id: str) -> Site:
    """1 TransactWriteItems: the site, the admin's membership, the admin's site list. 409 if the id is taken."""
    admin = AgentItem.get(*AgentItem.key(admin_id))
    pk, sk = SiteItem.key(site_id)
    created = now()
    site = SiteItem(pk=pk, sk=sk, site_id=site_id, name=name, domain=domain, widget_config=widget_config,
                    created_at=created)
    try:
        with transaction() as tx:
            tx.save(site, condition=SiteItem.pk.does_not_exist())
            tx.save(_member_item(site_id, admin))
            tx.update(admin, actions=[AgentItem.site_ids.set((AgentItem.site_ids | []).append([site_id]))],
                      condition=AgentItem.pk.exists())
    except TransactWriteError as error:
        if 0 in failed_conditions(error):
            raise Conflict(f"Site {site_id} already exists") from None
        raise
    return site_of(site)


def update_site(site_id: str, changes: dict[str, Any]) -> Site:
    """1 UpdateItem (conditional on existence), returns the new site."""
    item = SiteItem(*SiteItem.key(site_id))
    actions = [getattr(SiteItem, field).set(value) for field, value in changes.items()]
    try:
        item.update(actions=actions, condition=SiteItem.pk.exists())
    except UpdateError as error:
        if is_condition_failure(error):
            raise NotFound("Site not found") from None
        raise
    return site_of(item)


# -- agents -------------------------------------------------------------------------------------

def get_agent(agent_id: str) -> Agent | None:
    """1 GetItem."""
    item = get_agent_item(agent_id)
    return agent_of(item) if item else None


def get_agent_item(agent_id: str) -> AgentItem | None:
    try:
        return AgentItem.get(*AgentItem.key(agent_id))
    except AgentItem.DoesNotExist:
        return None


def find_agent_item(login: str) -> AgentItem | None:
    """By username, or by email when it has an '@'. 2 GetItems (pointer, agent)."""
    pointer_model = AgentEmailItem if "@" in login else AgentUsernameItem
    try:
        pointer = pointer_model.get(*pointer_model.key(login))
    except pointer_model.DoesNotExist:
        return None
    return get_agent_item(pointer.agent_id)


def find_agent_by_username(username: str) -> Agent | None:
    item = find_agent_item(username)
    return agent_of(item) if item else None


def create_agent(agent: AgentItem) -> Agent:
    """1 TransactWriteItems: agent, username (and email) pointers, one membership per site.

    Raises Conflict when the username or email is taken.
    """
    agent.pk, agent.sk = AgentItem.key(agent.agent_id)
    agent.created_at = agent.created_at or now()
    name_pointer = AgentUsernameItem(*AgentUsernameItem.key(agent.username), agent_id=agent.agent_id,
                                     created_at=agent.created_at)
    items: list[tuple[ChatItem, Any]] = [(name_pointer, AgentUsernameItem.pk.does_not_exist())]
    if agent.email:
        email_pointer = AgentEmailItem(*AgentEmailItem.key(agent.email), agent_id=agent.agent_id,
                                       created_at=agent.created_at)
        items.append((email_pointer, AgentEmailItem.pk.does_not_exist()))
    items.append((agent, AgentItem.pk.does_not_exist()))
    try:
        with transaction() as tx:
            for item, condition in items:
                tx.save(item, condition=condition)
            for site_id in agent.site_ids:
                tx.save(_member_item(site_id, agent))
    except TransactWriteError as error:
        failed = failed_conditions(error)
        if 0 in failed:
            raise Conflict("Username is already taken", {"field": "username"}) from None
        if failed and agent.email and 1 in failed:
            raise Conflict("Email is already registered", {"field": "email"}) from None
        raise
    return agent_of(agent)


def create_agent_if_username_free(agent: AgentItem) -> bool:
    try:
        create_agent(agent)
    except Conflict:
        return False
    return True


def add_member(site_id: str, agent_id: str) -> Agent:
    """1 GetItem + 1 TransactWriteItems (membership row + the agent's site list)."""
    agent = get_agent_item(agent_id)
    if agent is None:
        raise NotFound("Agent not found")
    if site_id in (agent.site_ids or []):
        return agent_of(agent)
    with transaction() as tx:
        tx.save(_member_item(site_id, agent))
        tx.update(agent, actions=[AgentItem.site_ids.set((AgentItem.site_ids | []).append([site_id]))],
                  condition=AgentItem.pk.exists())
    agent.site_ids = list(agent.site_ids or []) + [site_id]
    return agent_of(agent)


def remove_member(site_id: str, agent_id: str) -> Agent:
    """1 GetItem + 1 TransactWriteItems."""
    agent = get_agent_item(agent_id)
    if agent is None or site_id not in (agent.site_ids or []):
        raise NotFound("Agent not found")
    remaining = [s for s in agent.site_ids if s != site_id]
    with transaction() as tx:
        tx.delete(SiteMemberItem(*SiteMemberItem.key(site_id, agent_id)))
        tx.update(agent, actions=[AgentItem.site_ids.set(remaining)], condition=AgentItem.pk.exists())
    agent.site_ids = remaining
    return agent_of(agent)


def list_members(site_id: str) -> list[SiteMember]:
    """1 Query (per 1 MB page)."""
    pk, _ = SiteItem.key(site_id)
    return [member_of(item) for item in SiteMemberItem.query(pk, SiteMemberItem.sk.startswith("MEMBER#"))]


def set_agent_status(agent: Agent, status: str, seen_at: Any) -> None:
    """1 TransactWriteItems: the agent and its membership rows, so every listing agrees."""
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
