"""Who may speak as a visitor: knowing its id is never proof (DESIGN.md §7, issue 23 #1).

A caller is recognised as visitor `visitor_id` of a site by one of:

- that visitor's session token (X-Visitor-Token): signed by us for this site and this visitor,
  current or expired at most TOKEN_PROOF_GRACE_SECONDS ago, so a visitor returning after a day
  keeps its history;
- `user_hash` = hex HMAC-SHA256(the site's identity secret, visitor_id), computed by the site's
  own server (Intercom's and Chatwoot's identity verification scheme).

A site that turns identity verification on accepts only the user_hash, for every registration
(new visitors too). `recognised` is the one rule; seed 000's visitor registration uses it, and the
seeds that recognise returning guests (001, 004) are to use it too.

The identity secret is created or rotated by the site's admins, shown once and stored sealed
(auth/vault.py, purpose "identity-secrets"). A rotation replaces it at once.
"""
from __future__ import annotations

import hashlib
import hmac
import re
import secrets

from chalicelib.auth import tokens, vault
from chalicelib.model.errors import DomainError, IdentityVerificationFailed, NotFound
from chalicelib.model.identity import Site
from chalicelib.observability import logger
from chalicelib.store import tenants
from chalicelib.store.base import ConditionFailed

VAULT_PURPOSE = "identity-secrets"
TOKEN_PROOF_GRACE_SECONDS = 30 * 24 * 3600
USER_HASH = re.compile(r"[0-9a-fA-F]{64}")
SECRET_BYTES = 32


def user_hash_for(secret: str, visitor_id: str) -> str:
    """What the site's server computes: hex HMAC-SHA256 of the visitor id under the identity secret."""
    return hmac.new(secret.encode(), visitor_id.encode(), hashlib.sha256).hexdigest()


def _hash_proves(site: Site, visitor_id: str, user_hash: str | None) -> bool:
    if not site.identity_secret_sealed or not isinstance(user_hash, str) or not USER_HASH.fullmatch(user_hash):
        return False
    expected = user_hash_for(vault.open_sealed(VAULT_PURPOSE, site.identity_secret_sealed), visitor_id)
    return hmac.compare_digest(expected, user_hash.lower())


def _token_proves(site: Site, visitor_id: str, token: str | None, kind: tokens.TokenKind) -> bool:
    if not token:
        return False
    try:
        claims = tokens.verify(kind, token, expired_grace_seconds=TOKEN_PROOF_GRACE_SECONDS)
    except DomainError:
        return False
    return claims.get("site") == site.site_id and claims.get("sub") == visitor_id


def recognised(site: Site, visitor_id: str, *, token: str | None = None, user_hash: str | None = None,
               kind: tokens.TokenKind = tokens.VISITOR) -> bool:
    """Has the caller proved to be `visitor_id` of `site`? No DynamoDB request.

    True: proved (by token or user_hash). False: no proof: the caller may create a visitor id
    that does not exist yet, and nothing more. IdentityVerificationFailed (403) when the site
    requires identity verification and no matching user_hash was given: then a token is not
    enough, and whether the id exists is not revealed.
    """
    if site.identity_verification:
        if _hash_proves(site, visitor_id, user_hash):
            return True
        logger.info("identity verification refused", extra={"site_id": site.site_id})
        raise IdentityVerificationFailed(
            "This site verifies visitors' identity: a valid user_hash for this visitor_id is required")
    return _token_proves(site, visitor_id, token, kind) or _hash_proves(site, visitor_id, user_hash)


def new_secret(site_id: str) -> str:
    """Create or rotate the site's identity secret; the secret is returned this once. 1 UpdateItem.
    The previous secret stops proving at once."""
    secret = secrets.token_hex(SECRET_BYTES)
    try:
        tenants.update_site(site_id, {"identity_secret_sealed": vault.seal(VAULT_PURPOSE, secret)})
    except ConditionFailed:
        raise NotFound("Site not found") from None
    logger.info("identity secret rotated", extra={"site_id": site_id})
    return secret
