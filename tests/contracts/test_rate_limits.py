"""The rate limiter's contract, for ``FakeRateLimiter`` and ``DynamoRateLimiter`` alike.

Fixed windows of the clock's epoch seconds; one counter per route, client and window; her code
lookups and misses counted together on one item; every count atomic.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import pytest

from functions.adapters.rate_limits import DynamoRateLimiter
from functions.resources import RATE_LIMITS, Table
from functions.services.ports import CodeLookups, RateLimiter
from tests.unit.services.fakes import FakeRateLimiter

START = 1_795_424_400  # a whole hour: 2026-11-23 09:00 UTC
HOUR = 3600


class Clock:
    """Epoch seconds that a test moves by hand."""

    def __init__(self) -> None:
        self.now: float = START

    def __call__(self) -> float:
        return self.now

    def as_datetime(self) -> datetime:
        return datetime.fromtimestamp(self.now, UTC)


@dataclass
class Limiter:
    limiter: RateLimiter
    clock: Clock


@pytest.fixture(params=["fake", "dynamodb"])
def subject(request: pytest.FixtureRequest) -> Limiter:
    clock = Clock()
    if request.param == "fake":
        return Limiter(FakeRateLimiter(clock.as_datetime), clock)
    new_table: Callable[[Table], str] = request.getfixturevalue("new_table")
    dynamodb: Any = request.getfixturevalue("dynamodb")
    return Limiter(DynamoRateLimiter(dynamodb, new_table(RATE_LIMITS), clock=clock), clock)


def test_hit_allows_up_to_the_limit_then_answers_the_seconds_left(subject: Limiter) -> None:
    subject.clock.now = START + 600

    answers = [subject.limiter.hit("attendance", "10.0.0.1", 3, HOUR) for _ in range(5)]

    assert answers == [0, 0, 0, 3000, 3000]


def test_retry_after_is_at_least_one_second(subject: Limiter) -> None:
    subject.clock.now = START + HOUR - 0.25  # a quarter of a second before the window ends

    assert subject.limiter.hit("calls", "10.0.0.1", 0, HOUR) == 1
    assert subject.limiter.count_lookup("10.0.0.1", HOUR).retry_after == 1


def test_a_new_window_starts_from_zero(subject: Limiter) -> None:
    limiter = subject.limiter
    assert [limiter.hit("calls", "10.0.0.1", 1, 60) for _ in range(2)] == [0, 60]

    subject.clock.now = START + 59
    assert limiter.hit("calls", "10.0.0.1", 1, 60) == 1  # still the first window
    subject.clock.now = START + 60
    assert limiter.hit("calls", "10.0.0.1", 1, 60) == 0


def test_windows_are_fixed_slices_of_the_epoch_not_sliding(subject: Limiter) -> None:
    subject.clock.now = START + 1799  # the window of 1800 s started at START
    assert subject.limiter.count_lookup("10.0.0.1", 1800) == CodeLookups(1, 0, retry_after=1)

    subject.clock.now = START + 1800
    assert subject.limiter.count_lookup("10.0.0.1", 1800) == CodeLookups(1, 0, retry_after=1800)


def test_routes_and_clients_are_counted_apart(subject: Limiter) -> None:
    limiter = subject.limiter
    assert limiter.hit("calls", "10.0.0.1", 1, HOUR) == 0
    assert limiter.hit("calls", "10.0.0.1", 1, HOUR) == HOUR

    assert limiter.hit("attendance", "10.0.0.1", 1, HOUR) == 0
    assert limiter.hit("calls", "10.0.0.2", 1, HOUR) == 0
    assert limiter.count_lookup("10.0.0.1", HOUR) == CodeLookups(1, 0, retry_after=HOUR)


def test_lookups_and_misses_share_one_window_and_each_count_reads_both(
    subject: Limiter,
) -> None:
    limiter = subject.limiter
    subject.clock.now = START + 600

    assert limiter.count_lookup("10.0.0.1", HOUR) == CodeLookups(1, 0, retry_after=3000)
    assert limiter.count_miss("10.0.0.1", HOUR) == CodeLookups(1, 1, retry_after=3000)
    assert limiter.count_miss("10.0.0.1", HOUR) == CodeLookups(1, 2, retry_after=3000)
    assert limiter.count_lookup("10.0.0.1", HOUR) == CodeLookups(2, 2, retry_after=3000)
    assert limiter.count_lookup("10.0.0.2", HOUR) == CodeLookups(1, 0, retry_after=3000)


def test_a_miss_before_any_lookup_counts_no_lookup(subject: Limiter) -> None:
    assert subject.limiter.count_miss("10.0.0.1", HOUR) == CodeLookups(0, 1, retry_after=HOUR)


def test_every_count_is_atomic_under_concurrent_requests(subject: Limiter) -> None:
    limiter = subject.limiter

    def requests() -> None:
        limiter.count_lookup("10.0.0.9", HOUR)
        limiter.count_miss("10.0.0.9", HOUR)
        limiter.hit("calls", "10.0.0.9", 100, HOUR)

    threads = [threading.Thread(target=requests) for _ in range(12)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert limiter.count_lookup("10.0.0.9", HOUR) == CodeLookups(13, 12, retry_after=HOUR)
    assert limiter.hit("calls", "10.0.0.9", 12, HOUR) == HOUR  # the 13th
