"""Make moto's DynamoDB behave as DynamoDB does where Safe Connection depends on it.

It changes moto, never the application, and is installed by :func:`make_dynamodb_writes_atomic`
before moto serves (``make run``'s moto, the tests' moto, the benchmark's moto):

Atomic writes
    moto server answers requests on many threads, but its DynamoDB backend does not lock: two
    conditional writes racing on one item can both see the old item and both succeed. Real
    DynamoDB evaluates a condition and applies the write atomically, and Safe Connection relies
    on that (exactly one sergeant wins a claim). Every write is serialised under one lock.
Transactions that cost what they touch
    moto's ``TransactWriteItems`` deep-copies every table it names (items, indexes and the whole
    stream shard with every record ever written) as its rollback backup, so each transaction
    is slower than the last and the process grows with history. It also rolls back by putting
    the copies in place of the tables, so a stream reader's shard iterator is left on the old,
    abandoned shard and never sees another record. :func:`transact_write_items` keeps moto's
    semantics (all or nothing, one operation per item, ``CancellationReasons`` in order, a
    validation error cancelling without reasons) but backs up only the items the transaction
    names and the length of each touched stream, and rolls back in place.
A stream that is trimmed
    DynamoDB keeps stream records for 24 hours; moto keeps them forever. :mod:`local.moto_streams`
    trims the records that every reader (the event pump) has said it delivered.
"""

from __future__ import annotations

import copy
import functools
import threading
from dataclasses import dataclass, field
from typing import Any

__all__ = ["make_dynamodb_writes_atomic", "transact_write_items"]

_WRITES = ("put_item", "update_item", "delete_item", "transact_write_items", "batch_write_item")
_lock = threading.RLock()
_OPERATIONS = frozenset({"ConditionCheck", "Put", "Delete", "Update"})


def make_dynamodb_writes_atomic() -> None:
    """Serialise moto's DynamoDB writes, give it item-level transaction backups and a trimmed
    stream (idempotent; call before serving requests)."""
    from moto.dynamodb.models import DynamoDBBackend

    from .moto_streams import install_stream_trimming

    if getattr(DynamoDBBackend, "_atomic_writes", False):
        return
    setattr(DynamoDBBackend, "transact_write_items", transact_write_items)  # noqa: B010
    for name in _WRITES:
        original = getattr(DynamoDBBackend, name)

        @functools.wraps(original)
        def locked(self: Any, *args: Any, __original: Any = original, **kwargs: Any) -> Any:
            with _lock:
                return __original(self, *args, **kwargs)

        setattr(DynamoDBBackend, name, locked)
    install_stream_trimming(_lock)
    DynamoDBBackend._atomic_writes = True  # type: ignore[attr-defined]


@dataclass
class _Backup:
    """What a transaction may change, as it was before: each named item and each stream's
    length. Restoring puts it back in place, in the same table and shard objects."""

    items: list[tuple[Any, Any, Any, Any]] = field(default_factory=list)
    """``(table, hash key, range key or None, deep copy of the item or None)``."""
    streams: dict[int, tuple[Any, int]] = field(default_factory=dict)
    """``id(shard) -> (shard, number of records)``."""

    def remember(self, backend: Any, op: dict[str, Any], op_type: str) -> None:
        from moto.dynamodb.models.dynamo_type import DynamoType

        table = backend.tables.get(op.get("TableName"))
        if table is None:
            return  # moto answers ResourceNotFound for it: nothing there to change
        source = op.get("Item") if op_type == "Put" else op.get("Key")
        if not isinstance(source, dict) or table.hash_key_attr not in source:
            return  # moto refuses the transaction before writing anything for this item
        if table.range_key_attr is not None and table.range_key_attr not in source:
            return
        hash_key = DynamoType(source[table.hash_key_attr])
        range_key = DynamoType(source[table.range_key_attr]) if table.range_key_attr else None
        current = table.get_item(hash_key, range_key)
        self.items.append((table, hash_key, range_key, copy.deepcopy(current)))
        shard = table.stream_shard
        if shard is not None and id(shard) not in self.streams:
            self.streams[id(shard)] = (shard, len(shard.items))

    def restore(self) -> None:
        for table, hash_key, range_key, item in self.items:
            if range_key is None:
                if item is None:
                    table.items.pop(hash_key, None)
                else:
                    table.items[hash_key] = item
            elif item is None:
                if hash_key in table.items:
                    table.items[hash_key].pop(range_key, None)
            else:
                table.items[hash_key][range_key] = item
        for shard, length in self.streams.values():
            del shard.items[length:]  # the records the cancelled writes added; never read


