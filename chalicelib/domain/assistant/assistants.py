"""A site's AI assistants: its admins manage them (/api/v1/admin/sites/{site_id}/assistants), end
users talk to the usable ones (active, not deleted) by id (seed 002's `agent_id`)."""
from __future__ import annotations

from typing import Any

from chalicelib.model.assistant import PROVIDERS, Assistant
from chalicelib.model.errors import NotFound, ServerError, ValidationFailed
from chalicelib.model.identity import Principal, require_admin
from chalicelib.store import assistants as store
from chalicelib.store.base import ConditionFailed, now

MAX_NAME = 120
MAX_INSTRUCTIONS = 4000
MAX_MODEL_ID = 200
FIELDS = ("name", "instructions", "provider", "model_id", "active")
DEMO = {"assistant_id": 5, "name": "Customer Service Agent",
        "instructions": "You are a friendly customer service agent. Help customers with their orders, "
                        "deliveries, returns and questions about the shop. Be brief and polite."}


def _check(fields: dict[str, Any]) -> None:
    if "provider" in fields and fields["provider"] not in PROVIDERS:
        raise ValidationFailed(f"provider must be one of: {', '.join(PROVIDERS)}", {"field": "provider"})


def listed(principal: Principal, site_id: str) -> list[Assistant]:
    """The site's assistants but the deleted ones: 1 Query (admins of the site only)."""
    require_admin(principal, site_id)
    return [a for a in store.of_site(site_id) if a.deleted_at is None]


def create(principal: Principal, site_id: str, name: str, instructions: str | None, provider: str,
           model_id: str | None, active: bool) -> Assistant:
    """1 UpdateItem (the next id) + 1 PutItem; an id taken already (seeded) draws the next one."""
    require_admin(principal, site_id)
    _check({"provider": provider})
    at = now()
    for _ in range(5):
        assistant = Assistant(site_id=site_id, assistant_id=store.next_id(site_id), name=name,
                              instructions=instructions, provider=provider, model_id=model_id, active=active,
                              created_at=at, updated_at=at)
        try:
            store.create(assistant)
            return assistant
        except ConditionFailed as failed:
            if not failed.involves(store.assistant_key(site_id, assistant.assistant_id)):
                raise
    raise ServerError("Could not allocate an assistant id")


def update(principal: Principal, site_id: str, assistant_id: int, changes: dict[str, Any]) -> Assistant:
    """1 UpdateItem of the fields given. A missing or deleted assistant: 404."""
    require_admin(principal, site_id)
    unknown = sorted(set(changes) - set(FIELDS))
    if unknown:
        raise ValidationFailed(f"fields not allowed here: {', '.join(unknown)}", {"fields": unknown})
    _check(changes)
    if not changes:
        return get_for_admin(principal, site_id, assistant_id)
    try:
        return store.update(site_id, assistant_id, changes, now())
    except ConditionFailed:
        raise NotFound("Assistant not found") from None


def delete(principal: Principal, site_id: str, assistant_id: int) -> Assistant:
    """Soft delete (its id is never reused; analytics keep its name): 1 UpdateItem."""
    require_admin(principal, site_id)
    try:
        return store.delete(site_id, assistant_id, now())
    except ConditionFailed:
        raise NotFound("Assistant not found") from None


def get_for_admin(principal: Principal, site_id: str, assistant_id: int) -> Assistant:
    require_admin(principal, site_id)
    assistant = store.get(site_id, assistant_id)
    if assistant is None or assistant.deleted_at is not None:
        raise NotFound("Assistant not found")
    return assistant


def require_usable(assistant: Assistant | None) -> Assistant:
    """An end user may talk to an active, undeleted assistant of its site; otherwise 404."""
    if assistant is None or not assistant.usable:
        raise NotFound("Assistant not found or inactive")
    return assistant


def ensure_demo(site_id: str) -> bool:
    """The demo site's "Customer Service Agent" (id 5), created when absent (local/seed.py), so the
    seed's examples run as written. True when this call created it."""
    at = now()
    demo = Assistant(site_id=site_id, provider="local", model_id=None, active=True, created_at=at, updated_at=at,
                     **DEMO)
    try:
        store.create(demo)
    except ConditionFailed:
        return False
    return True
