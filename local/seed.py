"""The demo tenant: one site, its admin and its AI assistant (seed 002's id 5), created when absent."""
from __future__ import annotations

import secrets
import uuid
from dataclasses import dataclass
from pathlib import Path

from chalicelib.auth.passwords import hash_password
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


def seed_demo(site_id: str, username: str, password: str | None, data_dir: Path | None) -> DemoTenant:
    tenants.create_site_if_absent(site_id, name="Parley demo site", domain="http://127.0.0.1:8000")
    assistants.ensure_demo(site_id)  # seed 002's "Customer Service Agent", id 5
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
