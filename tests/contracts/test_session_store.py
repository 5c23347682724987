"""The session store's contract, for ``FakeSessionStore`` and ``DynamoSessionStore`` alike.

Every transition is one conditional write: it is written exactly when the stored session passes
the domain's guard, and otherwise refused with the session as it was, changing nothing. The
matrix below tries every transition from every state with the guard the services send; the
tests after it take one guard clause at a time. Then the writes that are not transitions
(presence, attendance, timers' bookkeeping, poll token) and the reads (queue, code, officer).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any

import pytest

from functions.adapters.sessions_table import (
    CODE_PREFIX,
    DynamoSessionStore,
    iso,
    record_to_item,
)
from functions.domain import SessionState
from functions.domain.states import Transition
from functions.domain.transitions import (
    Guard,
    authorise_cancel,
    authorise_claim,
    authorise_decision,
)
from functions.resources import OFFICERS, SESSIONS, Table
from functions.services.ports import (
    CodeTaken,
    OfficerEntry,
    SessionRecord,
    SessionStore,
    TransitionRefused,
)
from tests.contracts.conftest import Backend
from tests.contracts.records import in_state, officer_record, public_record
from tests.unit.services.builders import (
    GMP_SERGEANT_ID,
    NOW,
    OFFICER_ID,
    OTHER_SERGEANT_ID,
    SERGEANT_ID,
    officer,
    officer_caller,
    sergeant_caller,
    sergeant_officer,
)

_S = SessionState
AT = NOW + timedelta(seconds=90)
"""When the transitions under test happen (the sessions were started at ``NOW``)."""


def stored(backend: Backend, record: SessionRecord) -> SessionRecord:
    backend.sessions.create(record, officer_revision=None)
    return record


def current(backend: Backend, session_id: str) -> SessionRecord:
    found = backend.sessions.get(session_id)
    assert found is not None
    return found


def moved(before: SessionRecord, **changes: Any) -> SessionRecord:
    """``before`` after one transition at ``AT``: ``changes``, one more version."""
    session = before.session
    update = {**changes, "version": session.version + 1, "updated_at": AT}
    return replace(before, session=session.model_copy(update=update))


# ------------------------------------------------------------------ every state x transition
def _claim(store: SessionStore, r: SessionRecord) -> SessionRecord | None:
    return store.claim(r.session.session_id, authorise_claim(sergeant_caller()), SERGEANT_ID, AT)


def _release(store: SessionStore, r: SessionRecord) -> SessionRecord | None:
    guard = Guard(Transition.RELEASE, claimed_by=SERGEANT_ID, version=r.session.version)
    store.release(r, guard, AT)
    return None


def _verify(store: SessionStore, r: SessionRecord) -> SessionRecord | None:
    decision = authorise_decision(sergeant_caller(), "verified", None, None)
    return store.decide(r.session.session_id, decision, SERGEANT_ID, AT)


def _not_verify(store: SessionStore, r: SessionRecord) -> SessionRecord | None:
    decision = authorise_decision(sergeant_caller(), "not_verified", "no match", None)
    return store.decide(r.session.session_id, decision, SERGEANT_ID, AT)


def _cancel(store: SessionStore, r: SessionRecord) -> SessionRecord | None:
    return store.cancel(r.session.session_id, authorise_cancel(officer_caller()), AT)


def _escalate(store: SessionStore, r: SessionRecord) -> SessionRecord | None:
    guard = Guard(Transition.ESCALATE, escalation_level=r.session.escalation_level)
    return store.escalate(r.session.session_id, guard, AT)


def _expire(store: SessionStore, r: SessionRecord) -> SessionRecord | None:
    return store.expire(r.session.session_id, Guard(Transition.EXPIRE), "nobody answered", AT)


def _drop(store: SessionStore, r: SessionRecord) -> SessionRecord | None:
    return store.drop(r.session.session_id, Guard(Transition.DROP), "call ended", AT)


Attempt = Callable[[SessionStore, SessionRecord], SessionRecord | None]
WAITING = frozenset({_S.REQUESTED, _S.ESCALATED})
CLAIMED = frozenset({_S.CLAIMED})

TRANSITIONS: dict[str, tuple[Attempt, frozenset[SessionState]]] = {
    "claim": (_claim, WAITING),
    "release": (_release, CLAIMED),
    "verify": (_verify, CLAIMED),
    "not_verify": (_not_verify, CLAIMED),
    "cancel": (_cancel, WAITING | CLAIMED),
    "escalate": (_escalate, WAITING),
    "expire": (_expire, WAITING),
    "drop": (_drop, CLAIMED),
}
"""Each transition as the services send it, and the states it is written from."""


def _after(name: str, before: SessionRecord) -> SessionRecord:
    session = before.session
    decided = {"decided_by": SERGEANT_ID, "decided_at": AT}
    return {
        "claim": lambda: moved(before, state=_S.CLAIMED, claimed_by=SERGEANT_ID, claimed_at=AT),
        "release": lambda: moved(
            before,
            state=_S.ESCALATED if session.escalation_level else _S.REQUESTED,
            claimed_by=None,
            claimed_at=None,
        ),
        "verify": lambda: moved(before, state=_S.VERIFIED, **decided),
        "not_verify": lambda: moved(
            before, state=_S.NOT_VERIFIED, outcome_reason="no match", **decided
        ),
        "cancel": lambda: moved(before, state=_S.CANCELLED),
        "escalate": lambda: moved(
            before, state=_S.ESCALATED, escalation_level=session.escalation_level + 1
        ),
        "expire": lambda: moved(before, state=_S.EXPIRED),
        "drop": lambda: moved(before, state=_S.DROPPED),
    }[name]()


@pytest.mark.parametrize("state", list(SessionState))
@pytest.mark.parametrize("transition", list(TRANSITIONS))
def test_each_transition_is_written_from_exactly_its_states(
    backend: Backend, transition: str, state: SessionState
) -> None:
    attempt, sources = TRANSITIONS[transition]
    before = stored(backend, in_state(officer_record(officer()), state))

    if state in sources:
        result = attempt(backend.sessions, before)
        after = _after(transition, before)
        assert result in (None, after)
        assert current(backend, "s-1") == after
    else:
        with pytest.raises(TransitionRefused) as refused:
            attempt(backend.sessions, before)
        assert refused.value.current == before
        assert current(backend, "s-1") == before


@pytest.mark.parametrize("transition", list(TRANSITIONS))
def test_every_transition_of_a_session_that_does_not_exist_is_refused_with_none(
    backend: Backend, transition: str
) -> None:
    attempt, _ = TRANSITIONS[transition]
    ghost = in_state(officer_record(officer(), "ghost"), _S.CLAIMED)

    with pytest.raises(TransitionRefused) as refused:
        attempt(backend.sessions, ghost)

    assert refused.value.current is None
    assert backend.sessions.get("ghost") is None


def test_a_released_claim_goes_back_to_the_rung_it_was_on(backend: Backend) -> None:
    escalated = in_state(officer_record(officer()), _S.ESCALATED)
    before = stored(
        backend, replace(escalated, session=escalated.session.claim(sergeant_caller(), NOW))
    )

    _release(backend.sessions, before)

    after = current(backend, "s-1")
    assert (after.session.state, after.session.escalation_level) == (_S.ESCALATED, 1)
    assert after.session.claimed_by is None


# ------------------------------------------------------------------ one guard clause at a time
def refused(backend: Backend, write: Callable[[], object], before: SessionRecord) -> None:
    """``write`` is refused with ``before`` and leaves it as it was."""
    with pytest.raises(TransitionRefused) as refusal:
        write()
    assert refusal.value.current == before
    assert current(backend, before.session.session_id) == before


def test_a_sergeant_cannot_claim_a_session_about_themselves(backend: Backend) -> None:
    mine = stored(backend, officer_record(sergeant_officer(), "s-1"))
    guard = authorise_claim(sergeant_caller())

    refused(backend, lambda: backend.sessions.claim("s-1", guard, SERGEANT_ID, AT), mine)

    other = authorise_claim(sergeant_caller(OTHER_SERGEANT_ID))
    claimed = backend.sessions.claim("s-1", other, OTHER_SERGEANT_ID, AT)
    assert claimed.session.claimed_by == OTHER_SERGEANT_ID


def test_a_sergeant_of_another_force_cannot_claim(backend: Backend) -> None:
    before = stored(backend, officer_record(officer()))
    guard = authorise_claim(sergeant_caller(GMP_SERGEANT_ID, force="GMP"))

    refused(backend, lambda: backend.sessions.claim("s-1", guard, GMP_SERGEANT_ID, AT), before)


def test_her_call_naming_nobody_can_be_claimed_by_any_sergeant_of_its_force(
    backend: Backend,
) -> None:
    stored(backend, public_record("p-1"))

    claimed = backend.sessions.claim("p-1", authorise_claim(sergeant_caller()), SERGEANT_ID, AT)

    assert (claimed.session.state, claimed.session.claimed_by) == (_S.CLAIMED, SERGEANT_ID)


def test_of_racing_claims_exactly_one_is_written(backend: Backend) -> None:
    stored(backend, officer_record(officer()))
    sergeants = [f"met-21{n:02d}" for n in range(8)]
    won: list[str] = []
    lost: list[SessionRecord | None] = []
    lock = threading.Lock()

    def claim(sergeant_id: str) -> None:
        guard = authorise_claim(sergeant_caller(sergeant_id))
        try:
            backend.sessions.claim("s-1", guard, sergeant_id, AT)
        except TransitionRefused as refusal:
            with lock:
                lost.append(refusal.current)
        else:
            with lock:
                won.append(sergeant_id)

    threads = [threading.Thread(target=claim, args=(s,)) for s in sergeants]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert len(won) == 1
    winner = current(backend, "s-1")
    assert winner.session.claimed_by == won[0] and winner.session.version == 2
    assert lost == [winner] * 7


def test_only_the_claiming_sergeant_decides(backend: Backend) -> None:
    before = stored(backend, in_state(officer_record(officer()), _S.CLAIMED))
    decision = authorise_decision(sergeant_caller(OTHER_SERGEANT_ID), "verified", None, None)

    refused(
        backend,
        lambda: backend.sessions.decide("s-1", decision, OTHER_SERGEANT_ID, AT),
        before,
    )


@pytest.mark.parametrize("outcome", ["verified", "not_verified"])
@pytest.mark.parametrize("without_video", [True, False])
def test_a_decision_records_whether_it_was_made_without_video(
    backend: Backend, outcome: str, without_video: bool
) -> None:
    before = stored(backend, in_state(officer_record(officer()), _S.CLAIMED))
    reason = "voice and card match" if outcome == "not_verified" else None
    decision = authorise_decision(
        sergeant_caller(), outcome, reason, None, without_video=without_video
    )

    decided = backend.sessions.decide("s-1", decision, SERGEANT_ID, AT)

    after = moved(
        before,
        state=_S(outcome),
        decided_by=SERGEANT_ID,
        decided_at=AT,
        outcome_reason=reason,
        decided_without_video=without_video,
    )
    assert decided == current(backend, "s-1") == after


def test_a_refused_decision_without_video_changes_nothing(backend: Backend) -> None:
    before = stored(backend, in_state(officer_record(officer()), _S.CLAIMED))
    decision = authorise_decision(
        sergeant_caller(OTHER_SERGEANT_ID), "verified", None, None, without_video=True
    )

    refused(
        backend,
        lambda: backend.sessions.decide("s-1", decision, OTHER_SERGEANT_ID, AT),
        before,
    )
    assert current(backend, "s-1").session.decided_without_video is False


@pytest.mark.parametrize("status", ["suspended", "former"])
def test_verified_is_refused_while_the_snapshot_says_not_serving_and_not_verified_is_not(
    backend: Backend, status: str
) -> None:
    before = stored(backend, in_state(officer_record(officer(status=status)), _S.CLAIMED))
    verified = authorise_decision(sergeant_caller(), "verified", None, None)

    refused(backend, lambda: backend.sessions.decide("s-1", verified, SERGEANT_ID, AT), before)

    not_verified = authorise_decision(sergeant_caller(), "not_verified", status, None)
    decided = backend.sessions.decide("s-1", not_verified, SERGEANT_ID, AT)
    assert (decided.session.state, decided.session.outcome_reason) == (_S.NOT_VERIFIED, status)


def test_verified_is_refused_on_her_call_without_an_officer_unless_one_is_identified(
    backend: Backend,
) -> None:
    claimed = public_record("p-1")
    before = stored(
        backend, replace(claimed, session=claimed.session.claim(sergeant_caller(), NOW))
    )
    plain = authorise_decision(sergeant_caller(), "verified", None, None)

    refused(backend, lambda: backend.sessions.decide("p-1", plain, SERGEANT_ID, AT), before)

    identified = authorise_decision(sergeant_caller(), "verified", None, officer())
    decided = backend.sessions.decide("p-1", identified, SERGEANT_ID, AT)
    after = moved(
        before,
        state=_S.VERIFIED,
        officer_id=OFFICER_ID,
        decided_by=SERGEANT_ID,
        decided_at=AT,
    )
    assert decided == current(backend, "p-1") == replace(after, officer=officer())
    assert backend.sessions.latest_for_officer(OFFICER_ID) == decided


def test_an_officer_is_identified_only_on_a_call_that_has_none(backend: Backend) -> None:
    named = public_record("p-1", officer=officer())
    before = stored(backend, replace(named, session=named.session.claim(sergeant_caller(), NOW)))
    other = officer(officer_id="met-1002", shoulder_number="5678CD")
    decision = authorise_decision(sergeant_caller(), "not_verified", "not them", other)

    refused(backend, lambda: backend.sessions.decide("p-1", decision, SERGEANT_ID, AT), before)


def test_only_its_own_officer_cancels_a_session(backend: Backend) -> None:
    before = stored(backend, officer_record(officer()))
    stranger = authorise_cancel(officer_caller("met-1002"))

    refused(backend, lambda: backend.sessions.cancel("s-1", stranger, AT), before)


def test_her_call_cannot_be_cancelled_by_an_officer(backend: Backend) -> None:
    before = stored(backend, public_record("p-1"))

    refused(
        backend,
        lambda: backend.sessions.cancel("p-1", authorise_cancel(officer_caller()), AT),
        before,
    )


def test_a_second_copy_of_an_escalation_check_escalates_once(backend: Backend) -> None:
    stored(backend, officer_record(officer()))
    check = Guard(Transition.ESCALATE, escalation_level=0)

    once = backend.sessions.escalate("s-1", check, AT)

    refused(backend, lambda: backend.sessions.escalate("s-1", check, AT), once)
    assert once.session.escalation_level == 1


@pytest.mark.parametrize(
    "guard",
    [
        Guard(Transition.RELEASE, claimed_by=SERGEANT_ID, version=1),
        Guard(Transition.RELEASE, claimed_by=OTHER_SERGEANT_ID, version=2),
    ],
    ids=["stale-version", "other-sergeant"],
)
def test_a_release_needs_the_claiming_sergeant_and_the_claim_s_version(
    backend: Backend, guard: Guard
) -> None:
    before = stored(backend, in_state(officer_record(officer()), _S.CLAIMED))

    refused(backend, lambda: backend.sessions.release(before, guard, AT), before)


# ------------------------------------------------------------------ create
def test_a_session_reads_back_exactly_as_it_was_created(backend: Backend) -> None:
    record = replace(
        officer_record(officer()),
        presence={"met-1001": {"state": "joined", "at": 1_795_424_401_000}},
        escalation_paged=0,
    )
    backend.sessions.create(record, officer_revision=None)

    assert backend.sessions.get("s-1") == record


def test_her_call_reads_back_exactly_as_it_was_created(backend: Backend) -> None:
    record = public_record("p-1")  # no officer, no area, no location
    backend.sessions.create(record, officer_revision=None)

    assert backend.sessions.get("p-1") == record


def test_a_second_create_with_the_id_is_refused_and_changes_nothing(backend: Backend) -> None:
    first = stored(backend, officer_record(officer(), code="ABCD2345"))
    again = officer_record(officer(family_name="Jones"), code="WXYZ6789", at=AT)

    with pytest.raises(FileExistsError):
        backend.sessions.create(again, officer_revision=None)

    assert current(backend, "s-1") == first
    assert backend.sessions.by_code("WXYZ6789") is None
    other = stored(backend, officer_record(officer(), "s-2", code="WXYZ6789"))  # still free
    assert backend.sessions.by_code("WXYZ6789") == other


def test_a_public_code_held_by_another_session_is_refused(backend: Backend) -> None:
    first = stored(backend, officer_record(officer(), "s-1", code="ABCD2345"))

    with pytest.raises(CodeTaken):
        backend.sessions.create(
            officer_record(officer(), "s-2", code="ABCD2345", at=AT), officer_revision=None
        )

    assert backend.sessions.get("s-2") is None
    assert backend.sessions.by_code("ABCD2345") == first


def test_a_code_of_an_ended_session_stays_taken_until_its_claim_lapses(backend: Backend) -> None:
    stored(backend, in_state(officer_record(officer(), "s-1", code="ABCD2345"), _S.VERIFIED))
    again = officer_record(officer(), "s-2", code="ABCD2345", at=AT)

    with pytest.raises(CodeTaken):
        backend.sessions.create(again, officer_revision=None)

    backend.lapse_code("ABCD2345")
    backend.sessions.create(again, officer_revision=None)
    assert backend.sessions.by_code("ABCD2345") == again


def test_a_refused_start_claims_no_code(backend: Backend) -> None:
    entry = backend.register.save(OfficerEntry(officer=officer()), expected_revision=None)
    stale = officer_record(officer(), "s-1", code="ABCD2345")

    with pytest.raises(TransitionRefused):
        backend.sessions.create(stale, officer_revision=entry.revision + 1)

    assert backend.sessions.get("s-1") is None
    other = stored(backend, officer_record(officer(), "s-2", code="ABCD2345"))  # still free
    assert backend.sessions.by_code("ABCD2345") == other


def test_her_call_naming_nobody_ignores_a_register_revision(backend: Backend) -> None:
    record = public_record("p-1")

    backend.sessions.create(record, officer_revision=3)

    assert backend.sessions.get("p-1") == record


def test_code_claims_are_not_sessions(backend: Backend) -> None:
    stored(backend, officer_record(officer(), code="ABCD2345"))

    assert backend.sessions.get(f"{CODE_PREFIX}ABCD2345") is None
    assert backend.sessions.get(f"{CODE_PREFIX}WXYZ6789") is None  # no claim at all


def _writes_to(store: SessionStore, session_id: str) -> dict[str, Callable[[], object]]:
    """Every write addressed by a session id (``release`` is given the claimed record)."""
    verified = authorise_decision(sergeant_caller(), "verified", None, None)
    return {
        "claim": lambda: store.claim(
            session_id, authorise_claim(sergeant_caller()), SERGEANT_ID, AT
        ),
        "decide": lambda: store.decide(session_id, verified, SERGEANT_ID, AT),
        "cancel": lambda: store.cancel(session_id, authorise_cancel(officer_caller()), AT),
        "escalate": lambda: store.escalate(
            session_id, Guard(Transition.ESCALATE, escalation_level=0), AT
        ),
        "expire": lambda: store.expire(session_id, Guard(Transition.EXPIRE), "nobody", AT),
        "drop": lambda: store.drop(session_id, Guard(Transition.DROP), "call ended", AT),
        "request_attendance": lambda: store.request_attendance(session_id, AT),
        "mark_attendance_sent": lambda: store.mark_attendance_sent(session_id, SERGEANT_ID, AT),
        "mark_escalation_paged": lambda: store.mark_escalation_paged(session_id, 1),
        "replace_poll_token": lambda: store.replace_poll_token(session_id, "f" * 64),
    }


@pytest.mark.parametrize(
    "write",
    [
        *("claim", "decide", "cancel", "escalate", "expire", "drop"),
        *("request_attendance", "mark_attendance_sent"),
        *("mark_escalation_paged", "replace_poll_token"),
    ],
)
def test_a_code_claim_is_refused_as_no_session_by_every_write(backend: Backend, write: str) -> None:
    stored(backend, officer_record(officer(), code="ABCD2345"))
    claim = f"{CODE_PREFIX}ABCD2345"

    with pytest.raises(TransitionRefused) as refusal:
        _writes_to(backend.sessions, claim)[write]()

    assert refusal.value.current is None
    assert backend.sessions.record_presence(claim, "m-s-1", "met-1001", "joined", 1) is None
    with pytest.raises(CodeTaken):  # the claim is untouched
        backend.sessions.create(
            officer_record(officer(), "s-2", code="ABCD2345"), officer_revision=None
        )


# ------------------------------------------------------------------ writes that are not transitions
def test_presence_changes_only_for_a_strictly_newer_event_of_the_session_s_meeting(
    backend: Backend,
) -> None:
    record = stored(backend, officer_record(officer()))
    store = backend.sessions

    joined = store.record_presence("s-1", "m-s-1", "met-1001", "joined", 1000)

    assert joined == replace(record, presence={"met-1001": {"state": "joined", "at": 1000}})
    assert store.record_presence("s-1", "m-s-1", "met-1001", "left", 1000) is None  # same time
    assert store.record_presence("s-1", "m-s-1", "met-1001", "left", 999) is None  # older
    assert store.record_presence("s-1", "m-other", "met-1001", "left", 2000) is None
    assert store.record_presence("absent", "m-s-1", "met-1001", "left", 2000) is None
    assert current(backend, "s-1") == joined
    both = store.record_presence("s-1", "m-s-1", "her", "joined", 500)  # another user: own clock
    left = store.record_presence("s-1", "m-s-1", "met-1001", "dropped", 1001)
    assert both is not None and left is not None
    assert left.presence == {
        "met-1001": {"state": "dropped", "at": 1001},
        "her": {"state": "joined", "at": 500},
    }
    assert left.session == record.session  # not a transition: no new version
    assert current(backend, "s-1") == left


def test_she_asks_for_attendance_once_and_the_first_time_is_kept(backend: Backend) -> None:
    record = stored(backend, officer_record(officer()))

    first, asked = backend.sessions.request_attendance("s-1", AT)
    again, asked_again = backend.sessions.request_attendance("s-1", AT + timedelta(minutes=5))

    assert (asked, asked_again) == (True, False)
    assert first == again == current(backend, "s-1")
    assert first.session == record.session
    assert first.attendance_requested_at is not None
    assert datetime.fromisoformat(first.attendance_requested_at) == AT


@pytest.mark.parametrize("micro", [0, 250_000], ids=["whole-second", "fraction"])
def test_attendance_is_stamped_as_the_session_s_own_times_are(backend: Backend, micro: int) -> None:
    stored(backend, officer_record(officer()))

    at = AT.replace(microsecond=micro)

    first, _ = backend.sessions.request_attendance("s-1", at)

    assert first.attendance_requested_at == iso(at)
    assert first.attendance_requested_at.endswith("Z")


def test_a_uniformed_officer_is_marked_sent_once_and_only_after_she_asked(
    backend: Backend,
) -> None:
    record = stored(backend, officer_record(officer()))
    with pytest.raises(TransitionRefused) as refusal:
        backend.sessions.mark_attendance_sent("s-1", SERGEANT_ID, AT)
    assert refusal.value.current == record  # she has not asked: nothing written
    assert current(backend, "s-1") == record

    asked, _ = backend.sessions.request_attendance("s-1", AT)
    at = AT + timedelta(minutes=1)
    sent, first = backend.sessions.mark_attendance_sent("s-1", SERGEANT_ID, at)
    again, first_again = backend.sessions.mark_attendance_sent(
        "s-1", "met-2002", AT + timedelta(minutes=3)
    )

    assert (first, first_again) == (True, False)
    assert sent == again == current(backend, "s-1")
    assert sent == replace(asked, attendance_sent_at=iso(at), attendance_sent_by=SERGEANT_ID)
    assert sent.session == record.session  # not a transition: no new version
    with pytest.raises(TransitionRefused) as absent:
        backend.sessions.mark_attendance_sent("absent", SERGEANT_ID, AT)
    assert absent.value.current is None


def test_attendance_on_a_session_that_does_not_exist_is_refused_with_none(
    backend: Backend,
) -> None:
    with pytest.raises(TransitionRefused) as refusal:
        backend.sessions.request_attendance("absent", AT)

    assert refusal.value.current is None
    assert backend.sessions.get("absent") is None


def test_bookkeeping_writes_change_their_field_and_no_version(backend: Backend) -> None:
    record = stored(backend, public_record("p-1"))

    backend.sessions.mark_escalation_paged("p-1", 2)
    replaced = backend.sessions.replace_poll_token("p-1", "f" * 64)

    expected = replace(record, escalation_paged=2, poll_token_hash="f" * 64)
    assert replaced == current(backend, "p-1") == expected


def test_marking_a_rung_paged_on_a_session_that_does_not_exist_is_refused_with_none(
    backend: Backend,
) -> None:
    with pytest.raises(TransitionRefused) as refusal:
        backend.sessions.mark_escalation_paged("absent", 1)

    assert refusal.value.current is None
    assert backend.sessions.get("absent") is None


def test_replacing_the_poll_token_of_a_session_that_does_not_exist_is_refused_with_none(
    backend: Backend,
) -> None:
    with pytest.raises(TransitionRefused) as refusal:
        backend.sessions.replace_poll_token("absent", "f" * 64)

    assert refusal.value.current is None
    assert backend.sessions.get("absent") is None


# ------------------------------------------------------------------ reads
def test_waiting_is_the_force_s_waiting_sessions_oldest_first(backend: Backend) -> None:
    def at(minutes: int) -> datetime:
        return NOW + timedelta(minutes=minutes)

    third = stored(backend, officer_record(officer(), "c", at=at(2)))
    first = stored(backend, in_state(officer_record(officer(), "a", at=at(0)), _S.ESCALATED))
    second = stored(backend, public_record("b", at=at(1)))
    for session_id, state in (("x1", _S.CLAIMED), ("x2", _S.EXPIRED), ("x3", _S.CANCELLED)):
        stored(backend, in_state(officer_record(officer(), session_id, at=at(-5)), state))
    stored(backend, public_record("gmp", at=at(-10), force="GMP"))

    assert backend.sessions.waiting("MET", None, 10) == [first, second, third]
    assert backend.sessions.waiting("MET", None, 2) == [first, second]
    assert [r.session.session_id for r in backend.sessions.waiting("GMP", None, 10)] == ["gmp"]


def test_an_area_s_queue_holds_its_sessions_and_those_of_no_area(backend: Backend) -> None:
    north = officer(officer_id="met-1002", shoulder_number="5678CD", area="NORTH")
    central = stored(backend, officer_record(officer(), "central", at=NOW))
    stored(backend, officer_record(north, "north", at=NOW + timedelta(seconds=1)))
    anywhere = stored(backend, public_record("anywhere", at=NOW + timedelta(seconds=2)))

    assert backend.sessions.waiting("MET", "CENTRAL", 10) == [central, anywhere]
    assert [r.session.session_id for r in backend.sessions.waiting("MET", "NORTH", 10)] == [
        "north",
        "anywhere",
    ]


def test_a_claim_leaves_the_queue_and_its_release_puts_it_back_in_its_place(
    backend: Backend,
) -> None:
    older = stored(backend, officer_record(officer(), "older", at=NOW))
    stored(backend, officer_record(officer(), "newer", at=NOW + timedelta(seconds=30)))

    claimed = _claim(backend.sessions, older)
    assert [r.session.session_id for r in backend.sessions.waiting("MET", None, 10)] == ["newer"]
    assert claimed is not None
    _release(backend.sessions, claimed)

    queue = backend.sessions.waiting("MET", None, 10)
    assert [r.session.session_id for r in queue] == ["older", "newer"]


def test_waiting_is_oldest_first_within_a_second(backend: Backend) -> None:
    for session_id, micro in (("b", 250_000), ("a", 0), ("c", 999_999)):
        stored(backend, officer_record(officer(), session_id, at=NOW.replace(microsecond=micro)))

    queue = backend.sessions.waiting("MET", None, 10)

    assert [r.session.session_id for r in queue] == ["a", "b", "c"]


def test_by_code_finds_the_session_by_its_canonical_code(backend: Backend) -> None:
    record = stored(backend, officer_record(officer(), code="ABCD2345"))
    stored(backend, officer_record(officer(), "s-2", code="WXYZ6789"))

    assert backend.sessions.by_code("ABCD2345") == record
    assert backend.sessions.by_code("abcd2345") is None
    assert backend.sessions.by_code("ABCD-2345") is None
    assert backend.sessions.by_code("ABCD2346") is None


def test_by_code_is_the_newest_session_once_an_old_claim_has_lapsed(backend: Backend) -> None:
    stored(backend, in_state(officer_record(officer(), "old", code="ABCD2345"), _S.VERIFIED))
    backend.lapse_code("ABCD2345")
    new = stored(backend, officer_record(officer(), "new", code="ABCD2345", at=AT))

    assert backend.sessions.by_code("ABCD2345") == new


def test_latest_for_officer_is_their_newest_session_whatever_its_state(
    backend: Backend,
) -> None:
    stored(backend, officer_record(officer(), "old", at=NOW))
    newest = stored(backend, in_state(officer_record(officer(), "new", at=AT), _S.CANCELLED, at=AT))
    stored(backend, officer_record(sergeant_officer(), "sergeants", at=AT + timedelta(hours=1)))

    assert backend.sessions.latest_for_officer(OFFICER_ID) == newest
    assert backend.sessions.latest_for_officer("met-9999") is None


def test_latest_for_officer_is_the_newest_within_a_second(backend: Backend) -> None:
    stored(backend, officer_record(officer(), "first", at=NOW))
    later = stored(backend, officer_record(officer(), "later", at=NOW.replace(microsecond=500_000)))

    assert backend.sessions.latest_for_officer(OFFICER_ID) == later


# ------------------------------------------------------------------ items written before
def test_items_with_the_domain_s_times_as_sort_keys_still_read_and_sort(
    dynamodb: Any, new_table: Callable[[Table], str]
) -> None:
    """DynamoDB only: items from before the sort keys (``created_at``, ``queue_since``) got six
    fraction digits, with the domain's format in them, read back the same and keep their place."""
    retention = timedelta(days=30)
    sessions_table, officers_table = new_table(SESSIONS), new_table(OFFICERS)
    store = DynamoSessionStore(dynamodb, sessions_table, officers_table, retention)
    old = officer_record(officer(), "old", at=NOW, code="ABCD2345")
    item = record_to_item(old, retention)
    assert item["created_at"] != {"S": iso(NOW)}  # what is written now is not the old format
    item |= {"created_at": {"S": iso(NOW)}, "queue_since": {"S": f"{iso(NOW)}#old"}}
    dynamodb.put_item(TableName=sessions_table, Item=item)
    new = officer_record(officer(), "new", at=NOW + timedelta(seconds=1))
    store.create(new, officer_revision=None)

    assert store.get("old") == old
    assert store.by_code("ABCD2345") == old
    assert store.waiting("MET", None, 10) == [old, new]
    assert store.latest_for_officer(OFFICER_ID) == new
