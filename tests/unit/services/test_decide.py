"""SessionService.decide: the claiming sergeant records the outcome and the call ends."""

from __future__ import annotations

from dataclasses import replace

import pytest

from functions.domain import (
    Conflict,
    Forbidden,
    NotFound,
    OfficerNotEligible,
    Principal,
    SessionState,
    ValidationFailed,
)
from functions.services.sessions import SessionService
from functions.services.timers import TimerService, meeting_check
from tests.unit.services.builders import (
    NOW,
    OFFICER_ID,
    OTHER_SERGEANT_ID,
    SERGEANT_ID,
    officer,
    officer_caller,
    operator_caller,
    sergeant_caller,
)
from tests.unit.services.fakes import (
    FakeMeetings,
    FakeOfficerRegister,
    FakeSessionStore,
    FakeTimers,
)


def _meeting_id(sessions: FakeSessionStore, session_id: str) -> str:
    meeting_id = sessions.records[session_id].session.meeting_id
    assert meeting_id is not None
    return meeting_id


def test_verified_is_recorded_with_who_and_when(
    service: SessionService, claimed_id: str, sessions: FakeSessionStore
) -> None:
    record = service.decide(sergeant_caller(), claimed_id, "verified", None)

    assert record.session.state is SessionState.VERIFIED
    assert (record.session.decided_by, record.session.decided_at) == (SERGEANT_ID, NOW)
    assert sessions.records[claimed_id] == record


def test_a_decision_by_voice_and_card_is_recorded_as_without_video(
    service: SessionService, claimed_id: str, sessions: FakeSessionStore
) -> None:
    record = service.decide(sergeant_caller(), claimed_id, "verified", None, without_video=True)

    assert (record.session.state, record.session.decided_without_video) == (
        SessionState.VERIFIED,
        True,
    )
    assert sessions.records[claimed_id].session.decided_without_video is True


def test_a_decision_is_with_video_unless_said(
    service: SessionService, claimed_id: str, sessions: FakeSessionStore
) -> None:
    record = service.decide(sergeant_caller(), claimed_id, "verified", None)

    assert record.session.decided_without_video is False


def test_not_verified_is_recorded_with_its_reason(
    service: SessionService, claimed_id: str, sessions: FakeSessionStore
) -> None:
    record = service.decide(sergeant_caller(), claimed_id, "not_verified", "  face differs  ")

    assert record.session.state is SessionState.NOT_VERIFIED
    assert record.session.outcome_reason == "face differs"
    assert sessions.state(claimed_id) is SessionState.NOT_VERIFIED


@pytest.mark.parametrize("reason", [None, "", "   "])
def test_not_verified_without_a_reason_names_the_reason_field(
    service: SessionService, claimed_id: str, sessions: FakeSessionStore, reason: str | None
) -> None:
    with pytest.raises(ValidationFailed) as raised:
        service.decide(sergeant_caller(), claimed_id, "not_verified", reason)

    assert [d["field"] for d in raised.value.details] == ["reason"]
    assert sessions.state(claimed_id) is SessionState.CLAIMED


@pytest.mark.parametrize("outcome", ["approved", "claimed", "cancelled", ""])
def test_an_unknown_outcome_names_the_outcome_field(
    service: SessionService, claimed_id: str, sessions: FakeSessionStore, outcome: str
) -> None:
    with pytest.raises(ValidationFailed) as raised:
        service.decide(sergeant_caller(), claimed_id, outcome, "because")

    assert [d["field"] for d in raised.value.details] == ["outcome"]
    assert sessions.called("decide") == []
    assert sessions.state(claimed_id) is SessionState.CLAIMED


def test_only_the_claiming_sergeant_can_decide(
    service: SessionService, claimed_id: str, sessions: FakeSessionStore
) -> None:
    with pytest.raises(Forbidden):
        service.decide(sergeant_caller(OTHER_SERGEANT_ID), claimed_id, "verified", None)

    assert sessions.state(claimed_id) is SessionState.CLAIMED


