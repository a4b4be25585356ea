"""The one way Parley pushes frames to WebSocket clients.

REST handlers, WebSocket handlers and SQS workers all send through `send()`.
Each connection carries the @connections endpoint it was opened on, so a
sender never guesses: in AWS that is https://<apiId>.execute-api.<region>.
amazonaws.com/<stage>; locally it is the gateway emulator.
"""
from __future__ import annotations

from typing import Any

from botocore.config import Config
from botocore.exceptions import ClientError

from chalicelib import clients, metrics
from chalicelib.settings import Settings

_CLIENT_CONFIG = Config(connect_timeout=2, read_timeout=5, retries={"max_attempts": 2, "mode": "standard"})


def management_endpoint(settings: Settings, api_id: str, stage: str) -> str:
    """The @connections endpoint for a connection opened on (api_id, stage)."""
    if settings.ws_management_endpoint:
        return settings.ws_management_endpoint
    return f"https://{api_id}.execute-api.{settings.region}.amazonaws.com/{stage}"


def _client(endpoint: str) -> Any:
    # One client per endpoint (API and stage). An explicit endpoint_url wins over
    # AWS_ENDPOINT_URL, which locally points at moto.
    return clients.client("apigatewaymanagementapi", endpoint_url=endpoint, config=_CLIENT_CONFIG)


def send(endpoint: str, connection_id: str, data: bytes | str) -> bool:
    """Post one frame. False when the connection is gone (the caller drops its record)."""
    client = _client(endpoint)
    payload = data.encode("utf-8") if isinstance(data, str) else data
    try:
        client.post_to_connection(ConnectionId=connection_id, Data=payload)
    except client.exceptions.GoneException:
        # Also while a socket is still opening (realtime/after_connect.py retries those).
        metrics.count("GoneConnections")
        return False
    metrics.count("Pushes")
    return True


def close(endpoint: str, connection_id: str) -> bool:
    """Ask the gateway to close a connection. False when it was already gone."""
    client = _client(endpoint)
    try:
        client.delete_connection(ConnectionId=connection_id)
    except client.exceptions.GoneException:
        return False
    except ClientError as error:  # ForbiddenException for ids the API never issued
        if error.response.get("Error", {}).get("Code") in {"GoneException", "ForbiddenException"}:
            return False
        raise
    return True
