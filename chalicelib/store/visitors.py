"""Visitors of a site, keyed by the client-generated visitor_id."""
from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from pynamodb.exceptions import PutError

from chalicelib.domain.identity import Visitor
from chalicelib.store.base import is_condition_failure, now
from chalicelib.store.models import VisitorItem


def visitor_of(item: VisitorItem) -> Visitor:
    return Visitor(
        site_id=item.site_id, visitor_id=item.visitor_id, id=item.id, name=item.name, email=item.email,
        metadata=dict(item.metadata or {}), status=item.status, first_seen=item.first_seen, last_seen=item.last_seen,
        total_conversations=int(item.total_conversations or 0), unread_count=int(item.unread_count or 0),
        last_message_at=item.last_message_at,
    )


def _seen_sort_key(seen: datetime, visitor_id: str) -> str:
    return f"{seen.isoformat()}#{visitor_id}"


def get_visitor(site_id: str, visitor_id: str) -> Visitor | None:
    """1 GetItem."""
    try:
        return visitor_of(VisitorItem.get(*VisitorItem.key(site_id, visitor_id)))
    except VisitorItem.DoesNotExist:
        return None


def register(site_id: str, visitor_id: str, name: str, email: str | None,
             metadata: dict[str, Any]) -> tuple[Visitor, bool]:
    """Create the visitor, or refresh the one that exists. (visitor, created).

    New: 1 conditional PutItem. Existing: that PutItem fails, then 1 UpdateItem.
    """
    seen = now()
    pk, sk = VisitorItem.key(site_id, visitor_id)
    item = VisitorItem(
        pk=pk, sk=sk, site_id=site_id, visitor_id=visitor_id, id=f"visitor_{uuid.uuid4().hex[:16]}", name=name,
        email=email, metadata=metadata, first_seen=seen, last_seen=seen, created_at=seen,
        gsi1pk=VisitorItem.seen_index_key(site_id), gsi1sk=_seen_sort_key(seen, visitor_id),
    )
    try:
        item.save(condition=VisitorItem.pk.does_not_exist())
        return visitor_of(item), True
    except PutError as error:
        if not is_condition_failure(error):
            raise
    existing = VisitorItem(pk, sk)
    actions = [
        VisitorItem.name.set(name),
        VisitorItem.last_seen.set(seen),
        VisitorItem.gsi1sk.set(_seen_sort_key(seen, visitor_id)),
    ]
    if email is not None:
        actions.append(VisitorItem.email.set(email))
    if metadata:
        actions.append(VisitorItem.metadata.set(metadata))
    existing.update(actions=actions)
    return visitor_of(existing), False


def active_since(site_id: str, since: datetime, limit: int = 200) -> list[Visitor]:
    """Visitors seen since `since`, most recent first: 1 Query on gsi1."""
    items = VisitorItem.gsi1.query(
        VisitorItem.seen_index_key(site_id),
        VisitorItem.gsi1sk >= since.isoformat(),
        scan_index_forward=False,
        limit=limit,
    )
    return [visitor_of(item) for item in items if isinstance(item, VisitorItem)]
