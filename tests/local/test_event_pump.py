"""The local event pump delivers SQS, EventBridge-routed and DynamoDB-stream events to handlers
the way Lambda event-source mappings do, against moto server over HTTP.

Each test gets its own freshly provisioned resources (:func:`local.provision.create_resources`
with a unique prefix: the same queues, dead-letter queues, rule and stream ``make run`` has) and
stand-in handlers that record what they receive (:mod:`tests.local.recording_handlers`). Nothing
sleeps: tests wait for :meth:`EventPump.wait_idle` or :meth:`EventPump.wait_for`, with deadlines.
"""

from __future__ import annotations

import hashlib
import json
import logging
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from typing import Any

import boto3
import pytest

from functions.resources import MEETING_EVENTS_RULE, QUEUES, SESSIONS, TABLES
from local.chime_emulator import ChimeEmulator
from local.demo import INSPECTOR_FILTER_POLICY
from local.events import (
    DEFAULT_HANDLERS,
    EventPump,
    HandlerMissingError,
    QueueSource,
    resolve_handler,
)
from local.provision import Stack, create_resources
from local.stack import event_lines
from tests.local import recording_handlers
from tests.local.recording_handlers import Recorder

REGION = "eu-west-2"
WAIT = 20.0
"""Deadline for anything the pump does (it normally takes well under a second)."""
SQS_RECORD_KEYS = {
    "messageId",
    "receiptHandle",
    "body",
    "attributes",
    "messageAttributes",
    "md5OfBody",
    "eventSource",
    "eventSourceARN",
    "awsRegion",
}
STREAM_RECORD_KEYS = {
    "eventID",
    "eventName",
    "eventVersion",
    "eventSource",
    "awsRegion",
    "dynamodb",
    "eventSourceARN",
}

MakePump = Callable[..., EventPump]


def aws(service: str, stack: Stack) -> Any:
    return boto3.client(service, endpoint_url=stack.aws_endpoint_url, region_name=REGION)


@pytest.fixture
def resources(moto_url: str, emulator: ChimeEmulator) -> Iterator[Stack]:
    """A fresh set of the application's resources; its meeting-events rule is removed after."""
    prefix = f"ev{uuid.uuid4().hex[:6]}"
    stack = create_resources(moto_url, emulator.url, REGION, prefix=prefix)
    yield stack
    events = aws("events", stack)
    rule = stack.meeting_events_rule_arn.rsplit("/", 1)[-1]
    targets = events.list_targets_by_rule(Rule=rule)["Targets"]
    events.remove_targets(Rule=rule, Ids=[target["Id"] for target in targets])
    events.delete_rule(Name=rule)


@pytest.fixture
def make_pump(resources: Stack) -> Iterator[MakePump]:
    """Start a pump on ``resources`` with the given handlers; every one is stopped after.

    Failed messages are retried at once (``retry_delay_seconds=0``) so that the dead-letter
    path takes no time.
    """
    pumps: list[EventPump] = []

    def make(handlers: dict[str, Any], **options: Any) -> EventPump:
        options.setdefault("retry_delay_seconds", 0)
        pump = EventPump.for_stack(resources, handlers, **options).start()
        pumps.append(pump)
        return pump

    yield make
    for pump in pumps:
        pump.stop()


def send(stack: Stack, body: str, **extra: Any) -> str:
    return str(
        aws("sqs", stack).send_message(QueueUrl=stack.timers_queue_url, MessageBody=body, **extra)[
            "MessageId"
        ]
    )


def queue_attributes(stack: Stack, url: str) -> dict[str, str]:
    attributes: dict[str, str] = aws("sqs", stack).get_queue_attributes(
        QueueUrl=url, AttributeNames=["All"]
    )["Attributes"]
    return attributes


# -- provisioning ---------------------------------------------------------------------------