@pytest.mark.parametrize("caller", [officer_caller(), operator_caller()], ids=["officer", "op"])
def test_only_sergeants_decide(
    service: SessionService, claimed_id: str, sessions: FakeSessionStore, caller: Principal
) -> None:
    with pytest.raises(Forbidden):
        service.decide(caller, claimed_id, "verified", None)

    assert sessions.called("decide") == []


def test_a_suspended_officer_cannot_be_verified(
    service: SessionService,
    claimed_id: str,
    sessions: FakeSessionStore,
    register: FakeOfficerRegister,
) -> None:
    entry = register.entries[OFFICER_ID]
    register.save(
        replace(entry, officer=officer(status="suspended")), expected_revision=entry.revision
    )

    with pytest.raises(OfficerNotEligible) as raised:
        service.decide(sergeant_caller(), claimed_id, "verified", None)

    assert raised.value.http_status == 409
    assert raised.value.code == "officer_suspended"
    assert sessions.state(claimed_id) is SessionState.CLAIMED
    record = service.decide(sergeant_caller(), claimed_id, "not_verified", "suspended")
    assert record.session.state is SessionState.NOT_VERIFIED


def test_deciding_twice_is_a_conflict_and_keeps_the_first_outcome(
    service: SessionService, claimed_id: str, sessions: FakeSessionStore
) -> None:
    service.decide(sergeant_caller(), claimed_id, "verified", None)

    with pytest.raises(Conflict):
        service.decide(sergeant_caller(), claimed_id, "not_verified", "changed my mind")

    assert sessions.state(claimed_id) is SessionState.VERIFIED


def test_deciding_an_unclaimed_session_is_a_conflict(
    service: SessionService, session_id: str, sessions: FakeSessionStore
) -> None:
    with pytest.raises(Conflict):
        service.decide(sergeant_caller(), session_id, "verified", None)

    assert sessions.state(session_id) is SessionState.REQUESTED


def test_deciding_an_unknown_session_is_not_found(service: SessionService) -> None:
    with pytest.raises(NotFound):
        service.decide(sergeant_caller(), "no-such-session", "verified", None)


def test_the_meeting_is_deleted_after_the_outcome(
    service: SessionService, claimed_id: str, sessions: FakeSessionStore, meetings: FakeMeetings
) -> None:
    meeting_id = _meeting_id(sessions, claimed_id)

    service.decide(sergeant_caller(), claimed_id, "verified", None)

    assert meetings.called("delete") == [(meeting_id,)]
    assert meeting_id not in meetings.meetings
    assert meetings.calls[-1][0] == "delete"
    assert sessions.calls[-1][0] == "decide"


def test_a_failing_meeting_delete_does_not_undo_the_outcome_and_is_retried_by_the_queue(
    service: SessionService,
    timer_service: TimerService,
    claimed_id: str,
    sessions: FakeSessionStore,
    meetings: FakeMeetings,
    timers: FakeTimers,
) -> None:
    meeting_id = _meeting_id(sessions, claimed_id)
    timers.take()
    meetings.fail("delete")

    record = service.decide(sergeant_caller(), claimed_id, "verified", None)

    assert record.session.state is SessionState.VERIFIED
    assert sessions.state(claimed_id) is SessionState.VERIFIED
    assert meeting_id in meetings.meetings
    [(retry, delay)] = timers.scheduled
    assert (retry, delay) == (meeting_check(claimed_id, meeting_id), 5)
    timer_service.handle(retry)
    assert meeting_id not in meetings.meetings


def test_a_refused_decision_leaves_the_meeting_running(
    service: SessionService, claimed_id: str, sessions: FakeSessionStore, meetings: FakeMeetings
) -> None:
    with pytest.raises(Forbidden):
        service.decide(sergeant_caller(OTHER_SERGEANT_ID), claimed_id, "verified", None)

    assert _meeting_id(sessions, claimed_id) in meetings.meetings
