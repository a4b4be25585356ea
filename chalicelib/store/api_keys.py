"""API keys: stored by the SHA-256 of the key (the key itself is shown once and never kept)."""
from __future__ import annotations

from datetime import timedelta

from chalicelib.model.identity import ApiKey
from chalicelib.store.base import now, put_if, update_if
from chalicelib.store.models import ApiKeyItem

LAST_USED_GRANULARITY = timedelta(minutes=1)  # write last_used_at at most once a minute per key


def key_of(item: ApiKeyItem) -> ApiKey:
    return ApiKey(
        key_id=item.key_id, site_id=item.site_id, name=item.name, prefix=item.prefix,
        created_at=item.created_at or now(), created_by=item.created_by, last_used_at=item.last_used_at,
        revoked_at=item.revoked_at, agent_id=item.agent_id,
    )


def create(key_id: str, key_hash: str, site_id: str, name: str, prefix: str, created_by: str | None,
           agent_id: str | None = None) -> ApiKey:
    """1 PutItem (a new hash only)."""
    created = now()
    item = ApiKeyItem(
        *ApiKeyItem.key(key_hash), key_id=key_id, key_hash=key_hash, site_id=site_id, name=name, prefix=prefix,
        created_by=created_by, created_at=created, agent_id=agent_id,
        gsi1pk=ApiKeyItem.site_index_key(site_id), gsi1sk=f"{created.isoformat()}#{key_id}",
    )
    put_if(item, ApiKeyItem.pk.does_not_exist())
    return key_of(item)


def find_by_hash(key_hash: str) -> tuple[ApiKey, str] | None:
    """1 GetItem. Returns the key and its stored hash (for a constant-time comparison)."""
    try:
        item = ApiKeyItem.get(*ApiKeyItem.key(key_hash))
    except ApiKeyItem.DoesNotExist:
        return None
    return key_of(item), item.key_hash


def list_for_site(site_id: str) -> list[tuple[ApiKey, str]]:
    """1 Query on gsi1, newest first. (key, hash) pairs; the hash never leaves the server."""
    items = ApiKeyItem.gsi1.query(ApiKeyItem.site_index_key(site_id), scan_index_forward=False)
    return [(key_of(item), item.key_hash) for item in items if isinstance(item, ApiKeyItem)]


def revoke(key_hash: str) -> ApiKey:
    """1 UpdateItem. ConditionFailed when it was revoked already (the first time is kept)."""
    item = ApiKeyItem(*ApiKeyItem.key(key_hash))
    update_if(item, [ApiKeyItem.revoked_at.set(now())], ApiKeyItem.revoked_at.does_not_exist())
    return key_of(item)


def touch(key_hash: str, last_used_at) -> bool:
    """Record use, at most once a minute per key: 0 or 1 UpdateItem. True when written."""
    stamp = now()
    if last_used_at is not None and stamp - last_used_at < LAST_USED_GRANULARITY:
        return False
    ApiKeyItem(*ApiKeyItem.key(key_hash)).update(actions=[ApiKeyItem.last_used_at.set(stamp)])
    return True
