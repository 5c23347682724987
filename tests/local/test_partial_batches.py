"""A batch with one failing record: only that record is delivered again, as in AWS.

The application's own handlers (``functions.events.handlers``) run behind the real local event
pump on freshly provisioned queues and stream in moto server, so the whole path is the deployed
one: the pump builds Lambda's events, the handler's Powertools batch processor answers
``batchItemFailures``, and the pump deletes (SQS) or checkpoints (stream) by that answer. Only
the service each handler hands records to is replaced (on the handlers module), so the test can
make one record fail and count how often each one is handled; it is replaced only for the
deliveries of the test's own pump (:class:`Spy` marks them), since the session's pump
(tests/conftest.py) may be delivering the shared stack's messages to the same handlers meanwhile.

Without partial batch responses every record of the batch would be delivered again with the
failed one (and, on a stream, the records after the failed one would be handled twice).
"""

from __future__ import annotations

import json
import threading
import uuid
from collections import Counter
from collections.abc import Iterator
from typing import Any, cast

import boto3
import pytest

from functions.events import handlers
from functions.resources import QUEUES, SESSIONS
from functions.services.audit import AuditService
from functions.services.audit_port import AuditEntry
from local.chime_emulator import ChimeEmulator
from local.events import EventPump
from local.provision import Stack, create_resources

REGION = "eu-west-2"
WAIT = 30.0
"""Deadline for the pump to deliver everything (it normally takes well under a second)."""
TIMERS_MAX_RECEIVES = next(q.max_receives for q in QUEUES if q.logical_name == "Timers")


def aws(service: str, stack: Stack) -> Any:
    client = cast(Any, boto3.client)  # boto3-stubs only types literal service names
    return client(service, endpoint_url=stack.aws_endpoint_url, region_name=REGION)


@pytest.fixture
def resources(moto_url: str, emulator: ChimeEmulator) -> Iterator[Stack]:
    """A fresh set of the application's resources; its meeting-events rule is removed after."""
    stack = create_resources(moto_url, emulator.url, REGION, prefix=f"pb{uuid.uuid4().hex[:6]}")
    yield stack
    events = aws("events", stack)
    rule = stack.meeting_events_rule_arn.rsplit("/", 1)[-1]
    targets = events.list_targets_by_rule(Rule=rule)["Targets"]
    events.remove_targets(Rule=rule, Ids=[target["Id"] for target in targets])
    events.delete_rule(Name=rule)


_delivering = threading.local()
"""``active`` while a :class:`Spy` runs the handler in this thread."""


class Spy:
    """A Lambda handler that records each event and passes it to the app's handler."""

    def __init__(self, handler: Any) -> None:
        self.handler = handler
        self.events: list[dict[str, Any]] = []
        self.answers: list[Any] = []
        self._lock = threading.Lock()

    def __call__(self, event: dict[str, Any], context: Any) -> Any:
        with self._lock:
            self.events.append(event)
        _delivering.active = True
        try:
            answer = self.handler(event, context)
        finally:
            _delivering.active = False
        with self._lock:
            self.answers.append(answer)
        return answer


def stand_in(monkeypatch: pytest.MonkeyPatch, factory: str, service: Any) -> None:
    """Make the handlers' ``factory`` return ``service`` for the deliveries of a :class:`Spy`."""
    original = getattr(handlers, factory)

    def built() -> Any:
        return service if getattr(_delivering, "active", False) else original()

    monkeypatch.setattr(handlers, factory, built)


class Timers:
    """The timer service: counts each message it handles, fails those ``fail`` allows."""

    def __init__(self, fail: dict[str, int]) -> None:
        self.fail = dict(fail)
        self.handled: Counter[str] = Counter()
        self._lock = threading.Lock()

    def handle(self, message: dict[str, Any]) -> None:
        key = str(message["session_id"])
        with self._lock:
            self.handled[key] += 1
            failing = self.handled[key] <= self.fail.get(key, 0)
        if failing:
            raise RuntimeError(f"the check for {key} failed")


class AuditTable:
    """The audit trail's table: counts each append, and cannot write ``fail`` the first time."""

    def __init__(self, fail: str) -> None:
        self.fail = fail
        self.appended: Counter[str] = Counter()
        self._lock = threading.Lock()

    def append(self, entry: AuditEntry) -> bool:
        with self._lock:
            self.appended[entry.session_id] += 1
            failing = entry.session_id == self.fail and self.appended[entry.session_id] == 1
        if failing:
            raise RuntimeError("the audit table is unavailable")
        return True

    def history(self, session_id: str) -> list[AuditEntry]:
        return []


