"""The one typed view of Parley's configuration.

Every other module asks `get_settings()`; nothing else reads `os.environ` for
Parley's own keys. AWS endpoints and credentials stay the standard AWS
variables (`AWS_ENDPOINT_URL`, `AWS_REGION`, ...), so the same code runs
against moto locally and against real AWS when deployed.
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Mapping

STAGES = ("local", "dev", "prod")


class SettingsError(ValueError):
    """Configuration that cannot work (raised at import, not mid-request)."""


@dataclass(frozen=True)
class RateLimits:
    """Requests per minute per principal and category (seed 000), and seed 003's API-key limits."""

    auth: int = 10
    messages: int = 60
    file_upload: int = 20
    analysis: int = 30
    other: int = 100
    api_key_per_minute: int = 100
    api_key_burst_per_second: int = 20
    enabled: bool = True

    def per_minute(self, category: str) -> int:
        return int(getattr(self, category))


# Standard Webhooks' schedule: now, 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h (about 27.6 hours).
WEBHOOK_RETRY_SCHEDULE = (0, 5, 300, 1800, 7200, 18000, 36000, 36000)


@dataclass(frozen=True)
class WebhookSettings:
    """Delivery: the wait before each attempt (seconds), the request timeout, and when a
    webhook that keeps failing is disabled (docs/webhooks.md)."""

    retry_schedule: tuple[float, ...] = WEBHOOK_RETRY_SCHEDULE
    timeout_seconds: float = 10.0
    disable_after_seconds: int = 5 * 24 * 3600  # failing this long, when an event runs out of attempts
    rotation_overlap_seconds: int = 24 * 3600  # the old secret keeps signing this long after a rotation


def _schedule(env: Mapping[str, str]) -> tuple[float, ...]:
    raw = env.get("PARLEY_WEBHOOK_RETRY_SCHEDULE")
    if not raw:
        return WEBHOOK_RETRY_SCHEDULE
    try:
        steps = tuple(float(step) for step in raw.split(","))
    except ValueError:
        raise SettingsError("PARLEY_WEBHOOK_RETRY_SCHEDULE must be comma-separated seconds") from None
    if not steps or any(step < 0 for step in steps):
        raise SettingsError("PARLEY_WEBHOOK_RETRY_SCHEDULE needs at least one non-negative step")
    return steps


@dataclass(frozen=True)
class FileSettings:
    """Upload limits and link lifetimes (docs/files.md)."""

    max_upload_bytes: int = 10 * 1024 * 1024  # seed 000: 10 MB
    upload_url_seconds: int = 15 * 60  # a presigned upload URL's life
    download_token_seconds: int = 3600  # a download link's life (links are re-signed on every read)
    download_redirect_seconds: int = 60  # the presigned S3 GET a download redirects to


@dataclass(frozen=True)
class AnalysisSettings:
    """Which AI provider analyses messages, and what Bedrock costs (docs/analysis.md)."""

    provider: str = "local"  # local | bedrock
    bedrock_model_id: str = "anthropic.claude-3-haiku-20240307-v1:0"
    bedrock_region: str | None = None  # defaults to the app's region
    # USD per million tokens, for the usage ledger; set them to your model's price.
    input_usd_per_mtok: float = 0.25
    output_usd_per_mtok: float = 1.25
    # Tokens a site may spend on Bedrock per calendar month (UTC) unless its own setting says otherwise.
    monthly_token_budget: int = 2_000_000
    max_output_tokens: int = 600


