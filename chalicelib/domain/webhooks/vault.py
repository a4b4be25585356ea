"""Signing secrets at rest: encrypted with a key derived from the app's master secret.

HMAC signing needs the secret itself, so it cannot be stored as a hash; it is
stored as a Fernet token (AES-128-CBC + HMAC) under a key derived for this
purpose only (auth/keys.py), so a table dump alone does not give it away.
"""
from __future__ import annotations

import base64

from cryptography.fernet import Fernet, InvalidToken

from chalicelib.auth.keys import derived_key


def _fernet() -> Fernet:
    return Fernet(base64.urlsafe_b64encode(derived_key("webhook-secrets")))


def seal(secret: str) -> str:
    return _fernet().encrypt(secret.encode()).decode()


def open_sealed(token: str) -> str:
    try:
        return _fernet().decrypt(token.encode()).decode()
    except InvalidToken:
        raise ValueError("a webhook secret does not decrypt: was the master secret changed?") from None
