"""Suspended sites: which sites are closed to their agents, API keys, visitors and widget.

A site's status is read through a small per-process cache, so the paths that never read
the site otherwise (an agent's token, an API key, a visitor's token) pay at most one
BatchGetItem per `settings.site_status_cache_seconds` (30 s by default, 60 s at most)
rather than one per request. A suspension made in this process is seen here at once; in
the other processes (Lambda containers) it is seen at most that many seconds late. The
paths that read the site anyway (visitor registration, visitor sockets, fan-out) check
what they read, fresh.
"""
from __future__ import annotations

import threading
import time
from typing import Iterable

from chalicelib.model.errors import SiteSuspended
from chalicelib.model.identity import Agent, Site
from chalicelib.settings import get_settings
from chalicelib.store import tenants

MAX_CACHED_SITES = 10_000

_clock = time.monotonic  # tests move it
_lock = threading.Lock()
_cache: dict[str, tuple[float, str | None]] = {}  # site_id -> (read at, monotonic; its status or None)


def _remember(site_id: str, status: str | None, at: float) -> None:
    with _lock:
        if len(_cache) >= MAX_CACHED_SITES:
            _cache.clear()
        _cache[site_id] = (at, status)


def remember(site: Site) -> None:
    """What this process just wrote or read: later checks here see it at once."""
    _remember(site.site_id, site.status, _clock())


def reset() -> None:
    """Forget every cached status (tests start each world afresh)."""
    with _lock:
        _cache.clear()


def statuses(site_ids: Iterable[str]) -> dict[str, str | None]:
    """Each site's status (None for a site that does not exist): 0 requests when cached, else
    1 BatchGetItem for the ones that are not."""
    ttl = get_settings().site_status_cache_seconds
    now = _clock()
    wanted = list(dict.fromkeys(site_ids))
    found: dict[str, str | None] = {}
    missing: list[str] = []
    with _lock:
        for site_id in wanted:
            hit = _cache.get(site_id)
            if hit is not None and ttl > 0 and now - hit[0] < ttl:
                found[site_id] = hit[1]
            else:
                missing.append(site_id)
    if missing:
        read = {site.site_id: site.status for site in tenants.get_sites(missing)}
        for site_id in missing:
            found[site_id] = read.get(site_id)
            _remember(site_id, read.get(site_id), now)
    return found


def is_suspended(status: str | None) -> bool:
    return status is not None and status != "active"


def suspended(site_ids: Iterable[str]) -> frozenset[str]:
    """Which of these sites are suspended (cached; see the module's note)."""
    return frozenset(s for s, status in statuses(site_ids).items() if is_suspended(status))


def require_active(site_id: str) -> None:
    """403 SITE_SUSPENDED for a suspended site (cached). An unknown site passes: the caller's own
    lookup answers for it."""
    if site_id in suspended([site_id]):
        raise SiteSuspended()


def require_usable(site: Site) -> None:
    """The same check on a site just read (fresh), which also refreshes the cache. The refusal
    carries the site's widget `offline_message`, when it has one, for the widget to show."""
    remember(site)
    if is_suspended(site.status):
        offline = site.widget_config.get("offline_message")
        raise SiteSuspended(details={"offline_message": offline} if isinstance(offline, str) else None)


def closed_to(agent: Agent) -> frozenset[str]:
    """The agent's suspended sites. A support agent all of whose sites are suspended is refused
    (403 SITE_SUSPENDED); an admin is not, so it can still reach its sites' admin routes and lift
    the suspension (require_admin lets it through; every other site check refuses)."""
    closed = suspended(agent.site_ids) if agent.site_ids else frozenset()
    if closed and agent.role != "admin" and closed >= set(agent.site_ids):
        raise SiteSuspended("This site is suspended" if len(agent.site_ids) == 1 else "Your sites are suspended")
    return closed