def send_timers(stack: Stack, session_ids: list[str]) -> None:
    sqs = aws("sqs", stack)
    for session_id in session_ids:
        body = json.dumps({"kind": "escalate", "session_id": session_id})
        sqs.send_message(QueueUrl=stack.timers_queue_url, MessageBody=body)


def put_sessions(stack: Stack, session_ids: list[str]) -> None:
    dynamodb = aws("dynamodb", stack)
    for session_id in session_ids:
        dynamodb.put_item(
            TableName=stack.sessions_table,
            Item={
                SESSIONS.partition_key: {"S": session_id},
                "force": {"S": "MET"},
                "state": {"S": "requested"},
                "version": {"N": "1"},
                "updated_at": {"S": "2026-12-03T06:00:00Z"},
                "changed_by": {"S": "met-4521"},
            },
        )


def failed_ids(answer: Any) -> list[str]:
    return [failure["itemIdentifier"] for failure in answer["batchItemFailures"]]


def test_only_the_failed_message_of_a_queue_batch_is_received_again(
    resources: Stack, monkeypatch: pytest.MonkeyPatch
) -> None:
    ids = [f"s-{n}" for n in range(1, 5)]
    service = Timers(fail={"s-2": 1})
    stand_in(monkeypatch, "timer_service", service)
    send_timers(resources, ids)  # before the pump starts: one batch
    spy = Spy(handlers.timers)

    with EventPump.for_stack(resources, {"timers": spy}, retry_delay_seconds=0) as pump:
        pump.wait_idle(WAIT)
        dead = list(pump.dead_letters)

    first, *again = spy.events
    assert [json.loads(r["body"])["session_id"] for r in first["Records"]] == ids
    failed = [r["messageId"] for r in first["Records"]][1]
    assert failed_ids(spy.answers[0]) == [failed]
    # s-2 alone is received again (and handled); the others were deleted after the first try.
    assert [[r["messageId"] for r in e["Records"]] for e in again] == [[failed]]
    assert failed_ids(spy.answers[1]) == []
    assert service.handled == {"s-1": 1, "s-2": 2, "s-3": 1, "s-4": 1}
    assert not dead


def test_a_message_that_always_fails_goes_to_the_dead_letter_queue_alone(
    resources: Stack, monkeypatch: pytest.MonkeyPatch
) -> None:
    ids = [f"s-{n}" for n in range(1, 4)]
    service = Timers(fail={"s-2": TIMERS_MAX_RECEIVES})
    stand_in(monkeypatch, "timer_service", service)
    send_timers(resources, ids)
    spy = Spy(handlers.timers)

    with EventPump.for_stack(resources, {"timers": spy}, retry_delay_seconds=0) as pump:
        pump.wait_for(lambda: pump.dead_letters, WAIT, "a dead letter")
        pump.wait_idle(WAIT)
        dead = list(pump.dead_letters)

    assert [json.loads(d.body)["session_id"] for d in dead] == ["s-2"]
    assert service.handled == {"s-1": 1, "s-2": TIMERS_MAX_RECEIVES, "s-3": 1}
    assert [len(e["Records"]) for e in spy.events] == [3] + [1] * (TIMERS_MAX_RECEIVES - 1)


def test_a_stream_batch_is_retried_from_its_failed_record_and_nothing_before_it(
    resources: Stack, monkeypatch: pytest.MonkeyPatch
) -> None:
    ids = [f"s-{n}-{uuid.uuid4().hex[:6]}" for n in range(1, 5)]
    table = AuditTable(fail=ids[1])
    stand_in(monkeypatch, "audit_service", AuditService(log=table))
    put_sessions(resources, ids)  # before the pump starts: one batch
    spy = Spy(handlers.session_stream)

    with EventPump.for_stack(resources, {"session_stream": spy}, retry_delay_seconds=0) as pump:
        pump.wait_idle(WAIT)
        dead = list(pump.dead_letters)

    def keys(event: dict[str, Any]) -> list[str]:
        return [r["dynamodb"]["Keys"][SESSIONS.partition_key]["S"] for r in event["Records"]]

    assert [keys(e) for e in spy.events] == [ids, ids[1:]]
    first_sequence = [r["dynamodb"]["SequenceNumber"] for r in spy.events[0]["Records"]]
    assert failed_ids(spy.answers[0]) == [first_sequence[1]]
    assert failed_ids(spy.answers[1]) == []
    # The record before the failed one is not handled again; those after it only on the retry.
    assert table.appended == {ids[0]: 1, ids[1]: 2, ids[2]: 1, ids[3]: 1}
    assert not dead
