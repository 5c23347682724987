"""The officer register's contract, for ``FakeOfficerRegister`` and ``DynamoOfficerRegister``.

A write is accepted only on the revision it read, keeps force + shoulder number unique, and in
the same step copies the officer into the snapshot of each of their live sessions (so a
suspension reaches a waiting session's card and its "verified" check at once). A start adds its
session to the officer's live sessions only if the entry is still the one it read.
"""

from __future__ import annotations

from dataclasses import replace

import pytest

from functions.domain import Conflict, SessionState
from functions.services.ports import OfficerEntry, Pager, TransitionRefused
from tests.contracts.conftest import Backend
from tests.contracts.records import in_state, officer_record
from tests.unit.services.builders import OFFICER_ID, SERGEANT_ID, officer, sergeant_officer

_S = SessionState
LIVE = frozenset({_S.REQUESTED, _S.ESCALATED, _S.CLAIMED})
PAGER = Pager("sms", "+447700900123")


def new(backend: Backend, entry: OfficerEntry) -> OfficerEntry:
    return backend.register.save(entry, expected_revision=None)


def test_a_new_entry_starts_at_revision_1_and_reads_back_as_saved(backend: Backend) -> None:
    entry = OfficerEntry(
        officer=sergeant_officer(on_duty=True),
        pager=PAGER,
        subscription_arn="arn:aws:sns:eu-west-2:000000000000:alerts:1",
    )

    saved = new(backend, entry)

    assert saved == replace(entry, revision=1)
    assert backend.register.get(SERGEANT_ID) == saved


def test_an_entry_without_pager_or_photo_reads_back_without_them(backend: Backend) -> None:
    saved = new(backend, OfficerEntry(officer=officer(photo_key=None)))

    assert backend.register.get(OFFICER_ID) == saved
    assert (saved.pager, saved.subscription_arn, saved.officer.photo_key) == (None, None, None)


def test_unknown_ids_and_the_shoulder_number_claims_are_not_officers(backend: Backend) -> None:
    new(backend, OfficerEntry(officer=officer()))

    assert backend.register.get("met-9999") is None
    assert backend.register.get("shoulder#MET#1234AB") is None


def test_by_shoulder_finds_the_force_s_officer_with_that_number(backend: Backend) -> None:
    saved = new(backend, OfficerEntry(officer=officer()))

    assert backend.register.by_shoulder("MET", "1234AB") == saved
    assert backend.register.by_shoulder("GMP", "1234AB") is None
    assert backend.register.by_shoulder("MET", "1234AC") is None


def test_a_new_entry_for_an_existing_id_is_refused_and_changes_nothing(backend: Backend) -> None:
    saved = new(backend, OfficerEntry(officer=officer()))

    with pytest.raises(Conflict) as refused:
        new(backend, OfficerEntry(officer=officer(family_name="Jones", shoulder_number="77")))

    assert refused.value.details == []
    assert backend.register.get(OFFICER_ID) == saved
    assert backend.register.by_shoulder("MET", "77") is None


def test_a_write_on_the_revision_read_bumps_it(backend: Backend) -> None:
    first = new(backend, OfficerEntry(officer=officer()))

    second = backend.register.save(
        replace(first, officer=officer(status="suspended")), expected_revision=1
    )

    assert second.revision == 2
    assert backend.register.get(OFFICER_ID) == second


@pytest.mark.parametrize("expected", [0, 2, 5])
def test_a_write_on_another_revision_is_refused_and_changes_nothing(
    backend: Backend, expected: int
) -> None:
    saved = new(backend, OfficerEntry(officer=officer()))

    with pytest.raises(Conflict):
        backend.register.save(
            replace(saved, officer=officer(status="suspended")), expected_revision=expected
        )

    assert backend.register.get(OFFICER_ID) == saved


