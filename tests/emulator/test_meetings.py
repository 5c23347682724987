"""Meetings: creation, idempotency, reads and the delete semantics of the real service."""

from __future__ import annotations

import os
import re
import uuid
from typing import Any

import boto3
import pytest

from .helpers import REGION, new_meeting

GUID = re.compile(r"^[0-9a-f]{8}(-[0-9a-f]{4}){3}-[0-9a-f]{12}$")


def test_create_meeting_returns_a_complete_meeting(chime: Any) -> None:
    meeting = new_meeting(chime, ExternalMeetingId="session-1")

    assert GUID.match(meeting["MeetingId"])
    assert meeting["ExternalMeetingId"] == "session-1"
    assert meeting["MediaRegion"] == REGION
    assert meeting["MeetingArn"] == (
        f"arn:aws:chime:{REGION}:123456789012:meeting/{meeting['MeetingId']}"
    )
    placement = meeting["MediaPlacement"]
    for url in ("AudioHostUrl", "SignalingUrl", "TurnControlUrl", "AudioFallbackUrl"):
        assert placement[url], url
    # Every URL leads to the emulator on loopback, where the SDK really connects.
    for name, url in placement.items():
        assert re.match(r"^(ws|http)://127\.0\.0\.1:\d+(/|$)", url) or name == "AudioHostUrl", url
    assert re.match(r"^127\.0\.0\.1:\d+$", placement["AudioHostUrl"])
    assert placement["SignalingUrl"].endswith(f"/control/{meeting['MeetingId']}")
    assert placement["EventIngestionUrl"].endswith("/_media/client-events")


def test_client_request_token_makes_create_meeting_idempotent(chime: Any) -> None:
    token = uuid.uuid4().hex
    first = new_meeting(chime, ClientRequestToken=token, ExternalMeetingId="s-1")
    retry = new_meeting(chime, ClientRequestToken=token, ExternalMeetingId="s-1")
    other = new_meeting(chime, ExternalMeetingId="s-1")

    assert retry["MeetingId"] == first["MeetingId"]
    assert other["MeetingId"] != first["MeetingId"]


def test_reusing_a_token_for_a_different_meeting_is_a_conflict(chime: Any) -> None:
    token = uuid.uuid4().hex
    new_meeting(chime, ClientRequestToken=token, ExternalMeetingId="s-1")
    with pytest.raises(chime.exceptions.ConflictException):
        new_meeting(chime, ClientRequestToken=token, ExternalMeetingId="s-2")


def test_create_meeting_with_attendees_makes_both_in_one_call(chime: Any) -> None:
    token = uuid.uuid4().hex
    params = {
        "ClientRequestToken": token,
        "MediaRegion": REGION,
        "ExternalMeetingId": "session-2",
        "MeetingFeatures": {"Attendee": {"MaxCount": 3}},
        "Attendees": [{"ExternalUserId": "officer-1"}, {"ExternalUserId": "officer-2"}],
    }
    created = chime.create_meeting_with_attendees(**params)
    retried = chime.create_meeting_with_attendees(**params)

    assert [a["ExternalUserId"] for a in created["Attendees"]] == ["officer-1", "officer-2"]
    assert created["Meeting"]["MeetingFeatures"]["Attendee"]["MaxCount"] == 3
    assert created.get("Errors", []) == []
    assert retried["Meeting"]["MeetingId"] == created["Meeting"]["MeetingId"]
    assert [a["AttendeeId"] for a in retried["Attendees"]] == [
        a["AttendeeId"] for a in created["Attendees"]
    ]
    listed = chime.list_attendees(MeetingId=created["Meeting"]["MeetingId"])["Attendees"]
    assert len(listed) == 2


def test_an_attendee_with_bad_capabilities_is_reported_not_created(chime: Any) -> None:
    created = chime.create_meeting_with_attendees(
        ClientRequestToken=uuid.uuid4().hex,
        MediaRegion=REGION,
        ExternalMeetingId="session-3",
        Attendees=[
            {"ExternalUserId": "good"},
            {
                "ExternalUserId": "bad",
                "Capabilities": {"Audio": "SendReceive", "Video": "None", "Content": "Receive"},
            },
        ],
    )
    assert [a["ExternalUserId"] for a in created["Attendees"]] == ["good"]
    assert created["Errors"][0]["ExternalUserId"] == "bad"
    assert created["Errors"][0]["ErrorCode"] == "BadRequest"


def test_get_meeting_reads_it_back(chime: Any) -> None:
    meeting = new_meeting(chime)
    assert chime.get_meeting(MeetingId=meeting["MeetingId"])["Meeting"] == meeting


def test_delete_meeting_removes_it_and_its_attendees(chime: Any) -> None:
    meeting = new_meeting(chime)
    meeting_id = meeting["MeetingId"]
    attendee = chime.create_attendee(MeetingId=meeting_id, ExternalUserId="sergeant-1")["Attendee"]

    chime.delete_meeting(MeetingId=meeting_id)

    calls = [
        lambda: chime.get_meeting(MeetingId=meeting_id),
        lambda: chime.get_attendee(MeetingId=meeting_id, AttendeeId=attendee["AttendeeId"]),
        lambda: chime.list_attendees(MeetingId=meeting_id),
        lambda: chime.create_attendee(MeetingId=meeting_id, ExternalUserId="late"),
        lambda: chime.delete_meeting(MeetingId=meeting_id),
    ]
    for call in calls:
        with pytest.raises(chime.exceptions.NotFoundException):
            call()


def test_a_token_can_be_used_again_once_its_meeting_has_ended(chime: Any) -> None:
    token = uuid.uuid4().hex
    first = new_meeting(chime, ClientRequestToken=token)
    chime.delete_meeting(MeetingId=first["MeetingId"])
    again = new_meeting(chime, ClientRequestToken=token, ExternalMeetingId="s-9")
    assert again["MeetingId"] != first["MeetingId"]


def test_meeting_ids_are_unique(chime: Any) -> None:
    ids = {new_meeting(chime)["MeetingId"] for _ in range(20)}
    assert len(ids) == 20


def test_reserved_aws_prefix_is_refused(chime: Any) -> None:
    with pytest.raises(chime.exceptions.BadRequestException, match="reserved"):
        new_meeting(chime, ExternalMeetingId="aws:mine")


def test_the_standard_endpoint_variable_is_enough(
    chime_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The application finds the emulator only through AWS_ENDPOINT_URL_CHIME_SDK_MEETINGS."""
    monkeypatch.setitem(os.environ, "AWS_ENDPOINT_URL_CHIME_SDK_MEETINGS", chime_url)
    client = boto3.client("chime-sdk-meetings", region_name=REGION)
    meeting = new_meeting(client)
    assert client.get_meeting(MeetingId=meeting["MeetingId"])["Meeting"]["MeetingId"]


def test_concurrent_retries_with_one_token_make_one_meeting(chime_url: str) -> None:
    from concurrent.futures import ThreadPoolExecutor

    from tests.conftest import chime_client

    token = uuid.uuid4().hex
    clients = [chime_client(chime_url) for _ in range(8)]

    def create(client: Any) -> str:
        return new_meeting(client, ClientRequestToken=token, ExternalMeetingId="race")["MeetingId"]

    with ThreadPoolExecutor(max_workers=8) as pool:
        ids = set(pool.map(create, clients * 4))
    assert len(ids) == 1