def test_every_queue_has_a_dead_letter_queue_after_max_receives(resources: Stack) -> None:
    pairs = {
        "Timers": (resources.timers_queue_url, resources.timers_dlq_url),
        "MeetingEvents": (resources.meeting_events_queue_url, resources.meeting_events_dlq_url),
    }
    assert set(pairs) == {queue.logical_name for queue in QUEUES}
    for queue in QUEUES:
        url, dlq_url = pairs[queue.logical_name]
        assert dlq_url == f"{url}-dlq"
        attributes = queue_attributes(resources, url)
        dlq = queue_attributes(resources, dlq_url)
        assert json.loads(attributes["RedrivePolicy"]) == {
            "deadLetterTargetArn": dlq["QueueArn"],
            "maxReceiveCount": queue.max_receives,
        }
        assert attributes["VisibilityTimeout"] == str(queue.visibility_timeout_seconds)
        assert dlq["MessageRetentionPeriod"] == str(queue.dlq_retention_days * 86400)
        assert "RedrivePolicy" not in dlq


def test_the_meeting_events_rule_targets_its_queue_on_the_default_bus(resources: Stack) -> None:
    events = aws("events", resources)
    rule = events.describe_rule(Name=resources.meeting_events_rule_arn.rsplit("/", 1)[-1])
    assert json.loads(rule["EventPattern"]) == MEETING_EVENTS_RULE.pattern
    assert rule["EventBusName"] == "default"
    assert rule["State"] == "ENABLED"
    (target,) = events.list_targets_by_rule(Rule=rule["Name"])["Targets"]
    queue = queue_attributes(resources, resources.meeting_events_queue_url)
    assert target["Arn"] == queue["QueueArn"]
    (statement,) = json.loads(queue["Policy"])["Statement"]
    assert statement["Principal"] == {"Service": "events.amazonaws.com"}
    assert statement["Condition"] == {"ArnEquals": {"aws:SourceArn": rule["Arn"]}}


def test_the_stack_records_the_stream_and_configures_every_resource(resources: Stack) -> None:
    table = aws("dynamodb", resources).describe_table(TableName=resources.sessions_table)["Table"]
    assert resources.sessions_stream_arn == table["LatestStreamArn"]
    assert table["StreamSpecification"]["StreamViewType"] == "NEW_AND_OLD_IMAGES"
    env = resources.app_environment()
    assert {table.env_var for table in TABLES} <= set(env)
    assert {queue.env_var for queue in QUEUES} <= set(env)
    assert env["TIMERS_QUEUE_URL"] == resources.timers_queue_url
    for variable in ("AUDIT_TABLE", "IDEMPOTENCY_TABLE", "RATE_LIMITS_TABLE"):
        aws("dynamodb", resources).describe_table(TableName=env[variable])  # exists


def test_the_duty_inspector_is_paged_for_inspector_alerts(stack: Stack) -> None:
    sns = aws("sns", stack)
    subscriptions = sns.list_subscriptions_by_topic(TopicArn=stack.alerts_topic_arn)
    inspector_arn = queue_attributes(stack, stack.inspector_pager_queue_url)["QueueArn"]
    (subscription,) = [s for s in subscriptions["Subscriptions"] if s["Endpoint"] == inspector_arn]
    attributes = sns.get_subscription_attributes(SubscriptionArn=subscription["SubscriptionArn"])
    assert json.loads(attributes["Attributes"]["FilterPolicy"]) == INSPECTOR_FILTER_POLICY

    alert = {"type": "verification.escalated", "session_id": uuid.uuid4().hex}
    sns.publish(
        TopicArn=stack.alerts_topic_arn,
        Message=json.dumps(alert),
        MessageAttributes={
            name: {"DataType": "String", "StringValue": value}
            for name, value in {"type": alert["type"], "force": "MET", "area": "inspector"}.items()
        },
    )
    sqs = aws("sqs", stack)
    deadline = time.monotonic() + WAIT
    found: list[dict[str, Any]] = []
    while not found and time.monotonic() < deadline:
        for message in sqs.receive_message(
            QueueUrl=stack.inspector_pager_queue_url, WaitTimeSeconds=1
        ).get("Messages", []):
            paged = json.loads(json.loads(message["Body"])["Message"])
            if paged.get("session_id") == alert["session_id"]:  # other tests page it too
                found.append(paged)
                sqs.delete_message(
                    QueueUrl=stack.inspector_pager_queue_url,
                    ReceiptHandle=message["ReceiptHandle"],
                )
    assert found == [alert]


