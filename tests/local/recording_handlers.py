"""Stand-in Lambda handlers for the event pump's tests: they record what they receive.

:class:`Recorder` instances are passed to the pump as callables; :func:`record` is the same thing
reached by import path (``"tests.local.recording_handlers:record"``), as the pump reaches the
application's handlers.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

Verdict = Callable[[dict[str, Any], int], bool]
"""``verdict(record, try_number) -> ok``; ``try_number`` counts this record's deliveries from 1."""


class Recorder:
    """A Lambda handler that records every event and fails the records ``verdict`` rejects.

    Parameters
    ----------
    verdict
        Which records fail; by default none.
    raise_on_failure
        Fail the whole batch by raising (instead of answering ``batchItemFailures``).
    """

    def __init__(self, verdict: Verdict | None = None, *, raise_on_failure: bool = False) -> None:
        self.verdict = verdict or (lambda record, attempt: True)
        self.raise_on_failure = raise_on_failure
        self.events: list[dict[str, Any]] = []
        self.contexts: list[Any] = []
        self._tries: dict[str, int] = {}
        self._lock = threading.Lock()

    @property
    def records(self) -> list[dict[str, Any]]:
        """Every record of every event, in delivery order."""
        with self._lock:
            return [record for event in self.events for record in event["Records"]]

    def __call__(self, event: dict[str, Any], context: Any) -> dict[str, Any]:
        with self._lock:
            self.events.append(event)
            self.contexts.append(context)
        failures = []
        for record in event["Records"]:
            identifier = identifier_of(record)
            with self._lock:
                self._tries[identifier] = self._tries.get(identifier, 0) + 1
                attempt = self._tries[identifier]
            if not self.verdict(record, attempt):
                failures.append({"itemIdentifier": identifier})
        if failures and self.raise_on_failure:
            raise RuntimeError(f"{len(failures)} records rejected")
        return {"batchItemFailures": failures}


def identifier_of(record: dict[str, Any]) -> str:
    """What ``batchItemFailures`` names a record by: SQS message id or stream sequence number."""
    if record["eventSource"] == "aws:sqs":
        return str(record["messageId"])
    return str(record["dynamodb"]["SequenceNumber"])


RECORDED: list[dict[str, Any]] = []
"""What :func:`record` received."""


def record(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """Record the event and report success (reached by import path)."""
    RECORDED.append(event)
    return {"batchItemFailures": []}
