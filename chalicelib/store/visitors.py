"""Visitors of a site, keyed by the client-generated visitor_id."""
from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from chalicelib.model.identity import Visitor
from chalicelib.store.base import Key, now, put_if, update_if
from chalicelib.store.models import VisitorItem


def visitor_of(item: VisitorItem) -> Visitor:
    return Visitor(
        site_id=item.site_id, visitor_id=item.visitor_id, id=item.id, name=item.name, email=item.email,
        metadata=dict(item.metadata or {}), status=item.status, first_seen=item.first_seen, last_seen=item.last_seen,
        online_until=item.online_until,
        total_conversations=int(item.total_conversations or 0), unread_count=int(item.unread_count or 0),
        last_message_at=item.last_message_at, phone=item.phone,
    )


def visitor_key(site_id: str, visitor_id: str) -> Key:
    return VisitorItem.key(site_id, visitor_id)


def _seen_sort_key(seen: datetime, visitor_id: str) -> str:
    return f"{seen.isoformat()}#{visitor_id}"


def get_visitor(site_id: str, visitor_id: str) -> Visitor | None:
    """1 GetItem."""
    try:
        return visitor_of(VisitorItem.get(*VisitorItem.key(site_id, visitor_id)))
    except VisitorItem.DoesNotExist:
        return None


def _new_id() -> str:
    return f"visitor_{uuid.uuid4().hex[:16]}"


def create(site_id: str, visitor_id: str, name: str, email: str | None, metadata: dict[str, Any],
           phone: str | None = None) -> Visitor:
    """1 PutItem, only if no visitor has this id on this site. ConditionFailed (naming
    `visitor_key`) when one does: nothing is written, so of two creates of one id one wins."""
    seen = now()
    pk, sk = VisitorItem.key(site_id, visitor_id)
    item = VisitorItem(
        pk=pk, sk=sk, site_id=site_id, visitor_id=visitor_id, id=_new_id(), name=name, email=email, phone=phone,
        metadata=metadata or None, first_seen=seen, last_seen=seen, created_at=seen,
        gsi1pk=VisitorItem.seen_index_key(site_id), gsi1sk=_seen_sort_key(seen, visitor_id),
    )
    put_if(item, VisitorItem.pk.does_not_exist())
    return visitor_of(item)


def register(site_id: str, visitor_id: str, name: str, email: str | None,
             metadata: dict[str, Any], phone: str | None = None) -> tuple[Visitor, bool]:
    """Refresh the visitor, or create it when it does not exist: 1 UpdateItem either way
    (+1 to keep a connected visitor in the active list). (visitor, created).

    Only for a caller the domain has recognised as this visitor (domain/visitor_identity.py):
    it overwrites name, email and metadata. `created` is exact under concurrency: the item's id
    is set only if absent, so only the call whose proposed id was kept created it.
    """
    seen = now()
    proposed = _new_id()
    item = VisitorItem(*VisitorItem.key(site_id, visitor_id))
    actions = [
        VisitorItem.kind.set(VisitorItem),
        VisitorItem.site_id.set(site_id),
        VisitorItem.visitor_id.set(visitor_id),
        VisitorItem.id.set(VisitorItem.id | proposed),
        VisitorItem.first_seen.set(VisitorItem.first_seen | seen),
        VisitorItem.created_at.set(VisitorItem.created_at | seen),
        VisitorItem.name.set(name),
        VisitorItem.last_seen.set(seen),
        VisitorItem.gsi1pk.set(VisitorItem.seen_index_key(site_id)),
        VisitorItem.gsi1sk.set(_seen_sort_key(seen, visitor_id)),
    ]
    if email is not None:
        actions.append(VisitorItem.email.set(email))
    if phone is not None:
        actions.append(VisitorItem.phone.set(phone))
    if metadata:
        actions.append(VisitorItem.metadata.set(metadata))
    item.update(actions=actions)
    if item.status == "online" and item.online_until is not None and item.online_until > seen:
        # Registering again from a connected tab must not drop it from the active list.
        item.update(actions=[VisitorItem.gsi1sk.set(_seen_sort_key(item.online_until, visitor_id))])
    return visitor_of(item), item.id == proposed


def active_since(site_id: str, since: datetime, limit: int = 200) -> list[Visitor]:
    """Visitors seen since `since`, most recent first: 1 Query on gsi1."""
    items = VisitorItem.gsi1.query(
        VisitorItem.seen_index_key(site_id),
        VisitorItem.gsi1sk >= since.isoformat(),
        scan_index_forward=False,
        limit=limit,
    )
    return [visitor_of(item) for item in items if isinstance(item, VisitorItem)]


def set_presence(site_id: str, visitor_id: str, online: bool, online_until: datetime | None) -> Visitor:
    """1 UpdateItem: status, last_seen and the seen-index key move together.

    While online, the seen-index sort key is the end of the presence lease, so
    `active_since` finds connected visitors with the same one Query. ConditionFailed
    (naming `visitor_key`) when the visitor does not exist: nothing is created.
    """
    seen = now()
    item = VisitorItem(*VisitorItem.key(site_id, visitor_id))
    index_moment = online_until if online and online_until is not None else seen
    update_if(item, [
        VisitorItem.status.set("online" if online else "offline"),
        # Offline: the lease ends now, which also tells the REST activity window to stop.
        VisitorItem.online_until.set(online_until if online and online_until is not None else seen),
        VisitorItem.last_seen.set(seen),
        VisitorItem.gsi1sk.set(_seen_sort_key(index_moment, visitor_id)),
    ], VisitorItem.pk.exists())
    return visitor_of(item)


def rename(site_id: str, visitor_id: str, name: str) -> Visitor:
    """1 UpdateItem; ConditionFailed when the visitor does not exist."""
    item = VisitorItem(*VisitorItem.key(site_id, visitor_id))
    update_if(item, [VisitorItem.name.set(name), VisitorItem.last_seen.set(now())], VisitorItem.pk.exists())
    return visitor_of(item)


def get_visitors(site_id: str, visitor_ids: list[str]) -> dict[str, Visitor]:
    """The site's visitors with these ids, by visitor id: 1 BatchGetItem per 100 (missing ones left out)."""
    keys = [VisitorItem.key(site_id, v) for v in dict.fromkeys(visitor_ids)]
    found: dict[str, Visitor] = {}
    for start in range(0, len(keys), 100):
        for item in VisitorItem.batch_get(keys[start : start + 100]):
            found[item.visitor_id] = visitor_of(item)
    return found


def set_contact(site_id: str, visitor_id: str, phone: str | None, metadata: dict[str, Any] | None) -> Visitor:
    """Set the visitor's phone and/or metadata (None leaves one as it is). 1 UpdateItem;
    ConditionFailed when the visitor does not exist."""
    actions = []
    if phone is not None:
        actions.append(VisitorItem.phone.set(phone))
    if metadata is not None:
        actions.append(VisitorItem.metadata.set(metadata) if metadata else VisitorItem.metadata.remove())
    item = VisitorItem(*VisitorItem.key(site_id, visitor_id))
    update_if(item, actions, VisitorItem.pk.exists())
    return visitor_of(item)
