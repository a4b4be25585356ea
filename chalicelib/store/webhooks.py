"""Webhook endpoints and their delivery log (rows in `chats`, see models.py)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from pynamodb.exceptions import DeleteError, UpdateError

from chalicelib.store.base import is_condition_failure, now, update_if
from chalicelib.store.models import DeliveryItem, WebhookItem

DELIVERY_LOG_DAYS = 30
MAX_LOG_ENTRIES = 20
FINAL = ("delivered", "dead_lettered", "failed", "skipped")


@dataclass(frozen=True)
class Webhook:
    webhook_id: str
    site_id: str
    url: str
    events: tuple[str, ...]
    active: bool
    description: str | None
    secret_sealed: str
    previous_secret_sealed: str | None
    previous_secret_until: datetime | None
    disabled_reason: str | None
    failing_since: datetime | None
    created_at: datetime
    updated_at: datetime | None


def _of(item: WebhookItem) -> Webhook:
    return Webhook(
        webhook_id=item.webhook_id, site_id=item.site_id, url=item.url, events=tuple(item.events or ()),
        active=bool(item.active), description=item.description, secret_sealed=item.secret_sealed,
        previous_secret_sealed=item.previous_secret_sealed, previous_secret_until=item.previous_secret_until,
        disabled_reason=item.disabled_reason, failing_since=item.failing_since,
        created_at=item.created_at or now(), updated_at=item.updated_at,
    )


def create(w: Webhook) -> None:
    """1 PutItem."""
    pk, sk = WebhookItem.key_of(w.webhook_id)
    WebhookItem(
        pk=pk, sk=sk, webhook_id=w.webhook_id, site_id=w.site_id, url=w.url, events=list(w.events),
        active=w.active, description=w.description, secret_sealed=w.secret_sealed, created_at=w.created_at,
        updated_at=w.created_at, gsi1pk=WebhookItem.site_index_key(w.site_id),
        gsi1sk=f"{w.created_at.isoformat()}#{w.webhook_id}",
    ).save(condition=WebhookItem.pk.does_not_exist())


def get(webhook_id: str) -> Webhook | None:
    """1 GetItem."""
    try:
        return _of(WebhookItem.get(*WebhookItem.key_of(webhook_id)))
    except WebhookItem.DoesNotExist:
        return None


def list_for_site(site_id: str) -> list[Webhook]:
    """1 Query on gsi1, oldest first."""
    return [_of(item) for item in WebhookItem.gsi1.query(WebhookItem.site_index_key(site_id))
            if isinstance(item, WebhookItem)]


def update(webhook_id: str, changes: dict[str, Any]) -> Webhook | None:
    """1 UpdateItem (only an existing webhook); None when it does not exist."""
    item = WebhookItem(*WebhookItem.key_of(webhook_id))
    actions = [getattr(WebhookItem, name).remove() if value is None else getattr(WebhookItem, name).set(value)
               for name, value in {**changes, "updated_at": now()}.items()]
    try:
        item.update(actions=actions, condition=WebhookItem.pk.exists())
    except UpdateError as error:
        if is_condition_failure(error):
            return None
        raise
    return _of(item)


def delete(webhook_id: str) -> bool:
    """1 DeleteItem. Its delivery rows expire on their own (TTL)."""
    try:
        WebhookItem(*WebhookItem.key_of(webhook_id)).delete(condition=WebhookItem.pk.exists())
    except DeleteError as error:
        if is_condition_failure(error):
            return False
        raise
    return True


def mark_failing(webhook_id: str, at: datetime) -> None:
    """Remember when failures began (only the first since the last success). 1 UpdateItem."""
    update_if(WebhookItem(*WebhookItem.key_of(webhook_id)), [WebhookItem.failing_since.set(at)],
              WebhookItem.pk.exists() & WebhookItem.failing_since.does_not_exist())


def mark_healthy(webhook_id: str) -> None:
    """A success clears the failure streak. 1 UpdateItem, only when there was one."""
    update_if(WebhookItem(*WebhookItem.key_of(webhook_id)), [WebhookItem.failing_since.remove()],
              WebhookItem.pk.exists() & WebhookItem.failing_since.exists())


def disable(webhook_id: str, reason: str) -> None:
    update_if(WebhookItem(*WebhookItem.key_of(webhook_id)),
              [WebhookItem.active.set(False), WebhookItem.disabled_reason.set(reason),
               WebhookItem.updated_at.set(now())], WebhookItem.pk.exists())


# -- deliveries ------------------------------------------------------------------------------------

def claim(webhook_id: str, event_id: str, event_type: str, attempt: int, lease_seconds: float) -> bool:
    """Take attempt `attempt` of this event's delivery: only if the previous attempt is the last
    one recorded and the delivery is not finished, or if this attempt was taken by a worker that
    has not finished it within `lease_seconds` (it crashed; SQS gave the job to us). A duplicated
    job loses here, so an event is never sent twice at once, nor again once delivered. 1 UpdateItem."""
    at = now()
    item = DeliveryItem(*DeliveryItem.key_of(webhook_id, event_id))
    fresh = (DeliveryItem.pk.does_not_exist() if attempt == 1 else
             (DeliveryItem.attempts == attempt - 1) & (DeliveryItem.status == "retrying"))
    abandoned = ((DeliveryItem.attempts == attempt) & (DeliveryItem.status == "pending")
                 & (DeliveryItem.claimed_at < at - timedelta(seconds=lease_seconds)))
    return update_if(item, [
        DeliveryItem.kind.set(DeliveryItem), DeliveryItem.webhook_id.set(webhook_id),
        DeliveryItem.event_id.set(event_id), DeliveryItem.event_type.set(event_type),
        DeliveryItem.attempts.set(attempt), DeliveryItem.status.set("pending"), DeliveryItem.claimed_at.set(at),
        DeliveryItem.expires_at.set(at + timedelta(days=DELIVERY_LOG_DAYS)),
    ], fresh | abandoned)


def record(webhook_id: str, event_id: str, entry: dict[str, Any], status: str,
           next_retry_at: datetime | None) -> None:
    """Append an attempt to the log and set the outcome. 1 UpdateItem."""
    item = DeliveryItem(*DeliveryItem.key_of(webhook_id, event_id))
    actions = [DeliveryItem.status.set(status), DeliveryItem.log.set((DeliveryItem.log | []).append([entry]))]
    actions.append(DeliveryItem.next_retry_at.set(next_retry_at) if next_retry_at
                   else DeliveryItem.next_retry_at.remove())
    if status == "delivered":
        actions.append(DeliveryItem.delivered_at.set(now()))
    item.update(actions=actions)


def skip(webhook_id: str, event_id: str, event_type: str, reason: str) -> None:
    """A delivery that will not be attempted (the webhook was disabled or deleted meanwhile)."""
    item = DeliveryItem(*DeliveryItem.key_of(webhook_id, event_id))
    item.update(actions=[
        DeliveryItem.kind.set(DeliveryItem), DeliveryItem.webhook_id.set(webhook_id),
        DeliveryItem.event_id.set(event_id), DeliveryItem.event_type.set(event_type),
        DeliveryItem.status.set("skipped"),
        DeliveryItem.log.set((DeliveryItem.log | []).append([{"at": now().isoformat(), "error": reason}])),
        DeliveryItem.expires_at.set(now() + timedelta(days=DELIVERY_LOG_DAYS)),
    ])


@dataclass(frozen=True)
class Delivery:
    event_id: str
    event_type: str
    status: str
    attempts: int
    log: list[dict[str, Any]]
    next_retry_at: datetime | None
    delivered_at: datetime | None


def deliveries(webhook_id: str, limit: int) -> list[Delivery]:
    """The latest `limit` deliveries, newest first: 1 Query."""
    pk, _ = WebhookItem.key_of(webhook_id)
    return [Delivery(item.event_id, item.event_type, item.status, int(item.attempts or 0),
                     list(item.log or [])[-MAX_LOG_ENTRIES:], item.next_retry_at, item.delivered_at)
            for item in DeliveryItem.query(pk, DeliveryItem.sk.startswith("DLV#"), scan_index_forward=False,
                                           limit=limit)]
