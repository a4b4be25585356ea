"""Helpers every repository uses: time, transactions, conditional-failure detection."""
from __future__ import annotations

from datetime import datetime, timezone

from pynamodb.connection import Connection
from pynamodb.exceptions import PynamoDBException, TransactWriteError, UpdateError
from pynamodb.expressions.condition import Condition
from pynamodb.expressions.update import Action
from pynamodb.models import Model
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


def update_if(item: Model, actions: list[Action], condition: Condition) -> bool:
    """1 conditional UpdateItem. False when the condition did not hold (nothing changed)."""
    try:
        item.update(actions=actions, condition=condition)
    except UpdateError as error:
        if is_condition_failure(error):
            return False
        raise
    return True
