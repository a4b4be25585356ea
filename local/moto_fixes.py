"""moto behaviour the local stack corrects, kept apart so each fix names the upstream behaviour it replaces.

TransactWriteItems: moto deep-copies every table a transaction touches before
applying it, so each transaction costs time proportional to the whole table
(a send took ~30 ms on an empty `chats` table and ~100 ms after 200 messages,
and kept growing). DynamoDB's own semantics need far less: every condition is
checked against the state before the transaction (an item may appear only
once), then all writes apply or none do. This version checks every condition
first, backs up only the items it will write, and restores just those if a
write fails. Results and errors are the ones moto's version gives.
"""
from __future__ import annotations

import copy
from typing import Any

from moto.dynamodb.exceptions import (
    MockValidationException,
    MultipleTransactionsException,
    TooManyTransactionsException,
    TransactionCanceledException,
    TransactWriteSingleOpException,
)
from moto.dynamodb.models import DynamoDBBackend
from moto.dynamodb.comparisons import get_filter_expression

_OPS = {"ConditionCheck", "Put", "Delete", "Update"}


def _key(backend: DynamoDBBackend, op_type: str, op: dict[str, Any]) -> dict[str, Any]:
    if op_type != "Put":
        return op["Key"]
    table = backend.get_table(op["TableName"])
    key = {table.hash_key_attr: op["Item"][table.hash_key_attr]}
    if table.range_key_attr is not None:
        key[table.range_key_attr] = op["Item"][table.range_key_attr]
    return key


def transact_write_items(self: DynamoDBBackend, transact_items: list[dict[str, Any]]) -> None:
    if len(transact_items) > 100:
        raise TooManyTransactionsException()
    planned: list[tuple[str, dict[str, Any], dict[str, Any]]] = []
    seen: set[tuple[str, str]] = set()
    errors: list[tuple[Any, Any, Any]] = []
    # Pass 1: every condition against the state before the transaction; nothing is written.
    for entry in transact_items:
        if len(entry) > 1:
            raise TransactWriteSingleOpException
        op_type, op = next(iter(entry.items()))
        if op_type not in _OPS:
            raise MockValidationException("Unsupported transaction operation")
        key = _key(self, op_type, op)
        marker = (str(op["TableName"]), str(dict(sorted(key.items()))))
        if marker in seen:
            raise MultipleTransactionsException()
        seen.add(marker)
        current = self.get_item(op["TableName"], key)
        condition = op.get("ConditionExpression")
        if condition is not None and not get_filter_expression(
                condition, op.get("ExpressionAttributeNames"), op.get("ExpressionAttributeValues")).expr(current):
            item = None
            if op.get("ReturnValuesOnConditionCheckFailure") == "ALL_OLD" and current:
                item = current.to_json()["Attributes"]
            errors.append(("ConditionalCheckFailed", "The conditional request failed", item))
        else:
            errors.append((None, None, None))
        planned.append((op_type, op, key))
    if any(code is not None for code, _, _ in errors):
        raise TransactionCanceledException(errors)
    # Pass 2: apply, backing up only what is written.
    backups: list[tuple[str, dict[str, Any], dict[str, Any] | None]] = []
    for index, (op_type, op, key) in enumerate(planned):
        if op_type == "ConditionCheck":
            continue
        table_name = op["TableName"]
        current = self.get_item(table_name, key)
        backups.append((table_name, key, copy.deepcopy(current.to_json()["Attributes"]) if current else None))
        # The condition goes along as moto's own version passes it (it holds: nothing else wrote).
        expressions = {"condition_expression": op.get("ConditionExpression"),
                       "expression_attribute_names": op.get("ExpressionAttributeNames"),
                       "expression_attribute_values": op.get("ExpressionAttributeValues")}
        try:
            if op_type == "Put":
                self.put_item(table_name, op["Item"], **expressions)
            elif op_type == "Delete":
                self.delete_item(table_name, key, **expressions)
            else:
                self.update_item(table_name, key, update_expression=op["UpdateExpression"], **expressions)
        except Exception as error:
            for backup_table, backup_key, attributes in reversed(backups):
                if attributes is None:
                    self.delete_item(backup_table, backup_key)
                else:
                    self.put_item(backup_table, attributes)
            if isinstance(error, MockValidationException):
                raise
            failed = [(None, None, None)] * len(planned)
            failed[index] = (type(error).__name__, str(error), None)
            raise TransactionCanceledException(failed) from error


def install() -> None:
    DynamoDBBackend.transact_write_items = transact_write_items  # type: ignore[method-assign]
