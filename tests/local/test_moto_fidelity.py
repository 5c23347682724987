"""moto as the local stack runs it (local/moto_fidelity.py, local/moto_streams.py) does not grow
with history: delivered stream records are trimmed, sequence numbers stay true, and a
transaction backs up only the items it names, yet stays all-or-nothing.

Everything goes over HTTP to the session's moto server, as the app and the event pump reach it;
the tests look inside moto (same process) only to count what it holds or copies.
"""

from __future__ import annotations

import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError
from moto.dynamodb.models import dynamodb_backends
from moto.dynamodb.models.dynamo_type import Item
from moto.dynamodbstreams.models import dynamodbstreams_backends

from local import moto_streams
from local.events import EventPump, StreamSource
from local.moto_streams import RETAIN_DELIVERED, DeliveryReporter

REGION = "eu-west-2"
ACCOUNT = "123456789012"  # moto's default account
WAIT = 20.0
WRITES = RETAIN_DELIVERED + 50

Delivered = list[tuple[str, str]]
"""``(key, sequence number)`` of each record, in order."""


def client(service: str, moto_url: str) -> Any:
    return boto3.client(service, endpoint_url=moto_url, region_name=REGION)


@pytest.fixture
def dynamodb(moto_url: str) -> Any:
    return client("dynamodb", moto_url)


@pytest.fixture
def streams(moto_url: str) -> Any:
    return client("dynamodbstreams", moto_url)


@pytest.fixture
def make_table(dynamodb: Any) -> Iterator[Callable[..., tuple[str, str]]]:
    """``make_table(items=0) -> (name, stream ARN)``: a fresh table with a stream, keyed ``k``."""
    made: list[str] = []

    def make(items: int = 0, prefix: str = "item") -> tuple[str, str]:
        name = f"fidelity-{uuid.uuid4().hex[:8]}"
        arn = dynamodb.create_table(
            TableName=name,
            KeySchema=[{"AttributeName": "k", "KeyType": "HASH"}],
            AttributeDefinitions=[{"AttributeName": "k", "AttributeType": "S"}],
            BillingMode="PAY_PER_REQUEST",
            StreamSpecification={"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"},
        )["TableDescription"]["LatestStreamArn"]
        made.append(name)
        keys = [f"{prefix}-{i:04d}" for i in range(items)]
        for start in range(0, items, 25):
            dynamodb.batch_write_item(
                RequestItems={
                    name: [
                        {"PutRequest": {"Item": {"k": {"S": key}, "v": {"N": "1"}}}}
                        for key in keys[start : start + 25]
                    ]
                }
            )
        return name, str(arn)

    yield make
    for name in made:
        dynamodb.delete_table(TableName=name)


def read_from_trim_horizon(streams: Any, arn: str) -> Delivered:
    """Every record the stream still holds, oldest first."""
    shard = streams.describe_stream(StreamArn=arn)["StreamDescription"]["Shards"][0]["ShardId"]
    iterator = streams.get_shard_iterator(
        StreamArn=arn, ShardId=shard, ShardIteratorType="TRIM_HORIZON"
    )["ShardIterator"]
    found: Delivered = []
    while True:
        response = streams.get_records(ShardIterator=iterator, Limit=1000)
        if not response["Records"]:
            return found
        found += [_key_and_sequence(r) for r in response["Records"]]
        iterator = response["NextShardIterator"]


def _key_and_sequence(record: dict[str, Any]) -> tuple[str, str]:
    return record["dynamodb"]["Keys"]["k"]["S"], record["dynamodb"]["SequenceNumber"]


def shard_of(table: str) -> Any:
    return dynamodb_backends[ACCOUNT][REGION].tables[table].stream_shard


def put(dynamodb: Any, table: str, key: str) -> None:
    dynamodb.transact_write_items(
        TransactItems=[{"Put": {"TableName": table, "Item": {"k": {"S": key}}}}]
    )


def pump_for(moto_url: str, arn: str, delivered: Delivered) -> EventPump:
    def handler(event: dict[str, Any], context: Any) -> None:
        delivered.extend(_key_and_sequence(record) for record in event["Records"])

    source = StreamSource("fidelity", arn, handler, starting_position="TRIM_HORIZON")
    return EventPump([source], endpoint_url=moto_url, region=REGION, retry_delay_seconds=0)


