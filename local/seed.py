"""The demo tenant: one site, its admin and its AI assistant (seed 002's id 5), created when absent."""
from __future__ import annotations

import secrets
import uuid
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from chalicelib.auth.passwords import hash_password
from chalicelib.domain import faqs
from chalicelib.domain.assistant import assistants
from chalicelib.model.identity import Agent
from chalicelib.store import tenants
from chalicelib.store.base import now


@dataclass(frozen=True)
class DemoTenant:
    site_id: str
    admin_username: str
    admin_password: str | None  # None: the admin existed and its password is not known here
    created: bool


# The demo widget's look (seed 003's fields); `domains` gets the demo page's host (its CORS allow-list).
DEMO_WIDGET = {
    "color": "#4F46E5", "shape": "rounded", "position": "bottom-right", "button_text": "Chat with us",
    "welcome_message": "Hi! Ask us anything - a person is here to help.",
    "offline_message": "We are offline right now; leave a message and we will answer by email.",
    "branding": {"show_powered_by": True},
}


def allow_widget_origin(site_id: str, origin: str) -> None:
    """Add the local demo page's host to the site's widget `domains` (kept when already there). A host
    pattern, as seed 003's PATCH /v1/widget/config accepts them: any port of 127.0.0.1, not `localhost`."""
    host = urlsplit(origin).hostname or origin
    site = tenants.get_site(site_id)
    domains = list((site.widget_config if site else {}).get("domains") or [])
    if site is not None and host not in domains:
        tenants.update_site(site_id, {"widget_config": {**site.widget_config, "domains": [*domains, host]}})


def seed_demo(site_id: str, username: str, password: str | None, data_dir: Path | None,
              widget_origin: str | None = None) -> DemoTenant:
    tenants.create_site_if_absent(site_id, name="Parley demo site", domain="http://127.0.0.1:8000",
                                  widget_config=DEMO_WIDGET)
    if widget_origin:
        allow_widget_origin(site_id, widget_origin)
    assistants.ensure_demo(site_id)  # seed 002's "Customer Service Agent", id 5
    faqs.ensure_demo(site_id)  # seed 004's three quick questions
    # LOCAL ONLY: a generated demo password is kept beside the local data so the
    # banner can show it again after a restart. Never used outside `make run`.
    password_file = data_dir / "demo-admin-password" if data_dir else None
    if tenants.find_agent_by_username(username) is not None:
        known = password or (password_file.read_text().strip() if password_file and password_file.exists() else None)
        return DemoTenant(site_id, username, known, created=False)
    chosen = password or secrets.token_urlsafe(12)
    agent = Agent(
        agent_id=f"agent_{uuid.uuid4().hex[:12]}",
        username=username,
        email=f"{username}@demo.parley.local",
        role="admin",
        site_ids=(site_id,),
        status="offline",
        created_at=now(),
    )
    created = tenants.create_agent_if_username_free(agent, hash_password(chosen))
    if created and password is None and password_file is not None:
        password_file.parent.mkdir(parents=True, exist_ok=True)
        password_file.write_text(chosen + "\n")
        password_file.chmod(0o600)
    return DemoTenant(site_id, username, chosen if created else None, created=created)