def transact_write_items(self: Any, transact_items: list[dict[str, Any]]) -> None:
    """``DynamoDBBackend.transact_write_items`` with an item-level backup (see the module).

    Follows moto 5's own implementation step for step (checks, order of errors, reasons);
    only the backup and the rollback differ. Called under the write lock, so nothing else
    writes (or trims a stream) between the backup and the rollback.
    """
    from moto.dynamodb.comparisons import get_filter_expression
    from moto.dynamodb.exceptions import (
        ConditionalCheckFailed,
        MockValidationException,
        MultipleTransactionsException,
        TooManyTransactionsException,
        TransactionCanceledException,
        TransactWriteSingleOpException,
    )

    if len(transact_items) > 100:
        raise TooManyTransactionsException()
    backup = _Backup()
    for item in transact_items:
        op_type, op = next(iter(item.items()))
        if len(item) == 1 and op_type in _OPERATIONS:
            backup.remember(self, op, op_type)

    target_items: set[tuple[str, str]] = set()

    def check_unicity(table_name: str, key: dict[str, Any]) -> None:
        target = (str(table_name), str(dict(sorted(key.items()))))
        if target in target_items:
            raise MultipleTransactionsException()
        target_items.add(target)

    errors: list[tuple[str | None, str | None, dict[str, Any] | None]] = []
    for item in transact_items:
        original_item: dict[str, Any] | None = None
        if len(list(item.keys())) > 1:
            backup.restore()  # DynamoDB refuses the request before writing anything
            raise TransactWriteSingleOpException
        try:
            op_type, op = next(iter(item.items()))
            if op_type not in _OPERATIONS:
                raise ValueError("Unsupported transaction operation")
            table_name = op["TableName"]
            condition = op.get("ConditionExpression")
            names = op.get("ExpressionAttributeNames")
            values = op.get("ExpressionAttributeValues")
            if op_type == "Put":
                attrs = op["Item"]
                table = self.get_table(table_name)
                key = {table.hash_key_attr: attrs[table.hash_key_attr]}
                if table.range_key_attr is not None:
                    key[table.range_key_attr] = attrs[table.range_key_attr]
            else:
                key = op["Key"]
            check_unicity(table_name, key)
            current = self.get_item(table_name, key)
            check = None if condition is None else get_filter_expression(condition, names, values)
            if check is not None and not check.expr(current):
                wants_old = op.get("ReturnValuesOnConditionCheckFailure") == "ALL_OLD"
                if wants_old and current:
                    original_item = current.to_json()["Attributes"]
                raise ConditionalCheckFailed(item=original_item)
            written = {
                "condition_expression": condition,
                "expression_attribute_names": names,
                "expression_attribute_values": values,
            }
            if op_type == "Put":
                self.put_item(table_name, op["Item"], **written)
            elif op_type == "Delete":
                self.delete_item(table_name, key, **written)
            elif op_type == "Update":
                self.update_item(
                    table_name, key, update_expression=op["UpdateExpression"], **written
                )
            errors.append((None, None, None))
        except (MultipleTransactionsException, MockValidationException):
            backup.restore()
            raise
        except ConditionalCheckFailed as e:
            errors.append(("ConditionalCheckFailed", str(e.message), original_item))
        except Exception as e:
            errors.append((type(e).__name__, str(e), original_item))
    if any(code is not None for code, _, _ in errors):
        backup.restore()
        raise TransactionCanceledException(errors)
