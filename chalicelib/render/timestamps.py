"""Timestamp formats the API documents use; each document's renderer names its own."""
from __future__ import annotations

from datetime import datetime, timezone


def as_utc(moment: datetime | str | None) -> datetime | str | None:
    """The moment in UTC. Accepts an event's ISO string too (events cross SQS as JSON and carry
    microsecond '+00:00' times; the edge renders them); a string that is not a time we wrote is
    returned as given rather than failing a push."""
    if isinstance(moment, str):
        try:
            moment = datetime.fromisoformat(moment)
        except ValueError:
            return moment
    return None if moment is None else moment.astimezone(timezone.utc)


def utc_seconds(moment: datetime | str | None) -> str | None:
    """UTC, second precision, 'Z' suffix: 2024-01-20T14:30:00Z."""
    moment = as_utc(moment)
    if not isinstance(moment, datetime):
        return moment
    return moment.replace(microsecond=0).isoformat().replace("+00:00", "Z")


def utc_millis(moment: datetime | str | None) -> str | None:
    """UTC, millisecond precision, 'Z' suffix: 2025-07-02T12:00:00.000Z."""
    moment = as_utc(moment)
    if not isinstance(moment, datetime):
        return moment
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"
