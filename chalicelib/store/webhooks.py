"""Webhook endpoints and their delivery log (rows in `chats`, see models.py).

A refused conditional write raises store.base.ConditionFailed naming `webhook_key` or
`delivery_key`; the domain decides (404, a duplicate job, nothing to do)."""
from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from chalicelib.model.webhooks import Delivery, Webhook
from chalicelib.store.base import Key, delete_if, now, put_if, update_if
from chalicelib.store.models import DeliveryItem, WebhookItem

DELIVERY_LOG_DAYS = 30
MAX_LOG_ENTRIES = 20
FINAL = ("delivered", "dead_lettered", "failed", "skipped")


def webhook_key(webhook_id: str) -> Key:
    return WebhookItem.key_of(webhook_id)


def delivery_key(webhook_id: str, event_id: str) -> Key:
    return DeliveryItem.key_of(webhook_id, event_id)


def _of(item: WebhookItem) -> Webhook:
    return Webhook(
        webhook_id=item.webhook_id, site_id=item.site_id, url=item.url, events=tuple(item.events or ()),
        active=bool(item.active), description=item.description, secret_sealed=item.secret_sealed,
        previous_secret_sealed=item.previous_secret_sealed, previous_secret_until=item.previous_secret_until,
        disabled_reason=item.disabled_reason, failing_since=item.failing_since,
        created_at=item.created_at or now(), updated_at=item.updated_at,
    )


def create(w: Webhook) -> None:
    """1 PutItem (new id only)."""
    pk, sk = WebhookItem.key_of(w.webhook_id)
    put_if(WebhookItem(
        pk=pk, sk=sk, webhook_id=w.webhook_id, site_id=w.site_id, url=w.url, events=list(w.events),
        active=w.active, description=w.description, secret_sealed=w.secret_sealed, created_at=w.created_at,
        updated_at=w.created_at, gsi1pk=WebhookItem.site_index_key(w.site_id),
        gsi1sk=f"{w.created_at.isoformat()}#{w.webhook_id}",
    ), WebhookItem.pk.does_not_exist())


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


def update(webhook_id: str, changes: dict[str, Any]) -> Webhook:
    """1 UpdateItem (only an existing webhook); ConditionFailed when it does not exist."""
    item = WebhookItem(*WebhookItem.key_of(webhook_id))
    actions = [getattr(WebhookItem, name).remove() if value is None else getattr(WebhookItem, name).set(value)
               for name, value in {**changes, "updated_at": now()}.items()]
    update_if(item, actions, WebhookItem.pk.exists())
    return _of(item)


def delete(webhook_id: str) -> None:
    """1 DeleteItem; ConditionFailed when it does not exist. Its delivery rows expire on their own (TTL)."""
    delete_if(WebhookItem(*WebhookItem.key_of(webhook_id)), WebhookItem.pk.exists())


def mark_failing(webhook_id: str, at: datetime) -> None:
    """Remember when failures began (only the first since the last success). 1 UpdateItem;
    ConditionFailed when a failure streak was already recorded (or the webhook is gone)."""
    update_if(WebhookItem(*WebhookItem.key_of(webhook_id)), [WebhookItem.failing_since.set(at)],
              WebhookItem.pk.exists() & WebhookItem.failing_since.does_not_exist())


def mark_healthy(webhook_id: str) -> None:
    """A success clears the failure streak. 1 UpdateItem; ConditionFailed when there was none."""
    update_if(WebhookItem(*WebhookItem.key_of(webhook_id)), [WebhookItem.failing_since.remove()],
              WebhookItem.pk.exists() & WebhookItem.failing_since.exists())


def disable(webhook_id: str, reason: str) -> None:
    """1 UpdateItem; ConditionFailed when the webhook is gone."""
    update_if(WebhookItem(*WebhookItem.key_of(webhook_id)),
              [WebhookItem.active.set(False), WebhookItem.disabled_reason.set(reason),
               WebhookItem.updated_at.set(now())], WebhookItem.pk.exists())


# -- deliveries ------------------------------------------------------------------------------------

def claim(webhook_id: str, event_id: str, event_type: str, attempt: int, lease_seconds: float) -> datetime:
    """Take attempt `attempt` of this event's delivery: only if the previous attempt is the last
    one recorded and the delivery is not finished, or if this attempt was taken by a worker that
    has not finished it within `lease_seconds` (it crashed; SQS gave the job to us). A duplicated
    job loses here (ConditionFailed naming `delivery_key`), so an event is never sent twice at once,
    nor again once delivered. Returns when the claim was taken (its lease runs from then). 1 UpdateItem."""
    at = now()
    item = DeliveryItem(*DeliveryItem.key_of(webhook_id, event_id))
    fresh = (DeliveryItem.pk.does_not_exist() if attempt == 1 else
             (DeliveryItem.attempts == attempt - 1) & (DeliveryItem.status == "retrying"))
    abandoned = ((DeliveryItem.attempts == attempt) & (DeliveryItem.status == "pending")
                 & (DeliveryItem.claimed_at < at - timedelta(seconds=lease_seconds)))
    update_if(item, [
        DeliveryItem.kind.set(DeliveryItem), DeliveryItem.webhook_id.set(webhook_id),
        DeliveryItem.event_id.set(event_id), DeliveryItem.event_type.set(event_type),
        DeliveryItem.attempts.set(attempt), DeliveryItem.status.set("pending"), DeliveryItem.claimed_at.set(at),
        DeliveryItem.expires_at.set(at + timedelta(days=DELIVERY_LOG_DAYS)),
    ], fresh | abandoned)
    return at


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


def deliveries(webhook_id: str, limit: int) -> list[Delivery]:
    """The latest `limit` deliveries, newest first: 1 Query."""
    pk, _ = WebhookItem.key_of(webhook_id)
    return [Delivery(item.event_id, item.event_type, item.status, int(item.attempts or 0),
                     list(item.log or [])[-MAX_LOG_ENTRIES:], item.next_retry_at, item.delivered_at)
            for item in DeliveryItem.query(pk, DeliveryItem.sk.startswith("DLV#"), scan_index_forward=False,
                                           limit=limit)]