def test_a_write_on_a_revision_of_an_officer_that_does_not_exist_is_refused(
    backend: Backend,
) -> None:
    with pytest.raises(Conflict):
        backend.register.save(OfficerEntry(officer=officer()), expected_revision=1)

    assert backend.register.get(OFFICER_ID) is None


def test_a_shoulder_number_belongs_to_one_officer_of_a_force(backend: Backend) -> None:
    new(backend, OfficerEntry(officer=officer()))

    with pytest.raises(Conflict) as taken:
        new(backend, OfficerEntry(officer=officer(officer_id="met-1002")))

    assert taken.value.details == [{"field": "shoulder_number", "message": "already in use"}]
    assert backend.register.get("met-1002") is None
    other_force = new(backend, OfficerEntry(officer=officer(officer_id="gmp-1001", force="GMP")))
    assert backend.register.by_shoulder("GMP", "1234AB") == other_force


def test_a_renumbered_officer_frees_the_old_number(backend: Backend) -> None:
    saved = new(backend, OfficerEntry(officer=officer()))

    moved = backend.register.save(
        replace(saved, officer=officer(shoulder_number="5678CD")), expected_revision=1
    )

    assert backend.register.by_shoulder("MET", "5678CD") == moved
    assert backend.register.by_shoulder("MET", "1234AB") is None
    other = new(backend, OfficerEntry(officer=officer(officer_id="met-1002")))
    assert backend.register.by_shoulder("MET", "1234AB") == other


def test_a_renumbering_onto_a_taken_number_is_refused_and_changes_nothing(
    backend: Backend,
) -> None:
    mine = new(backend, OfficerEntry(officer=officer()))
    new(backend, OfficerEntry(officer=officer(officer_id="met-1002", shoulder_number="5678CD")))

    with pytest.raises(Conflict) as taken:
        backend.register.save(
            replace(mine, officer=officer(shoulder_number="5678CD")), expected_revision=1
        )

    assert taken.value.details[0]["field"] == "shoulder_number"
    assert backend.register.get(OFFICER_ID) == mine
    assert backend.register.by_shoulder("MET", "1234AB") == mine


def test_a_stale_write_is_refused_as_stale_even_onto_a_taken_number(backend: Backend) -> None:
    mine = new(backend, OfficerEntry(officer=officer()))
    new(backend, OfficerEntry(officer=officer(officer_id="met-1002", shoulder_number="5678CD")))

    with pytest.raises(Conflict) as refused:
        backend.register.save(
            replace(mine, officer=officer(shoulder_number="5678CD")), expected_revision=7
        )

    assert refused.value.details == []  # re-read and retry, not "that number is taken"
    assert backend.register.get(OFFICER_ID) == mine


def test_pager_and_subscription_are_written_as_given(backend: Backend) -> None:
    saved = new(backend, OfficerEntry(officer=sergeant_officer(), pager=PAGER))
    on_duty = backend.register.save(
        replace(saved, subscription_arn="arn:aws:sns:eu-west-2:000000000000:alerts:1"),
        expected_revision=1,
    )

    off_duty = backend.register.save(
        replace(on_duty, pager=None, subscription_arn=None), expected_revision=2
    )

    assert backend.register.get(SERGEANT_ID) == off_duty
    assert (off_duty.pager, off_duty.subscription_arn) == (None, None)


# ------------------------------------------------------------------ starts and live sessions
def test_a_start_on_the_revision_read_joins_the_officer_s_live_sessions(backend: Backend) -> None:
    entry = new(backend, OfficerEntry(officer=officer()))

    backend.sessions.create(officer_record(entry.officer, "s-1"), officer_revision=1)
    backend.sessions.create(officer_record(entry.officer, "s-2"), officer_revision=2)

    after = backend.register.get(OFFICER_ID)
    assert after == replace(entry, revision=3, live_sessions=frozenset({"s-1", "s-2"}))
    assert backend.register.by_shoulder("MET", "1234AB") == after


