"""Meeting events reach an SQS queue through a moto EventBridge rule, as they would on AWS."""

from __future__ import annotations

import json
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from typing import Any

import boto3
import pytest

from local.chime_emulator import ChimeEmulator

from .helpers import REGION, new_meeting, presence

DETAIL_KEYS = {"version", "eventType", "timestamp", "meetingId", "externalMeetingId", "mediaRegion"}


@pytest.fixture
def chime_events(moto_url: str) -> Iterator[tuple[str, Any]]:
    """An SQS queue fed by an EventBridge rule matching one meeting's events."""
    external_id = f"session-{uuid.uuid4().hex[:12]}"
    sqs = boto3.client("sqs", endpoint_url=moto_url, region_name=REGION)
    events = boto3.client("events", endpoint_url=moto_url, region_name=REGION)
    queue_url = sqs.create_queue(QueueName=f"chime-events-{uuid.uuid4().hex[:8]}")["QueueUrl"]
    queue_arn = sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["QueueArn"])[
        "Attributes"
    ]["QueueArn"]
    rule = f"chime-{uuid.uuid4().hex[:8]}"
    pattern = {
        "source": ["aws.chime"],
        "detail-type": ["Chime Meeting State Change"],
        "detail": {"externalMeetingId": [external_id]},
    }
    events.put_rule(Name=rule, EventPattern=json.dumps(pattern))
    events.put_targets(Rule=rule, Targets=[{"Id": "queue", "Arn": queue_arn}])
    yield external_id, lambda count: receive(sqs, queue_url, count)
    events.remove_targets(Rule=rule, Ids=["queue"])
    events.delete_rule(Name=rule)


def receive(sqs: Any, queue_url: str, count: int, deadline: float = 10.0) -> list[dict[str, Any]]:
    """Read events until ``count`` have arrived or the deadline passes (long polling, no sleep)."""
    found: list[dict[str, Any]] = []
    stop = time.monotonic() + deadline
    while len(found) < count and time.monotonic() < stop:
        batch = sqs.receive_message(
            QueueUrl=queue_url, MaxNumberOfMessages=10, WaitTimeSeconds=1
        ).get("Messages", [])
        found.extend(json.loads(m["Body"]) for m in batch)
    return found


def test_meeting_and_attendee_events_arrive_with_the_documented_fields(
    chime: Any, chime_url: str, emulator: ChimeEmulator, chime_events: tuple[str, Any]
) -> None:
    external_id, wait_for = chime_events
    meeting_id = new_meeting(chime, ExternalMeetingId=external_id)["MeetingId"]
    officer = chime.create_attendee(MeetingId=meeting_id, ExternalUserId="officer-1")["Attendee"]
    sergeant = chime.create_attendee(MeetingId=meeting_id, ExternalUserId="sgt-2")["Attendee"]
    for attendee, verb in [
        (officer, "join"),
        (sergeant, "join"),
        (sergeant, "leave"),
        (officer, "drop"),
    ]:
        presence(chime_url, meeting_id, attendee["AttendeeId"], verb).raise_for_status()
    chime.delete_attendee(MeetingId=meeting_id, AttendeeId=sergeant["AttendeeId"])
    chime.delete_meeting(MeetingId=meeting_id)
    emulator.flush_events()

    received = wait_for(10)

    assert {e["source"] for e in received} == {"aws.chime"}
    assert {e["detail-type"] for e in received} == {"Chime Meeting State Change"}
    assert Counter(e["detail"]["eventType"] for e in received) == Counter(
        {
            "chime:MeetingStarted": 1,
            "chime:AttendeeAdded": 2,
            "chime:AttendeeJoined": 2,
            "chime:AttendeeLeft": 1,
            "chime:AttendeeDropped": 1,
            "chime:AttendeeDeleted": 2,
            "chime:MeetingEnded": 1,
        }
    )
    for event in received:
        detail = event["detail"]
        assert detail.keys() >= DETAIL_KEYS
        assert detail["meetingId"] == meeting_id
        assert detail["externalMeetingId"] == external_id
        assert detail["mediaRegion"] == REGION
        assert isinstance(detail["timestamp"], int)
        if detail["eventType"].startswith("chime:Attendee"):
            assert detail["attendeeId"] in (officer["AttendeeId"], sergeant["AttendeeId"])
            assert detail["externalUserId"] in ("officer-1", "sgt-2")
    dropped = next(e for e in received if e["detail"]["eventType"] == "chime:AttendeeDropped")
    assert dropped["detail"]["externalUserId"] == "officer-1"
