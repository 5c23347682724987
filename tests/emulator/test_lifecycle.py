"""Meeting lifecycle: nobody-joined meetings end after 5 minutes, every meeting after 24 hours.

Time is moved with the control API's clock, so these tests never sleep.
"""

from __future__ import annotations

from typing import Any

import pytest

from .helpers import control, new_meeting, presence


def advance(url: str, seconds: float) -> list[str]:
    response = control(url, "POST", "/clock/advance", seconds=seconds)
    response.raise_for_status()
    return response.json()["ended"]  # type: ignore[no-any-return]


def event_types(url: str, meeting_id: str) -> list[str]:
    events = control(url, "GET", "/events").json()["Events"]
    return [e["detail"]["eventType"] for e in events if e["detail"]["meetingId"] == meeting_id]


def test_a_meeting_nobody_joins_ends_after_five_minutes(chime: Any, chime_url: str) -> None:
    meeting_id = new_meeting(chime)["MeetingId"]
    assert advance(chime_url, 299) == []
    assert chime.get_meeting(MeetingId=meeting_id)

    assert advance(chime_url, 2) == [meeting_id]

    with pytest.raises(chime.exceptions.NotFoundException):
        chime.get_meeting(MeetingId=meeting_id)
    assert event_types(chime_url, meeting_id)[-1] == "chime:MeetingEnded"


def test_a_meeting_with_someone_in_it_stays_until_they_leave(chime: Any, chime_url: str) -> None:
    meeting_id = new_meeting(chime)["MeetingId"]
    attendee = chime.create_attendee(MeetingId=meeting_id, ExternalUserId="pc-1")["Attendee"]
    presence(chime_url, meeting_id, attendee["AttendeeId"], "join").raise_for_status()

    assert advance(chime_url, 3600) == []
    presence(chime_url, meeting_id, attendee["AttendeeId"], "leave").raise_for_status()
    assert advance(chime_url, 299) == []
    assert advance(chime_url, 2) == [meeting_id]


def test_every_meeting_ends_after_24_hours(chime: Any, chime_url: str) -> None:
    meeting_id = new_meeting(chime)["MeetingId"]
    attendee = chime.create_attendee(MeetingId=meeting_id, ExternalUserId="pc-2")["Attendee"]
    presence(chime_url, meeting_id, attendee["AttendeeId"], "join").raise_for_status()

    assert advance(chime_url, 24 * 3600 - 1) == []
    assert advance(chime_url, 1) == [meeting_id]

    types = event_types(chime_url, meeting_id)
    assert types[-3:] == ["chime:AttendeeLeft", "chime:AttendeeDeleted", "chime:MeetingEnded"]


def test_periods_are_configurable(chime: Any, chime_url: str) -> None:
    response = control(
        chime_url, "PUT", "/config", idle_timeout_seconds=10, max_duration_seconds=60
    )
    assert response.json() == {"idle_timeout_seconds": 10.0, "max_duration_seconds": 60.0}
    meeting_id = new_meeting(chime)["MeetingId"]
    assert advance(chime_url, 11) == [meeting_id]


def test_reset_restores_the_default_periods(chime_url: str) -> None:
    control(chime_url, "PUT", "/config", idle_timeout_seconds=1)
    control(chime_url, "POST", "/reset").raise_for_status()
    assert control(chime_url, "GET", "/config").json()["idle_timeout_seconds"] == 300


def test_bad_control_input_is_a_400(chime_url: str) -> None:
    response = control(chime_url, "POST", "/clock/advance", seconds=-5)
    assert response.status_code == 400
    assert "seconds" in response.json()["error"]["message"]
