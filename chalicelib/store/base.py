"""Helpers every repository uses: time, transactions, conditional-failure detection."""
from __future__ import annotations

from datetime import datetime, timezone

from pynamodb.connection import Connection
from pynamodb.exceptions import PynamoDBException, TransactWriteError
from pynamodb.transactions import TransactWrite

from chalicelib.settings import get_settings

_connection: Connection | None = None


def now() -> datetime:
    return datetime.now(timezone.utc)


def transaction() -> TransactWrite:
    """A TransactWriteItems batch on a connection shared by this process.

    PynamoDB sends condition checks, then deletes, then puts, then updates,
    whatever order they were added in; cancellation reasons follow that order.
    """
    global _connection
    if _connection is None:
        _connection = Connection(region=get_settings().region)
    return TransactWrite(connection=_connection)


def failed_conditions(error: TransactWriteError) -> list[int]:
    """Positions of the items whose condition failed in a cancelled transaction."""
    reasons = error.cancellation_reasons or []
    return [i for i, reason in enumerate(reasons) if reason is not None and reason.code == "ConditionalCheckFailed"]


def is_condition_failure(error: PynamoDBException) -> bool:
    return error.cause_response_code == "ConditionalCheckFailedException"
