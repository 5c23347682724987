"""The fakes refuse where the real adapters refuse; otherwise the service tests prove nothing."""

from __future__ import annotations

from dataclasses import replace

import pytest

from functions.domain import Conflict, SessionState, open_officer_session
from functions.domain.states import Transition
from functions.domain.transitions import Decision, Guard
from functions.services.ports import OfficerEntry, SessionRecord, TransitionRefused
from tests.unit.services.builders import (
    NOW,
    OFFICER_ID,
    OTHER_SERGEANT_ID,
    SERGEANT_ID,
    officer,
    officer_caller,
)
from tests.unit.services.fakes import (
    ChimeNotFound,
    FakeMeetings,
    FakeOfficerRegister,
    FakeSessionStore,
)

_S = SessionState


def _claim(sessions: FakeSessionStore, session_id: str, sergeant: str, force: str) -> SessionRecord:
    return sessions.claim(
        session_id, Guard(Transition.CLAIM, force=force, not_about=sergeant), sergeant, NOW
    )


def _release(version: int) -> Guard:
    return Guard(Transition.RELEASE, claimed_by=SERGEANT_ID, version=version)


def _decision(sergeant: str, outcome: SessionState, reason: str | None) -> Decision:
    verified = outcome is SessionState.VERIFIED
    checks = Guard(Transition.DECIDE, claimed_by=sergeant, not_about=sergeant, serving=verified)
    return Decision(outcome=outcome, reason=reason, identified=None, guard=checks)


def _create(
    sessions: FakeSessionStore, session_id: str = "s-1", code: str = "ABCD2345"
) -> SessionRecord:
    entry = sessions.register.entries[OFFICER_ID]
    session = open_officer_session(
        officer_caller(),
        entry.officer,
        session_id=session_id,
        now=NOW,
        public_code=code,
        reference="SC-261123-ABCDE",
        meeting_id="m-1",
    )
    record = SessionRecord(session, officer=entry.officer, meeting={"MeetingId": "m-1"})
    sessions.create(record, officer_revision=entry.revision)
    return record


def test_create_refuses_a_duplicate_id_and_a_moved_register_revision(
    sessions: FakeSessionStore, register: FakeOfficerRegister
) -> None:
    record = _create(sessions)
    assert register.entries[OFFICER_ID].revision == 2
    assert register.entries[OFFICER_ID].live_sessions == {"s-1"}

    with pytest.raises(FileExistsError):
        sessions.create(record, officer_revision=2)
    stale = replace(
        record,
        session=record.session.model_copy(update={"session_id": "s-2", "public_code": "WXYZ6789"}),
    )
    with pytest.raises(TransitionRefused) as refused:
        sessions.create(stale, officer_revision=1)
    assert refused.value.current is None
    assert "s-2" not in sessions.records


@pytest.mark.parametrize(
    ("sergeant_id", "force"),
    [(OFFICER_ID, "MET"), (SERGEANT_ID, "GMP")],
    ids=["self", "other-force"],
)
def test_claim_refuses_self_and_other_force(
    sessions: FakeSessionStore, sergeant_id: str, force: str
) -> None:
    _create(sessions)

    with pytest.raises(TransitionRefused) as refused:
        _claim(sessions, "s-1", sergeant_id, force)

    assert refused.value.current is not None
    assert sessions.state("s-1") is _S.REQUESTED


def test_claim_is_once_only_and_absent_sessions_refuse_with_none(
    sessions: FakeSessionStore,
) -> None:
    _create(sessions)
    claimed = _claim(sessions, "s-1", SERGEANT_ID, "MET")
    assert (claimed.session.state, claimed.session.version) == (_S.CLAIMED, 2)

    with pytest.raises(TransitionRefused) as refused:
        _claim(sessions, "s-1", OTHER_SERGEANT_ID, "MET")
    assert refused.value.current == claimed
    with pytest.raises(TransitionRefused) as absent:
        _claim(sessions, "nope", SERGEANT_ID, "MET")
    assert absent.value.current is None


