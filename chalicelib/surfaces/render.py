"""Small rendering helpers shared by surfaces."""
from __future__ import annotations

from datetime import datetime, timezone


def iso(moment: datetime | None) -> str | None:
    """UTC, second precision, 'Z' suffix: 2024-01-20T14:30:00Z."""
    if moment is None:
        return None
    return moment.astimezone(timezone.utc).replace(microsecond=0).isoformat().replace("+00:00", "Z")
