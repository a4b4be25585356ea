"""Seed 003 Webhooks API (+ what integrators expect: one webhook, update, delete, secret
rotation, a test ping, and the delivery log). API-key auth; a key sees its workspace's only."""
from __future__ import annotations

from typing import Any

from chalicelib import parsing as params
from chalicelib.domain.webhooks import service, signing
from chalicelib.model.errors import ValidationFailed
from chalicelib.model.identity import ApiKeyPrincipal
from chalicelib.model.webhooks import Delivery, Webhook
from chalicelib.surfaces.http import Call, Reply, api_key, publish
from chalicelib.surfaces.public_api import surface
from chalicelib.render.public_api import iso


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


def _description(body: dict[str, Any]) -> str | None:
    return params.text(body, "description", required=False, max_length=500)


@surface.route("/v1/webhooks", methods=["GET"], auth=api_key)
def list_webhooks(call: Call, principal: ApiKeyPrincipal) -> dict[str, Any]:
    return {"data": [webhook_view(w) for w in service.listing(principal)]}


@surface.route("/v1/webhooks", methods=["POST"], auth=api_key)
def create(call: Call, principal: ApiKeyPrincipal) -> Reply:
    body = call.body()
    params.only(body, {"url", "events", "secret", "description"})
    w, secret, show = service.register(principal, params.required_text(body, "url", max_length=2048),
                                            body.get("events"), body.get("secret"), _description(body))
    # A secret we generated (or converted to whsec_ form) is shown this once; one the integrator
    # sent in whsec_ form stays masked, as 003 shows.
    return Reply(webhook_view(w, secret if show else None), status=201)


@surface.route("/v1/webhooks/{webhook_id}", methods=["GET"], auth=api_key)
def get(call: Call, principal: ApiKeyPrincipal, webhook_id: str) -> dict[str, Any]:
    return webhook_view(service.get(principal, webhook_id))


@surface.route("/v1/webhooks/{webhook_id}", methods=["PATCH"], auth=api_key)
def update(call: Call, principal: ApiKeyPrincipal, webhook_id: str) -> dict[str, Any]:
    body = call.body()
    params.only(body, {"url", "events", "active", "description"})
    if not body:
        raise ValidationFailed("nothing to change")
    changes: dict[str, Any] = {}
    if "url" in body:
        changes["url"] = params.required_text(body, "url", max_length=2048)
    if "events" in body:
        changes["events"] = body["events"]
    if "active" in body:
        if not isinstance(body["active"], bool):
            raise ValidationFailed("active must be true or false", {"field": "active"})
        changes["active"] = body["active"]
    if "description" in body:
        changes["description"] = _description(body)
    return webhook_view(service.update(principal, webhook_id, changes))


@surface.route("/v1/webhooks/{webhook_id}", methods=["DELETE"], auth=api_key)
def delete(call: Call, principal: ApiKeyPrincipal, webhook_id: str) -> Reply:
    service.delete(principal, webhook_id)
    return Reply("", status=204)


@surface.route("/v1/webhooks/{webhook_id}/rotate-secret", methods=["POST"], auth=api_key)
def rotate(call: Call, principal: ApiKeyPrincipal, webhook_id: str) -> dict[str, Any]:
    w, secret = service.rotate_secret(principal, webhook_id)
    return {**webhook_view(w, secret), "previous_secret_valid_until": iso(w.previous_secret_until)}


@surface.route("/v1/webhooks/{webhook_id}/test", methods=["POST"], auth=api_key)
def test(call: Call, principal: ApiKeyPrincipal, webhook_id: str) -> Reply:
    event = service.ping(principal, webhook_id)
    publish([event])
    return Reply({"event_id": event.id, "event": "webhook.test", "status": "queued"}, status=202)


@surface.route("/v1/webhooks/{webhook_id}/deliveries", methods=["GET"], auth=api_key)
def deliveries(call: Call, principal: ApiKeyPrincipal, webhook_id: str) -> dict[str, Any]:
    limit = params.integer(call.query, "limit", default=20, minimum=1, maximum=100)
    return {"data": [delivery_view(d) for d in service.deliveries(principal, webhook_id, limit)]}
