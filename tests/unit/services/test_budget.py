"""The request budget: an answer in time whatever the work is stuck on, and the work goes on."""

from __future__ import annotations

import contextvars
import threading

import pytest

from functions.services.budget import BudgetExceeded, Deadline, run_within

who = contextvars.ContextVar("who", default="nobody")


def test_the_work_s_answer_comes_back() -> None:
    assert run_within(5, lambda: 42) == 42


def test_a_refusal_in_the_work_reaches_the_caller_as_it_is() -> None:
    def refuse() -> None:
        raise LookupError("no such session")

    with pytest.raises(LookupError, match="no such session"):
        run_within(5, refuse)


def test_stuck_work_gets_a_503_that_says_999_and_then_finishes_by_itself() -> None:
    release, finished = threading.Event(), threading.Event()

    def stuck() -> None:
        release.wait(30)  # a hung call
        finished.set()

    with pytest.raises(BudgetExceeded) as refused:
        run_within(0.05, stuck)

    assert refused.value.http_status == 503 and "999" in refused.value.message
    assert not finished.is_set()  # answered while the work was still stuck
    release.set()
    assert finished.wait(5)  # and the work was not abandoned: it ran to its end


def test_the_work_sees_the_request_s_context() -> None:
    who.set("met-4521")
    assert run_within(5, who.get) == "met-4521"


def test_a_deadline_counts_down_and_never_below_zero() -> None:
    now = [100.0]
    deadline = Deadline(6, clock=lambda: now[0])
    now[0] = 104.5
    assert deadline.remaining == 1.5 and not deadline.passed
    now[0] = 107.0
    assert deadline.remaining == 0.0 and deadline.passed
