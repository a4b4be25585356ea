"""Password hashing: Argon2id with argon2-cffi's RFC 9106 low-memory profile.

Those parameters (t=3, m=64 MiB, p=4) exceed OWASP's minimum for Argon2id
(m=19 MiB, t=2, p=1). `needs_rehash` lets login upgrade old hashes.
"""
from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from argon2 import PasswordHasher


@cache
def _hasher() -> PasswordHasher:
    from argon2 import PasswordHasher  # on first use: only logins and password changes hash

    return PasswordHasher()


def hash_password(password: str) -> str:
    return _hasher().hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    """Constant-time verify (argon2's); False for a wrong password or a malformed hash."""
    from argon2.exceptions import InvalidHashError, VerificationError

    try:
        return _hasher().verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    return _hasher().check_needs_rehash(password_hash)
