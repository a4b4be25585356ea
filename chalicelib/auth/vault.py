"""Secrets the app must read back (HMAC keys it signs or verifies with), sealed at rest.

A secret that is used as a key cannot be stored as a hash; it is stored as a
Fernet token (AES-128-CBC + HMAC) under a key derived from the app's master
secret for one purpose only (auth/keys.py: "webhook-secrets", "identity-secrets"),
so a table dump alone gives none of them away and a sealed secret of one purpose
does not open as another.
"""
from __future__ import annotations

import base64
from typing import TYPE_CHECKING

from chalicelib.auth.keys import derived_key

if TYPE_CHECKING:
    from cryptography.fernet import Fernet


def _fernet(purpose: str) -> Fernet:
    from cryptography.fernet import Fernet  # on first use: only webhook and identity secrets need it

    return Fernet(base64.urlsafe_b64encode(derived_key(purpose)))


def seal(purpose: str, secret: str) -> str:
    return _fernet(purpose).encrypt(secret.encode()).decode()


def open_sealed(purpose: str, token: str) -> str:
    """The secret; ValueError when it does not decrypt under this purpose's key."""
    from cryptography.fernet import InvalidToken

    try:
        return _fernet(purpose).decrypt(token.encode()).decode()
    except InvalidToken:
        raise ValueError(f"a sealed {purpose} value does not decrypt: was the master secret changed?") from None