# -- SQS --------------------------------------------------------------------------------------


def test_a_handler_gets_sqs_batches_in_lambdas_shape(resources: Stack, make_pump: MakePump) -> None:
    handler = Recorder()
    message_id = send(
        resources,
        '{"check": "escalate"}',
        MessageAttributes={
            "kind": {"DataType": "String", "StringValue": "escalation"},
            "blob": {"DataType": "Binary", "BinaryValue": b"\x00\x01"},
        },
    )
    pump = make_pump({"timers": handler})
    pump.wait_idle(WAIT)

    (record,) = handler.records
    assert set(record) == SQS_RECORD_KEYS
    assert record["messageId"] == message_id
    assert record["body"] == '{"check": "escalate"}'
    assert record["md5OfBody"] == hashlib.md5(b'{"check": "escalate"}').hexdigest()  # noqa: S324
    assert record["eventSource"] == "aws:sqs"
    queue = queue_attributes(resources, resources.timers_queue_url)
    assert record["eventSourceARN"] == queue["QueueArn"]
    assert record["awsRegion"] == REGION
    assert record["attributes"]["ApproximateReceiveCount"] == "1"
    assert {"SentTimestamp", "SenderId", "ApproximateFirstReceiveTimestamp"} <= set(
        record["attributes"]
    )
    assert record["messageAttributes"] == {
        "kind": {
            "stringValue": "escalation",
            "stringListValues": [],
            "binaryListValues": [],
            "dataType": "String",
        },
        "blob": {
            "binaryValue": "AAE=",
            "stringListValues": [],
            "binaryListValues": [],
            "dataType": "Binary",
        },
    }
    (context,) = handler.contexts
    assert context.function_name == "timers"
    assert context.aws_request_id
    assert 0 < context.get_remaining_time_in_millis() <= 60_000
    # handled, so deleted: nothing visible, in flight or dead-lettered
    assert queue["ApproximateNumberOfMessages"] == "0"
    assert queue["ApproximateNumberOfMessagesNotVisible"] == "0"
    assert not pump.dead_letters


def test_messages_arrive_in_batches_of_at_most_batch_size(
    resources: Stack, make_pump: MakePump
) -> None:
    sent = {send(resources, f"check {n}") for n in range(7)}
    handler = Recorder()
    pump = make_pump({"timers": handler}, batch_size=3)
    pump.wait_idle(WAIT)
    assert sorted(r["messageId"] for r in handler.records) == sorted(sent)  # each exactly once
    assert all(1 <= len(event["Records"]) <= 3 for event in handler.events)
    assert len(handler.events) >= 3


def test_a_failing_message_is_retried_then_dead_lettered_with_a_log_line(
    resources: Stack, make_pump: MakePump, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="local.events")
    handler = Recorder(lambda record, attempt: record["body"] != "poison", raise_on_failure=True)
    poison = send(resources, "poison")
    pump = make_pump({"timers": handler})

    (dead,) = pump.wait_for(lambda: pump.dead_letters, WAIT, "a dead letter")
    assert (dead.source, dead.body, dead.identifier) == ("timers", "poison", poison)
    tries = [r["attributes"]["ApproximateReceiveCount"] for r in handler.records]
    max_receives = QUEUES[0].max_receives
    assert tries == [str(n) for n in range(1, max_receives + 1)]
    pump.wait_idle(WAIT)  # and the dead-letter queue was emptied once reported
    assert "DEAD LETTER timers: poison" in caplog.text
    assert (
        queue_attributes(resources, resources.timers_dlq_url)["ApproximateNumberOfMessages"] == "0"
    )

    # the queue goes on: a good message after the poison one is handled
    good = send(resources, "fine")
    pump.wait_for(lambda: good in [r["messageId"] for r in handler.records], WAIT, "delivery")
    pump.wait_idle(WAIT)
    assert len(pump.dead_letters) == 1


