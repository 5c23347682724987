"""moto's /_faults/dynamodb: DynamoDB calls that commit and then lose their answer.

Each test makes its own tables on the session's moto server and talks to it over HTTP with plain
boto3 clients, as the application does; every fault set is cleared when the test ends.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from typing import Any

import boto3
import pytest
import requests
from botocore.config import Config
from botocore.exceptions import ClientError, ConnectionClosedError, ReadTimeoutError

from tests.conftest import REGION

HELD_MS = 60_000  # longer than any client waits; clearing the faults ends the hold

Faults = Callable[..., dict[str, Any]]


def dynamodb(url: str, *, read_timeout: float = 10, attempts: int = 3) -> Any:
    """A plain boto3 client; by default retrying as the application's do (standard mode, 3)."""
    config = Config(
        retries={"mode": "standard", "total_max_attempts": attempts}, read_timeout=read_timeout
    )
    return boto3.client("dynamodb", endpoint_url=url, region_name=REGION, config=config)


@pytest.fixture
def faults(moto_url: str, make_table: Callable[[], str]) -> Iterator[Faults]:
    """Set a fault on moto (asserting it was accepted); all faults are cleared afterwards.

    It needs ``make_table`` so that the faults are cleared before the tables are deleted: a fault
    left on a table would otherwise lose the answer to its ``DeleteTable``.
    """
    control = f"{moto_url}/_faults/dynamodb"

    def add(**fault: Any) -> dict[str, Any]:
        response = requests.post(control, json=fault, timeout=5)
        assert response.status_code == 201, response.text
        return response.json()  # type: ignore[no-any-return]

    yield add
    requests.delete(control, timeout=5).raise_for_status()


@pytest.fixture
def make_table(moto_url: str) -> Iterator[Callable[[], str]]:
    """Create uniquely named tables (hash key ``pk``), deleted when the test ends."""
    client = dynamodb(moto_url)
    made: list[str] = []

    def make() -> str:
        name = f"faults-{uuid.uuid4().hex[:10]}"
        client.create_table(
            TableName=name,
            KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
            AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
            BillingMode="PAY_PER_REQUEST",
        )
        made.append(name)
        return name

    yield make
    for name in made:
        client.delete_table(TableName=name)


@pytest.fixture
def table(make_table: Callable[[], str]) -> str:
    return make_table()


def item(client: Any, table: str, pk: str) -> dict[str, Any] | None:
    answer = client.get_item(TableName=table, Key={"pk": {"S": pk}}, ConsistentRead=True)
    return answer.get("Item")  # type: ignore[no-any-return]


def put_once(client: Any, table: str, pk: str, **attributes: str) -> Any:
    """A conditional put, the way an application claims a key: only if nobody has it yet."""
    return client.put_item(
        TableName=table,
        Item={"pk": {"S": pk}, **{k: {"S": v} for k, v in attributes.items()}},
        ConditionExpression="attribute_not_exists(pk)",
    )


def listed(moto_url: str) -> list[dict[str, Any]]:
    response = requests.get(f"{moto_url}/_faults/dynamodb", timeout=5)
    response.raise_for_status()
    return response.json()["faults"]  # type: ignore[no-any-return]


# ---------------------------------------------------------------------------- drop_response
def test_a_retried_put_whose_answer_was_lost_meets_its_own_write(
    moto_url: str, faults: Faults, table: str
) -> None:
    faults(operation="PutItem", table=table, mode="drop_response")
    client = dynamodb(moto_url)

    with pytest.raises(ClientError) as raised:
        put_once(client, table, "claim", owner="sergeant-1")

    # The first attempt committed; botocore retried the lost answer and its retry was refused by
    # the write it made itself.
    error = raised.value.response
    assert error["Error"]["Code"] == "ConditionalCheckFailedException"
    assert error["ResponseMetadata"]["RetryAttempts"] == 1
    assert item(client, table, "claim") == {"pk": {"S": "claim"}, "owner": {"S": "sergeant-1"}}
    assert [(f["remaining"], f["fired"]) for f in listed(moto_url)] == [(0, 1)]


def test_without_retries_the_caller_sees_the_connection_closed_yet_the_write_is_there(
    moto_url: str, faults: Faults, table: str
) -> None:
    faults(operation="PutItem", mode="drop_response")
    client = dynamodb(moto_url, attempts=1)

    with pytest.raises(ConnectionClosedError):
        client.put_item(TableName=table, Item={"pk": {"S": "k"}, "v": {"S": "1"}})

    assert item(client, table, "k") == {"pk": {"S": "k"}, "v": {"S": "1"}}


