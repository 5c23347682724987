"""What the event handlers answer Lambda: a partial batch response naming only what failed.

The handlers are called as Lambda calls them, with Lambda's event shapes; the services they hand
records to are stand-ins (``monkeypatch`` on the handlers module) that record what they are given
and fail the records they are told to. An SQS batch reports every failed message and handles
every other one; a stream batch stops at its first failed record and reports only that one (Lambda
retries from it); a batch in which everything failed is reported, not raised.

A stand-in serves only the test's own thread: the session's event pump (tests/conftest.py) may
be delivering the shared stack's messages to the same handlers meanwhile, and they must still
reach the real services.
"""

from __future__ import annotations

import json
import logging
import threading
from decimal import Decimal
from typing import Any

import pytest

from functions.events import handlers
from functions.services.audit import ItemChange

QUEUE_ARN = "arn:aws:sqs:eu-west-2:123456789012:timers"
STREAM_ARN = "arn:aws:dynamodb:eu-west-2:123456789012:table/sessions/stream/2026-12-03T00:00:00.000"


def sqs_record(message_id: str, body: str) -> dict[str, Any]:
    """An SQS record as Lambda sends it."""
    return {
        "messageId": message_id,
        "receiptHandle": f"handle-{message_id}",
        "body": body,
        "attributes": {"ApproximateReceiveCount": "1"},
        "messageAttributes": {},
        "md5OfBody": "0" * 32,
        "eventSource": "aws:sqs",
        "eventSourceARN": QUEUE_ARN,
        "awsRegion": "eu-west-2",
    }


def stream_record(sequence: str, session_id: str, version: int) -> dict[str, Any]:
    """A sessions-stream MODIFY record as Lambda sends it (images in attribute-value JSON)."""

    def image(state: str, version: int) -> dict[str, Any]:
        return {
            "session_id": {"S": session_id},
            "force": {"S": "MET"},
            "state": {"S": state},
            "version": {"N": str(version)},
            "decided_without_video": {"BOOL": False},
        }

    return {
        "eventID": f"event-{sequence}",
        "eventName": "MODIFY",
        "eventVersion": "1.1",
        "eventSource": "aws:dynamodb",
        "awsRegion": "eu-west-2",
        "dynamodb": {
            "Keys": {"session_id": {"S": session_id}},
            "OldImage": image("requested", version - 1),
            "NewImage": image("claimed", version),
            "SequenceNumber": sequence,
            "StreamViewType": "NEW_AND_OLD_IMAGES",
        },
        "eventSourceARN": STREAM_ARN,
    }


def failures(response: dict[str, Any]) -> list[str]:
    assert set(response) == {"batchItemFailures"}
    return [failure["itemIdentifier"] for failure in response["batchItemFailures"]]


class Service:
    """Records what it is handed; raises for the items ``fail`` names."""

    def __init__(self, fail: set[str] | None = None) -> None:
        self.fail = fail or set()
        self.handled: list[Any] = []

    def _take(self, key: str, item: Any) -> None:
        self.handled.append(item)
        if key in self.fail:
            raise RuntimeError(f"cannot handle {key}")

    def handle(self, message: dict[str, Any]) -> None:
        self._take(str(message.get("session_id") or message.get("id")), message)

    def record(self, change: ItemChange) -> bool:
        self._take(str(change.new["session_id"]), change)
        return True


def stand_in(monkeypatch: pytest.MonkeyPatch, factory: str, service: Service) -> Service:
    """Make the handlers' ``factory`` return ``service`` in this thread (only)."""
    original = getattr(handlers, factory)
    here = threading.get_ident()

    def built() -> Any:
        return service if threading.get_ident() == here else original()

    monkeypatch.setattr(handlers, factory, built)
    return service


@pytest.fixture
def timers(monkeypatch: pytest.MonkeyPatch) -> Service:
    return stand_in(monkeypatch, "timer_service", Service(fail={"s-2"}))


@pytest.fixture
def meetings(monkeypatch: pytest.MonkeyPatch) -> Service:
    return stand_in(monkeypatch, "meeting_event_service", Service(fail={"m-2"}))


@pytest.fixture
def audit(monkeypatch: pytest.MonkeyPatch) -> Service:
    return stand_in(monkeypatch, "audit_service", Service(fail={"s-2"}))


# -- SQS --------------------------------------------------------------------------------------


def test_a_queue_batch_reports_only_the_message_that_failed_and_handles_the_others(
    timers: Service,
) -> None:
    event = {
        "Records": [sqs_record(f"id-{n}", json.dumps({"session_id": f"s-{n}"})) for n in (1, 2, 3)]
    }

    response = handlers.timers(event, None)

    assert failures(response) == ["id-2"]
    assert [m["session_id"] for m in timers.handled] == ["s-1", "s-2", "s-3"]


