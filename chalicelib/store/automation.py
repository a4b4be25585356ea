"""Seed 003's automation triggers and the once-a-day marks of fired ones (rows in `chats`, see
models.py). A refused conditional write raises store.base.ConditionFailed naming `trigger_key`
or `fired_key`; the domain decides (404, already fired today)."""
from __future__ import annotations

from datetime import timedelta
from typing import Any

from chalicelib.model.automation import Trigger
from chalicelib.store.base import Key, delete_if, now, put_if, update_if
from chalicelib.store.models import TriggerFiredItem, TriggerItem

FIRED_KEPT = timedelta(days=2)  # a day's mark outlives its day; TTL removes it after


def trigger_key(site_id: str, trigger_id: str) -> Key:
    return TriggerItem.key_of(site_id, trigger_id)


def fired_key(site_id: str, visitor_id: str, day: str, trigger_id: str) -> Key:
    return TriggerFiredItem.key_of(site_id, visitor_id, day, trigger_id)


def _of(item: TriggerItem) -> Trigger:
    return Trigger(
        trigger_id=item.trigger_id, site_id=item.site_id, name=item.name, condition=item.condition,
        delay_seconds=int(item.delay_seconds or 0), message=item.message, url_pattern=item.url_pattern,
        active=bool(item.active), created_at=item.created_at or now(), updated_at=item.updated_at,
    )


def create(t: Trigger) -> None:
    """1 PutItem (a new id only)."""
    pk, sk = trigger_key(t.site_id, t.trigger_id)
    put_if(TriggerItem(
        pk=pk, sk=sk, trigger_id=t.trigger_id, site_id=t.site_id, name=t.name, condition=t.condition,
        delay_seconds=t.delay_seconds, message=t.message, url_pattern=t.url_pattern, active=t.active,
        created_at=t.created_at, updated_at=t.created_at,
    ), TriggerItem.pk.does_not_exist())


def get(site_id: str, trigger_id: str) -> Trigger | None:
    """1 GetItem: the key holds the site, so another site's id finds nothing."""
    try:
        return _of(TriggerItem.get(*trigger_key(site_id, trigger_id)))
    except TriggerItem.DoesNotExist:
        return None


def list_for_site(site_id: str) -> list[Trigger]:
    """1 Query (the site's partition), oldest id first."""
    pk = trigger_key(site_id, "")[0]
    return [_of(item) for item in TriggerItem.query(pk, TriggerItem.sk.startswith("TRIGGER#"))
            if isinstance(item, TriggerItem)]


def update(site_id: str, trigger_id: str, changes: dict[str, Any]) -> Trigger:
    """1 UpdateItem (only an existing trigger); ConditionFailed when it does not exist."""
    item = TriggerItem(*trigger_key(site_id, trigger_id))
    actions = [getattr(TriggerItem, name).set(value) for name, value in {**changes, "updated_at": now()}.items()]
    update_if(item, actions, TriggerItem.pk.exists())
    return _of(item)


def delete(site_id: str, trigger_id: str) -> None:
    """1 DeleteItem; ConditionFailed when it does not exist."""
    delete_if(TriggerItem(*trigger_key(site_id, trigger_id)), TriggerItem.pk.exists())


def claim(site_id: str, visitor_id: str, day: str, trigger_id: str) -> None:
    """1 PutItem; ConditionFailed (naming fired_key) when the trigger was claimed already that day."""
    pk, sk = fired_key(site_id, visitor_id, day, trigger_id)
    at = now()
    put_if(TriggerFiredItem(pk=pk, sk=sk, created_at=at, expires_at=at + FIRED_KEPT),
           TriggerFiredItem.pk.does_not_exist())
