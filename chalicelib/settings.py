"""The one typed view of Parley's configuration.

Every other module asks `get_settings()`; nothing else reads `os.environ` for
Parley's own keys. AWS endpoints and credentials stay the standard AWS
variables (`AWS_ENDPOINT_URL`, `AWS_REGION`, ...), so the same code runs
against moto locally and against real AWS when deployed.
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from functools import lru_cache
from typing import Mapping

STAGES = ("local", "dev", "prod")


class SettingsError(ValueError):
    """Configuration that cannot work (raised at import, not mid-request)."""


@dataclass(frozen=True)
class Settings:
    stage: str
    region: str
    chats_table: str
    connections_table: str
    files_bucket: str
    queue_prefix: str
    aws_endpoint_url: str | None
    # Where the app posts WebSocket frames (the @connections API). Unset in
    # AWS: it is derived from the event's apiId/stage. The local stack sets it.
    ws_management_endpoint: str | None
    # Test-only handlers (echo WebSocket dialect, echo SQS queue) are mounted
    # only on the local stage and only when asked for.
    test_handlers: bool
    log_level: str

    @property
    def is_local(self) -> bool:
        return self.stage == "local"

    def queue_name(self, short_name: str) -> str:
        """Physical SQS queue name for a logical queue ("analysis" -> "parley-local-analysis")."""
        return f"{self.queue_prefix}{short_name}"


def _flag(value: str | None) -> bool:
    return (value or "").strip().lower() in {"1", "true", "yes", "on"}


def load_settings(env: Mapping[str, str]) -> Settings:
    stage = env.get("PARLEY_STAGE", "local")
    if stage not in STAGES:
        raise SettingsError(f"PARLEY_STAGE must be one of {STAGES}, not {stage!r}")
    region = env.get("AWS_REGION") or env.get("AWS_DEFAULT_REGION") or "us-east-1"
    test_handlers = _flag(env.get("PARLEY_TEST_HANDLERS"))
    if test_handlers and stage != "local":
        raise SettingsError("PARLEY_TEST_HANDLERS is only allowed on the local stage")
    return Settings(
        stage=stage,
        region=region,
        chats_table=env.get("PARLEY_CHATS_TABLE", "chats"),
        connections_table=env.get("PARLEY_CONNECTIONS_TABLE", "connections"),
        files_bucket=env.get("PARLEY_FILES_BUCKET", f"parley-{stage}-files"),
        queue_prefix=env.get("PARLEY_QUEUE_PREFIX", f"parley-{stage}-"),
        aws_endpoint_url=env.get("AWS_ENDPOINT_URL") or None,
        ws_management_endpoint=env.get("PARLEY_WS_MANAGEMENT_ENDPOINT") or None,
        test_handlers=test_handlers,
        log_level=env.get("POWERTOOLS_LOG_LEVEL", "INFO"),
    )


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return load_settings(os.environ)
