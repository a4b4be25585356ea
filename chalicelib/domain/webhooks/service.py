"""Webhooks as integrators use them: registration, secrets, test pings, and delivery.

Delivery (the `webhooks` queue's worker, one job per event and webhook):
1. a job whose time has not come goes back on the queue (SQS delays stop at 15
   minutes; the schedule's longer steps are several hops);
2. the attempt is *claimed* in the delivery log (conditional on the previous
   attempt): a redelivered or duplicated job finds it taken, or the event already
   delivered, and does nothing;
3. the URL passes the SSRF guard again, the body is signed (Standard Webhooks),
   and posted to the checked address with a timeout, no redirects;
4. 2xx: delivered. 410: the webhook is disabled. Anything else: the next attempt
   is queued after the schedule's next step (with jitter); after the last one the
   job goes to the webhooks DLQ, the log says `dead_lettered`, and a webhook that
   has been failing for `disable_after_seconds` is disabled with the reason.
"""
from __future__ import annotations

import json
import math
import random
import secrets
import time
from contextlib import suppress
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any

from chalicelib.model import events as ev
from chalicelib.domain.webhooks import catalogue as rules
from chalicelib.model.errors import Conflict, NotFound, ValidationFailed
from chalicelib.model.identity import ApiKeyPrincipal
from chalicelib.model.webhooks import Delivery, Webhook
from chalicelib.integrations import outbound, queues
from chalicelib.observability import current_request_id, logger
from chalicelib.settings import get_settings
from chalicelib.store import webhooks as store
from chalicelib.store.base import ConditionFailed, now
from chalicelib.domain.webhooks import signing, vault

resolver: outbound.Resolver = outbound.system_resolver  # tests swap in a fake DNS


def _check_url(url: str) -> str:
    try:
        outbound.check(url, allow_loopback_http=get_settings().is_local, resolve=resolver)
    except outbound.UnsafeUrl as error:
        raise ValidationFailed(f"url is not allowed: {error}", {"field": "url"}) from None
    return url.strip()


def _own(principal: ApiKeyPrincipal, webhook_id: str) -> Webhook:
    w = store.get(webhook_id)
    if w is None or not principal.can_access(w.site_id):
        raise NotFound("Webhook not found")
    return w


def _secret(value: Any) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str) or not 16 <= len(value) <= 256:
        raise ValidationFailed("secret must be a string of 16-256 characters", {"field": "secret"})
    try:
        return signing.standard_form(value)
    except signing.NotAStandardSecret as exc:
        raise ValidationFailed(str(exc), {"field": "secret"}) from None


def register(principal: ApiKeyPrincipal, url: str, events: Any, secret: Any,
             description: str | None) -> tuple[Webhook, str, bool]:
    """(webhook, its secret, whether to show it: we generated it, or converted the integrator's
    own to its `whsec_` form). 1 Query (the site's count) + 1 PutItem."""
    chosen = _secret(secret)
    checked_url, wanted = _check_url(url), rules.validate_events(events)
    if len(store.list_for_site(principal.site_id)) >= rules.MAX_WEBHOOKS_PER_SITE:
        raise Conflict(f"A workspace has at most {rules.MAX_WEBHOOKS_PER_SITE} webhooks")
    signing_secret = chosen or signing.new_secret()
    at = now()
    w = Webhook(webhook_id=f"webhook_{secrets.token_hex(8)}", site_id=principal.site_id, url=checked_url,
                events=tuple(wanted), active=True, description=description,
                secret_sealed=vault.seal(signing_secret), previous_secret_sealed=None, previous_secret_until=None,
                disabled_reason=None, failing_since=None, created_at=at, updated_at=at)
    store.create(w)
    return w, signing_secret, chosen is None or chosen != secret


def listing(principal: ApiKeyPrincipal) -> list[Webhook]:
    return store.list_for_site(principal.site_id)


def get(principal: ApiKeyPrincipal, webhook_id: str) -> Webhook:
    return _own(principal, webhook_id)


