"""Make moto's DynamoDB as atomic as DynamoDB itself.

moto server answers requests on many threads, but its DynamoDB backend does not lock: two
conditional writes racing on one item can both see the old item and both succeed. Real DynamoDB
evaluates a condition and applies the write atomically, and Safe Connection relies on that (exactly
one sergeant wins a claim). This serialises moto's DynamoDB writes so the local stack and the tests
behave as AWS does. It changes moto, never the application.
"""

from __future__ import annotations

import functools
import threading
from typing import Any

__all__ = ["make_dynamodb_writes_atomic"]

_WRITES = ("put_item", "update_item", "delete_item", "transact_write_items", "batch_write_item")
_lock = threading.RLock()


def make_dynamodb_writes_atomic() -> None:
    """Serialise moto's DynamoDB writes (idempotent; call before serving requests)."""
    from moto.dynamodb.models import DynamoDBBackend

    if getattr(DynamoDBBackend, "_atomic_writes", False):
        return
    for name in _WRITES:
        original = getattr(DynamoDBBackend, name)

        @functools.wraps(original)
        def locked(self: Any, *args: Any, __original: Any = original, **kwargs: Any) -> Any:
            with _lock:
                return __original(self, *args, **kwargs)

        setattr(DynamoDBBackend, name, locked)
    DynamoDBBackend._atomic_writes = True  # type: ignore[attr-defined]