def test_delivered_records_are_trimmed_and_sequence_numbers_stay_true(
    moto_url: str, dynamodb: Any, streams: Any, make_table: Callable[..., tuple[str, str]]
) -> None:
    table, arn = make_table()
    delivered: Delivered = []
    with pump_for(moto_url, arn, delivered) as pump:
        for i in range(WRITES):
            put(dynamodb, table, f"item-{i:04d}")
        pump.wait_for(lambda: len(delivered) >= WRITES, WAIT, "every record delivered")
        pump.wait_idle(WAIT)
        kept = read_from_trim_horizon(streams, arn)
        put(dynamodb, table, "after-trimming")
        pump.wait_for(lambda: len(delivered) > WRITES, WAIT, "the next record delivered")

    # Nothing was lost or reordered on the way ...
    assert [key for key, _ in delivered[:WRITES]] == [f"item-{i:04d}" for i in range(WRITES)]
    # ... moto holds only the most recent delivered records, numbered as they were delivered ...
    assert kept == delivered[WRITES - RETAIN_DELIVERED : WRITES]
    # ... a new record follows on from the last one, and is trimmed in turn once delivered ...
    assert delivered[WRITES] == ("after-trimming", str(int(delivered[WRITES - 1][1]) + 1))
    assert len(shard_of(table).items) == RETAIN_DELIVERED  # freed, not only hidden
    # ... and a trimmed record cannot be read, as in DynamoDB.
    shard = streams.describe_stream(StreamArn=arn)["StreamDescription"]["Shards"][0]["ShardId"]
    trimmed = streams.get_shard_iterator(
        StreamArn=arn,
        ShardId=shard,
        ShardIteratorType="AT_SEQUENCE_NUMBER",
        SequenceNumber=delivered[0][1],
    )["ShardIterator"]
    with pytest.raises(ClientError) as refused:
        streams.get_records(ShardIterator=trimmed)
    assert refused.value.response["Error"]["Code"] == "TrimmedDataAccessException"


def test_a_record_is_kept_until_every_reader_has_delivered_it(
    moto_url: str, dynamodb: Any, streams: Any, make_table: Callable[..., tuple[str, str]]
) -> None:
    table, arn = make_table()
    slow = DeliveryReporter(moto_url, arn)
    slow.register()
    delivered: Delivered = []
    try:
        with pump_for(moto_url, arn, delivered) as pump:
            for i in range(WRITES):
                put(dynamodb, table, f"item-{i:04d}")
            pump.wait_for(lambda: len(delivered) >= WRITES, WAIT, "every record delivered")
            pump.wait_idle(WAIT)
        assert read_from_trim_horizon(streams, arn) == delivered  # the slow reader holds all
        slow.delivered(delivered[-1][1])
        assert read_from_trim_horizon(streams, arn) == delivered[-RETAIN_DELIVERED:]
        assert slow.trim_horizon == delivered[-RETAIN_DELIVERED][1]
    finally:
        slow.close()


