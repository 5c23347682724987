"""SessionService.cancel, get and queue."""

from __future__ import annotations

from dataclasses import replace

import pytest

from functions.domain import (
    Conflict,
    Forbidden,
    NotFound,
    Principal,
    SessionState,
    open_public_session,
)
from functions.services.ports import OfficerEntry, SessionRecord
from functions.services.sessions import SessionService
from functions.services.timers import TimerService
from tests.unit.services.builders import (
    GMP_SERGEANT_ID,
    NOW,
    OFFICER_ID,
    Clock,
    admin_caller,
    officer,
    officer_caller,
    operator_caller,
    principal,
    sergeant_caller,
)
from tests.unit.services.fakes import (
    FakeMeetings,
    FakeOfficerRegister,
    FakeSessionStore,
    FakeTimers,
)

COLLEAGUE_ID = "met-1002"


@pytest.fixture
def colleague(register: FakeOfficerRegister) -> Principal:
    """Another MET constable (officer role only), in the NORTH area."""
    register.seed(
        OfficerEntry(officer=officer(officer_id=COLLEAGUE_ID, shoulder_number="5678", area="NORTH"))
    )
    return officer_caller(COLLEAGUE_ID)


# ---------------------------------------------------------------------------- cancel
def test_the_officer_cancels_their_waiting_session_and_the_meeting_ends(
    service: SessionService, session_id: str, sessions: FakeSessionStore, meetings: FakeMeetings
) -> None:
    meeting_id = sessions.records[session_id].session.meeting_id

    record = service.cancel(officer_caller(), session_id)

    assert record.session.state is SessionState.CANCELLED
    assert sessions.state(session_id) is SessionState.CANCELLED
    assert meeting_id not in meetings.meetings
    assert sessions.waiting("MET", None, limit=10) == []


def test_the_officer_can_cancel_a_claimed_session(
    service: SessionService, claimed_id: str, sessions: FakeSessionStore
) -> None:
    service.cancel(officer_caller(), claimed_id)

    assert sessions.state(claimed_id) is SessionState.CANCELLED


def test_cancelling_after_an_outcome_is_a_conflict(
    service: SessionService, claimed_id: str, sessions: FakeSessionStore
) -> None:
    service.decide(sergeant_caller(), claimed_id, "verified", None)

    with pytest.raises(Conflict):
        service.cancel(officer_caller(), claimed_id)

    assert sessions.state(claimed_id) is SessionState.VERIFIED


def test_another_officers_session_is_not_found_to_a_constable(
    service: SessionService, session_id: str, sessions: FakeSessionStore, colleague: Principal
) -> None:
    with pytest.raises(NotFound):
        service.cancel(colleague, session_id)

    assert sessions.state(session_id) is SessionState.REQUESTED


def test_another_officers_session_is_forbidden_to_a_same_force_sergeant(
    service: SessionService, session_id: str, sessions: FakeSessionStore, meetings: FakeMeetings
) -> None:
    with pytest.raises(Forbidden):
        service.cancel(sergeant_caller(), session_id)

    assert sessions.state(session_id) is SessionState.REQUESTED
    assert meetings.called("delete") == []


def test_another_forces_session_is_not_found_even_to_a_sergeant(
    service: SessionService, session_id: str
) -> None:
    with pytest.raises(NotFound):
        service.cancel(sergeant_caller(GMP_SERGEANT_ID, force="GMP"), session_id)


def test_cancelling_an_unknown_session_is_not_found(service: SessionService) -> None:
    with pytest.raises(NotFound):
        service.cancel(officer_caller(), "no-such-session")


@pytest.mark.parametrize(
    "caller",
    [operator_caller(), principal("admin", officer_id=OFFICER_ID)],
    ids=["operator", "same-person-without-officer-role"],
)
def test_only_the_officer_role_cancels(
    service: SessionService, session_id: str, sessions: FakeSessionStore, caller: Principal
) -> None:
    with pytest.raises(Forbidden):
        service.cancel(caller, session_id)

    assert sessions.called("cancel") == []
    assert sessions.state(session_id) is SessionState.REQUESTED