def update(principal: ApiKeyPrincipal, webhook_id: str, changes: dict[str, Any]) -> Webhook:
    _own(principal, webhook_id)
    fields: dict[str, Any] = {}
    if "url" in changes:
        fields["url"] = _check_url(changes["url"])
    if "events" in changes:
        fields["events"] = rules.validate_events(changes["events"])
    if "description" in changes:
        fields["description"] = changes["description"]
    if "active" in changes:
        fields["active"] = changes["active"]
        if changes["active"]:  # re-enabled by hand: a fresh start
            fields.update(disabled_reason=None, failing_since=None)
    try:
        return store.update(webhook_id, fields)
    except ConditionFailed:  # deleted since it was read
        raise NotFound("Webhook not found") from None


def delete(principal: ApiKeyPrincipal, webhook_id: str) -> None:
    _own(principal, webhook_id)
    try:
        store.delete(webhook_id)
    except ConditionFailed:  # deleted since it was read
        raise NotFound("Webhook not found") from None


def rotate_secret(principal: ApiKeyPrincipal, webhook_id: str) -> tuple[Webhook, str]:
    """A new secret, shown once; the old one keeps signing (both signatures sent) for a day."""
    w = _own(principal, webhook_id)
    fresh = signing.new_secret()
    until = now() + timedelta(seconds=get_settings().webhooks.rotation_overlap_seconds)
    try:
        updated = store.update(webhook_id, {"secret_sealed": vault.seal(fresh),
                                            "previous_secret_sealed": w.secret_sealed,
                                            "previous_secret_until": until})
    except ConditionFailed:  # deleted since it was read
        raise NotFound("Webhook not found") from None
    return updated, fresh


def ping(principal: ApiKeyPrincipal, webhook_id: str) -> ev.Event:
    w = _own(principal, webhook_id)
    return ev.Event(ev.WEBHOOK_PING, w.site_id, {"webhook_id": w.webhook_id})


def deliveries(principal: ApiKeyPrincipal, webhook_id: str, limit: int) -> list[Delivery]:
    _own(principal, webhook_id)
    return store.deliveries(webhook_id, limit)


# -- fan-out: one job per subscribed webhook --------------------------------------------------------

@dataclass(frozen=True)
class Job:
    webhook_id: str
    event_id: str
    event_type: str
    body: str
    attempt: int = 1
    not_before: float = 0.0  # unix seconds

    def to_json(self) -> str:
        return json.dumps(self.__dict__)

    @classmethod
    def from_json(cls, raw: str) -> "Job":
        data = json.loads(raw)
        return cls(webhook_id=str(data["webhook_id"]), event_id=str(data["event_id"]),
                   event_type=str(data["event_type"]), body=str(data["body"]), attempt=int(data["attempt"]),
                   not_before=float(data.get("not_before") or 0))


def jobs_for(event: ev.Event) -> list[Job]:
    """The jobs an event makes: 1 Query for the site's webhooks."""
    name = rules.PUBLIC_NAMES[event.name]
    if event.name == ev.WEBHOOK_PING:
        targets = [w for w in store.list_for_site(event.site_id) if w.webhook_id == event.payload["webhook_id"]]
    else:
        targets = [w for w in store.list_for_site(event.site_id) if w.active and name in w.events]
    if not targets:
        return []
    body = json.dumps(rules.payload(event), separators=(",", ":"))
    return [Job(w.webhook_id, event.id, name, body) for w in targets]


# -- delivery --------------------------------------------------------------------------------------

def _secrets_in_use(w: Webhook, at: datetime) -> list[str]:
    in_use = [vault.open_sealed(w.secret_sealed)]
    if w.previous_secret_sealed and w.previous_secret_until and w.previous_secret_until > at:
        in_use.append(vault.open_sealed(w.previous_secret_sealed))
    return in_use


