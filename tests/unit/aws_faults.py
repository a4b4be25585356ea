"""Make DynamoDB answer with an error, through botocore's own call path.

Each PynamoDB model class may hold its own connection (and botocore client), and the store's
transactions and tables.py use more: a `before-call` handler on every one of those clients
answers the chosen operations with an HTTP 400 and the error `code`, as AWS would. botocore
then raises its real ClientError (and PynamoDB wraps it), exactly as for a real throttle; the
error never reaches moto, and botocore's retries (inside the endpoint) are skipped, so it is fast.
"""
from __future__ import annotations

from contextlib import contextmanager
from typing import Any, Iterator

from botocore.awsrequest import AWSResponse

from chalicelib import clients
from chalicelib.settings import get_settings
from chalicelib.store import base
from chalicelib.store.models import TABLE_MODELS


def _model_classes() -> list[type]:
    found, pending = [], list(TABLE_MODELS)
    while pending:
        cls = pending.pop()
        found.append(cls)
        pending.extend(cls.__subclasses__())
    return found


def dynamodb_clients() -> list[Any]:
    made = {}
    for cls in _model_classes():
        client = cls._get_connection().connection.client
        made[id(client)] = client
    tx = base.transaction()  # builds the transactions' connection; nothing is sent
    made[id(tx._connection.client)] = tx._connection.client
    direct = clients.client("dynamodb", region=get_settings().region)
    made[id(direct)] = direct
    return list(made.values())


@contextmanager
def dynamodb_fails(code: str, operations: tuple[str, ...] = (), status: int = 400,
                   extra: dict[str, Any] | None = None) -> Iterator[list[str]]:
    """While open, DynamoDB answers `operations` (every operation when empty) with `code` (and
    `extra` fields in the error body, e.g. a transaction's CancellationReasons).
    Yields the list of operations refused, in order."""
    refused: list[str] = []

    def refuse(model: Any, **_: Any) -> tuple[AWSResponse, dict[str, Any]] | None:
        if operations and model.name not in operations:
            return None
        refused.append(model.name)
        return AWSResponse("https://dynamodb.invalid", status, {}, None), {
            "Error": {"Code": code, "Message": f"{code} (injected by the test)"},
            "ResponseMetadata": {"HTTPStatusCode": status, "HTTPHeaders": {}}, **(extra or {}),
        }

    hooked = dynamodb_clients()
    for client in hooked:
        client.meta.events.register("before-call.dynamodb", refuse, unique_id="parley-test-fault")
    try:
        yield refused
    finally:
        for client in hooked:
            client.meta.events.unregister("before-call.dynamodb", unique_id="parley-test-fault")
