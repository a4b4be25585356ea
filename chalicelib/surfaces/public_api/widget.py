"""Seed 003 Widget Configuration API: GET and PATCH /v1/widget/config (the key's workspace).

PATCH is a partial update checked by domain/widget_rules.py (colour, shape, position, texts up to
500 characters, `domains` host patterns, https `branding.logo_url`; unknown fields 400) and
answers the GET shape. `domains` is the CORS allow-list of the widget's public routes.
"""
from __future__ import annotations

from typing import Any

from chalicelib.domain import sites, widget_rules
from chalicelib.model.identity import ApiKeyPrincipal, Site
from chalicelib.surfaces.http import Call, api_key
from chalicelib.surfaces.public_api import surface

DEFAULTS: dict[str, Any] = {
    "color": "#4F46E5",
    "shape": "rounded",
    "position": "bottom-right",
    "button_text": "Need help?",
    "welcome_message": "Hi! How can we help you?",
    "offline_message": "We're currently offline. Leave a message!",
    "domains": [],
    "branding": {"show_powered_by": True, "logo_url": None},
}


def config_view(site: Site) -> dict[str, Any]:
    """The document's shape, with its defaults for what is unset."""
    config = site.widget_config
    merged = {key: config.get(key, default) for key, default in DEFAULTS.items()}
    if "primary_color" in config and "color" not in config:
        merged["color"] = config["primary_color"]  # 000 calls it primary_color
    merged["branding"] = {**DEFAULTS["branding"], **(config.get("branding") or {})}
    return merged


@surface.route("/v1/widget/config", methods=["GET"], auth=api_key)
def get_config(call: Call, principal: ApiKeyPrincipal) -> dict[str, Any]:
    return config_view(sites.get(principal.site_id))


@surface.route("/v1/widget/config", methods=["PATCH"], auth=api_key)
def update_config(call: Call, principal: ApiKeyPrincipal) -> dict[str, Any]:
    change = widget_rules.validate_patch(call.body())
    return config_view(sites.update_widget_config(principal.site_id, change))
