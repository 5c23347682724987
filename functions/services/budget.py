"""Time budgets: an answer within a bound, whatever hangs, and the calls a request runs together.

An officer on the street must hear "call 999" within seconds, not after the AWS SDK has waited out
every read timeout and retry. Two layers keep that promise (docs/operations.md, "Time budgets"):

- each AWS call is bounded by its client's timeouts and retries (``functions.adapters.aws``),
  which end a single hung call in about 5 s;
- each write route runs inside :func:`run_within`, which answers after
  ``REQUEST_BUDGET_SECONDS`` even when several calls hang one after another. The work goes on in
  its thread and finishes or repairs itself (every step is idempotent and every meeting has a
  check), so a client that retries with its ``Idempotency-Key`` finds the same session.
"""

from __future__ import annotations

import contextvars
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

from functions.domain import DomainError

__all__ = ["BudgetExceeded", "Deadline", "executor", "run_within"]

T = TypeVar("T")

FALL_BACK_TO_999 = (
    "Safe Connection cannot reach the control room right now. Call 999 and ask the control room "
    "to confirm the officer."
)


class Unavailable(DomainError):  # noqa: N818 - named for what the caller sees
    """An AWS dependency failed after retries: the officer must fall back to 999."""

    http_status = 503
    default_code = "service_unavailable"


class BudgetExceeded(Unavailable):
    """The route's time budget ran out before its work finished."""


class Deadline:
    """A point in time a request must answer by.

    Parameters
    ----------
    seconds
        From now.
    clock
        Monotonic seconds; injectable for tests.
    """

    def __init__(self, seconds: float, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._at = clock() + seconds

    @property
    def remaining(self) -> float:
        """Seconds left (never negative)."""
        return max(0.0, self._at - self._clock())

    @property
    def passed(self) -> bool:
        return self.remaining <= 0.0


def run_within(seconds: float, work: Callable[[], T], *, message: str = FALL_BACK_TO_999) -> T:
    """``work()``'s result, or :class:`BudgetExceeded` once ``seconds`` have passed.

    The work runs in its own thread (with the caller's context variables, so log lines keep
    their correlation id) and is not interrupted when the budget runs out: Python cannot stop a
    thread blocked in a socket read, and every use case here finishes or repairs itself. One
    thread per request, not a pool, so a burst of requests never queues behind the budget.

    Raises
    ------
    BudgetExceeded
        With ``message`` (a 503 in the error envelope).
    """
    finished = threading.Event()
    outcome: dict[str, object] = {}

    def target() -> None:
        try:
            outcome["value"] = work()
        except BaseException as exc:  # handed to the waiting caller below
            outcome["error"] = exc
        finally:
            finished.set()

    context = contextvars.copy_context()
    threading.Thread(target=context.run, args=(target,), name="request", daemon=True).start()
    if not finished.wait(seconds):
        raise BudgetExceeded(message)
    if "error" in outcome:
        raise outcome["error"]  # type: ignore[misc]
    return outcome["value"]  # type: ignore[return-value]


_pool: ThreadPoolExecutor | None = None
_pool_lock = threading.Lock()


def executor() -> ThreadPoolExecutor:
    """The process's pool for AWS calls a request makes side by side; built on first use.

    Sized for ``chalice local`` and the tests, where many requests share one process (a Lambda
    container serves one at a time); threads start only as they are needed.
    """
    global _pool
    if _pool is None:
        with _pool_lock:
            if _pool is None:
                _pool = ThreadPoolExecutor(max_workers=32, thread_name_prefix="aws")
    return _pool
