"""Signing keys: one master secret, a derived key per token type.

Agents' access tokens and visitors' tokens are signed with different keys
(HMAC-SHA256 of the master secret and a purpose label), so a token of one kind
cannot verify as the other even if audiences were ignored.
The master comes from settings: PARLEY_JWT_SECRET (local, tests) or the
Secrets Manager secret named by PARLEY_JWT_SECRET_ARN (deployed; fetched with
Powertools parameters and cached for five minutes).
"""
from __future__ import annotations

import hashlib
import hmac

from chalicelib.settings import SettingsError, get_settings

MIN_SECRET_BYTES = 32
_SECRET_CACHE_SECONDS = 300


def master_secret() -> bytes:
    settings = get_settings()
    if settings.jwt_secret:
        secret = settings.jwt_secret
    elif settings.jwt_secret_arn:
        from aws_lambda_powertools.utilities import parameters  # only where it is used

        secret = parameters.get_secret(settings.jwt_secret_arn, max_age=_SECRET_CACHE_SECONDS)
    else:
        raise SettingsError("Set PARLEY_JWT_SECRET or PARLEY_JWT_SECRET_ARN to sign tokens")
    data = secret.encode() if isinstance(secret, str) else bytes(secret)
    if len(data) < MIN_SECRET_BYTES:
        raise SettingsError(f"the token signing secret must be at least {MIN_SECRET_BYTES} bytes")
    return data


def derived_key(purpose: str) -> bytes:
    return hmac.new(master_secret(), f"parley:{purpose}".encode(), hashlib.sha256).digest()
