"""The app's own time with every AWS call answered at once, and what a wait does to this machine.

The warm comparison (:mod:`bench.warm`) takes a request's own time as its time outside its AWS
calls. On this machine that figure is inflated: the same Python runs several times slower right
after a wait of a few milliseconds (a call to moto) than back to back, because whatever ran in the
meantime evicted the caches the code needs. Two figures separate the app's code from that effect:

- :func:`answering_at_once`: the app's own clients answer each operation from a recording of
  the same route's real answers, with no socket and no wait, so a request's whole time is its own
  code (botocore's parameter validation and serialisation are skipped too; they are inside a
  call's interval in the warm comparison, so neither figure counts them);
- :func:`after_a_wait`: one fixed piece of the app's work (rebuilding a session record from its
  DynamoDB item) timed back to back and right after a short sleep.

This is a measurement harness, not a test double: the figures it gives sit beside the real ones
and never replace them.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

__all__ = ["after_a_wait", "answering_at_once", "recording_answers"]

Answers = dict[tuple[str, str | None], Any]
"""Parsed answers by ``(operation, TableName)``: two tables answer ``GetItem`` differently."""


def _key(operation: str, params: dict[str, Any]) -> tuple[str, str | None]:
    return operation, params.get("TableName")


@contextmanager
def _making_calls(clients: list[Any], make: Callable[[Any], Callable[..., Any]]) -> Iterator[None]:
    """Give each client's instance its own ``_make_api_call`` (the bound method every operation
    goes through) for the block; the class's method is back afterwards."""
    for client in clients:
        client._make_api_call = make(client)
    try:
        yield
    finally:
        for client in clients:
            del client._make_api_call


@contextmanager
def recording_answers(clients: list[Any]) -> Iterator[Answers]:
    """Record each operation's last real answer while the block runs."""
    answers: Answers = {}

    def make(client: Any) -> Callable[..., Any]:
        real = type(client)._make_api_call

        def call(operation: str, params: dict[str, Any]) -> Any:
            answers[_key(operation, params)] = answer = real(client, operation, params)
            return answer

        return call

    with _making_calls(clients, make):
        yield answers


@contextmanager
def answering_at_once(clients: list[Any], answers: Answers) -> Iterator[None]:
    """Answer each operation from ``answers`` without a request; an operation not recorded
    raises ``KeyError``, so a route that changed its calls fails loudly rather than measuring
    something else."""

    def make(_: Any) -> Callable[..., Any]:
        return lambda operation, params: answers[_key(operation, params)]

    with _making_calls(clients, make):
        yield


def after_a_wait(work: Callable[[], Any], rounds: int, wait_s: float = 0.01) -> dict[str, float]:
    """Median µs of ``work()`` back to back and right after sleeping ``wait_s``, and their ratio."""

    def timed(pause: float) -> float:
        times = []
        for _ in range(rounds):
            if pause:
                time.sleep(pause)
            started = time.perf_counter()
            work()
            times.append(time.perf_counter() - started)
        return sorted(times)[len(times) // 2] * 1e6

    work()
    back_to_back, after = timed(0.0), timed(wait_s)
    return {
        "wait_ms": wait_s * 1000,
        "back_to_back_us": round(back_to_back, 1),
        "after_wait_us": round(after, 1),
        "ratio": round(after / back_to_back, 2),
    }
