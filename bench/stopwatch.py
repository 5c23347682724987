"""Time spent inside boto3: building clients and making calls, measured by botocore's own events.

A request's time minus the time its thread of control spent waiting for AWS calls (the union of
the calls' intervals, so calls side by side count once) minus building clients is the
application's *own* time: its Python, which moto's speed does not change. An interval runs from
``provide-client-params`` (the start of the call) to ``after-call`` / ``after-call-error`` (the
answer parsed); presigning a URL starts no interval that ends, so it is not a call.

Imports only ``time``: the cold-start processes load it before their clock starts.
"""

from __future__ import annotations

import time

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

__all__ = ["CallClock", "union"]

_ID = "safe-connection-bench-clock"


def union(intervals: list[tuple[float, float]]) -> float:
    """Total length covered by ``intervals`` (overlaps counted once)."""
    covered, reach = 0.0, float("-inf")
    for start, end in sorted(intervals):
        if end <= reach:
            continue
        covered += end - max(start, reach)
        reach = end
    return covered


class CallClock:
    """Collects call intervals of the clients it is attached to, and client build times."""

    def __init__(self) -> None:
        self.intervals: list[tuple[float, float]] = []
        self.building = 0.0

    def attach(self, client: Any) -> None:
        events = client.meta.events
        events.register("provide-client-params", self._started, unique_id=_ID)
        events.register("after-call", self._ended, unique_id=_ID + "-end")
        events.register("after-call-error", self._ended, unique_id=_ID + "-error")

    def time_new_clients(self) -> None:
        """Time every client a ``boto3.session.Session`` builds from now on, and attach to it."""
        import boto3.session

        original = boto3.session.Session.client
        clock = self

        def client(session: Any, *args: Any, **kwargs: Any) -> Any:
            started = time.perf_counter()
            made = original(session, *args, **kwargs)
            clock.building += time.perf_counter() - started
            clock.attach(made)
            return made

        boto3.session.Session.client = client  # type: ignore[method-assign,assignment]

    def reset(self) -> None:
        self.intervals = []
        self.building = 0.0

    def in_calls(self) -> float:
        """Seconds covered by the calls since the last :meth:`reset`."""
        return union(self.intervals)

    @staticmethod
    def _started(context: dict[str, Any], **_: Any) -> None:
        context["bench_clock"] = time.perf_counter()

    def _ended(self, context: dict[str, Any], **_: Any) -> None:
        started = context.get("bench_clock")
        if started is not None:
            self.intervals.append((started, time.perf_counter()))
