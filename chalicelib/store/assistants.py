"""A site's AI assistants (seed 002's `agent_id`) in DynamoDB. Each function names its requests.

Rows in `chats` (see models.py): SITE#<site> / ASSISTANT#<id:016d>, and the site's last handed-out
id at SITE#<site> / ASSISTANTSEQ. Deleted assistants stay (soft-deleted) so analytics can still
name them and their ids are never handed out again.
"""
from __future__ import annotations

from datetime import datetime
from typing import Any

from chalicelib.model.assistant import Assistant
from chalicelib.store.base import Key, put_if, update_if
from chalicelib.store.models import AssistantItem, AssistantSequenceItem

PREFIX = "ASSISTANT#"


def assistant_key(site_id: str, assistant_id: int) -> Key:
    return AssistantItem.key(site_id, assistant_id)


def assistant_of(item: AssistantItem) -> Assistant:
    return Assistant(
        site_id=item.site_id, assistant_id=int(item.assistant_id), name=item.name, instructions=item.instructions,
        provider=item.provider or "local", model_id=item.model_id, active=bool(item.active),
        created_at=item.created_at, updated_at=item.updated_at or item.created_at, deleted_at=item.deleted_at,
    )


def get(site_id: str, assistant_id: int) -> Assistant | None:
    """1 GetItem."""
    try:
        return assistant_of(AssistantItem.get(*AssistantItem.key(site_id, assistant_id)))
    except AssistantItem.DoesNotExist:
        return None


def of_site(site_id: str) -> list[Assistant]:
    """Every assistant of the site, deleted ones too, by id: 1 Query."""
    pk, _ = AssistantItem.key(site_id, 0)
    return [assistant_of(item) for item in AssistantItem.query(pk, AssistantItem.sk.startswith(PREFIX))
            if isinstance(item, AssistantItem)]


def next_id(site_id: str) -> int:
    """The site's next assistant id: 1 UpdateItem (ADD). Admins create assistants rarely; sends never."""
    item = AssistantSequenceItem(*AssistantSequenceItem.key(site_id))
    item.update(actions=[AssistantSequenceItem.kind.set(AssistantSequenceItem), AssistantSequenceItem.last.add(1)])
    return int(item.last)


def create(assistant: Assistant) -> None:
    """1 PutItem, only where the id is free. ConditionFailed names `assistant_key` when it is taken."""
    a = assistant
    put_if(AssistantItem(*AssistantItem.key(a.site_id, a.assistant_id), site_id=a.site_id,
                         assistant_id=a.assistant_id, name=a.name, instructions=a.instructions, provider=a.provider,
                         model_id=a.model_id, active=a.active, created_at=a.created_at, updated_at=a.updated_at),
           AssistantItem.pk.does_not_exist())


def update(site_id: str, assistant_id: int, changes: dict[str, Any], at: datetime) -> Assistant:
    """1 UpdateItem of the fields named (None removes an optional one), only while the assistant
    exists and is not deleted. ConditionFailed names `assistant_key` otherwise."""
    item = AssistantItem(*AssistantItem.key(site_id, assistant_id))
    actions = [AssistantItem.updated_at.set(at)]
    for name, value in changes.items():
        attribute = getattr(AssistantItem, name)
        actions.append(attribute.remove() if value is None else attribute.set(value))
    update_if(item, actions, AssistantItem.pk.exists() & AssistantItem.deleted_at.does_not_exist())
    return assistant_of(item)


def delete(site_id: str, assistant_id: int, at: datetime) -> Assistant:
    """Soft delete: 1 UpdateItem. ConditionFailed names `assistant_key` when it is missing or gone."""
    item = AssistantItem(*AssistantItem.key(site_id, assistant_id))
    update_if(item, [AssistantItem.deleted_at.set(at), AssistantItem.active.set(False),
                     AssistantItem.updated_at.set(at)],
              AssistantItem.pk.exists() & AssistantItem.deleted_at.does_not_exist())
    return assistant_of(item)