def test_a_start_on_a_stale_revision_is_refused_and_writes_nothing(backend: Backend) -> None:
    entry = new(backend, OfficerEntry(officer=officer()))
    backend.register.save(replace(entry, officer=officer(status="suspended")), expected_revision=1)

    with pytest.raises(TransitionRefused) as refused:
        backend.sessions.create(officer_record(entry.officer, "s-1"), officer_revision=1)

    assert refused.value.current is None
    assert backend.sessions.get("s-1") is None
    after = backend.register.get(OFFICER_ID)
    assert after is not None and (after.revision, after.live_sessions) == (2, frozenset())


def test_a_start_for_an_officer_not_in_the_register_is_refused(backend: Backend) -> None:
    with pytest.raises(TransitionRefused):
        backend.sessions.create(officer_record(officer(), "s-1"), officer_revision=1)

    assert backend.sessions.get("s-1") is None
    assert backend.register.get(OFFICER_ID) is None


def test_a_write_refreshes_the_snapshot_of_every_live_session_and_only_those(
    backend: Backend,
) -> None:
    entry = new(backend, OfficerEntry(officer=officer()))
    states = {"waiting": _S.REQUESTED, "escalated": _S.ESCALATED, "claimed": _S.CLAIMED}
    states |= {"cancelled": _S.CANCELLED, "verified": _S.VERIFIED, "dropped": _S.DROPPED}
    names = tuple(states)
    for revision, (session_id, state) in enumerate(states.items(), start=1):
        record = in_state(officer_record(entry.officer, session_id), state)
        backend.sessions.create(record, officer_revision=revision)
    before = {s: backend.sessions.get(s) for s in names}
    suspended = officer(status="suspended")

    saved = backend.register.save(
        OfficerEntry(officer=suspended, live_sessions=frozenset()), expected_revision=7
    )

    assert saved.live_sessions == {"waiting", "escalated", "claimed"}  # ended ones are let go
    assert backend.register.get(OFFICER_ID) == saved
    for session_id, was in before.items():
        now = backend.sessions.get(session_id)
        assert was is not None and now is not None
        assert now.session == was.session  # a snapshot refresh is not a transition
        expected = suspended if states[session_id] in LIVE else was.officer
        assert now.officer == expected


def test_the_live_sessions_come_from_the_register_never_from_the_caller(
    backend: Backend,
) -> None:
    entry = new(backend, OfficerEntry(officer=officer(), live_sessions=frozenset({"s-9"})))
    assert entry.live_sessions == frozenset()
    backend.sessions.create(officer_record(entry.officer, "s-1"), officer_revision=1)

    saved = backend.register.save(
        replace(entry, live_sessions=frozenset({"s-9"})), expected_revision=2
    )

    assert saved.live_sessions == {"s-1"}


def test_sergeants_on_duty_counts_on_duty_sergeants_of_the_force_and_area(
    backend: Backend,
) -> None:
    new(backend, OfficerEntry(officer=sergeant_officer("met-0001", on_duty=True)))
    new(backend, OfficerEntry(officer=sergeant_officer("met-0002", on_duty=True, area="NORTH")))
    off = new(backend, OfficerEntry(officer=sergeant_officer("met-0003", on_duty=True)))
    new(backend, OfficerEntry(officer=sergeant_officer("met-0004", on_duty=False)))
    new(backend, OfficerEntry(officer=officer(on_duty=True)))  # on duty, but not a sergeant
    new(backend, OfficerEntry(officer=sergeant_officer("gmp-0005", on_duty=True, force="GMP")))
    backend.register.save(
        replace(off, officer=off.officer.with_duty(False)), expected_revision=off.revision
    )

    assert backend.register.sergeants_on_duty("MET") == 2
    assert backend.register.sergeants_on_duty("MET", "NORTH") == 1
    assert backend.register.sergeants_on_duty("GMP") == 1
    assert backend.register.sergeants_on_duty("WMP") == 0
