"""Every failure a caller can cause, with one stable code each.

Surfaces render these in their own envelopes (000, 003, 004); the code and
HTTP status are decided once, here.
"""
from __future__ import annotations

from typing import Any


class DomainError(Exception):
    status = 400
    code = "VALIDATION_ERROR"
    default_message = "Invalid request"

    def __init__(self, message: str | None = None, details: dict[str, Any] | None = None) -> None:
        self.message = message or self.default_message
        self.details = details or {}
        self.headers: dict[str, str] = {}
        super().__init__(self.message)


class ValidationFailed(DomainError):
    status, code, default_message = 400, "VALIDATION_ERROR", "Invalid request parameters"


class InvalidCredentials(DomainError):
    status, code, default_message = 401, "INVALID_CREDENTIALS", "Invalid username or password"


class Unauthorized(DomainError):
    status, code, default_message = 401, "UNAUTHORIZED", "Missing or invalid authorization"


class TokenExpired(DomainError):
    status, code, default_message = 401, "TOKEN_EXPIRED", "Access token has expired"


class Forbidden(DomainError):
    status, code, default_message = 403, "FORBIDDEN", "No access to this resource"


class SiteSuspended(Forbidden):
    """The site is suspended: its agents, API keys, visitors and widget are refused until it is active."""

    status, code, default_message = 403, "SITE_SUSPENDED", "This site is suspended"


class OriginNotAllowed(Forbidden):
    """A browser origin outside the site's widget `domains` (the widget routes' CORS allow-list)."""

    status, code, default_message = 403, "ORIGIN_NOT_ALLOWED", "This origin may not use the site's widget"


class NotFound(DomainError):
    status, code, default_message = 404, "NOT_FOUND", "Resource not found"


class Conflict(DomainError):
    status, code, default_message = 409, "CONFLICT", "The resource is in a conflicting state"


class VisitorExists(Conflict):
    """A visitor id that is taken, registered without proof of being that visitor (issue 23 #1)."""

    status, code, default_message = 409, "VISITOR_EXISTS", "This visitor already exists"


class IdentityVerificationFailed(Forbidden):
    """The site requires user_hash (identity verification) and none that matches was given."""

    status, code, default_message = 403, "IDENTITY_VERIFICATION_FAILED", "Identity verification failed"


class FileTooLarge(DomainError):
    status, code, default_message = 400, "FILE_TOO_LARGE", "File size exceeds maximum limit of 10MB"


class InvalidFileType(DomainError):
    status, code, default_message = 400, "INVALID_FILE_TYPE", "File type not allowed"


class RateLimited(DomainError):
    status, code, default_message = 429, "RATE_LIMITED", "Too many requests"

    def __init__(self, retry_after: int, headers: dict[str, str] | None = None, message: str | None = None) -> None:
        super().__init__(message, {"retry_after": retry_after})
        self.retry_after = retry_after
        self.headers = dict(headers or {"Retry-After": str(retry_after)})


class ServerError(DomainError):
    status, code, default_message = 500, "SERVER_ERROR", "Internal server error"


class ServiceUnavailable(DomainError):
    """DynamoDB throttled (or failed inside) a request: nothing the caller did; retry shortly."""

    status, code, default_message = 503, "SERVICE_UNAVAILABLE", "The service is busy; retry after Retry-After seconds"

    def __init__(self, retry_after: int = 1, message: str | None = None) -> None:
        super().__init__(message, {"retry_after": retry_after})
        self.retry_after = retry_after
        self.headers = {"Retry-After": str(retry_after)}
