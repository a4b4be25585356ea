"""Agents' notifications as values."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any


@dataclass(frozen=True)
class Notification:
    notification_id: str
    agent_id: str
    type: str
    title: str
    message: str
    data: dict[str, Any]
    read: bool
    created_at: datetime
    sort_key: str
