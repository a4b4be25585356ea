"""The one place Parley makes AWS clients: cached, thread-safe, one per (service, endpoint, region).

Clients are costly to build (tens of milliseconds, credential and endpoint resolution) and
safe to share between threads once built, so each is made once per Lambda container. Each
service has one owning module in integrations/ that passes its botocore Config (timeouts,
retries, signing); the first caller's Config is the one the cached client keeps.
"""
from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Any, Callable

import boto3
from botocore.config import Config

_Key = tuple[str, str | None, str | None]  # service, endpoint_url, region
_clients: dict[_Key, Any] = {}
# boto3's default session is not thread-safe while it builds clients: build under the lock.
_lock = threading.Lock()


def client(service: str, *, endpoint_url: str | None = None, config: Config | None = None,
           region: str | None = None) -> Any:
    """The cached client. `endpoint_url` None means boto3's own resolution (AWS_ENDPOINT_URL
    locally: moto); `region` None means the environment's region."""
    key = (service, endpoint_url, region)
    with _lock:
        made = _clients.get(key)
        if made is None:
            made = boto3.client(service, region_name=region, endpoint_url=endpoint_url, config=config)
            for fault in _faults:
                fault.attach(made)
            _clients[key] = made
        return made


def reset(service: str | None = None) -> None:
    """Forget cached clients (all, or one service's), for tests that stub or re-mock AWS."""
    with _lock:
        for key in [key for key in _clients if service is None or key[0] == service]:
            del _clients[key]


# -- faults, injected -------------------------------------------------------------------------------
# Used by the fault tests (tests/unit/test_faults.py), never by deployed code: while a Fault is
# injected, the chosen operations of a service answer with an AWS error through botocore's own call
# path (a `before-call` handler returns the error response), so botocore raises its real ClientError.

@dataclass
class Fault:
    service: str  # botocore's service id, e.g. "s3", "sqs", "apigatewaymanagementapi"
    code: str  # the AWS error code, e.g. "SlowDown", "GoneException"
    operations: frozenset[str] = frozenset()  # empty: every operation
    status: int = 503
    refused: list[str] = field(default_factory=list)  # the operations it answered, in order

    def _answer(self, model: Any, **_: Any) -> tuple[Any, dict[str, Any]] | None:
        from botocore.awsrequest import AWSResponse

        if self.operations and model.name not in self.operations:
            return None
        self.refused.append(model.name)
        return AWSResponse("https://fault.invalid", self.status, {}, None), {
            "Error": {"Code": self.code, "Message": f"{self.code} (injected)"},
            "ResponseMetadata": {"HTTPStatusCode": self.status, "HTTPHeaders": {}},
        }

    def attach(self, made: Any) -> None:
        if made.meta.service_model.service_name == self.service:
            made.meta.events.register_first("before-call.*.*", self._answer, unique_id=f"fault-{id(self)}")

    def detach(self, made: Any) -> None:
        made.meta.events.unregister("before-call.*.*", unique_id=f"fault-{id(self)}")


_faults: list[Fault] = []


def inject(fault: Fault) -> Callable[[], None]:
    """Make `fault` happen on every client of its service, made or to be made; returns its undo."""
    with _lock:
        _faults.append(fault)
        for made in _clients.values():
            fault.attach(made)

    def clear() -> None:
        with _lock:
            if fault in _faults:
                _faults.remove(fault)
            for made in _clients.values():
                fault.detach(made)
    return clear
