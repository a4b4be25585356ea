"""Seed 003 (integrator API, /v1): its timestamp format. Its shapes join here as its routes land."""
from __future__ import annotations

from datetime import datetime

from chalicelib.render.timestamps import utc_seconds


def iso(moment: datetime | str | None) -> str | None:
    """Seed 003's format: UTC, second precision, 'Z' (2026-02-11T14:23:00Z)."""
    return utc_seconds(moment)
