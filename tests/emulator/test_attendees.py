"""Attendees: idempotency by ExternalUserId, paging, deletion, capabilities, the join cap."""

from __future__ import annotations

from typing import Any

import pytest

from .helpers import control, new_meeting, presence


def test_external_user_id_makes_create_attendee_idempotent(chime: Any) -> None:
    meeting_id = new_meeting(chime)["MeetingId"]
    first = chime.create_attendee(MeetingId=meeting_id, ExternalUserId="sergeant-7")["Attendee"]
    again = chime.create_attendee(MeetingId=meeting_id, ExternalUserId="sergeant-7")["Attendee"]
    other = chime.create_attendee(MeetingId=meeting_id, ExternalUserId="sergeant-8")["Attendee"]

    assert again["AttendeeId"] == first["AttendeeId"]
    assert again["JoinToken"] == first["JoinToken"]
    assert other["AttendeeId"] != first["AttendeeId"]


def test_the_same_external_user_in_another_meeting_is_another_attendee(chime: Any) -> None:
    one = new_meeting(chime)["MeetingId"]
    two = new_meeting(chime)["MeetingId"]
    a = chime.create_attendee(MeetingId=one, ExternalUserId="pc-1")["Attendee"]
    b = chime.create_attendee(MeetingId=two, ExternalUserId="pc-1")["Attendee"]
    assert a["AttendeeId"] != b["AttendeeId"]


def test_join_tokens_are_unique_and_opaque(chime: Any) -> None:
    meeting_id = new_meeting(chime)["MeetingId"]
    created = chime.batch_create_attendee(
        MeetingId=meeting_id, Attendees=[{"ExternalUserId": f"user-{i}"} for i in range(50)]
    )
    tokens = [a["JoinToken"] for a in created["Attendees"]]
    assert len(set(tokens)) == 50
    assert all(len(t) >= 64 and meeting_id not in t for t in tokens)


def test_default_capabilities_are_send_receive(chime: Any) -> None:
    meeting_id = new_meeting(chime)["MeetingId"]
    attendee = chime.create_attendee(MeetingId=meeting_id, ExternalUserId="pc-2")["Attendee"]
    assert attendee["Capabilities"] == {
        "Audio": "SendReceive",
        "Video": "SendReceive",
        "Content": "SendReceive",
    }


def test_get_attendee_and_delete_attendee(chime: Any) -> None:
    meeting_id = new_meeting(chime)["MeetingId"]
    attendee = chime.create_attendee(MeetingId=meeting_id, ExternalUserId="pc-3")["Attendee"]
    got = chime.get_attendee(MeetingId=meeting_id, AttendeeId=attendee["AttendeeId"])["Attendee"]
    assert got == attendee

    chime.delete_attendee(MeetingId=meeting_id, AttendeeId=attendee["AttendeeId"])

    with pytest.raises(chime.exceptions.NotFoundException):
        chime.get_attendee(MeetingId=meeting_id, AttendeeId=attendee["AttendeeId"])
    assert chime.list_attendees(MeetingId=meeting_id)["Attendees"] == []
    assert chime.get_meeting(MeetingId=meeting_id)["Meeting"]["MeetingId"] == meeting_id


def test_unknown_attendee_is_not_found(chime: Any) -> None:
    meeting_id = new_meeting(chime)["MeetingId"]
    with pytest.raises(chime.exceptions.NotFoundException):
        chime.get_attendee(MeetingId=meeting_id, AttendeeId="00000000-0000-0000-0000-000000000000")


def test_list_attendees_pages_with_max_results_and_next_token(chime: Any) -> None:
    meeting_id = new_meeting(chime)["MeetingId"]
    chime.batch_create_attendee(
        MeetingId=meeting_id, Attendees=[{"ExternalUserId": f"user-{i:02}"} for i in range(25)]
    )
    pages = []
    kwargs: dict[str, Any] = {"MeetingId": meeting_id, "MaxResults": 10}
    while True:
        page = chime.list_attendees(**kwargs)
        pages.append([a["ExternalUserId"] for a in page["Attendees"]])
        if "NextToken" not in page:
            break
        kwargs["NextToken"] = page["NextToken"]

    assert [len(p) for p in pages] == [10, 10, 5]
    assert [u for p in pages for u in p] == [f"user-{i:02}" for i in range(25)]