# ---------------------------------------------------------------------------- get
def test_get_shows_the_session_to_its_officer_and_to_same_force_staff(
    service: SessionService, session_id: str
) -> None:
    for caller in (officer_caller(), sergeant_caller(), operator_caller(), admin_caller()):
        assert service.get(caller, session_id).session.session_id == session_id


def test_get_hides_the_session_from_other_officers_and_forces(
    service: SessionService, session_id: str, colleague: Principal
) -> None:
    for caller in (colleague, sergeant_caller(GMP_SERGEANT_ID, force="GMP")):
        with pytest.raises(NotFound):
            service.get(caller, session_id)


# ---------------------------------------------------------------------------- queue
def _force_wide_call(sessions: FakeSessionStore, session_id: str, clock: Clock) -> None:
    """Her own call to the ops room with no officer named: a session with no area."""
    session = open_public_session(
        session_id=session_id,
        force="MET",
        now=clock(),
        public_code="WXYZ2345",
        reference="SC-261123-ABCDE",
    )
    sessions.create(SessionRecord(session, officer=None, meeting=None), officer_revision=None)


@pytest.fixture
def queue_of_three(
    service: SessionService, sessions: FakeSessionStore, clock: Clock, colleague: Principal
) -> list[str]:
    """CENTRAL at 09:00, force-wide at 09:01, NORTH at 09:02, plus one claimed and one GMP."""
    central = service.start(officer_caller()).record.session.session_id
    clock.advance(60)
    _force_wide_call(sessions, "public-1", clock)
    clock.advance(60)
    north = service.start(colleague).record.session.session_id
    clock.advance(60)
    claimed = service.start(officer_caller(), idempotency_key="second").record.session.session_id
    service.claim(sergeant_caller(), claimed)
    gmp = open_public_session(
        session_id="gmp-1",
        force="GMP",
        now=NOW,
        public_code="ABCD2345",
        reference="SC-261123-GMPAA",
    )
    sessions.create(SessionRecord(gmp, officer=None, meeting=None), officer_revision=None)
    return [central, "public-1", north]


def test_a_sergeant_sees_what_they_were_paged_for_oldest_first(
    service: SessionService, queue_of_three: list[str]
) -> None:
    central, force_wide, _ = queue_of_three

    queue = service.queue(sergeant_caller())  # a CENTRAL sergeant: not NORTH's request

    assert [r.session.session_id for r in queue] == [central, force_wide]


@pytest.mark.parametrize(
    ("ladder", "seen_at_level"),
    [
        (("area", "force", "inspector"), [False, False, True]),
        (("force", "inspector"), [False, True]),
    ],
    ids=["area,force,inspector", "force,inspector"],
)
def test_another_areas_request_shows_once_the_ladder_has_paged_the_whole_force(
    service: SessionService,
    timer_service: TimerService,
    timers: FakeTimers,
    colleague: Principal,
    ladder: tuple[str, ...],
    seen_at_level: list[bool],
) -> None:
    service.settings = timer_service.settings = replace(service.settings, escalation_ladder=ladder)
    north = service.start(colleague).record.session.session_id
    seen = []
    for _ in seen_at_level:
        seen.append(north in {r.session.session_id for r in service.queue(sergeant_caller())})
        for message in timers.take():
            timer_service.handle(message)  # one rung up

    assert seen == seen_at_level


def test_the_area_filter_keeps_force_wide_sessions(
    service: SessionService, queue_of_three: list[str]
) -> None:
    _, force_wide, north = queue_of_three

    queue = service.queue(sergeant_caller(), area="north")

    assert [r.session.session_id for r in queue] == [force_wide, north]


def test_operators_see_the_whole_forces_queue(
    service: SessionService, queue_of_three: list[str]
) -> None:
    assert [r.session.session_id for r in service.queue(operator_caller())] == queue_of_three


@pytest.mark.parametrize(
    "caller",
    [officer_caller(), admin_caller(), principal("officer", "admin", officer_id="met-1001")],
    ids=["officer", "admin", "officer-admin"],
)
def test_only_sergeants_and_operators_see_the_queue(
    service: SessionService, sessions: FakeSessionStore, caller: Principal
) -> None:
    with pytest.raises(Forbidden):
        service.queue(caller)

    assert sessions.called("waiting") == []
