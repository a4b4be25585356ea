"""A site's AI assistants (seed 002's `agent_id`), managed by the site's admins in seed 000's envelope:
GET/POST /api/v1/admin/sites/{site_id}/assistants, PATCH/DELETE .../assistants/{agent_id}."""
from __future__ import annotations

from typing import Any

from chalicelib import parsing as params
from chalicelib.domain.assistant import assistants
from chalicelib.model.assistant import PROVIDERS
from chalicelib.model.errors import ValidationFailed
from chalicelib.model.identity import Principal
from chalicelib.render import assistant as shapes
from chalicelib.surfaces.console import ok, surface
from chalicelib.surfaces.http import Call, Reply, agent

BASE = "/api/v1/admin/sites/{site_id}/assistants"


def _assistant_id(value: str) -> int:
    if not value.isascii() or not value.isdigit() or not 0 < int(value) < 2**53:
        raise ValidationFailed("agent_id must be a positive integer", {"field": "agent_id"})
    return int(value)


def _fields(body: dict[str, Any], creating: bool) -> dict[str, Any]:
    params.only(body, set(assistants.FIELDS))
    fields: dict[str, Any] = {}
    if creating or "name" in body:
        fields["name"] = params.required_text(body, "name", max_length=assistants.MAX_NAME)
    if "instructions" in body:
        fields["instructions"] = params.text(body, "instructions", required=False,
                                             max_length=assistants.MAX_INSTRUCTIONS)
    if "provider" in body or creating:
        fields["provider"] = params.choice(body, "provider", PROVIDERS, required=False, default="local")
    if "model_id" in body:
        fields["model_id"] = params.text(body, "model_id", required=False, max_length=assistants.MAX_MODEL_ID)
    if "active" in body or creating:
        active = body.get("active", True)
        if not isinstance(active, bool):
            raise ValidationFailed("active must be true or false", {"field": "active"})
        fields["active"] = active
    return fields


@surface.route(BASE, methods=["GET"], auth=agent)
def list_assistants(call: Call, principal: Principal, site_id: str) -> dict[str, Any]:
    return ok({"assistants": [shapes.assistant(a) for a in assistants.listed(principal, site_id)]})


@surface.route(BASE, methods=["POST"], auth=agent)
def create_assistant(call: Call, principal: Principal, site_id: str) -> Reply:
    fields = _fields(call.body(), creating=True)
    created = assistants.create(principal, site_id, fields["name"], fields.get("instructions"), fields["provider"],
                                fields.get("model_id"), fields["active"])
    return Reply(ok(shapes.assistant(created)), status=201)


@surface.route(BASE + "/{agent_id}", methods=["PATCH"], auth=agent)
def update_assistant(call: Call, principal: Principal, site_id: str, agent_id: str) -> dict[str, Any]:
    aid = _assistant_id(agent_id)
    fields = _fields(call.body(), creating=False)
    return ok(shapes.assistant(assistants.update(principal, site_id, aid, fields)))


@surface.route(BASE + "/{agent_id}", methods=["DELETE"], auth=agent)
def delete_assistant(call: Call, principal: Principal, site_id: str, agent_id: str) -> dict[str, Any]:
    return ok(shapes.assistant(assistants.delete(principal, site_id, _assistant_id(agent_id))))
