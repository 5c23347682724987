"""SessionService.start: meeting, session, page; and nothing left behind when any of them fails."""

from __future__ import annotations

from dataclasses import replace

import pytest

from functions.domain import (
    Conflict,
    Forbidden,
    Location,
    Principal,
    SessionState,
)
from functions.services.ports import OutcomeUnknown, SessionRecord
from functions.services.sessions import SessionService, Unavailable
from functions.services.timers import TimerService
from tests.unit.services.builders import (
    NOW,
    OFFICER_ID,
    SERGEANT_ID,
    officer_caller,
    operator_caller,
    principal,
)
from tests.unit.services.fakes import (
    FakeAlerts,
    FakeMeetings,
    FakeOfficerRegister,
    FakeSessionStore,
    FakeTimers,
)


def test_start_writes_the_session_with_officer_snapshot_and_meeting(
    service: SessionService, sessions: FakeSessionStore, register: FakeOfficerRegister
) -> None:
    started = service.start(
        officer_caller(), location=Location(lat=51.5, lon=-0.12), note="Oxford St"
    )

    stored = sessions.records[started.record.session.session_id]
    assert stored == started.record
    assert stored.session.state is SessionState.REQUESTED
    assert stored.session.officer_id == OFFICER_ID
    assert (stored.session.force, stored.session.area) == ("MET", "CENTRAL")
    assert stored.session.created_at == NOW
    assert stored.session.note == "Oxford St"
    entry = register.entries[OFFICER_ID]
    assert stored.officer == entry.officer
    assert stored.meeting is not None
    assert stored.session.meeting_id == stored.meeting["MeetingId"]
    assert stored.session.session_id in entry.live_sessions


def test_start_returns_the_officers_attendee_in_the_sessions_meeting(
    service: SessionService, meetings: FakeMeetings
) -> None:
    started = service.start(officer_caller())

    meeting_id = started.record.session.meeting_id
    assert meeting_id in meetings.meetings
    assert started.attendee == meetings.attendees[meeting_id][OFFICER_ID]
    assert started.attendee["ExternalUserId"] == OFFICER_ID


def test_start_uses_the_configured_media_region(
    service: SessionService, meetings: FakeMeetings
) -> None:
    started = service.start(officer_caller())

    assert started.record.meeting is not None
    assert started.record.meeting["MediaRegion"] == "eu-west-2"


def test_start_pages_sergeants_exactly_once_with_force_area_rank_and_shoulder(
    service: SessionService, alerts: FakeAlerts
) -> None:
    started = service.start(officer_caller())

    assert len(alerts.published) == 1
    alert = alerts.published[0]
    assert alert.type == "verification.requested"
    assert alert.session_id == started.record.session.session_id
    assert (alert.force, alert.area, alert.channel) == ("MET", "CENTRAL", "officer")
    assert (alert.rank, alert.shoulder_number) == ("PC", "1234AB")
    assert alert.reference == started.record.session.reference


def test_start_reads_the_register_and_creates_the_meeting(
    service: SessionService, register: FakeOfficerRegister, meetings: FakeMeetings
) -> None:
    started = service.start(officer_caller())

    assert register.called("get") == [(OFFICER_ID,)]
    assert [args[0] for args in meetings.called("create_with_attendee")] == [
        started.record.session.session_id
    ]


def test_officer_not_in_the_register_is_forbidden_and_the_meeting_is_deleted(
    service: SessionService,
    sessions: FakeSessionStore,
    meetings: FakeMeetings,
    alerts: FakeAlerts,
) -> None:
    with pytest.raises(Forbidden):
        service.start(officer_caller("met-9999"))

    assert len(meetings.called("create_with_attendee")) == 1
    assert meetings.meetings == {}
    assert sessions.records == {}
    assert alerts.published == []


@pytest.mark.parametrize(
    "caller",
    [
        principal("sergeant", officer_id=SERGEANT_ID),
        operator_caller(),
        principal("officer", officer_id=None),
    ],
    ids=["sergeant-only", "operator", "officer-without-register-id"],
)
def test_only_an_officer_with_a_register_id_can_start(
    service: SessionService,
    caller: Principal,
    meetings: FakeMeetings,
    sessions: FakeSessionStore,
) -> None:
    with pytest.raises(Forbidden):
        service.start(caller)

    assert meetings.calls == []
    assert sessions.records == {}


