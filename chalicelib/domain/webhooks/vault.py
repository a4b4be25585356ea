"""Signing secrets at rest: sealed by the shared vault (auth/vault.py) under the
"webhook-secrets" purpose key, so a table dump alone does not give them away."""
from __future__ import annotations

from chalicelib.auth import vault

PURPOSE = "webhook-secrets"


def seal(secret: str) -> str:
    return vault.seal(PURPOSE, secret)


def open_sealed(token: str) -> str:
    return vault.open_sealed(PURPOSE, token)
