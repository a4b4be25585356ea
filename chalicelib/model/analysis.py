"""AI analysis results as values: a conversation's cached aggregate."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class CachedAnalysis:
    seq: int
    data: dict[str, Any]
    provider: str