def test_chime_failure_is_unavailable_and_nothing_is_written(
    service: SessionService,
    meetings: FakeMeetings,
    sessions: FakeSessionStore,
    alerts: FakeAlerts,
) -> None:
    meetings.fail("create_with_attendee")

    with pytest.raises(Unavailable) as raised:
        service.start(officer_caller())

    assert raised.value.http_status == 503
    assert "999" in raised.value.message
    assert sessions.records == {}
    assert sessions.called("create") == []
    assert alerts.published == []


def test_session_write_failure_deletes_the_meeting_and_is_unavailable(
    service: SessionService,
    meetings: FakeMeetings,
    sessions: FakeSessionStore,
    alerts: FakeAlerts,
) -> None:
    sessions.fail("create")

    with pytest.raises(Unavailable):
        service.start(officer_caller())

    assert len(meetings.called("create_with_attendee")) == 1
    assert meetings.meetings == {}
    assert sessions.records == {}
    assert alerts.published == []


def test_a_retry_with_the_same_idempotency_key_returns_the_same_session_without_a_second_page(
    service: SessionService,
    sessions: FakeSessionStore,
    meetings: FakeMeetings,
    alerts: FakeAlerts,
) -> None:
    first = service.start(officer_caller(), idempotency_key="tap-1")
    again = service.start(officer_caller(), idempotency_key="tap-1")

    assert again.record.session.session_id == first.record.session.session_id
    assert again.record.session.public_code == first.record.session.public_code
    assert again.attendee == first.attendee
    assert len(sessions.records) == 1
    assert len(meetings.meetings) == 1
    assert len(alerts.published) == 1


def test_different_idempotency_keys_start_different_sessions(
    service: SessionService, sessions: FakeSessionStore, alerts: FakeAlerts
) -> None:
    first = service.start(officer_caller(), idempotency_key="tap-1")
    second = service.start(officer_caller(), idempotency_key="tap-2")

    assert first.record.session.session_id != second.record.session.session_id
    assert len(sessions.records) == 2
    assert len(alerts.published) == 2


def test_a_register_change_during_start_is_re_read_and_the_new_entry_is_snapshotted(
    service: SessionService, sessions: FakeSessionStore, register: FakeOfficerRegister
) -> None:
    moved = False

    def admin_moves_the_officer(_: SessionRecord) -> None:
        nonlocal moved
        if not moved:  # between the service's read and its write, once
            moved = True
            entry = register.entries[OFFICER_ID]
            register.save(
                replace(entry, officer=entry.officer.model_copy(update={"area": "NORTH"})),
                expected_revision=entry.revision,
            )

    sessions.before_create = admin_moves_the_officer

    started = service.start(officer_caller())

    assert len(sessions.called("create")) == 2
    assert started.record.officer is not None
    assert started.record.officer.area == "NORTH"
    assert started.record.session.area == "NORTH"
    assert sessions.records[started.record.session.session_id] == started.record


def test_a_register_that_keeps_changing_gives_up_with_conflict_and_deletes_the_meeting(
    service: SessionService,
    sessions: FakeSessionStore,
    register: FakeOfficerRegister,
    meetings: FakeMeetings,
    alerts: FakeAlerts,
) -> None:
    def admin_keeps_saving(_: SessionRecord) -> None:
        entry = register.entries[OFFICER_ID]
        register.save(entry, expected_revision=entry.revision)

    sessions.before_create = admin_keeps_saving

    with pytest.raises(Conflict):
        service.start(officer_caller())

    assert sessions.records == {}
    assert meetings.meetings == {}
    assert alerts.published == []


def test_start_schedules_the_first_escalation_check(
    service: SessionService, timers: FakeTimers
) -> None:
    started = service.start(officer_caller())

    assert timers.scheduled == [
        ({"kind": "escalation", "session_id": started.record.session.session_id, "level": 0}, 30)
    ]


def test_a_failed_page_leaves_the_session_standing_and_the_check_queue_resends_it(
    service: SessionService,
    timer_service: TimerService,
    meetings: FakeMeetings,
    sessions: FakeSessionStore,
    alerts: FakeAlerts,
    timers: FakeTimers,
) -> None:
    alerts.fail("publish")

    started = service.start(officer_caller())

    session_id = started.record.session.session_id
    assert sessions.state(session_id) is SessionState.REQUESTED
    assert started.record.session.meeting_id in meetings.meetings
    assert alerts.published == []
    resend = [m for m, delay in timers.scheduled if m["kind"] == "alert" and delay == 0]
    assert resend == [{"kind": "alert", "session_id": session_id}]
    timer_service.handle(resend[0])
    assert [(a.type, a.session_id) for a in alerts.published] == [
        ("verification.requested", session_id)
    ]


