"""A site's AI assistants (seed 002's `agent_id`), managed by the site's admins in seed 000's envelope:
GET/POST /api/v1/admin/sites/{site_id}/assistants, PATCH/DELETE .../assistants/{agent_id}."""
from __future__ import annotations

from typing import Any

from chalicelib.domain.assistant import assistants
from chalicelib.model.errors import ValidationFailed
from chalicelib.model.identity import Principal
from chalicelib.render import assistant as shapes
from chalicelib.surfaces.console import ok, surface
from chalicelib.surfaces.console.schemas import (AssistantChanges, AssistantCreate, AssistantList, AssistantOut, Ok,
                                                 stripped)
from chalicelib.surfaces.contract import UNSET, given
from chalicelib.surfaces.http import Call, Reply, agent

BASE = "/api/v1/admin/sites/{site_id}/assistants"


def _assistant_id(value: str) -> int:
    if not value.isascii() or not value.isdigit() or not 0 < int(value) < 2**53:
        raise ValidationFailed("agent_id must be a positive integer", {"field": "agent_id"})
    return int(value)


def _fields(body: AssistantCreate | AssistantChanges) -> dict[str, Any]:
    """The fields sent, as stored: texts trimmed (blank ones are None), a null provider is "local"."""
    fields = given(body)
    if body.name is not UNSET:
        fields["name"] = body.name.strip()
    for name in ("instructions", "model_id"):
        if name in fields:
            fields[name] = stripped(fields[name])
    if "provider" in fields:
        fields["provider"] = fields["provider"] or "local"
    return fields


@surface.route(BASE, methods=["GET"], auth=agent, responses={200: Ok[AssistantList]})
def list_assistants(call: Call, principal: Principal, site_id: str) -> dict[str, Any]:
    """The site's AI assistants"""
    return ok({"assistants": [shapes.assistant(a) for a in assistants.listed(principal, site_id)]})


@surface.route(BASE, methods=["POST"], auth=agent, body=AssistantCreate, responses={201: Ok[AssistantOut]})
def create_assistant(call: Call, principal: Principal, site_id: str, body: AssistantCreate) -> Reply:
    """Create an AI assistant for the site

    provider defaults to local, active to true; model_id left out is the deployment's model."""
    fields = {"provider": "local", "active": True, **_fields(body)}
    created = assistants.create(principal, site_id, fields["name"], fields.get("instructions"), fields["provider"],
                                fields.get("model_id"), fields["active"])
    return Reply(ok(shapes.assistant(created)), status=201)


@surface.route(BASE + "/{agent_id}", methods=["PATCH"], auth=agent, body=AssistantChanges,
               responses={200: Ok[AssistantOut]})
def update_assistant(call: Call, principal: Principal, site_id: str, agent_id: str,
                     body: AssistantChanges) -> dict[str, Any]:
    """Change an assistant's name, instructions, provider, model or whether it is active"""
    aid = _assistant_id(agent_id)
    return ok(shapes.assistant(assistants.update(principal, site_id, aid, _fields(body))))


@surface.route(BASE + "/{agent_id}", methods=["DELETE"], auth=agent, responses={200: Ok[AssistantOut]})
def delete_assistant(call: Call, principal: Principal, site_id: str, agent_id: str) -> dict[str, Any]:
    """Delete an assistant (soft: its id is never reused)"""
    return ok(shapes.assistant(assistants.delete(principal, site_id, _assistant_id(agent_id))))
