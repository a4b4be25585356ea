"""Sites (tenants) and their API keys."""
from __future__ import annotations

import json
import re
from typing import Any

from chalicelib.auth import api_keys as key_format
from chalicelib.domain import connections, suspension, widget_rules
from chalicelib.model.errors import Conflict, NotFound, Unauthorized, ValidationFailed
from chalicelib.model.identity import (
    SITE_STATUSES,
    Agent,
    AgentPrincipal,
    ApiKey,
    ApiKeyPrincipal,
    Principal,
    Site,
    require_site_object,
)
from chalicelib.store import api_keys, tenants
from chalicelib.store.base import ConditionFailed

SITE_ID = re.compile(r"^[a-z0-9][a-z0-9_-]{2,63}$")
WIDGET_FIELDS = {
    "primary_color", "welcome_message", "offline_message", "shape", "position", "button_text", "domains",
    "branding", "color", "language",
}
LANGUAGES = widget_rules.LANGUAGES  # the workspace language of seed 003's error messages
MAX_WIDGET_CONFIG_BYTES = 16 * 1024  # as stored (JSON); keeps the site item far below DynamoDB's 400 KB


def get(site_id: str) -> Site:
    site = tenants.get_site(site_id)
    if site is None:
        raise NotFound("Site not found")
    return site


def visible(principal: Principal, site_id: str) -> Site:
    """A site its caller belongs to; any other is a 404. 1 GetItem."""
    require_site_object(principal, site_id, "Site")
    return get(site_id)


def sees_ai_settings(principal: Principal) -> bool:
    """Agents see a site's AI switches and budget; visitors read its widget settings only."""
    return isinstance(principal, AgentPrincipal)


def of_agent(agent: Agent, page: int, limit: int) -> tuple[list[Site], int]:
    """One page of the agent's sites (in its own order) and how many it has: 1 BatchGetItem."""
    site_ids = list(agent.site_ids)
    return tenants.get_sites(site_ids[(page - 1) * limit : page * limit]), len(site_ids)


def language(site_id: str) -> str:
    """The workspace language of seed 003's error messages ("en" when unset or unknown). 1 GetItem."""
    site = tenants.get_site(site_id)
    return str((site.widget_config if site else {}).get("language", "en"))


def validate_widget_config(config: Any) -> dict[str, Any]:
    if not isinstance(config, dict):
        raise ValidationFailed("widget_config must be an object", {"field": "widget_config"})
    unknown = sorted(set(config) - WIDGET_FIELDS)
    if unknown:
        raise ValidationFailed(f"unknown widget_config fields: {', '.join(unknown)}", {"fields": unknown})
    if "language" in config and config["language"] not in LANGUAGES:
        raise ValidationFailed(f"language must be one of {', '.join(LANGUAGES)}", {"field": "widget_config.language"})
    return bounded_widget_config(config)


def bounded_widget_config(config: dict[str, Any]) -> dict[str, Any]:
    """At most MAX_WIDGET_CONFIG_BYTES once stored: checked on what is sent and on what it is merged into."""
    if len(json.dumps(config)) > MAX_WIDGET_CONFIG_BYTES:
        raise ValidationFailed(f"widget_config must be at most {MAX_WIDGET_CONFIG_BYTES // 1024} KB",
                               {"field": "widget_config"})
    return config


AI_DEFAULTS: dict[str, Any] = {"auto_analysis": True, "monthly_token_budget": None}
MAX_TOKEN_BUDGET = 10_000_000_000


def validate_ai_settings(config: Any) -> dict[str, Any]:
    """A site's AI switches: automatic analysis on/off, and its monthly Bedrock token budget
    (None = the deployment's default, 0 = never call Bedrock)."""
    if not isinstance(config, dict):
        raise ValidationFailed("ai must be an object", {"field": "ai"})
    unknown = sorted(set(config) - set(AI_DEFAULTS))
    if unknown:
        raise ValidationFailed(f"unknown ai fields: {', '.join(unknown)}", {"fields": unknown})
    if "auto_analysis" in config and not isinstance(config["auto_analysis"], bool):
        raise ValidationFailed("ai.auto_analysis must be true or false", {"field": "ai.auto_analysis"})
    budget = config.get("monthly_token_budget")
    if budget is not None and (isinstance(budget, bool) or not isinstance(budget, int)
                               or not 0 <= budget <= MAX_TOKEN_BUDGET):
        raise ValidationFailed("ai.monthly_token_budget must be a whole number of tokens, or null",
                               {"field": "ai.monthly_token_budget"})
    return config


def validate_identity_verification(site_id: str, value: Any) -> bool:
    """On needs the site's identity secret first (domain/visitor_identity.py), else every visitor
    would be locked out. Turning it on costs 1 GetItem; a secret is never removed, only rotated."""
    if not isinstance(value, bool):
        raise ValidationFailed("identity_verification must be true or false", {"field": "identity_verification"})
    if value and not get(site_id).identity_secret_sealed:
        raise ValidationFailed("create the site's identity secret first (POST .../identity-secret)",
                               {"field": "identity_verification"})
    return value


