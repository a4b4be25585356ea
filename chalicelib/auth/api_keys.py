"""API keys: high-entropy random strings, stored as SHA-256, shown once.

Format `prl_live_<43 url-safe chars>` (256 bits); the first 12 characters are
kept as a visible prefix so a dashboard can tell keys apart.
"""
from __future__ import annotations

import hashlib
import hmac
import secrets

PREFIX = "prl_live_"
VISIBLE_CHARS = len(PREFIX) + 4  # "prl_live_" and four random characters


def generate() -> tuple[str, str, str, str]:
    """(key, key_id, key_hash, visible_prefix)."""
    key = PREFIX + secrets.token_urlsafe(32)
    key_hash = hash_key(key)
    return key, f"key_{key_hash[:16]}", key_hash, key[:VISIBLE_CHARS]


def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def looks_like_key(value: str) -> bool:
    return value.startswith(PREFIX) and len(value) > len(PREFIX) + 16


def same_hash(a: str, b: str) -> bool:
    return hmac.compare_digest(a.encode(), b.encode())
