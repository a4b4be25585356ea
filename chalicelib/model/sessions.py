"""Agent sessions as values: one per login, holding the refresh-token family (hashes only)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class Session:
    session_id: str
    agent_id: str
    current_hash: str
    used_hashes: tuple[str, ...]
    revoked: bool
    expires_at: datetime | None
