"""Seed 003's automation triggers as values: a site's proactive messages and the job that sends one."""
from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from datetime import datetime

CONDITIONS = ("page_load", "exit_intent", "time_on_page", "returning_visitor")
# What the widget reports (POST /api/v1/visitors/activity, or a frame on the 000 visitor socket).
ACTIVITIES = ("page_view", "exit_intent")


@dataclass(frozen=True)
class Trigger:
    trigger_id: str
    site_id: str
    name: str
    condition: str
    delay_seconds: int
    message: str
    url_pattern: str
    active: bool
    created_at: datetime
    updated_at: datetime | None = None


@dataclass(frozen=True)
class TriggerJob:
    """One trigger to fire for one visitor, sent to the automation queue with the trigger's delay."""

    site_id: str
    visitor_id: str
    trigger_id: str
    day: str  # the UTC day it was claimed for (once per visitor per trigger per day)

    def to_json(self) -> str:
        return json.dumps(asdict(self))

    @classmethod
    def from_json(cls, body: str) -> "TriggerJob":
        data = json.loads(body)
        return cls(site_id=str(data["site_id"]), visitor_id=str(data["visitor_id"]),
                   trigger_id=str(data["trigger_id"]), day=str(data["day"]))