def _wait(step: float) -> float:
    """A schedule step with +-20% jitter, so a receiver that was down is not hit by a thundering herd."""
    return step * random.uniform(0.8, 1.2)


def _requeue(job: Job, wait: float) -> None:
    # Rounded up: a job must not come back before its time and spin through "waiting".
    queues.send("webhooks", job.to_json(), delay_seconds=min(math.ceil(wait), 900))


def _disable(webhook_id: str, reason: str) -> None:
    with suppress(ConditionFailed):  # deleted meanwhile: nothing left to disable
        store.disable(webhook_id, reason)


def deliver(job: Job) -> str:
    """One attempt of one job. Returns what happened (for logs and tests)."""
    settings = get_settings().webhooks
    remaining = job.not_before - time.time()
    if remaining > 0.5:
        _requeue(job, remaining)
        return "waiting"
    w = store.get(job.webhook_id)
    if w is None or (not w.active and job.event_type != "webhook.test"):
        store.skip(job.webhook_id, job.event_id, job.event_type,
                   "the webhook was deleted" if w is None else f"the webhook is disabled: {w.disabled_reason or ''}")
        return "skipped"
    # The lease outlives a whole attempt (timeout + bookkeeping), and is shorter than the queue's
    # visibility timeout, after which SQS hands a crashed attempt's job to another worker.
    try:
        store.claim(w.webhook_id, job.event_id, job.event_type, job.attempt, settings.timeout_seconds * 3)
    except ConditionFailed:  # another worker holds this attempt, or the event was delivered
        return "duplicate"
    at = now()
    body = job.body.encode()
    try:
        target = outbound.check(w.url, allow_loopback_http=get_settings().is_local, resolve=resolver)
    except outbound.UnsafeUrl as error:
        outcome = outbound.Outcome(None, 0, f"refused by the SSRF guard: {error}")
    else:
        headers = signing.headers(_secrets_in_use(w, at), job.event_id, int(at.timestamp()), body)
        request_id = current_request_id()  # the request that raised the event (workers/batch.py binds it)
        if request_id:
            headers["X-Request-Id"] = request_id
        outcome = outbound.post(target, body, headers, settings.timeout_seconds)
    entry = {"attempt": job.attempt, "at": at.isoformat(), "status_code": outcome.status,
             "duration_ms": outcome.duration_ms, "error": outcome.error}
    if outcome.error is None:
        store.record(w.webhook_id, job.event_id, entry, "delivered", None)
        if w.failing_since:
            with suppress(ConditionFailed):  # another delivery cleared the streak first
                store.mark_healthy(w.webhook_id)
        return "delivered"
    if outcome.status == 410:
        store.record(w.webhook_id, job.event_id, entry, "failed", None)
        _disable(w.webhook_id, "the receiver answered 410 Gone")
        return "gone"
    with suppress(ConditionFailed):  # failing since an earlier attempt: that start is kept
        store.mark_failing(w.webhook_id, at)
    if job.attempt < len(settings.retry_schedule):
        wait = _wait(settings.retry_schedule[job.attempt])
        store.record(w.webhook_id, job.event_id, {**entry, "next_retry_in_s": round(wait, 1)}, "retrying",
                     at + timedelta(seconds=wait))
        _requeue(replace(job, attempt=job.attempt + 1, not_before=time.time() + wait), wait)
        return "retrying"
    store.record(w.webhook_id, job.event_id, {**entry, "dead_lettered": True}, "dead_lettered", None)
    queues.send("webhooks-dlq", job.to_json())
    failing_since = w.failing_since or at
    if (at - failing_since).total_seconds() >= settings.disable_after_seconds:
        reason = (f"failing since {failing_since.isoformat()}; the last event ran out of "
                  f"{len(settings.retry_schedule)} attempts ({outcome.error})")
        _disable(w.webhook_id, reason)
        logger.warning("webhook disabled", extra={"webhook_id": w.webhook_id, "reason": reason})
    return "dead_lettered"
