"""Administration the seed documents assume but do not spell out (/api/v1/admin/...).

Admins (role "admin") manage the sites they belong to: create sites, update
them, create agents and add or remove them, and issue, list and revoke the API
keys integrators use against /v1 (seed 003's "Developer -> API Keys").
"""
from __future__ import annotations

from typing import Any

from chalicelib.domain import agents, memberships, sites, visitor_identity
from chalicelib.model.identity import ApiKey, Principal, require_admin
from chalicelib.surfaces.console import ok, surface
from chalicelib.surfaces.console.auth import user_view
from chalicelib.surfaces.console.schemas import (AgentCreate, ApiKeyCreate, ApiKeyList, ApiKeyOut, IdentitySecret,
                                                 NewApiKey, Ok, SiteChanges, SiteCreate, SiteOut, User, WidgetConfig,
                                                 stripped)
from chalicelib.surfaces.console.sites import site_view
from chalicelib.surfaces.contract import UNSET, given
from chalicelib.surfaces.http import Call, Reply, agent
from chalicelib.render.console import iso


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


@surface.route("/api/v1/admin/sites", methods=["POST"], auth=agent, body=SiteCreate,
               responses={201: Ok[SiteOut]}, errors=(409,))
def create_site(call: Call, principal: Principal, body: SiteCreate) -> Reply:
    """Create a site, with the calling admin as its first agent

    409 when the site_id is taken."""
    admin = require_admin(principal)
    config = given(body.widget_config) if isinstance(body.widget_config, WidgetConfig) else {}
    site = sites.create(admin, body.site_id, body.name.strip(), stripped(body.domain), config)
    return Reply(ok(site_view(site, for_agents=True)), status=201)


@surface.route("/api/v1/admin/sites/{site_id}", methods=["PATCH"], auth=agent, body=SiteChanges,
               responses={200: Ok[SiteOut]})
def update_site(call: Call, principal: Principal, site_id: str, body: SiteChanges) -> dict[str, Any]:
    """Change a site's name, domain, status, widget settings, AI settings or identity verification

    widget_config and ai are merged into what is stored; suspending a site ends its sockets."""
    require_admin(principal, site_id)
    changes: dict[str, Any] = given(body)
    if body.name is not UNSET:
        changes["name"] = body.name.strip()
    if body.domain is not UNSET:
        changes["domain"] = stripped(body.domain)
    for sent, stored in (("widget_config", "widget_config"), ("ai", "ai_settings")):
        if sent in changes:
            changes[stored] = changes.pop(sent) or {}  # null: nothing to merge
    return ok(site_view(sites.update(site_id, changes), for_agents=True))


@surface.route("/api/v1/admin/agents", methods=["POST"], auth=agent, body=AgentCreate,
               responses={201: Ok[User]}, errors=(409,))
def create_agent(call: Call, principal: Principal, body: AgentCreate) -> Reply:
    """Create an agent account on sites the calling admin administers

    409 when the username or email is taken."""
    admin = require_admin(principal)
    memberships.require_staffable(admin, body.site_ids)
    created = agents.new_agent(
        username=body.username.strip(),
        password=body.password,
        role=body.role or "support_agent",
        site_ids=body.site_ids,
        email=stripped(body.email),
        name=stripped(body.name),
    )
    return Reply(ok(user_view(created)), status=201)


@surface.route("/api/v1/admin/sites/{site_id}/agents/{agent_id}", methods=["PUT"], auth=agent,
               responses={200: Ok[User]})
def add_agent_to_site(call: Call, principal: Principal, site_id: str, agent_id: str) -> dict[str, Any]:
    """Add an agent created on one of the admin's sites to this site

    Anyone else joins by invitation; an agent already on the site is left as it is."""
    return ok(user_view(memberships.add(principal, site_id, agent_id)))


@surface.route("/api/v1/admin/sites/{site_id}/agents/{agent_id}", methods=["DELETE"], auth=agent,
               responses={200: Ok[User]})
def remove_agent_from_site(call: Call, principal: Principal, site_id: str, agent_id: str) -> dict[str, Any]:
    """Remove an agent from this site"""
    return ok(user_view(memberships.remove(principal, site_id, agent_id)))


@surface.route("/api/v1/admin/sites/{site_id}/identity-secret", methods=["POST"], auth=agent,
               responses={201: Ok[IdentitySecret]})
def rotate_identity_secret(call: Call, principal: Principal, site_id: str) -> Reply:
    """Create or rotate the site's identity secret

    The secret the site's server signs visitor ids with (user_hash); the old one stops working at once.
    The only time it is shown: it is stored encrypted."""
    require_admin(principal, site_id)
    secret = visitor_identity.new_secret(site_id)
    return Reply(ok({"site_id": site_id, "identity_secret": secret,
                     "user_hash": "hex HMAC-SHA256 of visitor_id under identity_secret"}), status=201)


@surface.route("/api/v1/admin/sites/{site_id}/api-keys", methods=["POST"], auth=agent, body=ApiKeyCreate,
               responses={201: Ok[NewApiKey]})
def create_api_key(call: Call, principal: Principal, site_id: str, body: ApiKeyCreate) -> Reply:
    """Issue an API key for the integrator API (/v1)

    The key is shown in this answer only."""
    admin = require_admin(principal, site_id)
    key, secret = sites.create_api_key(site_id, body.name.strip(), admin.id, stripped(body.agent_id))
    # The only time the key is shown: it is stored as a SHA-256 hash.
    return Reply(ok({**key_view(key), "key": secret}), status=201)


@surface.route("/api/v1/admin/sites/{site_id}/api-keys", methods=["GET"], auth=agent,
               responses={200: Ok[ApiKeyList]})
def list_api_keys(call: Call, principal: Principal, site_id: str) -> dict[str, Any]:
    """The site's API keys (never the keys themselves)"""
    require_admin(principal, site_id)
    return ok({"api_keys": [key_view(k) for k in sites.list_api_keys(site_id)]})


@surface.route("/api/v1/admin/sites/{site_id}/api-keys/{key_id}", methods=["DELETE"], auth=agent,
               responses={200: Ok[ApiKeyOut]})
def revoke_api_key(call: Call, principal: Principal, site_id: str, key_id: str) -> dict[str, Any]:
    """Revoke an API key: it stops working at once"""
    require_admin(principal, site_id)
    return ok(key_view(sites.revoke_api_key(site_id, key_id)))
