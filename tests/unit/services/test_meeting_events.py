"""Chime meeting events, duplicated and out of order, on fakes of the ports."""

from __future__ import annotations

from typing import Any

from functions.domain import SessionState
from functions.services.meeting_events import MeetingEventService
from functions.services.sessions import SessionService
from functions.services.timers import drop_check, meeting_check
from tests.unit.services.builders import OFFICER_ID, SERGEANT_ID, officer_caller
from tests.unit.services.fakes import FakeMeetings, FakeSessionStore, FakeTimers


def event(kind: str, session: Any, user: str | None = None, at: int = 1_000) -> dict[str, Any]:
    detail: dict[str, Any] = {
        "version": "0",
        "eventType": f"chime:{kind}",
        "timestamp": at,
        "meetingId": session.meeting_id,
        "externalMeetingId": session.session_id,
        "mediaRegion": "eu-west-2",
    }
    if user:
        detail.update(attendeeId="a-" + user, externalUserId=user)
    return {"source": "aws.chime", "detail-type": "Chime Meeting State Change", "detail": detail}


def test_joins_and_leaves_are_recorded(
    claimed_id: str, meeting_events: MeetingEventService, sessions: FakeSessionStore
) -> None:
    session = sessions.records[claimed_id].session
    meeting_events.handle(event("AttendeeJoined", session, OFFICER_ID, at=1))
    meeting_events.handle(event("AttendeeJoined", session, SERGEANT_ID, at=2))
    meeting_events.handle(event("AttendeeLeft", session, SERGEANT_ID, at=3))

    assert sessions.records[claimed_id].presence == {
        OFFICER_ID: {"state": "joined", "at": 1},
        SERGEANT_ID: {"state": "left", "at": 3},
    }


def test_an_older_event_arriving_late_does_not_undo_a_newer_one(
    claimed_id: str, meeting_events: MeetingEventService, sessions: FakeSessionStore
) -> None:
    session = sessions.records[claimed_id].session
    meeting_events.handle(event("AttendeeLeft", session, SERGEANT_ID, at=5))
    meeting_events.handle(event("AttendeeJoined", session, SERGEANT_ID, at=4))
    assert sessions.records[claimed_id].presence[SERGEANT_ID] == {"state": "left", "at": 5}


def test_the_officer_dropping_starts_the_grace_once_however_often_it_is_told(
    claimed_id: str,
    meeting_events: MeetingEventService,
    sessions: FakeSessionStore,
    timers: FakeTimers,
) -> None:
    session = sessions.records[claimed_id].session
    timers.take()
    dropped = event("AttendeeDropped", session, OFFICER_ID, at=7)
    meeting_events.handle(dropped)
    meeting_events.handle(dropped)  # delivered twice

    # The default grace: 45 s from the drop, longer than the SDK may still be reconnecting.
    assert timers.scheduled == [(drop_check(claimed_id, OFFICER_ID, 7), 45)]


def test_the_sergeant_leaving_does_not_start_a_drop_grace(
    claimed_id: str,
    meeting_events: MeetingEventService,
    sessions: FakeSessionStore,
    timers: FakeTimers,
) -> None:
    timers.take()
    meeting_events.handle(event("AttendeeLeft", sessions.records[claimed_id].session, SERGEANT_ID))
    assert timers.scheduled == []


def test_the_meeting_ending_before_an_outcome_drops_a_claimed_session(
    claimed_id: str, meeting_events: MeetingEventService, sessions: FakeSessionStore
) -> None:
    ended = event("MeetingEnded", sessions.records[claimed_id].session)
    meeting_events.handle(ended)
    meeting_events.handle(ended)
    assert sessions.state(claimed_id) is SessionState.DROPPED


def test_the_meeting_ending_while_waiting_expires_the_session(
    session_id: str, meeting_events: MeetingEventService, sessions: FakeSessionStore
) -> None:
    meeting_events.handle(event("MeetingEnded", sessions.records[session_id].session))
    assert sessions.state(session_id) is SessionState.EXPIRED


def test_events_of_another_meeting_are_ignored(
    claimed_id: str, meeting_events: MeetingEventService, sessions: FakeSessionStore
) -> None:
    session = sessions.records[claimed_id].session.model_copy(
        update={"meeting_id": "00000000-0000-0000-0000-000000000000"}
    )
    meeting_events.handle(event("MeetingEnded", session))
    meeting_events.handle(event("AttendeeJoined", session, OFFICER_ID))
    assert sessions.state(claimed_id) is SessionState.CLAIMED
    assert sessions.records[claimed_id].presence == {}


def test_every_meeting_the_app_starts_gets_its_check(
    session_id: str,
    meeting_events: MeetingEventService,
    sessions: FakeSessionStore,
    timers: FakeTimers,
) -> None:
    session = sessions.records[session_id].session
    timers.take()

    meeting_events.handle(event("MeetingStarted", session))

    assert timers.scheduled == [(meeting_check(session_id, session.meeting_id or ""), 10)]


def test_a_meeting_that_is_not_the_apps_gets_no_check(
    meeting_events: MeetingEventService, timers: FakeTimers
) -> None:
    other = type("Other", (), {"meeting_id": "m-1", "session_id": "someone-elses-meeting"})()

    meeting_events.handle(event("MeetingStarted", other))

    assert timers.scheduled == []


def test_someone_joining_the_call_of_an_ended_session_ends_the_meeting(
    service: SessionService,
    session_id: str,
    meeting_events: MeetingEventService,
    sessions: FakeSessionStore,
    meetings: FakeMeetings,
) -> None:
    session = sessions.records[session_id].session
    meetings.fail("delete")
    service.cancel(officer_caller(), session_id)  # the meeting outlived the cancel
    assert session.meeting_id in meetings.meetings

    meeting_events.handle(event("AttendeeJoined", session, OFFICER_ID, at=5_000))

    assert session.meeting_id not in meetings.meetings
