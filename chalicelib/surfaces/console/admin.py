"""Administration the seed documents assume but do not spell out (/api/v1/admin/...).

Admins (role "admin") manage the sites they belong to: create sites, update
them, create agents and add or remove them, and issue, list and revoke the API
keys integrators use against /v1 (seed 003's "Developer -> API Keys").
"""
from __future__ import annotations

from typing import Any

from chalicelib import parsing as params
from chalicelib.domain import agents, memberships, sites, visitor_identity
from chalicelib.model.identity import ROLES, ApiKey, Principal, require_admin
from chalicelib.surfaces.console import ok, surface
from chalicelib.surfaces.console.auth import user_view
from chalicelib.surfaces.console.sites import site_view
from chalicelib.surfaces.http import Call, Reply, agent
from chalicelib.render.console import iso

SITE_FIELDS = {"name", "domain", "status", "widget_config"}


def key_view(key: ApiKey) -> dict[str, Any]:
    return {
        "id": key.key_id,
        "name": key.name,
        "prefix": key.prefix,
        "created_at": iso(key.created_at),
        "created_by": key.created_by,
        "last_used_at": iso(key.last_used_at),
        "revoked_at": iso(key.revoked_at),
        "active": key.active,
        "agent_id": key.agent_id,
    }


@surface.route("/api/v1/admin/sites", methods=["POST"], auth=agent)
def create_site(call: Call, principal: Principal) -> Reply:
    admin = require_admin(principal)
    body = call.body()
    params.only(body, {"site_id", *SITE_FIELDS} - {"status"})
    site = sites.create(
        admin,
        params.required_text(body, "site_id", max_length=64),
        params.required_text(body, "name", max_length=120),
        params.text(body, "domain", required=False, max_length=255),
        params.mapping(body, "widget_config"),
    )
    return Reply(ok(site_view(site, for_agents=True)), status=201)


@surface.route("/api/v1/admin/sites/{site_id}", methods=["PATCH"], auth=agent)
def update_site(call: Call, principal: Principal, site_id: str) -> dict[str, Any]:
    require_admin(principal, site_id)
    body = call.body()
    params.only(body, SITE_FIELDS | {"ai", "identity_verification"})
    changes: dict[str, Any] = {}
    if "name" in body:
        changes["name"] = params.required_text(body, "name", max_length=120)
    if "domain" in body:
        changes["domain"] = params.text(body, "domain", required=False, max_length=255)
    if "status" in body:
        changes["status"] = params.required_text(body, "status", max_length=32)
    if "widget_config" in body:
        changes["widget_config"] = params.mapping(body, "widget_config")
    if "ai" in body:
        changes["ai_settings"] = params.mapping(body, "ai")
    if "identity_verification" in body:  # a bool, checked by the domain
        changes["identity_verification"] = body["identity_verification"]
    return ok(site_view(sites.update(site_id, changes), for_agents=True))


@surface.route("/api/v1/admin/agents", methods=["POST"], auth=agent)
def create_agent(call: Call, principal: Principal) -> Reply:
    admin = require_admin(principal)
    body = call.body()
    params.only(body, {"username", "password", "email", "name", "role", "site_ids"})
    site_ids = params.string_list(body, "site_ids", required=True, max_items=50)
    memberships.require_staffable(admin, site_ids)
    created = agents.new_agent(
        username=params.required_text(body, "username", max_length=64),
        password=params.secret(body, "password"),
        role=params.choice(body, "role", ROLES, required=False, default="support_agent") or "support_agent",
        site_ids=site_ids,
        email=params.email(body),
        name=params.text(body, "name", required=False, max_length=120),
    )
    return Reply(ok(user_view(created)), status=201)


@surface.route("/api/v1/admin/sites/{site_id}/agents/{agent_id}", methods=["PUT"], auth=agent)
def add_agent_to_site(call: Call, principal: Principal, site_id: str, agent_id: str) -> dict[str, Any]:
    return ok(user_view(memberships.add(principal, site_id, agent_id)))


@surface.route("/api/v1/admin/sites/{site_id}/agents/{agent_id}", methods=["DELETE"], auth=agent)
def remove_agent_from_site(call: Call, principal: Principal, site_id: str, agent_id: str) -> dict[str, Any]:
    return ok(user_view(memberships.remove(principal, site_id, agent_id)))


@surface.route("/api/v1/admin/sites/{site_id}/identity-secret", methods=["POST"], auth=agent)
def rotate_identity_secret(call: Call, principal: Principal, site_id: str) -> Reply:
    """Create or rotate the secret the site's server signs visitor ids with (user_hash); the old
    one stops working at once. The only time it is shown: it is stored encrypted."""
    require_admin(principal, site_id)
    secret = visitor_identity.new_secret(site_id)
    return Reply(ok({"site_id": site_id, "identity_secret": secret,
                     "user_hash": "hex HMAC-SHA256 of visitor_id under identity_secret"}), status=201)


@surface.route("/api/v1/admin/sites/{site_id}/api-keys", methods=["POST"], auth=agent)
def create_api_key(call: Call, principal: Principal, site_id: str) -> Reply:
    admin = require_admin(principal, site_id)
    body = call.body()
    params.only(body, {"name", "agent_id"})
    key, secret = sites.create_api_key(site_id, params.required_text(body, "name", max_length=120), admin.id,
                                       params.text(body, "agent_id", required=False, max_length=64))
    # The only time the key is shown: it is stored as a SHA-256 hash.
    return Reply(ok({**key_view(key), "key": secret}), status=201)


@surface.route("/api/v1/admin/sites/{site_id}/api-keys", methods=["GET"], auth=agent)
def list_api_keys(call: Call, principal: Principal, site_id: str) -> dict[str, Any]:
    require_admin(principal, site_id)
    return ok({"api_keys": [key_view(k) for k in sites.list_api_keys(site_id)]})


@surface.route("/api/v1/admin/sites/{site_id}/api-keys/{key_id}", methods=["DELETE"], auth=agent)
def revoke_api_key(call: Call, principal: Principal, site_id: str, key_id: str) -> dict[str, Any]:
    require_admin(principal, site_id)
    return ok(key_view(sites.revoke_api_key(site_id, key_id)))
