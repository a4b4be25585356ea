"""Seed 003 Webhooks API (+ what integrators expect: one webhook, update, delete, secret
rotation, a test ping, and the delivery log). API-key auth; a key sees its workspace's only."""
from __future__ import annotations

from typing import Any

from chalicelib.domain.webhooks import service, signing
from chalicelib.model.errors import ValidationFailed
from chalicelib.model.identity import ApiKeyPrincipal
from chalicelib.model.webhooks import Delivery, Webhook
from chalicelib.render.public_api import iso
from chalicelib.surfaces.contract import UNSET, given
from chalicelib.surfaces.http import Call, Reply, api_key, publish
from chalicelib.surfaces.public_api import surface
from chalicelib.surfaces.public_api.schemas import (DeliveriesQuery, DeliveryList, RotatedWebhook, WebhookChanges,
                                                    WebhookCreate, WebhookList, WebhookTest)
from chalicelib.surfaces.public_api.schemas import Webhook as WebhookOut


def webhook_view(w: Webhook, secret: str | None = None) -> dict[str, Any]:
    """The secret appears in full only in the answer that created it; otherwise masked."""
    return {
        "id": w.webhook_id, "url": w.url, "events": list(w.events), "active": w.active,
        "secret": secret or signing.MASKED, "description": w.description,
        "disabled_reason": w.disabled_reason, "created_at": iso(w.created_at), "updated_at": iso(w.updated_at),
    }


def delivery_view(d: Delivery) -> dict[str, Any]:
    last = d.log[-1] if d.log else {}
    return {
        "event_id": d.event_id, "event": d.event_type, "status": d.status, "attempts": d.attempts,
        "status_code": last.get("status_code"), "duration_ms": last.get("duration_ms"), "error": last.get("error"),
        "next_retry_at": iso(d.next_retry_at), "delivered_at": iso(d.delivered_at), "log": d.log,
    }


def _description(value: str | None) -> str | None:
    """Blank is no description (surrounding blanks were always dropped)."""
    return (value or "").strip() or None


@surface.route("/v1/webhooks", methods=["GET"], auth=api_key, responses={200: WebhookList})
def list_webhooks(call: Call, principal: ApiKeyPrincipal) -> dict[str, Any]:
    """List the workspace's webhooks (secrets masked)"""
    return {"data": [webhook_view(w) for w in service.listing(principal)]}


@surface.route("/v1/webhooks", methods=["POST"], auth=api_key, body=WebhookCreate, responses={201: WebhookOut},
               errors=(409,))
def create(call: Call, principal: ApiKeyPrincipal, body: WebhookCreate) -> Reply:
    """Register a webhook for some events

    Deliveries are signed (Standard Webhooks: webhook-id, webhook-timestamp, webhook-signature) with the
    secret, shown in full in this answer only when it was generated or converted to its whsec_ form.
    A workspace has at most 20 webhooks (409)."""
    secret = None if body.secret is UNSET else body.secret
    description = None if body.description is UNSET else _description(body.description)
    w, secret, show = service.register(principal, body.url.strip(), list(body.events), secret, description)
    # A secret we generated (or converted to whsec_ form) is shown this once; one the integrator
    # sent in whsec_ form stays masked, as 003 shows.
    return Reply(webhook_view(w, secret if show else None), status=201)


@surface.route("/v1/webhooks/{webhook_id}", methods=["GET"], auth=api_key, responses={200: WebhookOut})
def get(call: Call, principal: ApiKeyPrincipal, webhook_id: str) -> dict[str, Any]:
    """One webhook (secret masked), with why it was disabled if it was"""
    return webhook_view(service.get(principal, webhook_id))


@surface.route("/v1/webhooks/{webhook_id}", methods=["PATCH"], auth=api_key, body=WebhookChanges,
               responses={200: WebhookOut})
def update(call: Call, principal: ApiKeyPrincipal, webhook_id: str, body: WebhookChanges) -> dict[str, Any]:
    """Change a webhook's URL, events, description, or turn it off and on"""
    changes = given(body)
    if not changes:
        raise ValidationFailed("nothing to change")
    if "url" in changes:
        changes["url"] = changes["url"].strip()
    if "description" in changes:
        changes["description"] = _description(changes["description"])
    return webhook_view(service.update(principal, webhook_id, changes))


@surface.route("/v1/webhooks/{webhook_id}", methods=["DELETE"], auth=api_key, responses={204: None})
def delete(call: Call, principal: ApiKeyPrincipal, webhook_id: str) -> Reply:
    """Delete a webhook (its pending deliveries are skipped)"""
    service.delete(principal, webhook_id)
    return Reply("", status=204)


@surface.route("/v1/webhooks/{webhook_id}/rotate-secret", methods=["POST"], auth=api_key,
               responses={200: RotatedWebhook})
def rotate(call: Call, principal: ApiKeyPrincipal, webhook_id: str) -> dict[str, Any]:
    """A new signing secret, shown once; the old one keeps signing too until previous_secret_valid_until"""
    w, secret = service.rotate_secret(principal, webhook_id)
    return {**webhook_view(w, secret), "previous_secret_valid_until": iso(w.previous_secret_until)}


@surface.route("/v1/webhooks/{webhook_id}/test", methods=["POST"], auth=api_key, responses={202: WebhookTest})
def test(call: Call, principal: ApiKeyPrincipal, webhook_id: str) -> Reply:
    """Queue a webhook.test event to this webhook (even when it is disabled)"""
    event = service.ping(principal, webhook_id)
    publish([event])
    return Reply({"event_id": event.id, "event": "webhook.test", "status": "queued"}, status=202)


@surface.route("/v1/webhooks/{webhook_id}/deliveries", methods=["GET"], auth=api_key, query=DeliveriesQuery,
               responses={200: DeliveryList})
def deliveries(call: Call, principal: ApiKeyPrincipal, webhook_id: str, query: DeliveriesQuery) -> dict[str, Any]:
    """The webhook's latest deliveries, newest first, each with its attempts"""
    return {"data": [delivery_view(d) for d in service.deliveries(principal, webhook_id, query.limit)]}
