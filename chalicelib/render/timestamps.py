"""Timestamp formats the API documents use; each document's renderer names its own."""
from __future__ import annotations

from datetime import datetime, timezone


def utc_seconds(moment: datetime | str | None) -> str | None:
    """UTC, second precision, 'Z' suffix: 2024-01-20T14:30:00Z. Accepts an event's ISO string too
    (events cross SQS as JSON and carry microsecond '+00:00' times; the edge renders them)."""
    if moment is None:
        return None
    if isinstance(moment, str):
        try:
            moment = datetime.fromisoformat(moment)
        except ValueError:
            return moment  # not a time we wrote: shown as given rather than failing a push
    return moment.astimezone(timezone.utc).replace(microsecond=0).isoformat().replace("+00:00", "Z")
