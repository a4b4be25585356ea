"""Sites and agents: the records the demo tenant needs (the identity issue grows this)."""
from __future__ import annotations

from datetime import datetime, timezone

from pynamodb.connection import Connection
from pynamodb.exceptions import PutError, TransactWriteError
from pynamodb.transactions import TransactWrite

from chalicelib.store.models import AgentItem, AgentUsernameItem, SiteItem


def _now() -> datetime:
    return datetime.now(timezone.utc)


def get_site(site_id: str) -> SiteItem | None:
    pk, sk = SiteItem.key(site_id)
    try:
        return SiteItem.get(pk, sk)
    except SiteItem.DoesNotExist:
        return None


def create_site_if_absent(site_id: str, name: str, domain: str | None = None) -> bool:
    """Create the site unless it exists. True when this call created it."""
    pk, sk = SiteItem.key(site_id)
    site = SiteItem(pk=pk, sk=sk, site_id=site_id, name=name, domain=domain, created_at=_now())
    try:
        site.save(condition=SiteItem.pk.does_not_exist())
    except PutError as error:
        if error.cause_response_code == "ConditionalCheckFailedException":
            return False
        raise
    return True


def find_agent_by_username(username: str) -> AgentItem | None:
    pk, sk = AgentUsernameItem.key(username)
    try:
        pointer = AgentUsernameItem.get(pk, sk)
    except AgentUsernameItem.DoesNotExist:
        return None
    agent_pk, agent_sk = AgentItem.key(pointer.agent_id)
    try:
        return AgentItem.get(agent_pk, agent_sk)
    except AgentItem.DoesNotExist:
        return None


def create_agent_if_username_free(agent: AgentItem) -> bool:
    """Write the agent and its username pointer in one transaction; False if the name is taken."""
    agent.pk, agent.sk = AgentItem.key(agent.agent_id)
    agent.created_at = agent.created_at or _now()
    name_pk, name_sk = AgentUsernameItem.key(agent.username)
    pointer = AgentUsernameItem(pk=name_pk, sk=name_sk, agent_id=agent.agent_id, created_at=agent.created_at)
    try:
        with TransactWrite(connection=Connection(region=AgentItem.Meta.region)) as tx:
            tx.save(pointer, condition=AgentUsernameItem.pk.does_not_exist())
            tx.save(agent, condition=AgentItem.pk.does_not_exist())
    except TransactWriteError as error:
        reasons = error.cancellation_reasons or []
        if any(r is not None and r.code == "ConditionalCheckFailed" for r in reasons):
            return False
        raise
    return True
