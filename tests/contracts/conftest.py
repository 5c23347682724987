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
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import boto3
import pytest
from botocore.config import Config

from functions.adapters.register_table import DynamoOfficerRegister
from functions.adapters.sessions_table import CODE_PREFIX, DynamoSessionStore
from functions.resources import OFFICERS, SESSIONS, TIMERS_QUEUE, Table
from functions.services.ports import OfficerRegister, SessionStore
from local.provision import QueuePair, create_queue
from tests.unit.services.fakes import FakeOfficerRegister, FakeSessionStore

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


@dataclass
class Backend:
    """The sessions table and the officer register of one implementation, linked as deployed
    (a start adds to the officer's live sessions, a register write refreshes their snapshots)."""

    name: str
    sessions: SessionStore
    register: OfficerRegister
    lapse_code: Callable[[str], None]
    """Let a public code's claim lapse, as TTL removes it when the retention period is over."""


@pytest.fixture(params=["fake", "dynamodb"])
def backend(request: pytest.FixtureRequest) -> Backend:
    """The session store and officer register, fake or on fresh tables on moto."""
    if request.param == "fake":
        register = FakeOfficerRegister()
        store = FakeSessionStore(register)
        return Backend("fake", store, register, store.lapse_code)
    new_table: Callable[[Table], str] = request.getfixturevalue("new_table")
    dynamodb: Any = request.getfixturevalue("dynamodb")
    sessions_table, officers_table = new_table(SESSIONS), new_table(OFFICERS)

    def lapse_code(code: str) -> None:
        dynamodb.delete_item(
            TableName=sessions_table, Key={"session_id": {"S": f"{CODE_PREFIX}{code}"}}
        )

    return Backend(
        "dynamodb",
        DynamoSessionStore(dynamodb, sessions_table, officers_table, timedelta(days=30)),
        DynamoOfficerRegister(dynamodb, officers_table, sessions_table),
        lapse_code,
    )