def test_a_transaction_whose_answer_was_lost_committed_once(
    moto_url: str, faults: Faults, table: str
) -> None:
    client = dynamodb(moto_url)
    client.put_item(TableName=table, Item={"pk": {"S": "counter"}, "n": {"N": "0"}})
    faults(operation="TransactWriteItems", table=table, mode="drop_response")

    with pytest.raises(client.exceptions.TransactionCanceledException) as raised:
        client.transact_write_items(
            TransactItems=[
                {
                    "Put": {
                        "TableName": table,
                        "Item": {"pk": {"S": "session-1"}},
                        "ConditionExpression": "attribute_not_exists(pk)",
                    }
                },
                {
                    "Update": {
                        "TableName": table,
                        "Key": {"pk": {"S": "counter"}},
                        "UpdateExpression": "ADD n :one",
                        "ExpressionAttributeValues": {":one": {"N": "1"}},
                    }
                },
            ]
        )

    # moto ignores the ClientRequestToken botocore keeps across its retries, so the retry is
    # cancelled by the first attempt's Put. (Real DynamoDB, within 10 minutes and with the same
    # token, answers that retry with success; a retry by the application itself, with a new
    # token, is cancelled there too.) Either way the transaction applied exactly once.
    reasons = [r["Code"] for r in raised.value.response["CancellationReasons"]]
    assert reasons == ["ConditionalCheckFailed", "None"]
    assert raised.value.response["ResponseMetadata"]["RetryAttempts"] == 1
    assert item(client, table, "session-1") == {"pk": {"S": "session-1"}}
    assert item(client, table, "counter") == {"pk": {"S": "counter"}, "n": {"N": "1"}}


def test_count_loses_that_many_answers_and_no_more(
    moto_url: str, faults: Faults, table: str
) -> None:
    faults(operation="UpdateItem", table=table, mode="drop_response", count=2)
    client = dynamodb(moto_url)

    answer = client.update_item(
        TableName=table,
        Key={"pk": {"S": "k"}},
        UpdateExpression="ADD n :one",
        ExpressionAttributeValues={":one": {"N": "1"}},
        ReturnValues="UPDATED_NEW",
    )

    # Not idempotent: each of the three attempts committed, and only the third was answered.
    assert answer["ResponseMetadata"]["RetryAttempts"] == 2
    assert answer["Attributes"] == {"n": {"N": "3"}}
    assert [(f["remaining"], f["fired"]) for f in listed(moto_url)] == [(0, 2)]


def test_a_table_filter_hits_only_calls_naming_that_table(
    moto_url: str, faults: Faults, make_table: Callable[[], str]
) -> None:
    faulty, other = make_table(), make_table()
    faults(operation="*", table=faulty, mode="drop_response", count=2)
    client = dynamodb(moto_url, attempts=1)

    client.put_item(TableName=other, Item={"pk": {"S": "a"}})  # answered
    assert item(client, other, "a") == {"pk": {"S": "a"}}
    with pytest.raises(ConnectionClosedError):  # any item of a transaction naming it counts
        client.transact_write_items(
            TransactItems=[
                {"Put": {"TableName": other, "Item": {"pk": {"S": "b"}}}},
                {"Put": {"TableName": faulty, "Item": {"pk": {"S": "b"}}}},
            ]
        )
    with pytest.raises(ConnectionClosedError):  # and so does a read
        item(client, faulty, "b")
    assert [(f["remaining"], f["fired"]) for f in listed(moto_url)] == [(0, 2)]


def test_other_operations_pass_through(moto_url: str, faults: Faults, table: str) -> None:
    faults(operation="DeleteItem", table=table, mode="drop_response")
    client = dynamodb(moto_url, attempts=1)

    put_once(client, table, "k")
    assert item(client, table, "k") == {"pk": {"S": "k"}}
    assert (
        client.query(
            TableName=table,
            KeyConditionExpression="pk = :k",
            ExpressionAttributeValues={":k": {"S": "k"}},
        )["Count"]
        == 1
    )
    assert [(f["remaining"], f["fired"]) for f in listed(moto_url)] == [(1, 0)]


