"""The timers queue's contract, for ``FakeTimers`` and ``SqsTimers`` on an SQS queue alike.

A check is one message: its body comes back exactly as a JSON value, its delay is clamped to
what SQS accepts (0 to 900 seconds), and a delayed check is not delivered before its delay.
Nothing here waits: a message with no delay must be visible at once, one with a long delay
must not be.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import pytest

from functions.adapters.timers import MAX_DELAY_SECONDS, SqsTimers
from functions.services.checks import drop_check, escalation_check, meeting_check
from functions.services.ports import TimerQueue
from local.provision import QueuePair
from tests.unit.services.fakes import FakeTimers


@dataclass
class Queue:
    """A timer queue and what a consumer would see of it."""

    timers: TimerQueue
    visible: Callable[[], list[dict[str, Any]]]
    """The message bodies a receive gets now."""
    delays: Callable[[], list[int]]
    """The delay each message was queued with, in order."""


@pytest.fixture(params=["fake", "sqs"])
def queue(request: pytest.FixtureRequest) -> Iterator[Queue]:
    if request.param == "fake":
        fake = FakeTimers()
        yield Queue(fake, fake.visible, lambda: [delay for _, delay in fake.scheduled])
        return
    sqs: Any = request.getfixturevalue("sqs")
    pair: QueuePair = request.getfixturevalue("timers_queue")
    sent: list[int] = []

    def record(params: dict[str, Any], **_: Any) -> None:
        sent.append(params["DelaySeconds"])

    def visible() -> list[dict[str, Any]]:
        response = sqs.receive_message(
            QueueUrl=pair.url, MaxNumberOfMessages=10, WaitTimeSeconds=0, VisibilityTimeout=0
        )
        return [json.loads(m["Body"]) for m in response.get("Messages", [])]

    sqs.meta.events.register("provide-client-params.sqs.SendMessage", record, "contract-delays")
    yield Queue(SqsTimers(sqs, pair.url), visible, lambda: list(sent))
    sqs.meta.events.unregister("provide-client-params.sqs.SendMessage", unique_id="contract-delays")


def test_the_checks_of_the_app_round_trip_exactly(queue: Queue) -> None:
    checks = [
        escalation_check("s-1", 2),
        drop_check("s-1", "met-1001", 7),
        meeting_check("s-1", "0b9c6a5e-8f5e-4a53-9a3c-1f0c2d7e8a11"),
    ]
    for check in checks:
        queue.timers.schedule(check, 0)

    assert sorted(queue.visible(), key=json.dumps) == sorted(checks, key=json.dumps)


def test_a_body_round_trips_as_json_with_its_types(queue: Queue) -> None:
    message = {
        "type": "check",
        "int": 2**53 + 1,
        "float": 0.1,
        "negative": -7,
        "bool": True,
        "none": None,
        "text": 'Zoë said "hello"\n\t📵 <&>',
        "nested": {"list": [1, "two", {"three": 3.0}], "empty": {}},
    }

    queue.timers.schedule(message, 0)

    [received] = queue.visible()
    assert received == message
    assert json.dumps(received) == json.dumps(message)  # same order, same number spellings
    assert type(received["nested"]["list"][2]["three"]) is float


def test_a_body_is_what_json_makes_of_it(queue: Queue) -> None:
    # Not JSON's own types: a tuple, and an int key.
    message: dict[Any, Any] = {"pair": ("a", 1), 7: "seven"}

    queue.timers.schedule(message, 0)

    assert queue.visible() == [{"pair": ["a", 1], "7": "seven"}]


def test_the_body_is_taken_when_scheduled_not_when_delivered(queue: Queue) -> None:
    message: dict[str, Any] = {"type": "check", "attempts": [1]}

    queue.timers.schedule(message, 0)
    message["attempts"].append(2)
    message["type"] = "changed"

    assert queue.visible() == [{"type": "check", "attempts": [1]}]


def test_a_value_json_cannot_carry_fails_and_queues_nothing(queue: Queue) -> None:
    with pytest.raises(TypeError):
        queue.timers.schedule({"at": datetime(2026, 11, 23, tzinfo=UTC)}, 0)

    assert queue.visible() == []
    assert queue.delays() == []


def test_a_message_without_delay_is_visible_at_once_and_a_delayed_one_is_not(
    queue: Queue,
) -> None:
    queue.timers.schedule({"n": "now"}, 0)
    queue.timers.schedule({"n": "later"}, 600)

    assert queue.visible() == [{"n": "now"}]
    assert queue.delays() == [0, 600]


@pytest.mark.parametrize(
    ("asked", "queued"),
    [(-30, 0), (0, 0), (1, 1), (900, 900), (901, 900), (86_400, 900)],
)
def test_the_delay_is_clamped_to_what_sqs_accepts(queue: Queue, asked: int, queued: int) -> None:
    queue.timers.schedule({"asked": asked}, asked)

    assert queue.delays() == [queued]
    assert queue.visible() == ([{"asked": asked}] if queued == 0 else [])


def test_the_ceiling_is_sqs_s() -> None:
    assert MAX_DELAY_SECONDS == FakeTimers.MAX_DELAY_SECONDS == 900