def test_a_message_that_is_not_a_json_object_fails_alone(timers: Service) -> None:
    event = {
        "Records": [
            sqs_record("id-1", json.dumps({"session_id": "s-1"})),
            sqs_record("id-2", "not json"),
            sqs_record("id-3", json.dumps(["s-3"])),
            sqs_record("id-4", json.dumps({"session_id": "s-4"})),
        ]
    }

    assert failures(handlers.timers(event, None)) == ["id-2", "id-3"]
    assert [m["session_id"] for m in timers.handled] == ["s-1", "s-4"]


def test_a_queue_batch_in_which_everything_failed_is_reported_not_raised(
    timers: Service,
) -> None:
    event = {
        "Records": [sqs_record("id-2", json.dumps({"session_id": "s-2"})), sqs_record("id-x", "{")]
    }

    assert failures(handlers.timers(event, None)) == ["id-2", "id-x"]


def test_meeting_events_report_the_event_that_failed(meetings: Service) -> None:
    routed = [{"id": f"m-{n}", "detail": {"externalMeetingId": f"s-{n}"}} for n in (1, 2, 3)]
    event = {"Records": [sqs_record(f"id-{n}", json.dumps(r)) for n, r in enumerate(routed, 1)]}

    assert failures(handlers.meeting_events(event, None)) == ["id-2"]
    assert [m["id"] for m in meetings.handled] == ["m-1", "m-2", "m-3"]


def test_a_failed_message_is_logged_with_its_traceback(
    timers: Service, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.ERROR, logger="functions.events.handlers")
    event = {"Records": [sqs_record("id-2", json.dumps({"session_id": "s-2"}))]}

    handlers.timers(event, None)

    (logged,) = caplog.records
    assert logged.getMessage() == "record id-2 failed; the event source will retry it"
    assert logged.exc_info is not None


# -- DynamoDB stream --------------------------------------------------------------------------


def test_a_stream_batch_stops_at_the_first_failed_record_and_reports_only_it(
    audit: Service,
) -> None:
    event = {"Records": [stream_record(f"{n}00", f"s-{n}", n + 1) for n in (1, 2, 3, 4)]}

    response = handlers.session_stream(event, None)

    assert failures(response) == ["200"]
    # Lambda retries from 200: what came after it is handled then, once and in order.
    assert [c.new["session_id"] for c in audit.handled] == ["s-1", "s-2"]


def test_the_audit_service_is_handed_python_values_not_dynamodb_json(audit: Service) -> None:
    event = {"Records": [stream_record("100", "s-1", 4)]}

    assert failures(handlers.session_stream(event, None)) == []
    (change,) = audit.handled
    assert change == ItemChange(
        event_id="event-100",
        event_name="MODIFY",
        new={
            "session_id": "s-1",
            "force": "MET",
            "state": "claimed",
            "version": Decimal(4),
            "decided_without_video": False,
        },
        old={
            "session_id": "s-1",
            "force": "MET",
            "state": "requested",
            "version": Decimal(3),
            "decided_without_video": False,
        },
    )


def test_a_stream_batch_whose_first_record_fails_reports_it_not_raises(audit: Service) -> None:
    event = {"Records": [stream_record("200", "s-2", 3), stream_record("300", "s-3", 4)]}

    assert failures(handlers.session_stream(event, None)) == ["200"]
    assert [c.new["session_id"] for c in audit.handled] == ["s-2"]


def test_a_failed_stream_record_is_logged_with_its_traceback(
    audit: Service, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.ERROR, logger="functions.events.handlers")

    handlers.session_stream({"Records": [stream_record("200", "s-2", 3)]}, None)

    (logged,) = caplog.records
    assert logged.getMessage() == "stream record 200 failed; retrying from it"
    assert logged.exc_info is not None


# -- every handler ----------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["timers", "meeting_events", "session_stream"])
@pytest.mark.usefixtures("timers", "meetings", "audit")
def test_an_empty_batch_is_a_success(name: str) -> None:
    handler = getattr(handlers, name)

    assert handler({"Records": []}, None) == {"batchItemFailures": []}
    assert handler({}, None) == {"batchItemFailures": []}


@pytest.mark.usefixtures("timers", "meetings")
def test_a_batch_where_nothing_failed_reports_nothing(audit: Service) -> None:
    ok = json.dumps({"session_id": "s-1", "id": "m-1"})

    assert handlers.timers({"Records": [sqs_record("id-1", ok)]}, None) == {"batchItemFailures": []}
    assert handlers.meeting_events({"Records": [sqs_record("id-1", ok)]}, None) == {
        "batchItemFailures": []
    }
    assert handlers.session_stream({"Records": [stream_record("100", "s-1", 2)]}, None) == {
        "batchItemFailures": []
    }
