"""The one place Parley makes AWS clients: cached, thread-safe, one per (service, endpoint, region).

Clients are costly to build (tens of milliseconds, credential and endpoint resolution) and
safe to share between threads once built, so each is made once per Lambda container. Each
service has one owning module in integrations/ that passes its botocore Config (timeouts,
retries, signing); the first caller's Config is the one the cached client keeps.
"""
from __future__ import annotations

import threading
from typing import Any

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
            _clients[key] = made
        return made


def reset(service: str | None = None) -> None:
    """Forget cached clients (all, or one service's), for tests that stub or re-mock AWS."""
    with _lock:
        for key in [key for key in _clients if service is None or key[0] == service]:
            del _clients[key]
