"""``DynamoRateLimiter`` against DynamoDB (moto over HTTP): one write per count, fixed windows."""

from __future__ import annotations

import threading
import uuid
from collections.abc import Iterator
from typing import Any

import boto3
import pytest

from functions.adapters.rate_limits import DynamoRateLimiter
from functions.resources import RATE_LIMITS
from functions.services.ports import CodeLookups

REGION = "eu-west-2"
START = 1_795_424_400  # a whole hour: 2026-11-23 09:00 UTC


class Clock:
    def __init__(self, now: float = START) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def dynamodb(moto_url: str) -> Any:
    return boto3.client("dynamodb", endpoint_url=moto_url, region_name=REGION)


@pytest.fixture
def table(dynamodb: Any) -> Iterator[str]:
    name = f"rate-limits-{uuid.uuid4().hex[:8]}"
    dynamodb.create_table(**RATE_LIMITS.create_table_params(name))
    yield name
    dynamodb.delete_table(TableName=name)


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def calls(dynamodb: Any) -> Iterator[list[str]]:
    """Every DynamoDB operation the client makes."""
    made: list[str] = []

    def record(model: Any, **_: Any) -> None:
        made.append(model.name)

    dynamodb.meta.events.register("before-call", record, unique_id="rate-limit-calls")
    yield made
    dynamodb.meta.events.unregister("before-call", unique_id="rate-limit-calls")


@pytest.fixture
def limiter(dynamodb: Any, table: str, clock: Clock) -> DynamoRateLimiter:
    return DynamoRateLimiter(dynamodb, table, clock=clock)


def test_a_lookup_is_one_update_that_also_reads_the_misses(
    limiter: DynamoRateLimiter, calls: list[str], clock: Clock
) -> None:
    clock.now = START + 600
    assert limiter.count_lookup("10.0.0.1", 3600) == CodeLookups(1, 0, retry_after=3000)
    assert limiter.count_miss("10.0.0.1", 3600) == CodeLookups(1, 1, retry_after=3000)
    assert limiter.count_lookup("10.0.0.1", 3600) == CodeLookups(2, 1, retry_after=3000)
    assert calls == ["UpdateItem", "UpdateItem", "UpdateItem"]


def test_one_item_per_client_and_window_with_both_counters_and_a_ttl(
    limiter: DynamoRateLimiter, dynamodb: Any, table: str, clock: Clock
) -> None:
    limiter.count_lookup("10.0.0.1", 3600)
    limiter.count_miss("10.0.0.1", 3600)
    limiter.count_lookup("10.0.0.2", 3600)
    clock.now = START + 3600
    assert limiter.count_lookup("10.0.0.1", 3600) == CodeLookups(1, 0, retry_after=3600)

    items = {
        item["key"]["S"]: item
        for item in dynamodb.scan(TableName=table, ConsistentRead=True)["Items"]
    }
    assert set(items) == {
        f"verify#10.0.0.1#{START}",
        f"verify#10.0.0.2#{START}",
        f"verify#10.0.0.1#{START + 3600}",
    }
    first = items[f"verify#10.0.0.1#{START}"]
    assert (first["lookups"]["N"], first["misses"]["N"]) == ("1", "1")
    assert first["expires_at"]["N"] == str(START + 3600 + 60)  # gone by TTL after its window


def test_hit_still_counts_other_routes_on_their_own_items(
    limiter: DynamoRateLimiter, clock: Clock
) -> None:
    clock.now = START + 3599
    assert [limiter.hit("attendance", "10.0.0.1", 2, 3600) for _ in range(3)] == [0, 0, 1]
    assert limiter.count_lookup("10.0.0.1", 3600) == CodeLookups(1, 0, retry_after=1)


def test_counts_are_atomic_across_concurrent_requests(limiter: DynamoRateLimiter) -> None:
    def lookup_and_miss() -> None:
        limiter.count_lookup("10.0.0.9", 3600)
        limiter.count_miss("10.0.0.9", 3600)

    threads = [threading.Thread(target=lookup_and_miss) for _ in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert limiter.count_lookup("10.0.0.9", 3600).lookups == 21
    assert limiter.count_miss("10.0.0.9", 3600).misses == 21
