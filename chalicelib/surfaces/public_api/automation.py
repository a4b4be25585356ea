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
from chalicelib.surfaces.contract import given
from chalicelib.surfaces.http import Call, Reply, api_key
from chalicelib.surfaces.public_api import surface
from chalicelib.surfaces.public_api.schemas import Trigger as TriggerOut
from chalicelib.surfaces.public_api.schemas import TriggerChanges, TriggerCreate, TriggerList


def trigger_view(t: Trigger) -> dict[str, Any]:
    return {
        "id": t.trigger_id, "name": t.name, "condition": t.condition, "delay_seconds": t.delay_seconds,
        "message": t.message, "active": t.active, "url_pattern": t.url_pattern,
        "created_at": iso(t.created_at), "updated_at": iso(t.updated_at),
    }


@surface.route("/v1/automation/triggers", methods=["GET"], auth=api_key, responses={200: TriggerList})
def list_triggers(call: Call, principal: ApiKeyPrincipal) -> dict[str, Any]:
    """List the workspace's automation triggers"""
    return {"data": [trigger_view(t) for t in automation.listing(principal)]}


@surface.route("/v1/automation/triggers", methods=["POST"], auth=api_key, body=TriggerCreate,
               responses={201: TriggerOut})
def create_trigger(call: Call, principal: ApiKeyPrincipal, body: TriggerCreate) -> Reply:
    """Create a proactive message, sent when a visitor's page view or exit intent sets it off

    Once per visitor and trigger a day, after delay_seconds, and not while the visitor talks to an agent.
    A workspace has at most 50 triggers (400)."""
    return Reply(trigger_view(automation.create(principal, given(body))), status=201)


@surface.route("/v1/automation/triggers/{trigger_id}", methods=["GET"], auth=api_key, responses={200: TriggerOut})
def get_trigger(call: Call, principal: ApiKeyPrincipal, trigger_id: str) -> dict[str, Any]:
    """One trigger"""
    return trigger_view(automation.get(principal, trigger_id))


@surface.route("/v1/automation/triggers/{trigger_id}", methods=["PATCH"], auth=api_key, body=TriggerChanges,
               responses={200: TriggerOut})
def update_trigger(call: Call, principal: ApiKeyPrincipal, trigger_id: str, body: TriggerChanges) -> dict[str, Any]:
    """Change a trigger (the fields sent); active: false pauses it"""
    return trigger_view(automation.update(principal, trigger_id, given(body)))


@surface.route("/v1/automation/triggers/{trigger_id}", methods=["DELETE"], auth=api_key, responses={204: None})
def delete_trigger(call: Call, principal: ApiKeyPrincipal, trigger_id: str) -> Reply:
    """Delete a trigger (queued messages of it are not sent)"""
    automation.delete(principal, trigger_id)
    return Reply("", status=204)
