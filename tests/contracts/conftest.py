"""Contract tests: one behaviour suite per port, run against the fake and the real adapter.

Every suite is written once and parametrised over its implementations (``fake`` and ``dynamodb``
or ``sqs``): the in-memory fake of ``tests/unit/services`` and the boto3 adapter of
``functions/adapters`` on the session's moto server, over HTTP like everything else. Each test
gets fresh resources with unique names, built from the definitions in
:mod:`functions.resources` (the ones ``make run`` and the CDK stack use), so a fake cannot drift
from what DynamoDB and SQS do without one of its tests failing.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from typing import Any

import boto3
import pytest
from botocore.config import Config

from functions.resources import TIMERS_QUEUE, Table
from local.provision import QueuePair, create_queue

REGION = "eu-west-2"

_CONFIG = Config(retries={"mode": "standard", "total_max_attempts": 2}, max_pool_connections=32)


@pytest.fixture(scope="session")
def dynamodb(moto_url: str) -> Any:
    """A plain boto3 DynamoDB client on the session's moto server."""
    return boto3.client("dynamodb", endpoint_url=moto_url, region_name=REGION, config=_CONFIG)


@pytest.fixture(scope="session")
def sqs(moto_url: str) -> Any:
    """A plain boto3 SQS client on the session's moto server."""
    return boto3.client("sqs", endpoint_url=moto_url, region_name=REGION, config=_CONFIG)


def unique(name: str) -> str:
    return f"contract-{name}-{uuid.uuid4().hex[:10]}"


@pytest.fixture
def new_table(dynamodb: Any) -> Iterator[Callable[[Table], str]]:
    """Create a table from its definition under a fresh name; dropped after the test."""
    made: list[str] = []

    def make(definition: Table) -> str:
        name = unique(definition.logical_name.lower())
        dynamodb.create_table(**definition.create_table_params(name))
        made.append(name)
        return name

    yield make
    for name in made:
        dynamodb.delete_table(TableName=name)


@pytest.fixture
def timers_queue(sqs: Any) -> Iterator[QueuePair]:
    """A fresh timers queue (with its dead-letter queue), as ``make run`` creates it."""
    pair = create_queue(sqs, unique("timers"), TIMERS_QUEUE)
    yield pair
    for url in (pair.url, pair.dlq_url):
        sqs.delete_queue(QueueUrl=url)
