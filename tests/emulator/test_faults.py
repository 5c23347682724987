"""Fault injection: throttling, 5xx and latency in the next N calls of an operation."""

from __future__ import annotations

import time
from typing import Any

import pytest
from botocore.exceptions import ReadTimeoutError

from tests.conftest import chime_client

from .helpers import control, new_meeting


def inject(url: str, **fault: Any) -> None:
    control(url, "POST", "/faults", **fault).raise_for_status()


def test_throttling_is_raised_as_the_modelled_exception(chime: Any, chime_url: str) -> None:
    inject(chime_url, operation="CreateMeeting", error="ThrottlingException", count=1)
    with pytest.raises(chime.exceptions.ThrottlingException) as raised:
        new_meeting(chime)
    assert raised.value.response["ResponseMetadata"]["HTTPStatusCode"] == 429
    assert new_meeting(chime)["MeetingId"]  # the fault is spent


def test_service_unavailable_carries_retry_after(chime: Any, chime_url: str) -> None:
    inject(chime_url, operation="GetMeeting", error="ServiceUnavailableException")
    meeting_id = new_meeting(chime)["MeetingId"]
    with pytest.raises(chime.exceptions.ServiceUnavailableException) as raised:
        chime.get_meeting(MeetingId=meeting_id)
    assert raised.value.response["ResponseMetadata"]["HTTPStatusCode"] == 503
    assert raised.value.response["ResponseMetadata"]["HTTPHeaders"]["retry-after"] == "1"


def test_faults_hit_only_the_named_operation_and_only_n_times(chime: Any, chime_url: str) -> None:
    inject(chime_url, operation="CreateAttendee", error="ServiceFailureException", count=2)
    meeting_id = new_meeting(chime)["MeetingId"]  # another operation: unaffected
    for _ in range(2):
        with pytest.raises(chime.exceptions.ServiceFailureException):
            chime.create_attendee(MeetingId=meeting_id, ExternalUserId="pc-1")
    assert chime.create_attendee(MeetingId=meeting_id, ExternalUserId="pc-1")["Attendee"]
    assert control(chime_url, "GET", "/faults").json() == {"Faults": {}}


def test_standard_retries_ride_out_transient_throttling(chime_url: str) -> None:
    inject(chime_url, operation="CreateMeeting", error="ThrottlingException", count=2)
    client = chime_client(chime_url, retries={"mode": "standard", "total_max_attempts": 3})
    meeting = new_meeting(client)
    assert meeting["MeetingId"]


def test_a_wildcard_fault_hits_any_operation(chime: Any, chime_url: str) -> None:
    inject(chime_url, operation="*", error="ThrottlingException")
    with pytest.raises(chime.exceptions.ThrottlingException):
        chime.list_tags_for_resource(ResourceARN="arn:aws:chime:eu-west-2:1:meeting/x")


def test_added_latency_delays_the_answer(chime: Any, chime_url: str) -> None:
    inject(chime_url, operation="CreateMeeting", latency_ms=300)
    started = time.perf_counter()
    assert new_meeting(chime)["MeetingId"]
    assert time.perf_counter() - started >= 0.3


def test_latency_past_the_client_timeout_is_a_timeout(chime_url: str) -> None:
    inject(chime_url, operation="CreateMeeting", latency_ms=1500)
    client = chime_client(chime_url, read_timeout=0.5, retries={"total_max_attempts": 1})
    with pytest.raises(ReadTimeoutError):
        new_meeting(client)


@pytest.mark.parametrize(
    ("fault", "complaint"),
    [
        ({"operation": "Nope", "error": "ThrottlingException"}, "operation"),
        ({"operation": "GetMeeting", "error": "Boom"}, "error"),
        ({"operation": "GetMeeting"}, "latency_ms"),
        ({"operation": "GetMeeting", "error": "ThrottlingException", "count": 0}, "count"),
    ],
)
def test_bad_fault_requests_are_refused(
    chime_url: str, fault: dict[str, Any], complaint: str
) -> None:
    response = control(chime_url, "POST", "/faults", **fault)
    assert response.status_code == 400
    assert complaint in response.json()["error"]["message"]
