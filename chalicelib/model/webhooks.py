"""Webhook endpoints and their delivery log entries as values."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any


@dataclass(frozen=True)
class Webhook:
    webhook_id: str
    site_id: str
    url: str
    events: tuple[str, ...]
    active: bool
    description: str | None
    secret_sealed: str
    previous_secret_sealed: str | None
    previous_secret_until: datetime | None
    disabled_reason: str | None
    failing_since: datetime | None
    created_at: datetime
    updated_at: datetime | None


@dataclass(frozen=True)
class Delivery:
    event_id: str
    event_type: str
    status: str
    attempts: int
    log: list[dict[str, Any]]
    next_retry_at: datetime | None
    delivered_at: datetime | None
