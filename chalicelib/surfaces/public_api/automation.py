"""Seed 003 Automation API: GET/POST /v1/automation/triggers, PATCH/DELETE .../{trigger_id}.

API-key auth; a key sees its workspace's triggers only (another's id is a 404). How they run
(page views and exit intents reported by the widget, SQS delay, once a day): domain/automation.py.
"""
from __future__ import annotations

from typing import Any

from chalicelib.domain import automation
from chalicelib.model.automation import Trigger
from chalicelib.model.identity import ApiKeyPrincipal
from chalicelib.render.public_api import iso
from chalicelib.surfaces.http import Call, Reply, api_key
from chalicelib.surfaces.public_api import surface


def trigger_view(t: Trigger) -> dict[str, Any]:
    return {
        "id": t.trigger_id, "name": t.name, "condition": t.condition, "delay_seconds": t.delay_seconds,
        "message": t.message, "active": t.active, "url_pattern": t.url_pattern,
        "created_at": iso(t.created_at), "updated_at": iso(t.updated_at),
    }


@surface.route("/v1/automation/triggers", methods=["GET"], auth=api_key)
def list_triggers(call: Call, principal: ApiKeyPrincipal) -> dict[str, Any]:
    return {"data": [trigger_view(t) for t in automation.listing(principal)]}


@surface.route("/v1/automation/triggers", methods=["POST"], auth=api_key)
def create_trigger(call: Call, principal: ApiKeyPrincipal) -> Reply:
    return Reply(trigger_view(automation.create(principal, call.body())), status=201)


@surface.route("/v1/automation/triggers/{trigger_id}", methods=["GET"], auth=api_key)
def get_trigger(call: Call, principal: ApiKeyPrincipal, trigger_id: str) -> dict[str, Any]:
    return trigger_view(automation.get(principal, trigger_id))


@surface.route("/v1/automation/triggers/{trigger_id}", methods=["PATCH"], auth=api_key)
def update_trigger(call: Call, principal: ApiKeyPrincipal, trigger_id: str) -> dict[str, Any]:
    return trigger_view(automation.update(principal, trigger_id, call.body()))


@surface.route("/v1/automation/triggers/{trigger_id}", methods=["DELETE"], auth=api_key)
def delete_trigger(call: Call, principal: ApiKeyPrincipal, trigger_id: str) -> Reply:
    automation.delete(principal, trigger_id)
    return Reply("", status=204)