def test_batch_item_failures_delete_only_the_others(resources: Stack, make_pump: MakePump) -> None:
    # "flaky" fails its first delivery only; the other two succeed at once
    handler = Recorder(lambda record, attempt: record["body"] != "flaky" or attempt > 1)
    ids = {body: send(resources, body) for body in ("one", "flaky", "two")}
    pump = make_pump({"timers": handler})
    pump.wait_idle(WAIT)

    deliveries = [(r["body"], r["attributes"]["ApproximateReceiveCount"]) for r in handler.records]
    assert sorted(deliveries) == [("flaky", "1"), ("flaky", "2"), ("one", "1"), ("two", "1")]
    first = handler.events[0]["Records"]
    assert {r["messageId"] for r in first} == set(ids.values())  # one batch of three
    assert not pump.dead_letters


def test_an_invalid_batch_item_failures_answer_fails_the_whole_batch(
    resources: Stack, make_pump: MakePump
) -> None:
    calls: list[list[str]] = []

    def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
        calls.append([r["body"] for r in event["Records"]])
        if len(calls) == 1:  # names a message that is not in the batch
            return {"batchItemFailures": [{"itemIdentifier": "not-a-message-id"}]}
        return {"batchItemFailures": []}

    for body in ("a", "b"):
        send(resources, body)
    pump = make_pump({"timers": handler})
    pump.wait_idle(WAIT)
    assert sorted(body for call in calls for body in call) == [
        "a",
        "a",
        "b",
        "b",
    ]  # both were delivered again


def test_wait_idle_waits_for_delayed_messages(resources: Stack, make_pump: MakePump) -> None:
    handler = Recorder()
    pump = make_pump({"timers": handler})
    send(resources, "later", DelaySeconds=1)
    pump.wait_idle(WAIT)
    assert [r["body"] for r in handler.records] == ["later"]


# -- DynamoDB stream ----------------------------------------------------------------------------


def test_stream_records_reach_the_handler_in_order_with_their_images(
    resources: Stack, make_pump: MakePump
) -> None:
    handler = Recorder()
    pump = make_pump({"session_stream": handler})
    dynamodb = aws("dynamodb", resources)
    key = {SESSIONS.partition_key: {"S": f"s-{uuid.uuid4().hex}"}}
    table = resources.sessions_table
    dynamodb.put_item(TableName=table, Item={**key, "state": {"S": "requested"}})
    dynamodb.update_item(
        TableName=table,
        Key=key,
        UpdateExpression="SET #s = :s",
        ExpressionAttributeNames={"#s": "state"},
        ExpressionAttributeValues={":s": {"S": "claimed"}},
    )
    dynamodb.delete_item(TableName=table, Key=key)
    pump.wait_idle(WAIT)

    records = handler.records
    assert [r["eventName"] for r in records] == ["INSERT", "MODIFY", "REMOVE"]
    insert, modify, remove = records
    for record in records:
        assert set(record) == STREAM_RECORD_KEYS
        assert record["eventVersion"] == "1.1"
        assert record["eventSource"] == "aws:dynamodb"
        assert record["awsRegion"] == REGION
        assert record["eventSourceARN"] == resources.sessions_stream_arn
        assert record["dynamodb"]["Keys"] == key
        assert record["dynamodb"]["StreamViewType"] == "NEW_AND_OLD_IMAGES"
        assert isinstance(record["dynamodb"]["ApproximateCreationDateTime"], int)
        json.dumps(record)  # plain JSON, as Lambda delivers it
    assert insert["dynamodb"]["NewImage"]["state"] == {"S": "requested"}
    assert "OldImage" not in insert["dynamodb"]
    assert modify["dynamodb"]["OldImage"]["state"] == {"S": "requested"}
    assert modify["dynamodb"]["NewImage"]["state"] == {"S": "claimed"}
    assert remove["dynamodb"]["OldImage"]["state"] == {"S": "claimed"}
    assert "NewImage" not in remove["dynamodb"]
    sequence = [int(r["dynamodb"]["SequenceNumber"]) for r in records]
    assert sequence == sorted(sequence)


def put_sessions(stack: Stack, count: int) -> list[str]:
    dynamodb = aws("dynamodb", stack)
    ids = [f"s-{n}-{uuid.uuid4().hex[:6]}" for n in range(count)]
    for session_id in ids:
        dynamodb.put_item(
            TableName=stack.sessions_table, Item={SESSIONS.partition_key: {"S": session_id}}
        )
    return ids


