"""Lost answers: the emulator executes a call, then drops or delays its answer.

A call can commit and still fail for its caller (a reset connection, a read timeout); botocore
then retries the same request, which meets its own earlier effect. These tests drive that through
``POST /_emulator/faults`` with ``drop_response`` and ``latency_after_ms``, over real HTTP with an
unmodified boto3 client.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from botocore.exceptions import ConnectionClosedError, ReadTimeoutError

from tests.conftest import chime_client

from .helpers import REGION, control, new_meeting

RETRYING = {"mode": "standard", "total_max_attempts": 3}  # what the application's clients use
ONE_ATTEMPT = {"mode": "standard", "total_max_attempts": 1}
HELD_MS = 60_000  # longer than any client waits; clearing the faults ends the wait
STARTED = "chime:MeetingStarted"


@pytest.fixture
def url(chime_url: str) -> Iterator[str]:
    """A clean emulator whose faults are cleared after the test, ending any answer held back."""
    yield chime_url
    control(chime_url, "DELETE", "/faults").raise_for_status()


def inject(url: str, **fault: Any) -> None:
    response = control(url, "POST", "/faults", **fault)
    assert response.status_code == 201, response.text


def live_meetings(url: str) -> list[dict[str, Any]]:
    return control(url, "GET", "/meetings").json()["Meetings"]  # type: ignore[no-any-return]


def started_events(url: str) -> list[str]:
    """The meeting of every ``chime:MeetingStarted`` event sent, in order."""
    events = control(url, "GET", "/events").json()["Events"]
    return [e["detail"]["meetingId"] for e in events if e["detail"]["eventType"] == STARTED]


def create_with_attendees(client: Any, token: str, external_id: str) -> dict[str, Any]:
    return client.create_meeting_with_attendees(  # type: ignore[no-any-return]
        ClientRequestToken=token,
        MediaRegion=REGION,
        ExternalMeetingId=external_id,
        Attendees=[{"ExternalUserId": "officer-4521"}],
    )


def test_a_retried_create_whose_answer_was_lost_gets_the_same_meeting(url: str) -> None:
    inject(url, operation="CreateMeetingWithAttendees", drop_response=True)
    client = chime_client(url, retries=RETRYING)

    created = create_with_attendees(client, uuid.uuid4().hex, "session-lost-1")

    # The first attempt created the meeting and its answer was lost; botocore's retry carried the
    # same ClientRequestToken and got that meeting back instead of making a second one.
    assert created["ResponseMetadata"]["RetryAttempts"] == 1
    meeting_id = created["Meeting"]["MeetingId"]
    [live] = live_meetings(url)
    assert live["MeetingId"] == meeting_id
    assert [a["ExternalUserId"] for a in live["Attendees"]] == ["officer-4521"]
    assert started_events(url) == [meeting_id]


def test_a_retried_delete_whose_answer_was_lost_is_not_found(url: str, chime: Any) -> None:
    meeting_id = new_meeting(chime)["MeetingId"]
    inject(url, operation="DeleteMeeting", drop_response=True)
    client = chime_client(url, retries=RETRYING)

    with pytest.raises(client.exceptions.NotFoundException) as raised:
        client.delete_meeting(MeetingId=meeting_id)

    # The lost first attempt deleted it; the retry found nothing to delete.
    assert raised.value.response["ResponseMetadata"]["RetryAttempts"] == 1
    assert live_meetings(url) == []


def test_without_retries_the_caller_sees_the_connection_closed_yet_the_meeting_exists(
    url: str,
) -> None:
    inject(url, operation="CreateMeetingWithAttendees", drop_response=True)
    client = chime_client(url, retries=ONE_ATTEMPT)

    with pytest.raises(ConnectionClosedError):
        create_with_attendees(client, uuid.uuid4().hex, "session-lost-2")

    assert [m["ExternalMeetingId"] for m in live_meetings(url)] == ["session-lost-2"]


def test_an_answer_later_than_the_read_timeout_times_out_yet_the_meeting_exists(
    url: str,
) -> None:
    inject(url, operation="CreateMeetingWithAttendees", latency_after_ms=HELD_MS)
    client = chime_client(url, read_timeout=1, retries=ONE_ATTEMPT)

    with pytest.raises(ReadTimeoutError):
        create_with_attendees(client, uuid.uuid4().hex, "session-late")

    assert [m["ExternalMeetingId"] for m in live_meetings(url)] == ["session-late"]


def test_a_late_answer_inside_the_read_timeout_is_only_slow(url: str) -> None:
    inject(url, operation="CreateMeeting", latency_after_ms=50)
    client = chime_client(url, read_timeout=30, retries=ONE_ATTEMPT)

    meeting = new_meeting(client)

    assert [m["MeetingId"] for m in live_meetings(url)] == [meeting["MeetingId"]]


def test_lost_answer_faults_are_listed_until_spent(url: str, chime: Any) -> None:
    inject(url, operation="GetMeeting", drop_response=True, latency_after_ms=5, count=2)

    assert control(url, "GET", "/faults").json() == {
        "Faults": {
            "GetMeeting": [
                {
                    "error": None,
                    "latency_ms": 0,
                    "latency_after_ms": 5,
                    "drop_response": True,
                    "count": 2,
                }
            ]
        }
    }
    meeting_id = new_meeting(chime)["MeetingId"]
    for _ in range(2):
        with pytest.raises(ConnectionClosedError):
            chime.get_meeting(MeetingId=meeting_id)
    assert chime.get_meeting(MeetingId=meeting_id)["Meeting"]["MeetingId"] == meeting_id
    assert control(url, "GET", "/faults").json() == {"Faults": {}}


@pytest.mark.parametrize(
    ("fault", "complaint"),
    [
        (
            {"operation": "DeleteMeeting", "error": "ThrottlingException", "drop_response": True},
            "drop_response",
        ),
        (
            {"operation": "DeleteMeeting", "error": "ThrottlingException", "latency_after_ms": 1},
            "latency_after_ms",
        ),
        ({"operation": "DeleteMeeting", "drop_response": "yes"}, "drop_response"),
        ({"operation": "DeleteMeeting", "drop_response": False}, "drop_response"),
        ({"operation": "DeleteMeeting", "latency_after_ms": -1}, "latency_after_ms"),
        ({"operation": "DeleteMeeting", "latency_after_ms": True}, "latency_after_ms"),
    ],
)
def test_lost_answer_faults_that_make_no_sense_are_refused(
    url: str, fault: dict[str, Any], complaint: str
) -> None:
    response = control(url, "POST", "/faults", **fault)

    assert response.status_code == 400
    assert complaint in response.json()["error"]["message"]
    assert control(url, "GET", "/faults").json() == {"Faults": {}}
