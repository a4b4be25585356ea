"""Seed 004 (bot-first customer flow and agent app): its timestamp format. Its shapes join here
as its routes land."""
from __future__ import annotations

from datetime import datetime

from chalicelib.render.timestamps import utc_seconds


def iso(moment: datetime | str | None) -> str | None:
    """Seed 004 shows no timestamp; it gets the same UTC, second-precision 'Z' as 000 and 003."""
    return utc_seconds(moment)
