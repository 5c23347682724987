"""The escalation ladder and the drop grace, on fakes of the ports (delivery is by hand)."""

from __future__ import annotations

from typing import Any

import pytest

from functions.domain import SessionState
from functions.services.sessions import SessionService
from functions.services.timers import TimerService, drop_check, escalation_check, meeting_check
from tests.unit.services.builders import OFFICER_ID, officer_caller, sergeant_caller
from tests.unit.services.fakes import FakeAlerts, FakeMeetings, FakeSessionStore, FakeTimers


def deliver(timer_service: TimerService, timers: FakeTimers) -> list[dict[str, Any]]:
    """Deliver every pending check once, as the queue would; return what was delivered."""
    due = timers.take()
    for message in due:
        timer_service.handle(message)
    return due


def test_the_whole_ladder_ends_in_expired_with_each_rung_paged(
    session_id: str,
    timer_service: TimerService,
    timers: FakeTimers,
    alerts: FakeAlerts,
    sessions: FakeSessionStore,
    meetings: FakeMeetings,
) -> None:
    meeting_id = sessions.records[session_id].session.meeting_id
    alerts.published.clear()

    for _ in range(4):
        deliver(timer_service, timers)

    assert [(a.type, a.area, a.escalation_level) for a in alerts.published] == [
        ("verification.escalated", "CENTRAL", 1),
        ("verification.escalated", "all", 2),
        ("verification.escalated", "inspector", 3),
        ("verification.expired", "all", 3),
    ]
    assert sessions.state(session_id) is SessionState.EXPIRED
    assert meeting_id not in meetings.meetings
    assert timers.scheduled == []  # the ladder stops


def test_each_rung_waits_the_configured_delay(
    session_id: str, timer_service: TimerService, timers: FakeTimers
) -> None:
    deliver(timer_service, timers)
    assert timers.scheduled == [(escalation_check(session_id, 1), 30)]


def test_a_claim_during_the_ladder_stops_it(
    service: SessionService,
    session_id: str,
    timer_service: TimerService,
    timers: FakeTimers,
    alerts: FakeAlerts,
    sessions: FakeSessionStore,
) -> None:
    deliver(timer_service, timers)  # escalated once
    service.claim(sergeant_caller(), session_id)
    alerts.published.clear()

    deliver(timer_service, timers)

    assert alerts.published == []
    assert timers.scheduled == []
    assert sessions.state(session_id) is SessionState.CLAIMED


def test_a_cancel_makes_the_pending_check_a_no_op(
    service: SessionService,
    session_id: str,
    timer_service: TimerService,
    timers: FakeTimers,
    alerts: FakeAlerts,
) -> None:
    service.cancel(officer_caller(), session_id)
    alerts.published.clear()
    deliver(timer_service, timers)
    assert alerts.published == []
    assert timers.scheduled == []


def test_a_check_that_fails_to_page_is_retried_without_escalating_twice(
    session_id: str,
    timer_service: TimerService,
    timers: FakeTimers,
    alerts: FakeAlerts,
    sessions: FakeSessionStore,
) -> None:
    [check] = timers.take()
    alerts.published.clear()
    alerts.fail("publish")

    with pytest.raises(RuntimeError):
        timer_service.handle(check)  # the queue will deliver it again
    timer_service.handle(check)

    assert sessions.records[session_id].session.escalation_level == 1
    assert [a.type for a in alerts.published] == ["verification.escalated"]
    assert timers.scheduled == [(escalation_check(session_id, 1), 30)]


def test_a_late_duplicate_of_an_old_check_does_nothing(
    session_id: str, timer_service: TimerService, timers: FakeTimers, alerts: FakeAlerts
) -> None:
    first = timers.take()
    for message in first:
        timer_service.handle(message)
    deliver(timer_service, timers)  # now at level 2
    alerts.published.clear()

    timer_service.handle(first[0])  # the level-0 check again

    assert alerts.published == []
    assert timers.scheduled != [] and all(m["level"] == 2 for m, _ in timers.scheduled)


def test_an_officer_who_comes_back_within_the_grace_is_not_dropped(
    claimed_id: str,
    timer_service: TimerService,
    sessions: FakeSessionStore,
) -> None:
    meeting_id = sessions.records[claimed_id].session.meeting_id or ""
    sessions.record_presence(claimed_id, meeting_id, OFFICER_ID, "dropped", 1_000)
    sessions.record_presence(claimed_id, meeting_id, OFFICER_ID, "joined", 2_000)

    timer_service.handle(drop_check(claimed_id, OFFICER_ID, 1_000))

    assert sessions.state(claimed_id) is SessionState.CLAIMED