def test_a_retry_after_a_failed_page_is_the_same_live_session(
    service: SessionService, meetings: FakeMeetings, alerts: FakeAlerts
) -> None:
    alerts.fail("publish")
    first = service.start(officer_caller(), idempotency_key="tap-1")
    again = service.start(officer_caller(), idempotency_key="tap-1")

    assert again.record.session.session_id == first.record.session.session_id
    assert again.record.session.state is SessionState.REQUESTED
    assert list(meetings.meetings) == [first.record.session.meeting_id]


def test_no_first_check_means_no_session_no_meeting_and_unavailable(
    service: SessionService,
    meetings: FakeMeetings,
    sessions: FakeSessionStore,
    timers: FakeTimers,
    alerts: FakeAlerts,
) -> None:
    timers.fail("schedule")

    with pytest.raises(Unavailable) as refused:
        service.start(officer_caller())

    assert "999" in refused.value.message
    assert sessions.records == {}  # the check goes first: no session can exist without one
    assert meetings.meetings == {}
    assert alerts.published == []


def test_the_first_check_is_on_the_queue_before_the_session_is_written(
    service: SessionService, sessions: FakeSessionStore, timers: FakeTimers
) -> None:
    queued_at_write: list[list[dict[str, object]]] = []
    sessions.before_create = lambda _: queued_at_write.append([m for m, _ in timers.scheduled])

    started = service.start(officer_caller())

    session_id = started.record.session.session_id
    assert queued_at_write == [[{"kind": "escalation", "session_id": session_id, "level": 0}]]


def test_a_lost_answer_to_the_session_write_still_pages_exactly_once(
    service: SessionService, sessions: FakeSessionStore, alerts: FakeAlerts
) -> None:
    # DynamoDB commits the write, its answer is lost, and botocore's retry finds the session.
    def commit_then_lose_the_answer(record: SessionRecord) -> None:
        sessions.records.setdefault(record.session.session_id, record)

    sessions.before_create = commit_then_lose_the_answer

    started = service.start(officer_caller(), idempotency_key="tap-1")

    session_id = started.record.session.session_id
    assert sessions.state(session_id) is SessionState.REQUESTED
    assert [(a.type, a.session_id) for a in alerts.published] == [
        ("verification.requested", session_id)
    ]


def test_a_retry_of_a_start_that_died_after_writing_does_not_page_again(
    service: SessionService, sessions: FakeSessionStore, alerts: FakeAlerts, timers: FakeTimers
) -> None:
    first = service.start(officer_caller(), idempotency_key="tap-1")
    # The first request paged; the client never heard and retries with its key.
    again = service.start(officer_caller(), idempotency_key="tap-1")

    assert again.record == sessions.records[first.record.session.session_id]
    assert len(alerts.published) == 1
    checks = [m for m, _ in timers.scheduled if m["kind"] == "escalation"]
    assert len(checks) == 2  # each attempt sent one; the escalation ladder runs once (timers)


def test_a_write_with_no_answer_that_landed_goes_on_and_pages(
    service: SessionService, sessions: FakeSessionStore, alerts: FakeAlerts
) -> None:
    def lands_but_no_answer_comes(record: SessionRecord) -> None:
        sessions.records[record.session.session_id] = record
        raise OutcomeUnknown(record.session.session_id)

    sessions.before_create = lands_but_no_answer_comes

    started = service.start(officer_caller())

    assert sessions.state(started.record.session.session_id) is SessionState.REQUESTED
    assert len(alerts.published) == 1


def test_a_write_with_no_answer_that_did_not_land_ends_the_meeting_and_is_unavailable(
    service: SessionService, sessions: FakeSessionStore, meetings: FakeMeetings, alerts: FakeAlerts
) -> None:
    sessions.fail("create", OutcomeUnknown("lost"))

    with pytest.raises(Unavailable):
        service.start(officer_caller())

    assert sessions.records == {} and meetings.meetings == {} and alerts.published == []


def test_a_write_with_no_answer_that_cannot_be_read_back_leaves_the_meeting_to_its_check(
    service: SessionService, sessions: FakeSessionStore, meetings: FakeMeetings
) -> None:
    sessions.fail("create", OutcomeUnknown("lost"))
    sessions.fail("get")

    with pytest.raises(Unavailable):
        service.start(officer_caller())

    # A session may have landed after all; the meeting's own check ends it if none owns it.
    assert len(meetings.meetings) == 1