@dataclass(frozen=True)
class AssistantSettings:
    """Seed 002's AI-assistant chat (docs/api-002-assistant.md)."""

    context_messages: int = 10  # recent messages an AI response reads with include_context
    max_message_chars: int = 4000  # a user's message, and the `message` an AI response answers
    purge_batch: int = 1000  # messages one deletion job removes before handing the rest to the next job
    search_postings: int = 10_000  # index entries a search reads per word at most (a word's newest first)


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
    # Token signing: a secret of >= 32 bytes, from the environment (local, tests)
    # or from Secrets Manager by ARN (deployed stages).
    jwt_secret: str | None
    jwt_secret_arn: str | None
    jwt_issuer: str
    access_token_seconds: int
    refresh_token_seconds: int
    visitor_token_seconds: int
    # Who may call seed 004's POST /api/v1/agent/register: "open" (anyone; the
    # local default) or "admin" (an admin's bearer token; dev/prod default).
    agent_registration: str
    rate_limits: RateLimits
    analysis: AnalysisSettings
    files: FileSettings
    webhooks: WebhookSettings
    # How long one process trusts a site's status (active | suspended) before reading it again: a
    # suspension reaches the entry points that use the cache at most this late (0-60 s).
    site_status_cache_seconds: int = 30
    assistant: AssistantSettings = field(default_factory=AssistantSettings)
    # The chats table's stream (the outbox), PARLEY_CHATS_STREAM_ARN: infra/ sets it. See outbox_stream_arn.
    chats_stream_arn: str | None = None

    @property
    def is_local(self) -> bool:
        return self.stage == "local"

    @property
    def outbox_stream_arn(self) -> str:
        """The stream app.py's outbox consumer reads. `chalice package` imports app.py without the
        variable, so infra/ also sets the mapping's Stream itself; the local stack's stream pump
        finds the stream by the table name in this ARN."""
        return self.chats_stream_arn or \
            f"arn:aws:dynamodb:{self.region}:000000000000:table/{self.chats_table}/stream/local"

    def queue_name(self, short_name: str) -> str:
        """Physical SQS queue name for a logical queue ("analysis" -> "parley-local-analysis")."""
        return f"{self.queue_prefix}{short_name}"


def _flag(value: str | None) -> bool:
    return (value or "").strip().lower() in {"1", "true", "yes", "on"}


def _number(env: Mapping[str, str], key: str, default: float, parse: type, what: str) -> Any:
    raw = env.get(key)
    if raw is None or raw == "":
        return default
    try:
        value = parse(raw)
    except ValueError:
        raise SettingsError(f"{key} must be {what}, not {raw!r}") from None
    if value < 0:
        raise SettingsError(f"{key} must not be negative")
    return value


def _int(env: Mapping[str, str], key: str, default: int) -> int:
    return int(_number(env, key, default, int, "a whole number"))


def _float(env: Mapping[str, str], key: str, default: float) -> float:
    return float(_number(env, key, default, float, "a number"))


def _rate_limits(env: Mapping[str, str]) -> RateLimits:
    defaults = RateLimits()
    return RateLimits(
        auth=_int(env, "PARLEY_RATE_LIMIT_AUTH", defaults.auth),
        messages=_int(env, "PARLEY_RATE_LIMIT_MESSAGES", defaults.messages),
        file_upload=_int(env, "PARLEY_RATE_LIMIT_FILE_UPLOAD", defaults.file_upload),
        analysis=_int(env, "PARLEY_RATE_LIMIT_ANALYSIS", defaults.analysis),
        other=_int(env, "PARLEY_RATE_LIMIT_OTHER", defaults.other),
        api_key_per_minute=_int(env, "PARLEY_RATE_LIMIT_API_KEY", defaults.api_key_per_minute),
        api_key_burst_per_second=_int(env, "PARLEY_RATE_LIMIT_API_KEY_BURST", defaults.api_key_burst_per_second),
        enabled=env.get("PARLEY_RATE_LIMITS", "on").lower() not in {"off", "0", "false"},
    )


def _analysis(env: Mapping[str, str]) -> AnalysisSettings:
    defaults = AnalysisSettings()
    provider = env.get("PARLEY_ANALYSIS_PROVIDER", defaults.provider)
    if provider not in {"local", "bedrock"}:
        raise SettingsError("PARLEY_ANALYSIS_PROVIDER must be 'local' or 'bedrock'")
    return AnalysisSettings(
        provider=provider,
        bedrock_model_id=env.get("PARLEY_BEDROCK_MODEL_ID") or defaults.bedrock_model_id,
        bedrock_region=env.get("PARLEY_BEDROCK_REGION") or None,
        input_usd_per_mtok=_float(env, "PARLEY_BEDROCK_INPUT_USD_PER_MTOK", defaults.input_usd_per_mtok),
        output_usd_per_mtok=_float(env, "PARLEY_BEDROCK_OUTPUT_USD_PER_MTOK", defaults.output_usd_per_mtok),
        monthly_token_budget=_int(env, "PARLEY_ANALYSIS_MONTHLY_TOKENS", defaults.monthly_token_budget),
        max_output_tokens=_int(env, "PARLEY_BEDROCK_MAX_OUTPUT_TOKENS", defaults.max_output_tokens),
    )