def test_release_needs_the_same_sergeant_and_version(sessions: FakeSessionStore) -> None:
    _create(sessions)
    claimed = _claim(sessions, "s-1", SERGEANT_ID, "MET")

    with pytest.raises(TransitionRefused):
        sessions.release(claimed, _release(claimed.session.version - 1), NOW)
    sessions.release(claimed, _release(claimed.session.version), NOW)

    assert sessions.state("s-1") is _S.REQUESTED


def test_decide_needs_the_claiming_sergeant_and_a_serving_snapshot_for_verified(
    sessions: FakeSessionStore, register: FakeOfficerRegister
) -> None:
    _create(sessions)
    _claim(sessions, "s-1", SERGEANT_ID, "MET")
    with pytest.raises(TransitionRefused):
        sessions.decide(
            "s-1", _decision(OTHER_SERGEANT_ID, _S.VERIFIED, None), OTHER_SERGEANT_ID, NOW
        )
    entry = register.entries[OFFICER_ID]
    register.save(
        replace(entry, officer=officer(status="suspended")), expected_revision=entry.revision
    )

    with pytest.raises(TransitionRefused):
        sessions.decide("s-1", _decision(SERGEANT_ID, _S.VERIFIED, None), SERGEANT_ID, NOW)
    decided = sessions.decide(
        "s-1", _decision(SERGEANT_ID, _S.NOT_VERIFIED, "suspended"), SERGEANT_ID, NOW
    )

    assert decided.session.state is _S.NOT_VERIFIED


def test_cancel_needs_the_owner_and_no_outcome(sessions: FakeSessionStore) -> None:
    _create(sessions)
    with pytest.raises(TransitionRefused):
        sessions.cancel("s-1", Guard(Transition.CANCEL, owner=SERGEANT_ID), NOW)
    _claim(sessions, "s-1", SERGEANT_ID, "MET")
    sessions.decide("s-1", _decision(SERGEANT_ID, _S.VERIFIED, None), SERGEANT_ID, NOW)

    with pytest.raises(TransitionRefused):
        sessions.cancel("s-1", Guard(Transition.CANCEL, owner=OFFICER_ID), NOW)


def test_register_save_bumps_the_revision_and_refuses_stale_or_duplicate_writes(
    register: FakeOfficerRegister,
) -> None:
    entry = register.entries[OFFICER_ID]

    saved = register.save(entry, expected_revision=entry.revision)

    assert saved.revision == entry.revision + 1
    with pytest.raises(Conflict):
        register.save(entry, expected_revision=entry.revision)
    with pytest.raises(Conflict):
        register.save(entry, expected_revision=None)
    with pytest.raises(Conflict) as taken:
        register.save(OfficerEntry(officer=officer(officer_id="met-1003")), expected_revision=None)
    assert taken.value.details[0]["field"] == "shoulder_number"


def test_register_save_updates_live_snapshots_only(
    sessions: FakeSessionStore, register: FakeOfficerRegister
) -> None:
    _create(sessions, "s-1")
    _create(sessions, "s-2", code="WXYZ6789")
    sessions.cancel("s-2", Guard(Transition.CANCEL, owner=OFFICER_ID), NOW)
    entry = register.entries[OFFICER_ID]

    saved = register.save(
        replace(entry, officer=officer(family_name="Jones"), live_sessions=frozenset()),
        expected_revision=entry.revision,
    )

    assert saved.live_sessions == {"s-1"}
    first, second = sessions.records["s-1"].officer, sessions.records["s-2"].officer
    assert first is not None and first.family_name == "Jones"
    assert second is not None and second.family_name == "Smith"


def test_meetings_are_idempotent_by_token_and_by_external_user() -> None:
    chime = FakeMeetings()
    meeting, attendee = chime.create_with_attendee(
        session_id="s-1", request_token="t", external_user_id="u", media_region="eu-west-2"
    )
    again, same = chime.create_with_attendee(
        session_id="s-1", request_token="t", external_user_id="u", media_region="eu-west-2"
    )
    assert (again, same) == (meeting, attendee)
    assert chime.add_attendee(meeting["MeetingId"], "u") == attendee

    chime.delete(meeting["MeetingId"])
    chime.delete(meeting["MeetingId"])  # gone already is fine

    with pytest.raises(ChimeNotFound):
        chime.add_attendee(meeting["MeetingId"], "v")