# ---------------------------------------------------------------------------- hang
def test_an_answer_held_past_the_read_timeout_times_out_yet_the_write_is_there(
    moto_url: str, faults: Faults, table: str
) -> None:
    faults(operation="PutItem", table=table, mode="hang", hang_ms=HELD_MS)
    client = dynamodb(moto_url, read_timeout=1, attempts=1)

    with pytest.raises(ReadTimeoutError):
        put_once(client, table, "k")

    assert item(client, table, "k") == {"pk": {"S": "k"}}


def test_standard_retries_retry_a_read_timeout_into_the_callers_own_write(
    moto_url: str, faults: Faults, table: str
) -> None:
    faults(operation="PutItem", table=table, mode="hang", hang_ms=HELD_MS)
    client = dynamodb(moto_url, read_timeout=1)

    with pytest.raises(client.exceptions.ConditionalCheckFailedException) as raised:
        put_once(client, table, "k")

    assert raised.value.response["ResponseMetadata"]["RetryAttempts"] == 1


def test_a_hold_shorter_than_the_read_timeout_is_only_a_slow_answer(
    moto_url: str, faults: Faults, table: str
) -> None:
    faults(operation="PutItem", table=table, mode="hang", hang_ms=50)
    client = dynamodb(moto_url, read_timeout=30, attempts=1)

    answer = put_once(client, table, "k")

    assert answer["ResponseMetadata"]["HTTPStatusCode"] == 200
    assert [f["fired"] for f in listed(moto_url)] == [1]


def test_a_drop_may_wait_first(moto_url: str, faults: Faults, table: str) -> None:
    faults(operation="PutItem", table=table, mode="drop_response", hang_ms=50)
    client = dynamodb(moto_url, read_timeout=30, attempts=1)

    with pytest.raises(ConnectionClosedError):
        put_once(client, table, "k")

    assert item(client, table, "k") == {"pk": {"S": "k"}}


# ---------------------------------------------------------------------------- control path
def test_faults_are_listed_and_cleared(moto_url: str, faults: Faults, table: str) -> None:
    answer = faults(operation="GetItem", table=table, mode="hang", hang_ms=10, count=3)

    expected = {
        "operation": "GetItem",
        "table": table,
        "mode": "hang",
        "hang_ms": 10,
        "remaining": 3,
        "fired": 0,
    }
    assert [{k: f[k] for k in expected} for f in answer["faults"]] == [expected]
    assert requests.delete(f"{moto_url}/_faults/dynamodb", timeout=5).json() == {"faults": []}
    assert listed(moto_url) == []
    client = dynamodb(moto_url, attempts=1)
    assert item(client, table, "nothing") is None  # answered: the fault is gone


@pytest.mark.parametrize(
    ("body", "complaint"),
    [
        ("not json", "JSON"),
        ([], "object"),
        ({"operation": "PutItem", "mode": "drop_response", "tabel": "x"}, "tabel"),
        ({"operation": "PutItems", "mode": "drop_response"}, "operation"),
        ({"mode": "drop_response"}, "operation"),
        ({"operation": "PutItem", "mode": "explode"}, "mode"),
        ({"operation": "PutItem"}, "mode"),
        ({"operation": "PutItem", "mode": "drop_response", "count": 0}, "count"),
        ({"operation": "PutItem", "mode": "drop_response", "count": "2"}, "count"),
        ({"operation": "PutItem", "mode": "drop_response", "count": True}, "count"),
        ({"operation": "PutItem", "mode": "drop_response", "table": ""}, "table"),
        ({"operation": "PutItem", "mode": "hang"}, "hang_ms"),
        ({"operation": "PutItem", "mode": "hang", "hang_ms": -1}, "hang_ms"),
        ({"operation": "PutItem", "mode": "hang", "hang_ms": "1000"}, "hang_ms"),
    ],
)
def test_bad_faults_are_refused_and_nothing_is_set(
    moto_url: str, faults: Faults, body: Any, complaint: str
) -> None:
    data = body if isinstance(body, str) else None
    response = requests.post(
        f"{moto_url}/_faults/dynamodb",
        data=data,
        json=None if data else body,
        timeout=5,
    )

    assert response.status_code == 400
    assert complaint in response.json()["error"]["message"]
    assert listed(moto_url) == []


def test_the_control_path_takes_only_get_post_and_delete(moto_url: str) -> None:
    response = requests.put(f"{moto_url}/_faults/dynamodb", json={}, timeout=5)
    assert response.status_code == 405