def session_ids(event: dict[str, Any]) -> list[str]:
    return [r["dynamodb"]["Keys"][SESSIONS.partition_key]["S"] for r in event["Records"]]


def test_a_failed_stream_batch_is_retried_from_the_reported_record_then_dead_lettered(
    resources: Stack, make_pump: MakePump, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="local.events")
    first, poison, after = put_sessions(resources, 3)  # one batch: all are in the stream
    handler = Recorder(
        lambda record, attempt: record["dynamodb"]["Keys"]["session_id"]["S"] != poison
    )
    pump = make_pump({"session_stream": handler})
    pump.wait_idle(WAIT)

    # try 1 reports the poison record; tries 2 and 3 start from it (ReportBatchItemFailures)
    assert [session_ids(e) for e in handler.events] == [
        [first, poison, after],
        [poison, after],
        [poison, after],
    ]
    dead = [json.loads(d.body) for d in pump.dead_letters]
    assert [d["Keys"]["session_id"]["S"] for d in dead] == [poison, after]
    assert {d.source for d in pump.dead_letters} == {"session_stream"}
    assert "DEAD LETTER session_stream: " in caplog.text
    assert poison in caplog.text

    # and it moves on
    (later,) = put_sessions(resources, 1)
    pump.wait_idle(WAIT)
    assert session_ids(handler.events[-1]) == [later]


def test_a_raising_stream_handler_gets_the_same_batch_again(
    resources: Stack, make_pump: MakePump
) -> None:
    ids = put_sessions(resources, 2)
    handler = Recorder(lambda record, attempt: attempt > 1, raise_on_failure=True)
    pump = make_pump({"session_stream": handler})
    pump.wait_idle(WAIT)
    assert [session_ids(e) for e in handler.events] == [ids, ids]
    assert not pump.dead_letters


def test_latest_starts_after_what_is_already_in_the_stream(
    resources: Stack, make_pump: MakePump
) -> None:
    put_sessions(resources, 2)
    handler = Recorder()
    pump = make_pump({"session_stream": handler}, starting_position="LATEST")
    pump.wait_idle(WAIT)
    assert handler.events == []
    new = put_sessions(resources, 1)
    pump.wait_idle(WAIT)
    assert [session_ids(e) for e in handler.events] == [new]


# -- EventBridge ------------------------------------------------------------------------------


def meeting_events_of(handler: Recorder, meeting_id: str) -> list[dict[str, Any]]:
    bodies = [json.loads(r["body"]) for r in handler.records]
    return [b for b in bodies if b.get("detail", {}).get("meetingId") == meeting_id]


def test_chime_meeting_events_reach_the_handler_through_the_rule_and_queue(
    resources: Stack, make_pump: MakePump, chime: Any, emulator: ChimeEmulator
) -> None:
    handler = Recorder()
    pump = make_pump({"meeting_events": handler})
    meeting = chime.create_meeting(
        ClientRequestToken=uuid.uuid4().hex,
        MediaRegion=REGION,
        ExternalMeetingId=f"session-{uuid.uuid4().hex[:8]}",
    )["Meeting"]
    chime.delete_meeting(MeetingId=meeting["MeetingId"])
    emulator.flush_events()

    events = pump.wait_for(
        lambda: (
            [
                e["detail"]["eventType"]
                for e in meeting_events_of(handler, meeting["MeetingId"])
                if e["detail"]["eventType"] == "chime:MeetingEnded"
            ]
            and meeting_events_of(handler, meeting["MeetingId"])
        ),
        WAIT,
        "the meeting's events",
    )
    assert [e["detail"]["eventType"] for e in events] == [
        "chime:MeetingStarted",
        "chime:MeetingEnded",
    ]
    for event in events:
        assert event["source"] == "aws.chime"
        assert event["detail-type"] == "Chime Meeting State Change"
        assert event["detail"]["externalMeetingId"] == meeting["ExternalMeetingId"]
    record = next(r for r in handler.records if meeting["MeetingId"] in r["body"])
    assert record["eventSourceARN"].endswith(
        ":" + resources.meeting_events_queue_url.split("/")[-1]
    )