def ai_settings(site: Site) -> dict[str, Any]:
    return {**AI_DEFAULTS, **site.ai_settings}


def create(admin: AgentPrincipal, site_id: str, name: str, domain: str | None,
           widget_config: dict[str, Any]) -> Site:
    if not SITE_ID.match(site_id):
        raise ValidationFailed("site_id must be 3-64 lower-case letters, digits, '_' or '-'", {"field": "site_id"})
    try:
        return tenants.create_site_with_admin(site_id, name, domain, validate_widget_config(widget_config),
                                              admin.agent)
    except ConditionFailed as failed:
        if tenants.site_key(site_id) in failed.keys:
            raise Conflict(f"Site {site_id} already exists") from None
        raise


def update(site_id: str, changes: dict[str, Any]) -> Site:
    """1 UpdateItem, +1 GetItem for each of widget_config and ai (merged into what is stored) and
    for turning identity_verification on. No changes: the site as it is (1 GetItem)."""
    if not changes:
        return get(site_id)
    if "status" in changes and changes["status"] not in SITE_STATUSES:
        raise ValidationFailed(f"status must be one of {', '.join(SITE_STATUSES)}", {"field": "status"})
    if "widget_config" in changes:
        merged = bounded_widget_config({**get(site_id).widget_config,
                                        **validate_widget_config(changes["widget_config"])})
        changes = {**changes, "widget_config": merged}
    if "ai_settings" in changes:
        changes = {**changes, "ai_settings": {**get(site_id).ai_settings,
                                              **validate_ai_settings(changes["ai_settings"])}}
    if "identity_verification" in changes:
        changes = {**changes, "identity_verification": validate_identity_verification(
            site_id, changes["identity_verification"])}
    try:
        site = tenants.update_site(site_id, changes)
    except ConditionFailed:
        raise NotFound("Site not found") from None
    suspension.remember(site)  # this process refuses at once; the others within the cache TTL
    if changes.get("status") == "suspended":
        # Access ends with the suspension: every agent and visitor socket of the site is closed
        # (2 Queries, then per socket 1 Query + 1 batch write + 1 DeleteConnection).
        connections.end_site(site_id)
    return site


def update_widget_config(site_id: str, change: dict[str, Any]) -> Site:
    """Seed 003's PATCH /v1/widget/config: `change` checked by widget_rules.validate_patch, merged
    into what is stored. 1 GetItem + 1 UpdateItem."""
    config = bounded_widget_config(widget_rules.merged(get(site_id).widget_config, change))
    try:
        return tenants.update_site(site_id, {"widget_config": config})
    except ConditionFailed:
        raise NotFound("Site not found") from None


# -- API keys -----------------------------------------------------------------------------------

def create_api_key(site_id: str, name: str, created_by: str, agent_id: str | None = None) -> tuple[ApiKey, str]:
    """(the stored key, the secret shown this once). 1 PutItem (+1 GetItem for `agent_id`: the
    agent of this site the key acts as when it sends chat messages, seed 003)."""
    if agent_id is not None:
        agent = tenants.get_agent(agent_id)
        if agent is None or site_id not in agent.site_ids:
            raise ValidationFailed("agent_id must name an agent of this site", {"field": "agent_id"})
    secret, key_id, key_hash, prefix = key_format.generate()
    return api_keys.create(key_id, key_hash, site_id, name, prefix, created_by, agent_id), secret


def list_api_keys(site_id: str) -> list[ApiKey]:
    """1 Query."""
    return [key for key, _ in api_keys.list_for_site(site_id)]


def revoke_api_key(site_id: str, key_id: str) -> ApiKey:
    """1 Query + 1 UpdateItem (+1 GetItem when it was revoked already: the first revocation stands)."""
    for key, key_hash in api_keys.list_for_site(site_id):
        if key.key_id != key_id:
            continue
        try:
            return api_keys.revoke(key_hash)
        except ConditionFailed:
            stored = api_keys.find_by_hash(key_hash)
            if stored is not None:
                return stored[0]
    raise NotFound("API key not found")


def authenticate_api_key(secret: str) -> ApiKeyPrincipal:
    """1 GetItem (+1 UpdateItem at most once a minute for last_used_at, +1 BatchGetItem of the
    site's status at most once per settings.site_status_cache_seconds). 403 SITE_SUSPENDED for a
    key of a suspended site."""
    if not key_format.looks_like_key(secret):
        raise Unauthorized("Invalid API key")
    presented = key_format.hash_key(secret)
    found = api_keys.find_by_hash(presented)
    if found is None or not key_format.same_hash(found[1], presented):
        raise Unauthorized("Invalid API key")
    key = found[0]
    if not key.active:
        raise Unauthorized("API key has been revoked")
    suspension.require_active(key.site_id)  # cached: +1 GetItem at most once per TTL
    api_keys.touch(presented, key.last_used_at)
    return ApiKeyPrincipal(key=key)
