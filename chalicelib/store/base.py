"""Helpers every repository uses: time, conditional writes, transactions, and the one failure contract.

The store's contract with the domain:

- Reads return chalicelib.model entities and values, never PynamoDB
  items. A missing item reads as None (an empty list for listings).
- A write with a condition goes through `put_if`, `update_if`, `delete_if` or `transaction()`.
  When DynamoDB refuses it because a condition did not hold, nothing was written and
  `ConditionFailed` is raised, naming the (pk, sk) of each item whose condition failed
  (and, for a transaction, of each item a concurrent transaction was writing). Repositories
  expose key functions (e.g. `conversations.conversation_key`) so the domain can tell which
  item refused and decide: 409, 404, retry, replay. The store never raises model errors and
  never answers a refused write with a flag, except the insert-once helpers whose name says
  so (`create_site_if_absent`, `create_agent_if_username_free`, `notifications.add`): finding
  the item already there is what they exist to tolerate.
- Any other DynamoDB failure propagates as PynamoDB's exception (a 500: not the caller's doing).
"""
from __future__ import annotations

from datetime import datetime, timezone
from contextlib import contextmanager
from typing import Any, Iterable, Iterator, Optional

from pynamodb.connection import Connection
from pynamodb.exceptions import DeleteError, PutError, TransactWriteError, UpdateError
from pynamodb.expressions.condition import Condition
from pynamodb.expressions.update import Action
from pynamodb.models import Model
from pynamodb.transactions import TransactWrite

from chalicelib.model.events import Event
from chalicelib.settings import get_settings
from chalicelib.store import outbox

Key = tuple[str, str]  # (pk, sk): every Parley table is keyed on those two attributes

_connection: Connection | None = None


def now() -> datetime:
    return datetime.now(timezone.utc)


def key_of(item: Model) -> Key:
    return getattr(item, "pk"), getattr(item, "sk")


class ConditionFailed(Exception):
    """DynamoDB refused a conditional write; nothing was written.

    `keys`: the items whose condition did not hold. `contended`: items another transaction was
    writing at that moment (TransactionConflict), whose condition could not be checked: read
    again and retry. At least one of the two is non-empty.
    """

    def __init__(self, keys: Iterable[Key] = (), contended: Iterable[Key] = ()) -> None:
        self.keys: frozenset[Key] = frozenset(keys)
        self.contended: frozenset[Key] = frozenset(contended)
        super().__init__(f"condition failed on {sorted(self.keys)}, contended {sorted(self.contended)}")

    def involves(self, key: Key) -> bool:
        """The item's condition failed, or a concurrent transaction held it: either way, it moved."""
        return key in self.keys or key in self.contended


# -- single-item conditional writes -----------------------------------------------------------------

@contextmanager
def _refusal_named(item: Model) -> Iterator[None]:
    """A failed condition on this one item becomes ConditionFailed naming it; other errors pass."""
    try:
        yield
    except (PutError, UpdateError, DeleteError) as error:
        if error.cause_response_code != "ConditionalCheckFailedException":
            raise
        raise ConditionFailed([key_of(item)]) from error


def put_if(item: Model, condition: Condition) -> None:
    """1 PutItem. ConditionFailed (naming the item) when the condition did not hold."""
    with _refusal_named(item):
        item.save(condition=condition)


def update_if(item: Model, actions: list[Action], condition: Condition) -> None:
    """1 UpdateItem; `item` then holds the new attributes. ConditionFailed (naming the item)
    when the condition did not hold."""
    with _refusal_named(item):
        item.update(actions=actions, condition=condition)


def delete_if(item: Model, condition: Condition) -> None:
    """1 DeleteItem. ConditionFailed (naming the item) when the condition did not hold."""
    with _refusal_named(item):
        item.delete(condition=condition)


# -- transactions -----------------------------------------------------------------------------------

# The order PynamoDB sends a TransactWrite's items in (Connection.transact_write_items): condition
# checks, deletes, puts, updates, each kind in the order added. DynamoDB answers one cancellation
# reason per item, in the order sent.
_SEND_ORDER = ("check", "delete", "put", "update")


class Transaction(TransactWrite):
    """A TransactWriteItems batch that keeps the key of every item it writes, so a cancellation
    names the items that refused, whatever else is added to the transaction and in which order."""

    def __init__(self, connection: Connection) -> None:
        super().__init__(connection=connection)
        self._keys: dict[str, list[Key]] = {kind: [] for kind in _SEND_ORDER}

    def condition_check(self, model_cls: Any, hash_key: Any, range_key: Any = None,
                        condition: Optional[Condition] = None) -> None:
        super().condition_check(model_cls, hash_key, range_key, condition)
        self._keys["check"].append((hash_key, range_key))

    def delete(self, model: Any, condition: Optional[Condition] = None, *, add_version_condition: bool = True) -> None:
        super().delete(model, condition, add_version_condition=add_version_condition)
        self._keys["delete"].append(key_of(model))

    def save(self, model: Any, condition: Optional[Condition] = None, return_values: Optional[str] = None) -> None:
        super().save(model, condition, return_values)
        self._keys["put"].append(key_of(model))

    def update(self, model: Any, actions: list[Action], condition: Optional[Condition] = None,
               return_values: Optional[str] = None, *, add_version_condition: bool = True) -> None:
        super().update(model, actions, condition, return_values, add_version_condition=add_version_condition)
        self._keys["update"].append(key_of(model))

    def outbox(self, events: Iterable[Event]) -> None:
        """Commit each event with this transaction (the transactional outbox, store/outbox.py): one Put
        each in the same TransactWriteItems, so an event exists if and only if its change does."""
        for event in events:
            self.save(outbox.item_of(event))

    def sent_keys(self) -> list[Key]:
        """The items' keys in the order DynamoDB receives them (and answers reasons in)."""
        return [key for kind in _SEND_ORDER for key in self._keys[kind]]

    def __exit__(self, exc_type: Any, exc_val: Any, exc_tb: Any) -> None:
        try:
            super().__exit__(exc_type, exc_val, exc_tb)
        except TransactWriteError as error:
            refused = cancelled(error, self.sent_keys())
            if refused is None:
                raise
            raise refused from error


def cancelled(error: TransactWriteError, keys: list[Key]) -> ConditionFailed | None:
    """The ConditionFailed a cancelled transaction means, each reason matched to its item's key.
    None when no condition failed and nothing was contended (throttling, validation...), or when
    the reasons do not line up with the items (then nothing can be said about which refused)."""
    reasons = error.cancellation_reasons or []
    if len(reasons) != len(keys):
        return None
    codes = [(key, reason.code) for key, reason in zip(keys, reasons) if reason is not None]
    failed = [key for key, code in codes if code == "ConditionalCheckFailed"]
    contended = [key for key, code in codes if code == "TransactionConflict"]
    if not failed and not contended:
        return None
    return ConditionFailed(failed, contended)


def transaction() -> Transaction:
    """A TransactWriteItems batch on a connection shared by this process; use it as a context
    manager (it commits on exit). Raises ConditionFailed naming the items that refused."""
    global _connection
    if _connection is None:
        _connection = Connection(region=get_settings().region)
    return Transaction(_connection)