def test_a_moto_without_the_trimming_route_leaves_the_reporter_harmless() -> None:
    from http.server import BaseHTTPRequestHandler, HTTPServer
    from threading import Thread

    class NotFound(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            self.send_error(404)

        def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
            return

    plain = HTTPServer(("127.0.0.1", 0), NotFound)
    thread = Thread(target=plain.serve_forever, daemon=True)
    thread.start()
    try:
        reporter = DeliveryReporter(f"http://127.0.0.1:{plain.server_address[1]}", "arn:x")
        reporter.register()
        assert not reporter.enabled  # it stops asking a moto that does not trim
        reporter.delivered("1")
        reporter.close()
    finally:
        plain.shutdown()
        plain.server_close()
    unreachable = DeliveryReporter(f"http://127.0.0.1:{plain.server_address[1]}", "arn:x")
    unreachable.delivered("1")  # moto gone: no error reaches the pump
    assert unreachable.enabled


def test_a_transaction_copies_the_items_it_names_not_the_table(
    dynamodb: Any, make_table: Callable[..., tuple[str, str]], monkeypatch: pytest.MonkeyPatch
) -> None:
    tag = uuid.uuid4().hex[:6]
    copies: Counter[str] = Counter()
    deepcopy = Item.__deepcopy__

    def counting(self: Item, memo: dict[int, Any]) -> Item:
        key = str(self.hash_key.value)
        if key.startswith(tag):
            copies[key.split("-")[1]] += 1
        return deepcopy(self, memo)

    monkeypatch.setattr(Item, "__deepcopy__", counting)
    for size, label in ((3, "small"), (300, "big")):
        table, _ = make_table(items=size, prefix=f"{tag}-{label}")
        dynamodb.transact_write_items(
            TransactItems=[
                {
                    "Update": {
                        "TableName": table,
                        "Key": {"k": {"S": f"{tag}-{label}-0000"}},
                        "UpdateExpression": "SET v = v + :one",
                        "ExpressionAttributeValues": {":one": {"N": "1"}},
                    }
                },
                {
                    "ConditionCheck": {
                        "TableName": table,
                        "Key": {"k": {"S": f"{tag}-{label}-0001"}},
                        "ConditionExpression": "attribute_exists(k)",
                    }
                },
                {"Put": {"TableName": table, "Item": {"k": {"S": f"{tag}-{label}-new"}}}},
            ]
        )
        item = dynamodb.get_item(TableName=table, Key={"k": {"S": f"{tag}-{label}-0000"}})
        assert item["Item"]["v"] == {"N": "2"}
    assert copies["small"] == copies["big"]
    assert copies["big"] <= 3  # the two existing items it names, and moto's own update copy


def test_a_cancelled_transaction_leaves_no_trace_and_readers_keep_reading(
    dynamodb: Any, streams: Any, make_table: Callable[..., tuple[str, str]]
) -> None:
    table, arn = make_table(items=2, prefix="old")  # old-0000 (v = 1) and old-0001
    shard = streams.describe_stream(StreamArn=arn)["StreamDescription"]["Shards"][0]["ShardId"]
    reader = streams.get_shard_iterator(StreamArn=arn, ShardId=shard, ShardIteratorType="LATEST")[
        "ShardIterator"
    ]
    with pytest.raises(ClientError) as cancelled:
        dynamodb.transact_write_items(
            TransactItems=[
                {
                    "Update": {
                        "TableName": table,
                        "Key": {"k": {"S": "old-0000"}},
                        "UpdateExpression": "SET v = :two",
                        "ExpressionAttributeValues": {":two": {"N": "2"}},
                    }
                },
                {"Put": {"TableName": table, "Item": {"k": {"S": "new"}}}},
                {
                    "Put": {
                        "TableName": table,
                        "Item": {"k": {"S": "old-0001"}},
                        "ConditionExpression": "attribute_not_exists(k)",
                    }
                },
            ]
        )
    reasons = [r["Code"] for r in cancelled.value.response["CancellationReasons"]]
    assert reasons == ["None", "None", "ConditionalCheckFailed"]
    old = dynamodb.get_item(TableName=table, Key={"k": {"S": "old-0000"}})["Item"]
    assert old["v"] == {"N": "1"}
    assert "Item" not in dynamodb.get_item(TableName=table, Key={"k": {"S": "new"}})
    dynamodb.put_item(TableName=table, Item={"k": {"S": "after"}})
    records = streams.get_records(ShardIterator=reader)["Records"]
    assert [(r["eventName"], r["dynamodb"]["Keys"]["k"]["S"]) for r in records] == [
        ("INSERT", "after")
    ]


def test_a_transaction_refused_half_way_writes_nothing(
    dynamodb: Any, make_table: Callable[..., tuple[str, str]]
) -> None:
    table, _ = make_table()
    put_first = {"Put": {"TableName": table, "Item": {"k": {"S": "first"}}}}
    same_item_twice = {"Put": {"TableName": table, "Item": {"k": {"S": "first"}, "v": {"N": "2"}}}}
    with pytest.raises(ClientError) as refused:
        dynamodb.transact_write_items(TransactItems=[put_first, same_item_twice])
    assert refused.value.response["Error"]["Code"] == "ValidationException"
    assert "Item" not in dynamodb.get_item(TableName=table, Key={"k": {"S": "first"}})


def test_a_used_shard_iterator_expires_and_the_iterators_do_not_pile_up(
    dynamodb: Any,
    streams: Any,
    make_table: Callable[..., tuple[str, str]],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(moto_streams, "ITERATOR_SECONDS", 0.0)  # every used one is old at once
    table, arn = make_table()
    shard = streams.describe_stream(StreamArn=arn)["StreamDescription"]["Shards"][0]["ShardId"]
    first = streams.get_shard_iterator(StreamArn=arn, ShardId=shard, ShardIteratorType="LATEST")[
        "ShardIterator"
    ]
    iterator = first
    for i in range(50):
        put(dynamodb, table, f"item-{i}")
        response = streams.get_records(ShardIterator=iterator)
        assert [key for key, _ in map(_key_and_sequence, response["Records"])] == [f"item-{i}"]
        iterator = response["NextShardIterator"]
    with pytest.raises(ClientError) as expired:
        streams.get_records(ShardIterator=first)
    assert expired.value.response["Error"]["Code"] == "ExpiredIteratorException"
    held = dynamodbstreams_backends[ACCOUNT][REGION].shard_iterators.values()
    assert sum(1 for it in held if it.stream_shard is shard_of(table)) <= 2
