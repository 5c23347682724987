"""In-memory fake of ``Idempotency-Key`` handling (:class:`~functions.services.ports.Idempotency`).

It answers as ``PowertoolsIdempotency`` does over its DynamoDB table:

- a key is claimed before ``produce`` runs; a second call with the key waits for the first's
  answer until its deadline (then ``idempotency_in_progress``);
- the payload is compared as Powertools hashes it, as JSON with sorted keys (so ``1`` and ``1.0``
  differ, a tuple and a list with the same items do not), and before anything else: another
  payload is ``idempotency_key_reused`` even while the first call runs;
- the stored answer is JSON: a retry gets ``json.loads`` of it, not the first call's object;
- a ``produce`` that raises withdraws the claim, so the next call runs it again.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from functions.domain import Conflict
from functions.services.budget import Deadline
from tests.unit.services.fakes import _Port

__all__ = ["FakeIdempotency"]


@dataclass
class _Record:
    payload: str
    answer: str | None = None  # None while the first call is running


class FakeIdempotency(_Port):
    """The idempotency table: one record per key, in progress until its answer is stored."""

    def __init__(self) -> None:
        super().__init__()
        self.records: dict[str, _Record] = {}
        self._changed = threading.Condition(self.lock)
        self.blocked = threading.Event()
        """Set when a call finds its key in progress (tests wait for it; nobody sleeps)."""

    def run(
        self,
        key: str,
        payload: dict[str, Any],
        produce: Callable[[], dict[str, Any]],
        deadline: Deadline,
    ) -> dict[str, Any]:
        self._enter("run", key)
        digest = json.dumps(payload, sort_keys=True)
        with self._changed:
            while True:
                record = self.records.get(key)
                if record is None:
                    self.records[key] = _Record(digest)
                    break
                if record.payload != digest:
                    raise Conflict(
                        "That Idempotency-Key was already used for a different request.",
                        code="idempotency_key_reused",
                    )
                if record.answer is not None:
                    answer: dict[str, Any] = json.loads(record.answer)
                    return answer
                self.blocked.set()
                if deadline.passed:
                    raise Conflict(
                        "The first request with this Idempotency-Key is still running; "
                        "retry in a moment.",
                        code="idempotency_in_progress",
                    )
                self._changed.wait(deadline.remaining)
        try:
            result = produce()
        except BaseException:
            self._withdraw(key)
            raise
        try:
            stored = json.dumps(result, sort_keys=True)
        except (TypeError, ValueError):
            self._withdraw(key)  # done; only remembering the answer failed (as the real one)
            return result
        with self._changed:
            self.records[key].answer = stored
            self._changed.notify_all()
        return result

    def _withdraw(self, key: str) -> None:
        with self._changed:
            del self.records[key]
            self._changed.notify_all()
