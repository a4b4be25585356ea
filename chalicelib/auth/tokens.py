"""JWTs for agents (access) and visitors (session), and opaque refresh tokens.

Every JWT is HS256 (pinned on verify), carries iss/aud/sub/iat/exp/jti and a
`typ`, and is signed with the key of its kind. Verification maps PyJWT's
failures onto the two documented codes: TOKEN_EXPIRED and UNAUTHORIZED.
"""
from __future__ import annotations

import hashlib
import secrets
import time
import uuid
from dataclasses import dataclass
from typing import Any

from chalicelib.auth.keys import derived_key
from chalicelib.model.errors import TokenExpired, Unauthorized
from chalicelib.settings import get_settings

ALGORITHM = "HS256"
REQUIRED_CLAIMS = ["exp", "iat", "iss", "aud", "sub", "jti", "typ"]


@dataclass(frozen=True)
class TokenKind:
    typ: str
    audience: str
    key_purpose: str


AGENT_ACCESS = TokenKind(typ="agent_access", audience="parley:agent", key_purpose="agent-access")
VISITOR = TokenKind(typ="visitor", audience="parley:visitor", key_purpose="visitor")
# A link to one file's bytes: scoped to that file, short-lived, useless as a session.
FILE_DOWNLOAD = TokenKind(typ="file_download", audience="parley:file", key_purpose="file-download")


def issue(kind: TokenKind, subject: str, lifetime_seconds: int, claims: dict[str, Any] | None = None,
          now: float | None = None) -> str:
    issued = int(time.time() if now is None else now)
    payload = {
        **(claims or {}),
        "iss": get_settings().jwt_issuer,
        "aud": kind.audience,
        "sub": subject,
        "typ": kind.typ,
        "iat": issued,
        "exp": issued + lifetime_seconds,
        "jti": uuid.uuid4().hex,
    }
    import jwt  # on first use: PyJWT loads cryptography (~50 ms), a cost no cold start should pay up front

    return jwt.encode(payload, derived_key(kind.key_purpose), algorithm=ALGORITHM)


LEEWAY_SECONDS = 5  # clock skew between issuer and verifier


def verify(kind: TokenKind, token: str, expired_grace_seconds: int = 0) -> dict[str, Any]:
    """The token's claims, or TokenExpired / Unauthorized.

    `expired_grace_seconds`: also accept a token that expired at most this long ago. Only
    for proving who a caller was (a returning visitor's old token, domain/visitor_identity.py),
    never for a session; signature, algorithm, issuer, audience, type and every required claim
    are checked all the same, and `iat`/`nbf` keep the usual small leeway.
    """
    if not isinstance(token, str) or not token:
        raise Unauthorized("Invalid token")
    import jwt  # on first use, as in issue()

    try:
        claims = jwt.decode(
            token,
            derived_key(kind.key_purpose),
            algorithms=[ALGORITHM],
            audience=kind.audience,
            issuer=get_settings().jwt_issuer,
            options={"require": REQUIRED_CLAIMS, "verify_exp": expired_grace_seconds <= 0},
            leeway=LEEWAY_SECONDS,
        )
    except jwt.ExpiredSignatureError:
        raise TokenExpired() from None
    except jwt.PyJWTError:
        raise Unauthorized("Invalid token") from None
    if claims.get("typ") != kind.typ:
        raise Unauthorized("Invalid token")
    if expired_grace_seconds > 0:
        expires = claims.get("exp")
        if isinstance(expires, bool) or not isinstance(expires, (int, float)):
            raise Unauthorized("Invalid token")
        if expires + expired_grace_seconds + LEEWAY_SECONDS < time.time():
            raise TokenExpired()
    return claims


# -- refresh tokens: "<session_id>.<secret>", only sha256(secret) is stored --------------------

def new_refresh_secret() -> str:
    return secrets.token_urlsafe(32)


def refresh_token(session_id: str, secret: str) -> str:
    return f"rt_{session_id}.{secret}"


def parse_refresh_token(token: str) -> tuple[str, str]:
    if not isinstance(token, str) or not token.startswith("rt_") or "." not in token:
        raise Unauthorized("Invalid refresh token")
    session_id, _, secret = token[3:].partition(".")
    if not session_id or not secret:
        raise Unauthorized("Invalid refresh token")
    return session_id, secret


def secret_hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()