def test_only_events_matching_the_rule_are_delivered(resources: Stack, make_pump: MakePump) -> None:
    handler = Recorder()
    pump = make_pump({"meeting_events": handler})
    marker = uuid.uuid4().hex
    entries = [
        {
            "Source": source,
            "DetailType": detail_type,
            "Detail": json.dumps({"eventType": "chime:MeetingEnded", "meetingId": marker + tag}),
        }
        for source, detail_type, tag in [
            ("aws.chime", "Chime Meeting State Change", "-match"),
            ("safe-connection.test", "Chime Meeting State Change", "-other-source"),
            ("aws.chime", "Something Else", "-other-type"),
        ]
    ]
    response = aws("events", resources).put_events(Entries=entries)
    assert response["FailedEntryCount"] == 0
    pump.wait_idle(WAIT)
    delivered = [json.loads(r["body"])["detail"]["meetingId"] for r in handler.records]
    assert [d for d in delivered if d.startswith(marker)] == [marker + "-match"]


# -- handlers by import path, lifecycle ---------------------------------------------------------


def test_handlers_named_by_import_path_are_imported_when_the_pump_starts(
    resources: Stack, make_pump: MakePump
) -> None:
    recording_handlers.RECORDED.clear()
    pump = make_pump({"timers": "tests.local.recording_handlers:record"})
    send(resources, "by path")
    pump.wait_idle(WAIT)
    assert [r["body"] for e in recording_handlers.RECORDED for r in e["Records"]] == ["by path"]


def test_a_missing_handler_is_reported_and_its_queue_left_alone(resources: Stack) -> None:
    handlers = {
        "timers": "tests.local.no_such_module:timers",
        "meeting_events": "tests.local.recording_handlers:no_such_handler",
        "session_stream": Recorder(),
    }
    with pytest.raises(HandlerMissingError, match=r"tests\.local\.no_such_module:timers"):
        EventPump.for_stack(resources, handlers).start()

    pump = EventPump.for_stack(resources, handlers).start(require_all=False)
    try:
        assert set(pump.missing) == {"timers", "meeting_events"}
        assert "no module named 'tests.local.no_such_module'" in pump.missing["timers"]
        assert "has no 'no_such_handler'" in pump.missing["meeting_events"]
        assert [s.name for s in pump.delivering] == ["session_stream"]
        banner = "\n".join(event_lines(pump))  # what make run prints about it
        assert (
            "timers           NOT DELIVERED: tests.local.no_such_module:timers is missing" in banner
        )
        assert "session_stream   stream of " in banner
        send(resources, "waits")
        pump.wait_idle(WAIT)  # the undelivered queue is not waited for
        assert (
            queue_attributes(resources, resources.timers_queue_url)["ApproximateNumberOfMessages"]
            == "1"
        )
    finally:
        pump.stop()


def test_the_default_handlers_are_the_applications() -> None:
    assert set(DEFAULT_HANDLERS) == {"timers", "meeting_events", "session_stream"}
    assert all(ref.startswith("functions.events.handlers:") for ref in DEFAULT_HANDLERS.values())
    with pytest.raises(ValueError, match=r"package\.module:attribute"):
        resolve_handler("no_colon_here")
    with pytest.raises(ValueError, match="batch_size"):
        QueueSource("timers", "http://q", Recorder(), batch_size=11)


def test_stop_ends_every_thread_promptly(resources: Stack) -> None:
    others = {t for t in threading.enumerate() if t.name.startswith("pump-")}  # other pumps
    pump = EventPump.for_stack(
        resources, {name: Recorder() for name in DEFAULT_HANDLERS}, retry_delay_seconds=0
    ).start()
    threads = [t for t in threading.enumerate() if t.name.startswith("pump-") and t not in others]
    assert len(threads) == 5  # two queues, two dead-letter queues, one stream
    started = time.monotonic()
    pump.stop()
    assert time.monotonic() - started < pump.wait_seconds + 3
    assert not [t for t in threads if t.is_alive()]
