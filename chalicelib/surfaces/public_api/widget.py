"""Seed 003 Widget Configuration API: GET and PATCH /v1/widget/config (the key's workspace).

PATCH is a partial update checked by domain/widget_rules.py (colour, shape, position, texts up to
500 characters, `domains` host patterns, https `branding.logo_url`; unknown fields 400) and
answers the GET shape. `domains` is the CORS allow-list of the widget's public routes.
"""
from __future__ import annotations

from typing import Any

from chalicelib.domain import sites, widget_rules
from chalicelib.model.identity import ApiKeyPrincipal, Site
from chalicelib.surfaces.contract import given
from chalicelib.surfaces.http import Call, api_key
from chalicelib.surfaces.public_api import surface
from chalicelib.surfaces.public_api.schemas import WidgetConfig, WidgetConfigChanges

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


def _stored(config: dict[str, Any], key: str, default: Any) -> Any:
    """What is stored under `key` when it has the shape this document promises, else the default: seed
    000's admin route stores widget_config as sent, unchecked beyond its size."""
    value = config.get(key)
    if isinstance(default, str):
        return value if isinstance(value, str) else default
    if isinstance(default, list):
        return value if isinstance(value, list) and all(isinstance(v, str) for v in value) else default
    return value if isinstance(value, type(default)) else default


def config_view(site: Site) -> dict[str, Any]:
    """The document's shape, with its defaults for what is unset."""
    config = site.widget_config
    merged = {key: _stored(config, key, default) for key, default in DEFAULTS.items() if key != "branding"}
    if "color" not in config:
        merged["color"] = _stored(config, "primary_color", DEFAULTS["color"])  # 000 calls it primary_color
    branding = config.get("branding") if isinstance(config.get("branding"), dict) else {}
    logo = branding.get("logo_url")
    merged["branding"] = {"show_powered_by": _stored(branding, "show_powered_by", True),
                          "logo_url": logo if isinstance(logo, str) else None}
    return merged


@surface.route("/v1/widget/config", methods=["GET"], auth=api_key, responses={200: WidgetConfig})
def get_config(call: Call, principal: ApiKeyPrincipal) -> dict[str, Any]:
    """The workspace's widget configuration (defaults for what was never set)"""
    return config_view(sites.get(principal.site_id))


@surface.route("/v1/widget/config", methods=["PATCH"], auth=api_key, body=WidgetConfigChanges,
               responses={200: WidgetConfig})
def update_config(call: Call, principal: ApiKeyPrincipal, body: WidgetConfigChanges) -> dict[str, Any]:
    """Change the widget configuration (the fields sent; branding merges key by key)

    `domains` is the allow-list of the widget's public routes (CORS): host patterns, lower-cased."""
    change = widget_rules.validate_patch(given(body))
    return config_view(sites.update_widget_config(principal.site_id, change))