def test_a_forged_next_token_is_a_bad_request(chime: Any) -> None:
    meeting_id = new_meeting(chime)["MeetingId"]
    with pytest.raises(chime.exceptions.BadRequestException):
        chime.list_attendees(MeetingId=meeting_id, NextToken="not-a-token")


def test_batch_create_attendee_is_idempotent_per_user(chime: Any) -> None:
    meeting_id = new_meeting(chime)["MeetingId"]
    users = [{"ExternalUserId": "a-1"}, {"ExternalUserId": "a-2"}]
    first = chime.batch_create_attendee(MeetingId=meeting_id, Attendees=users)
    second = chime.batch_create_attendee(MeetingId=meeting_id, Attendees=users)
    assert [a["AttendeeId"] for a in first["Attendees"]] == [
        a["AttendeeId"] for a in second["Attendees"]
    ]
    assert first["Errors"] == []


def test_update_attendee_capabilities(chime: Any) -> None:
    meeting_id = new_meeting(chime)["MeetingId"]
    attendee = chime.create_attendee(MeetingId=meeting_id, ExternalUserId="pc-4")["Attendee"]
    caps = {"Audio": "Receive", "Video": "Receive", "Content": "None"}
    updated = chime.update_attendee_capabilities(
        MeetingId=meeting_id, AttendeeId=attendee["AttendeeId"], Capabilities=caps
    )["Attendee"]
    assert updated["Capabilities"] == caps
    got = chime.get_attendee(MeetingId=meeting_id, AttendeeId=attendee["AttendeeId"])
    assert got["Attendee"]["Capabilities"] == caps


@pytest.mark.parametrize("video", ["None", "Send"])
def test_content_capability_needs_video_of_at_least_receive(chime: Any, video: str) -> None:
    meeting_id = new_meeting(chime)["MeetingId"]
    caps = {"Audio": "SendReceive", "Video": video, "Content": "SendReceive"}
    with pytest.raises(chime.exceptions.BadRequestException, match="Video"):
        chime.create_attendee(MeetingId=meeting_id, ExternalUserId="pc-5", Capabilities=caps)
    attendee = chime.create_attendee(MeetingId=meeting_id, ExternalUserId="pc-6")["Attendee"]
    with pytest.raises(chime.exceptions.BadRequestException):
        chime.update_attendee_capabilities(
            MeetingId=meeting_id, AttendeeId=attendee["AttendeeId"], Capabilities=caps
        )


def test_a_meeting_without_video_refuses_video_capabilities(chime: Any) -> None:
    meeting_id = new_meeting(chime, MeetingFeatures={"Video": {"MaxResolution": "None"}})[
        "MeetingId"
    ]
    with pytest.raises(chime.exceptions.BadRequestException, match="MaxResolution"):
        chime.create_attendee(
            MeetingId=meeting_id,
            ExternalUserId="pc-7",
            Capabilities={"Audio": "SendReceive", "Video": "SendReceive", "Content": "None"},
        )


def test_max_count_caps_how_many_can_be_joined_at_once(chime: Any, chime_url: str) -> None:
    meeting_id = new_meeting(chime, MeetingFeatures={"Attendee": {"MaxCount": 2}})["MeetingId"]
    ids = [
        a["AttendeeId"]
        for a in chime.batch_create_attendee(
            MeetingId=meeting_id, Attendees=[{"ExternalUserId": f"u-{i}"} for i in range(3)]
        )["Attendees"]
    ]
    assert presence(chime_url, meeting_id, ids[0], "join").status_code == 200
    assert presence(chime_url, meeting_id, ids[1], "join").status_code == 200

    refused = presence(chime_url, meeting_id, ids[2], "join")
    assert refused.status_code == 400
    assert refused.json()["error"]["code"] == "LimitExceededException"

    assert presence(chime_url, meeting_id, ids[0], "leave").status_code == 200
    assert presence(chime_url, meeting_id, ids[2], "join").status_code == 200
    live = control(chime_url, "GET", "/meetings").json()["Meetings"]
    joined = [a for a in live[0]["Attendees"] if a["Presence"] == "joined"]
    assert len(joined) == 2


def test_leaving_without_having_joined_is_a_conflict(chime: Any, chime_url: str) -> None:
    meeting_id = new_meeting(chime)["MeetingId"]
    attendee = chime.create_attendee(MeetingId=meeting_id, ExternalUserId="pc-8")["Attendee"]
    assert presence(chime_url, meeting_id, attendee["AttendeeId"], "leave").status_code == 409
