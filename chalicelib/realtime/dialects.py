"""Dialects: the realtime protocols of the seed documents, behind one interface.

API Gateway has no paths for WebSockets, so `$connect` recognises the dialect
from the query string and headers; the chosen dialect is stored with the
connection, and `$default`/`$disconnect` go to the same dialect.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol

from chalicelib.model.connections import ConnectionRecord
from chalicelib.model.errors import DomainError, ServerError, ServiceUnavailable
from chalicelib.model.failures import RETRY_AFTER_SECONDS, throttled
from chalicelib.observability import logger


@dataclass(frozen=True)
class ConnectRequest:
    """What $connect knows about a new socket, decoupled from Chalice's event class."""

    connection_id: str
    endpoint: str
    query: dict[str, str]
    headers: dict[str, str]  # lower-cased names
    source_ip: str | None = None

    def subprotocols(self) -> list[str]:
        raw = self.headers.get("sec-websocket-protocol", "")
        return [p.strip() for p in raw.split(",") if p.strip()]


@dataclass
class ConnectResult:
    """The $connect answer: accept (optionally choosing a subprotocol) or reject with a status."""

    status: int = 200
    subprotocol: str | None = None
    body: dict[str, Any] | None = None
    record: ConnectionRecord | None = None
    audiences: list[str] = field(default_factory=list)
    # What the socket hears once it is open (API Gateway refuses posts until $connect returns),
    # then whether it is closed: realtime/after_connect.py delivers them. A dialect that must
    # refuse with a reason a client can read (seed 001's close codes) accepts, speaks, closes.
    after_connect: list[str] = field(default_factory=list)
    close_after: bool = False

    @classmethod
    def reject(cls, status: int, message: str) -> "ConnectResult":
        return cls(status=status, body={"message": message})


class Dialect(Protocol):
    """One realtime protocol. `render` (optional) turns a domain event into this dialect's frame
    for one recipient, or None when that recipient should not see it."""

    name: str

    def matches(self, request: ConnectRequest) -> bool: ...

    def connect(self, request: ConnectRequest) -> ConnectResult: ...

    def accepted(self, connection: ConnectionRecord) -> None:
        """Just before the connection is recorded (presence: the first connection goes online)."""

    def message(self, connection: ConnectionRecord, body: str) -> None: ...

    def disconnect(self, connection: ConnectionRecord, status_code: int | None, reason: str | None) -> None:
        """After the connection's rows are deleted (presence: the last connection goes offline)."""


_DIALECTS: dict[str, Dialect] = {}


def register(dialect: Dialect) -> None:
    _DIALECTS[dialect.name] = dialect


def find_for(request: ConnectRequest) -> Dialect | None:
    for dialect in _DIALECTS.values():
        if dialect.matches(request):
            return dialect
    return None


def by_name(name: str) -> Dialect | None:
    return _DIALECTS.get(name)


def frame_failed(failure: Exception, dialect: str, connection_id: str, frame_type: str) -> DomainError:
    """What a frame no use case refused on purpose answers: AWS busy -> SERVICE_UNAVAILABLE with
    retry_after (as REST's 503 + Retry-After; the socket stays open), else the dialect's server error.
    Logged either way, with ids only."""
    extra = {"connection_id": connection_id, "frame_type": frame_type[:40], "dialect": dialect}
    if throttled(failure):
        logger.warning("aws throttled a realtime frame", extra={**extra, "error_type": type(failure).__name__})
        return ServiceUnavailable(RETRY_AFTER_SECONDS)
    logger.exception("realtime frame failed", extra=extra)
    return ServerError()