def _assistant(env: Mapping[str, str]) -> AssistantSettings:
    defaults = AssistantSettings()
    chosen = AssistantSettings(
        context_messages=_int(env, "PARLEY_ASSISTANT_CONTEXT_MESSAGES", defaults.context_messages),
        max_message_chars=_int(env, "PARLEY_ASSISTANT_MAX_MESSAGE_CHARS", defaults.max_message_chars),
        purge_batch=_int(env, "PARLEY_ASSISTANT_PURGE_BATCH", defaults.purge_batch),
        search_postings=_int(env, "PARLEY_ASSISTANT_SEARCH_MAX_POSTINGS", defaults.search_postings),
    )
    if not 0 <= chosen.context_messages <= 50:
        raise SettingsError("PARLEY_ASSISTANT_CONTEXT_MESSAGES must be 0-50")
    if not 1 <= chosen.max_message_chars <= 100_000:
        raise SettingsError("PARLEY_ASSISTANT_MAX_MESSAGE_CHARS must be 1-100000")
    if chosen.purge_batch < 1 or chosen.search_postings < 1:
        raise SettingsError("PARLEY_ASSISTANT_PURGE_BATCH and PARLEY_ASSISTANT_SEARCH_MAX_POSTINGS must be positive")
    return chosen


def load_settings(env: Mapping[str, str]) -> Settings:
    stage = env.get("PARLEY_STAGE", "local")
    if stage not in STAGES:
        raise SettingsError(f"PARLEY_STAGE must be one of {STAGES}, not {stage!r}")
    region = env.get("AWS_REGION") or env.get("AWS_DEFAULT_REGION") or "us-east-1"
    test_handlers = _flag(env.get("PARLEY_TEST_HANDLERS"))
    if test_handlers and stage != "local":
        raise SettingsError("PARLEY_TEST_HANDLERS is only allowed on the local stage")
    jwt_secret = env.get("PARLEY_JWT_SECRET") or None
    if jwt_secret is not None and len(jwt_secret.encode()) < 32:
        raise SettingsError("PARLEY_JWT_SECRET must be at least 32 bytes")
    site_status_cache_seconds = _int(env, "PARLEY_SITE_STATUS_CACHE_SECONDS", 30)
    if site_status_cache_seconds > 60:
        raise SettingsError("PARLEY_SITE_STATUS_CACHE_SECONDS must be at most 60")
    registration = env.get("PARLEY_AGENT_REGISTRATION", "open" if stage == "local" else "admin")
    if registration not in {"open", "admin"}:
        raise SettingsError("PARLEY_AGENT_REGISTRATION must be 'open' or 'admin'")
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
        jwt_secret=jwt_secret,
        jwt_secret_arn=env.get("PARLEY_JWT_SECRET_ARN") or None,
        jwt_issuer=env.get("PARLEY_JWT_ISSUER", "parley"),
        access_token_seconds=_int(env, "PARLEY_ACCESS_TOKEN_SECONDS", 3600),
        refresh_token_seconds=_int(env, "PARLEY_REFRESH_TOKEN_SECONDS", 30 * 24 * 3600),
        visitor_token_seconds=_int(env, "PARLEY_VISITOR_TOKEN_SECONDS", 24 * 3600),
        agent_registration=registration,
        rate_limits=_rate_limits(env),
        analysis=_analysis(env),
        files=FileSettings(
            max_upload_bytes=_int(env, "PARLEY_MAX_UPLOAD_BYTES", FileSettings.max_upload_bytes),
            upload_url_seconds=_int(env, "PARLEY_UPLOAD_URL_SECONDS", FileSettings.upload_url_seconds),
            download_token_seconds=_int(env, "PARLEY_DOWNLOAD_TOKEN_SECONDS", FileSettings.download_token_seconds),
            download_redirect_seconds=_int(env, "PARLEY_DOWNLOAD_REDIRECT_SECONDS",
                                           FileSettings.download_redirect_seconds),
        ),
        webhooks=WebhookSettings(
            retry_schedule=_schedule(env),
            timeout_seconds=_float(env, "PARLEY_WEBHOOK_TIMEOUT_SECONDS", WebhookSettings.timeout_seconds),
            disable_after_seconds=_int(env, "PARLEY_WEBHOOK_DISABLE_AFTER_SECONDS",
                                       WebhookSettings.disable_after_seconds),
            rotation_overlap_seconds=_int(env, "PARLEY_WEBHOOK_ROTATION_OVERLAP_SECONDS",
                                          WebhookSettings.rotation_overlap_seconds),
        ),
        site_status_cache_seconds=site_status_cache_seconds,
        assistant=_assistant(env),
        chats_stream_arn=env.get("PARLEY_CHATS_STREAM_ARN") or None,
    )


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return load_settings(os.environ)
