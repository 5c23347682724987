"""Injected faults: errors, latency and lost answers for the next calls of an operation.

Tests set them through ``POST /_emulator/faults``; the server consumes one for each call of the
operation it names (or of any operation, for ``*``) and acts it out around the real operation.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Any


@dataclass
class Fault:
    """What to do to one call of an operation.

    Attributes
    ----------
    error
        Answer with this modelled error instead of executing (after ``latency``).
    latency
        Seconds to wait before executing: a slow service.
    latency_after
        Seconds to wait after executing, before answering: the call commits and answers late,
        perhaps after its caller has timed out.
    drop_response
        After executing (and ``latency_after``), close the connection without an answer: the
        call commits and its answer is lost.
    remaining
        How many more calls it applies to.
    """

    error: str | None
    latency: float = 0.0
    latency_after: float = 0.0
    drop_response: bool = False
    remaining: int = 1

    def to_wire(self) -> dict[str, Any]:
        return {
            "error": self.error,
            "latency_ms": self.latency * 1000,
            "latency_after_ms": self.latency_after * 1000,
            "drop_response": self.drop_response,
            "count": self.remaining,
        }


class FaultTable:
    """Pending faults by operation name, consumed in the order they were added."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._faults: dict[str, list[Fault]] = {}
        # Set (and replaced) by clear(): a call waiting out an injected latency answers at once
        # when the faults are cleared or the emulator reset, rather than outliving its test.
        self._released = threading.Event()

    def add(self, operation: str, fault: Fault) -> None:
        """Apply ``fault`` to the next ``fault.remaining`` calls of ``operation`` (or ``*``)."""
        with self._lock:
            self._faults.setdefault(operation, []).append(fault)

    def take(self, operation: str) -> Fault | None:
        """Consume one call's worth of the first fault for this operation (or for ``*``)."""
        with self._lock:
            for key in (operation, "*"):
                pending = self._faults.get(key)
                if pending:
                    fault = pending[0]
                    fault.remaining -= 1
                    if fault.remaining <= 0:
                        pending.pop(0)
                    return Fault(
                        fault.error, fault.latency, fault.latency_after, fault.drop_response, 1
                    )
        return None

    def pending(self) -> dict[str, list[dict[str, Any]]]:
        """Faults still to apply, by operation, for the control API."""
        with self._lock:
            return {
                op: [f.to_wire() for f in faults] for op, faults in self._faults.items() if faults
            }

    def clear(self) -> None:
        """Forget every pending fault and cut short any injected wait in progress."""
        with self._lock:
            self._faults.clear()
            self._released.set()
            self._released = threading.Event()

    def wait(self, seconds: float) -> None:
        """Wait out an injected latency (the latency itself), or until :meth:`clear`."""
        with self._lock:
            released = self._released
        released.wait(seconds)
