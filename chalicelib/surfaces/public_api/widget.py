"""Seed 003 Widget Configuration API: GET /v1/widget/config."""
from __future__ import annotations

from typing import Any

from chalicelib.domain import sites
from chalicelib.model.identity import ApiKeyPrincipal
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


@surface.route("/v1/widget/config", methods=["GET"], auth=api_key)
def get_config(call: Call, principal: ApiKeyPrincipal) -> dict[str, Any]:
    config = sites.get(principal.site_id).widget_config
    merged = {key: config.get(key, default) for key, default in DEFAULTS.items()}
    if "primary_color" in config and "color" not in config:
        merged["color"] = config["primary_color"]  # 000 calls it primary_color
    return merged
