"""Amazon Bedrock's Converse API: one call in, the answer's text and token counts out."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from botocore.config import Config

from chalicelib import clients

# A visitor is waiting on the synchronous endpoint: fail fast and fall back to the local engine.
_CONFIG = Config(connect_timeout=3, read_timeout=20, retries={"max_attempts": 2, "mode": "standard"})


@dataclass(frozen=True)
class Answer:
    text: str
    input_tokens: int
    output_tokens: int
    stop_reason: str | None


def client(region: str) -> Any:
    return clients.client("bedrock-runtime", region=region, config=_CONFIG)


def converse(region: str, model_id: str, system: str, prompt: str, max_tokens: int) -> Answer:
    """One Converse call at temperature 0. Raises botocore errors as they come."""
    response = client(region).converse(
        modelId=model_id,
        system=[{"text": system}],
        messages=[{"role": "user", "content": [{"text": prompt}]}],
        inferenceConfig={"maxTokens": max_tokens, "temperature": 0},
    )
    blocks = response.get("output", {}).get("message", {}).get("content", [])
    usage = response.get("usage", {})
    return Answer(
        text="".join(block.get("text", "") for block in blocks),
        input_tokens=int(usage.get("inputTokens", 0)),
        output_tokens=int(usage.get("outputTokens", 0)),
        stop_reason=response.get("stopReason"),
    )


def reset_cache() -> None:
    """Tests stub a fresh client: forget the cached ones."""
    clients.reset("bedrock-runtime")