def test_an_officer_who_does_not_come_back_ends_the_call_as_dropped(
    claimed_id: str,
    timer_service: TimerService,
    sessions: FakeSessionStore,
    meetings: FakeMeetings,
) -> None:
    meeting_id = sessions.records[claimed_id].session.meeting_id or ""
    sessions.record_presence(claimed_id, meeting_id, OFFICER_ID, "dropped", 1_000)

    timer_service.handle(drop_check(claimed_id, OFFICER_ID, 1_000))

    assert sessions.state(claimed_id) is SessionState.DROPPED
    assert meeting_id not in meetings.meetings


def test_an_unknown_timer_message_is_an_error_so_it_reaches_the_dead_letter_queue(
    timer_service: TimerService,
) -> None:
    with pytest.raises(ValueError, match="unknown timer message"):
        timer_service.handle({"kind": "nonsense"})


def test_two_copies_of_the_first_check_escalate_and_page_once(
    service: SessionService,
    timer_service: TimerService,
    timers: FakeTimers,
    alerts: FakeAlerts,
    sessions: FakeSessionStore,
) -> None:
    # A start retried with its key sends the first check again (before it knows it is a retry).
    first = service.start(officer_caller(), idempotency_key="tap-1")
    service.start(officer_caller(), idempotency_key="tap-1")
    session_id = first.record.session.session_id
    alerts.published.clear()

    copies = timers.take()
    assert copies == [escalation_check(session_id, 0)] * 2
    for copy in copies:
        timer_service.handle(copy)

    assert [(a.type, a.escalation_level) for a in alerts.published] == [
        ("verification.escalated", 1)
    ]
    assert timers.scheduled == [(escalation_check(session_id, 1), 30)]


def test_a_first_check_that_comes_before_its_session_looks_again_once(
    timer_service: TimerService, timers: FakeTimers, alerts: FakeAlerts
) -> None:
    timer_service.handle(escalation_check("f" * 32, 0))  # the start is still writing (or failed)

    assert timers.scheduled == [(escalation_check("f" * 32, 0, recheck=True), 10)]
    [again] = timers.take()
    timer_service.handle(again)  # still no session: the start failed, nothing to escalate
    assert timers.scheduled == []
    assert alerts.published == []


def test_a_first_check_that_finds_its_session_on_the_second_look_escalates_it(
    session_id: str, timer_service: TimerService, timers: FakeTimers, alerts: FakeAlerts
) -> None:
    timers.take()
    alerts.published.clear()

    timer_service.handle(escalation_check(session_id, 0, recheck=True))

    assert [a.type for a in alerts.published] == ["verification.escalated"]


def test_a_meeting_no_session_owns_is_ended_by_its_check(
    timer_service: TimerService, meetings: FakeMeetings
) -> None:
    meeting, _ = meetings.create_with_attendee(
        session_id="e" * 32, request_token="e" * 32, external_user_id="x", media_region="eu-west-2"
    )

    timer_service.handle(meeting_check("e" * 32, meeting["MeetingId"]))

    assert meetings.meetings == {}


def test_the_meeting_of_a_live_session_is_left_alone_and_a_final_ones_is_ended(
    service: SessionService,
    session_id: str,
    timer_service: TimerService,
    sessions: FakeSessionStore,
    meetings: FakeMeetings,
) -> None:
    meeting_id = sessions.records[session_id].session.meeting_id or ""
    timer_service.handle(meeting_check(session_id, meeting_id))
    assert meeting_id in meetings.meetings

    meetings.fail("delete")
    service.cancel(officer_caller(), session_id)  # its delete fails
    assert meeting_id in meetings.meetings
    timer_service.handle(meeting_check(session_id, meeting_id))
    assert meeting_id not in meetings.meetings


def test_a_meeting_check_whose_delete_fails_raises_so_the_queue_redelivers_it(
    timer_service: TimerService, meetings: FakeMeetings
) -> None:
    meeting, _ = meetings.create_with_attendee(
        session_id="e" * 32, request_token="e" * 32, external_user_id="x", media_region="eu-west-2"
    )
    meetings.fail("delete")

    with pytest.raises(RuntimeError):
        timer_service.handle(meeting_check("e" * 32, meeting["MeetingId"]))
    timer_service.handle(meeting_check("e" * 32, meeting["MeetingId"]))

    assert meetings.meetings == {}
