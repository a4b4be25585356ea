"""The Standard Webhooks scheme (https://www.standardwebhooks.com).

Headers: `webhook-id` (the event id: stable across retries), `webhook-timestamp`
(unix seconds), `webhook-signature: v1,<base64 HMAC-SHA256(key, "id.timestamp.body")>`,
several space-separated while a rotated-out secret still signs. A secret is
`whsec_` + base64 of its key bytes.
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import secrets

PREFIX = "whsec_"
KEY_BYTES = 32


def new_secret() -> str:
    return PREFIX + base64.b64encode(secrets.token_bytes(KEY_BYTES)).decode()


class NotAStandardSecret(ValueError):
    """A `whsec_` secret whose key is not base64 of 24-64 bytes (what the Standard Webhooks spec asks)."""


def standard_form(secret: str) -> str:
    """The `whsec_` form every Standard Webhooks library accepts. An integrator's own secret that is
    not in that form (seed 003's example sends `your_webhook_secret`) is converted: its UTF-8 bytes
    become the key, shown back as `whsec_` + base64 so the official libraries verify our deliveries
    (they base64-decode whatever string they are given)."""
    if not secret.startswith(PREFIX):
        return PREFIX + base64.b64encode(secret.encode()).decode()
    try:
        key = base64.b64decode(secret[len(PREFIX):], validate=True)
    except ValueError:
        raise NotAStandardSecret("a whsec_ secret must be base64") from None
    if not 24 <= len(key) <= 64:
        raise NotAStandardSecret("a whsec_ secret's key must be 24-64 bytes")
    return secret


def key_of(secret: str) -> bytes:
    """The HMAC key a secret stands for. New secrets are always in `whsec_` form (`standard_form`);
    a plain string is read as its UTF-8 bytes only for secrets stored before that rule."""
    if secret.startswith(PREFIX):
        try:
            return base64.b64decode(secret[len(PREFIX):], validate=True)
        except ValueError:
            pass
    return secret.encode()


def signature(secret: str, message_id: str, timestamp: int, body: bytes) -> str:
    signed = f"{message_id}.{timestamp}.".encode() + body
    return "v1," + base64.b64encode(hmac.new(key_of(secret), signed, hashlib.sha256).digest()).decode()


def headers(secrets_in_use: list[str], message_id: str, timestamp: int, body: bytes) -> dict[str, str]:
    return {
        "webhook-id": message_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": " ".join(signature(s, message_id, timestamp, body) for s in secrets_in_use),
    }


def verify(secret: str, got_headers: dict[str, str], body: bytes, now: int, tolerance: int = 300) -> bool:
    """What a receiver does (and what the tests and the README example do)."""
    timestamp = int(got_headers["webhook-timestamp"])
    if abs(now - timestamp) > tolerance:
        return False
    expected = signature(secret, got_headers["webhook-id"], timestamp, body)
    return any(hmac.compare_digest(expected, candidate) for candidate in got_headers["webhook-signature"].split())


# What a secret looks like once shown: seed 003's `whsec_*********************`.
MASKED = PREFIX + "*" * 21
