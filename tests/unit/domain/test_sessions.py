"""The verification session state machine: who may do what, and when."""

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

import pytest
from pydantic import ValidationError

from functions.domain import (
    ALLOWED_TRANSITIONS,
    OUTCOME_STATES,
    TERMINAL_STATES,
    WAITING_STATES,
    Channel,
    Conflict,
    Forbidden,
    Officer,
    OfficerNotEligible,
    Principal,
    Session,
    SessionState,
    ValidationFailed,
    can_view,
    expected_states_for,
    open_officer_session,
    open_public_session,
)

S = SessionState
DriveTo = Callable[[SessionState], Session]
Apply = Callable[[Session, SessionState, datetime], Session]

# The product diagram, written out independently of the implementation's table.
SPEC_ALLOWED: set[tuple[SessionState, SessionState]] = {
    (S.REQUESTED, S.ESCALATED),
    (S.REQUESTED, S.CLAIMED),
    (S.REQUESTED, S.CANCELLED),
    (S.REQUESTED, S.EXPIRED),
    (S.ESCALATED, S.ESCALATED),
    (S.ESCALATED, S.CLAIMED),
    (S.ESCALATED, S.CANCELLED),
    (S.ESCALATED, S.EXPIRED),
    (S.CLAIMED, S.VERIFIED),
    (S.CLAIMED, S.NOT_VERIFIED),
    (S.CLAIMED, S.DROPPED),
    (S.CLAIMED, S.CANCELLED),
}
# `requested` is only ever created, so no method targets it.
TARGETS = [s for s in SessionState if s is not S.REQUESTED]
SPEC_FORBIDDEN = [
    (src, dst) for src in SessionState for dst in TARGETS if (src, dst) not in SPEC_ALLOWED
]


def test_state_names_are_the_contract_words() -> None:
    assert [s.value for s in SessionState] == [
        "requested",
        "escalated",
        "claimed",
        "verified",
        "not_verified",
        "cancelled",
        "expired",
        "dropped",
    ]


def test_transition_table_is_the_product_diagram() -> None:
    table = {(src, dst) for src, dsts in ALLOWED_TRANSITIONS.items() for dst in dsts}
    assert table == SPEC_ALLOWED
    assert set(ALLOWED_TRANSITIONS) == set(SessionState)


def test_terminal_and_waiting_states() -> None:
    assert {S.VERIFIED, S.NOT_VERIFIED, S.CANCELLED, S.EXPIRED, S.DROPPED} == TERMINAL_STATES
    assert {S.REQUESTED, S.ESCALATED} == WAITING_STATES


@pytest.mark.parametrize(
    ("target", "expected"),
    [
        (S.REQUESTED, set()),
        (S.ESCALATED, {S.REQUESTED, S.ESCALATED}),
        (S.CLAIMED, {S.REQUESTED, S.ESCALATED}),
        (S.EXPIRED, {S.REQUESTED, S.ESCALATED}),
        (S.CANCELLED, {S.REQUESTED, S.ESCALATED, S.CLAIMED}),
        (S.VERIFIED, {S.CLAIMED}),
        (S.NOT_VERIFIED, {S.CLAIMED}),
        (S.DROPPED, {S.CLAIMED}),
    ],
)
def test_expected_states_for_conditional_writes(
    target: SessionState, expected: set[SessionState]
) -> None:
    assert expected_states_for(target) == expected


@pytest.mark.parametrize(("source", "target"), sorted(SPEC_ALLOWED))
def test_every_allowed_transition(
    source: SessionState, target: SessionState, session_in: DriveTo, apply: Apply, now: datetime
) -> None:
    before = session_in(source)
    at = now + timedelta(minutes=2)

    after = apply(before, target, at)

    assert after.state is target
    assert after.version == before.version + 1
    assert after.updated_at == at
    assert after.created_at == before.created_at
    assert before.state is source  # the old value is untouched: transitions are pure


@pytest.mark.parametrize(("source", "target"), SPEC_FORBIDDEN)
def test_every_forbidden_transition_is_a_conflict(
    source: SessionState, target: SessionState, session_in: DriveTo, apply: Apply, now: datetime
) -> None:
    before = session_in(source)

    with pytest.raises(Conflict) as caught:
        apply(before, target, now + timedelta(minutes=2))

    assert caught.value.http_status == 409
    assert caught.value.code == "conflict"
    assert caught.value.details == [{"field": "state", "message": f"the session is {source}"}]


def test_version_increments_on_every_transition(
    new_session: Session, sergeant: Principal, officer: Officer, now: datetime
) -> None:
    s1 = new_session
    s2 = s1.escalate(now + timedelta(seconds=30))
    s3 = s2.escalate(now + timedelta(seconds=60))
    s4 = s3.claim(sergeant, now + timedelta(seconds=70))
    s5 = s4.decide(sergeant, "verified", None, now + timedelta(seconds=90), officer)
    assert [s.version for s in (s1, s2, s3, s4, s5)] == [1, 2, 3, 4, 5]


def test_escalation_level_counts_escalations(new_session: Session, now: datetime) -> None:
    once = new_session.escalate(now)
    twice = once.escalate(now)
    levels = [s.escalation_level for s in (new_session, once, twice)]
    assert levels == [0, 1, 2]
    assert twice.state is S.ESCALATED


# --------------------------------------------------------------------------- claim


def test_claim_records_the_sergeant_and_time(
    new_session: Session, sergeant: Principal, now: datetime
) -> None:
    claimed = new_session.claim(sergeant, now)
    assert claimed.claimed_by == sergeant.officer_id
    assert claimed.claimed_at == now


def test_escalated_session_can_be_claimed(
    new_session: Session, sergeant: Principal, now: datetime
) -> None:
    assert new_session.escalate(now).claim(sergeant, now).state is S.CLAIMED


@pytest.mark.parametrize(
    "overrides",
    [
        pytest.param({"roles": ["officer"]}, id="plain-officer"),
        pytest.param({"roles": ["operator"]}, id="operator"),
        pytest.param({"roles": ["admin"]}, id="admin"),
        pytest.param({"roles": ["sergeant"], "force": "WMP"}, id="sergeant-other-force"),
        pytest.param({"roles": ["sergeant"], "officer_id": None}, id="sergeant-without-record"),
    ],
)
def test_claim_refused_for_wrong_caller(
    overrides: dict[str, Any],
    new_session: Session,
    make_principal: Callable[..., Principal],
    now: datetime,
) -> None:
    caller = make_principal(**{"officer_id": "met-3001", **overrides})
    with pytest.raises(Forbidden):
        new_session.claim(caller, now)


def test_sergeant_cannot_claim_a_session_about_themselves(
    make_officer: Callable[..., Officer],
    make_principal: Callable[..., Principal],
    now: datetime,
) -> None:
    me = make_officer(officer_id="met-2002", is_sergeant=True, rank="PS")
    principal = make_principal(roles=["officer", "sergeant"], officer_id="met-2002")
    session = open_officer_session(
        principal, me, session_id="s", now=now, public_code="ABCDEFGH", reference="SC-231126-AAAAA"
    )
    with pytest.raises(Forbidden, match="yourself"):
        session.claim(principal, now)


def test_second_claim_by_another_sergeant_conflicts(
    new_session: Session,
    sergeant: Principal,
    make_principal: Callable[..., Principal],
    now: datetime,
) -> None:
    other = make_principal(roles=["sergeant"], officer_id="met-2009")
    claimed = new_session.claim(sergeant, now)
    with pytest.raises(Conflict, match="Another sergeant"):
        claimed.claim(other, now)


def test_duplicate_claim_by_same_sergeant_conflicts(
    new_session: Session, sergeant: Principal, now: datetime
) -> None:
    claimed = new_session.claim(sergeant, now)
    with pytest.raises(Conflict, match="You have already claimed"):
        claimed.claim(sergeant, now)


# -------------------------------------------------------------------------- decide


def test_verified_records_who_when_and_optional_reason(
    session_in: DriveTo, sergeant: Principal, officer: Officer, now: datetime
) -> None:
    decided = session_in(S.CLAIMED).decide(sergeant, "verified", "  photo matches ", now, officer)
    assert decided.state is S.VERIFIED
    assert (decided.decided_by, decided.decided_at) == (sergeant.officer_id, now)
    assert decided.outcome_reason == "photo matches"


@pytest.mark.parametrize("reason", [None, "", "   \n "])
def test_not_verified_needs_a_reason_naming_the_field(
    reason: str | None, session_in: DriveTo, sergeant: Principal, officer: Officer, now: datetime
) -> None:
    claimed = session_in(S.CLAIMED)
    with pytest.raises(ValidationFailed) as caught:
        claimed.decide(sergeant, "not_verified", reason, now, officer)
    assert caught.value.http_status == 400
    assert [d["field"] for d in caught.value.details] == ["reason"]


def test_a_decision_is_recorded_with_video_unless_the_sergeant_says_otherwise(
    session_in: DriveTo, sergeant: Principal, officer: Officer, now: datetime
) -> None:
    with_video = session_in(S.CLAIMED).decide(sergeant, "verified", None, now, officer)
    assert with_video.decided_without_video is False

    by_voice = session_in(S.CLAIMED).decide(
        sergeant, "not_verified", "voice differs", now, officer, without_video=True
    )
    assert (by_voice.state, by_voice.decided_without_video) == (S.NOT_VERIFIED, True)


@pytest.mark.parametrize("state", [s for s in SessionState if s not in OUTCOME_STATES])
def test_only_an_outcome_can_have_been_decided_without_video(
    state: SessionState, session_in: DriveTo
) -> None:
    data = dict(session_in(state)) | {"decided_without_video": True}
    with pytest.raises(ValidationError, match="decided without video"):
        Session.model_validate(data)


def test_not_verified_with_reason_is_recorded(
    session_in: DriveTo, sergeant: Principal, officer: Officer, now: datetime
) -> None:
    decided = session_in(S.CLAIMED).decide(
        sergeant, "not_verified", "Face does not match the photo", now, officer
    )
    assert decided.state is S.NOT_VERIFIED
    assert decided.outcome_reason == "Face does not match the photo"


def test_reason_longer_than_500_characters_rejected(
    session_in: DriveTo, sergeant: Principal, officer: Officer, now: datetime
) -> None:
    with pytest.raises(ValidationFailed) as caught:
        session_in(S.CLAIMED).decide(sergeant, "not_verified", "x" * 501, now, officer)
    assert caught.value.details[0]["field"] == "reason"


@pytest.mark.parametrize("outcome", ["cancelled", "claimed", "maybe", ""])
def test_outcome_must_be_verified_or_not_verified(
    outcome: str, session_in: DriveTo, sergeant: Principal, officer: Officer, now: datetime
) -> None:
    with pytest.raises(ValidationFailed) as caught:
        session_in(S.CLAIMED).decide(sergeant, outcome, "reason", now, officer)
    assert caught.value.details[0]["field"] == "outcome"


@pytest.mark.parametrize(
    ("status", "code"), [("suspended", "officer_suspended"), ("former", "officer_not_serving")]
)
def test_verified_refused_for_officer_not_serving(
    status: str,
    code: str,
    session_in: DriveTo,
    sergeant: Principal,
    make_officer: Callable[..., Officer],
    now: datetime,
) -> None:
    claimed = session_in(S.CLAIMED)
    with pytest.raises(OfficerNotEligible) as caught:
        claimed.decide(sergeant, "verified", None, now, make_officer(status=status))
    assert caught.value.code == code
    assert caught.value.http_status == 409


@pytest.mark.parametrize("status", ["suspended", "former"])
def test_not_verified_allowed_for_officer_not_serving(
    status: str,
    session_in: DriveTo,
    sergeant: Principal,
    make_officer: Callable[..., Officer],
    now: datetime,
) -> None:
    decided = session_in(S.CLAIMED).decide(
        sergeant, "not_verified", "register says " + status, now, make_officer(status=status)
    )
    assert decided.state is S.NOT_VERIFIED


def test_only_the_claiming_sergeant_may_decide(
    session_in: DriveTo,
    make_principal: Callable[..., Principal],
    officer: Officer,
    now: datetime,
) -> None:
    other = make_principal(roles=["sergeant"], officer_id="met-2009")
    with pytest.raises(Forbidden, match="claimed"):
        session_in(S.CLAIMED).decide(other, "verified", None, now, officer)


def test_sergeant_of_other_force_may_not_decide(
    session_in: DriveTo, sergeant: Principal, officer: Officer, now: datetime
) -> None:
    outsider = sergeant.model_copy(update={"force": "WMP"})
    with pytest.raises(Forbidden):
        session_in(S.CLAIMED).decide(outsider, "verified", None, now, officer)


def test_officer_may_not_decide_their_own_session(
    session_in: DriveTo, officer_principal: Principal, officer: Officer, now: datetime
) -> None:
    with pytest.raises(Forbidden):
        session_in(S.CLAIMED).decide(officer_principal, "verified", None, now, officer)


def test_sergeant_may_not_verify_themselves_on_a_public_call(
    new_public_session: Session,
    sergeant: Principal,
    make_officer: Callable[..., Officer],
    now: datetime,
) -> None:
    # She called without naming anyone, so the claim cannot be refused up front; the decision
    # must still not let the sergeant vouch for themselves.
    claimed = new_public_session.claim(sergeant, now)
    myself = make_officer(officer_id=sergeant.officer_id, is_sergeant=True, shoulder_number="9")
    with pytest.raises(Forbidden, match="yourself"):
        claimed.decide(sergeant, "verified", None, now, myself)


def test_public_call_verified_records_the_identified_officer(
    new_public_session: Session, sergeant: Principal, officer: Officer, now: datetime
) -> None:
    decided = new_public_session.claim(sergeant, now).decide(
        sergeant, "verified", None, now, officer
    )
    assert decided.officer_id == officer.officer_id


def test_public_call_not_verified_without_an_officer(
    new_public_session: Session, sergeant: Principal, now: datetime
) -> None:
    decided = new_public_session.claim(sergeant, now).decide(
        sergeant, "not_verified", "no such shoulder number", now, None
    )
    assert decided.state is S.NOT_VERIFIED
    assert decided.officer_id is None


def test_verified_needs_an_officer(
    new_public_session: Session, sergeant: Principal, now: datetime
) -> None:
    claimed = new_public_session.claim(sergeant, now)
    with pytest.raises(ValidationFailed) as caught:
        claimed.decide(sergeant, "verified", None, now, None)
    assert caught.value.details[0]["field"] == "officer_id"


def test_decide_with_the_wrong_officer_record_is_a_bug(
    session_in: DriveTo, sergeant: Principal, make_officer: Callable[..., Officer], now: datetime
) -> None:
    with pytest.raises(ValueError, match="officer"):
        session_in(S.CLAIMED).decide(
            sergeant, "verified", None, now, make_officer(officer_id="met-9999")
        )


@pytest.mark.parametrize("state", [S.REQUESTED, S.ESCALATED])
def test_decide_before_claim_conflicts(
    state: SessionState, session_in: DriveTo, sergeant: Principal, officer: Officer, now: datetime
) -> None:
    with pytest.raises(Conflict, match="waiting"):
        session_in(state).decide(sergeant, "verified", None, now, officer)


@pytest.mark.parametrize("outcome", ["verified", "not_verified"])
def test_duplicate_decision_conflicts(
    outcome: str, session_in: DriveTo, sergeant: Principal, officer: Officer, now: datetime
) -> None:
    decided = session_in(S.VERIFIED)
    with pytest.raises(Conflict, match="already verified"):
        decided.decide(sergeant, outcome, "again", now, officer)


# -------------------------------------------------------------------------- cancel


@pytest.mark.parametrize("state", [S.REQUESTED, S.ESCALATED, S.CLAIMED])
def test_owner_can_cancel_before_an_outcome(
    state: SessionState, session_in: DriveTo, officer_principal: Principal, now: datetime
) -> None:
    assert session_in(state).cancel(officer_principal, now).state is S.CANCELLED


@pytest.mark.parametrize("state", sorted(TERMINAL_STATES))
def test_cancel_after_an_outcome_conflicts(
    state: SessionState, session_in: DriveTo, officer_principal: Principal, now: datetime
) -> None:
    with pytest.raises(Conflict):
        session_in(state).cancel(officer_principal, now)


@pytest.mark.parametrize(
    "overrides",
    [
        pytest.param({"officer_id": "met-1002"}, id="another-officer"),
        pytest.param({"roles": ["sergeant"], "officer_id": "met-2001"}, id="sergeant"),
        pytest.param({"roles": ["admin"]}, id="admin-with-same-id-but-no-officer-role"),
        pytest.param({"officer_id": None}, id="no-officer-record"),
    ],
)
def test_only_the_owning_officer_can_cancel(
    overrides: dict[str, Any],
    new_session: Session,
    make_principal: Callable[..., Principal],
    now: datetime,
) -> None:
    with pytest.raises(Forbidden):
        new_session.cancel(make_principal(**overrides), now)


def test_no_officer_can_cancel_her_public_call(
    new_public_session: Session, officer_principal: Principal, now: datetime
) -> None:
    with pytest.raises(Forbidden):
        new_public_session.cancel(officer_principal, now)


# ------------------------------------------------------------ system transitions


def test_late_escalation_timer_conflicts(session_in: DriveTo, now: datetime) -> None:
    with pytest.raises(Conflict, match="already claimed"):
        session_in(S.CLAIMED).escalate(now)


def test_naive_now_is_a_programming_error(new_session: Session) -> None:
    with pytest.raises(ValueError, match="timezone"):
        new_session.expire(datetime(2023, 11, 26, 22, 30))  # deliberately naive


def test_waiting_seconds(new_session: Session, now: datetime) -> None:
    assert new_session.waiting_seconds(now + timedelta(seconds=42)) == 42
    assert new_session.waiting_seconds(now - timedelta(seconds=5)) == 0  # clock skew


# ------------------------------------------------------------------------ viewing


@pytest.mark.parametrize(
    ("overrides", "allowed"),
    [
        pytest.param({}, True, id="own-officer"),
        pytest.param({"officer_id": "met-1002"}, False, id="other-officer"),
        pytest.param({"roles": ["sergeant"], "officer_id": "met-2001"}, True, id="sergeant"),
        pytest.param({"roles": ["operator"], "officer_id": None}, True, id="operator"),
        pytest.param({"roles": ["admin"], "officer_id": None}, True, id="admin"),
        pytest.param({"roles": ["sergeant"], "force": "WMP"}, False, id="sergeant-other-force"),
        pytest.param({"roles": ["operator"], "force": "WMP"}, False, id="operator-other-force"),
        pytest.param({"roles": ["admin"], "force": "WMP"}, False, id="admin-other-force"),
        pytest.param({"force": "WMP"}, False, id="own-officer-token-other-force"),
        pytest.param({"roles": []}, False, id="no-roles"),
    ],
)
def test_can_view(
    overrides: dict[str, Any],
    allowed: bool,
    new_session: Session,
    make_principal: Callable[..., Principal],
) -> None:
    assert can_view(make_principal(**overrides), new_session) is allowed


# ---------------------------------------------------------------------- creation


def test_officer_session_takes_force_and_area_from_the_register(
    new_session: Session, officer: Officer, now: datetime
) -> None:
    assert new_session.state is S.REQUESTED
    assert new_session.version == 1
    assert new_session.channel is Channel.OFFICER
    assert (new_session.force, new_session.area) == (officer.force, officer.area)
    assert new_session.officer_id == officer.officer_id
    assert new_session.created_at == new_session.updated_at == now
    assert new_session.public_code == "ABCDEFGH"  # stored canonical, shown with a dash


@pytest.mark.parametrize(
    "overrides",
    [
        pytest.param({"roles": ["sergeant"]}, id="not-an-officer"),
        pytest.param({"officer_id": "met-1002"}, id="someone-elses-record"),
    ],
)
def test_officer_session_only_for_the_officer_themselves(
    overrides: dict[str, Any],
    officer: Officer,
    make_principal: Callable[..., Principal],
    now: datetime,
) -> None:
    with pytest.raises(Forbidden):
        open_officer_session(
            make_principal(**overrides),
            officer,
            session_id="s",
            now=now,
            public_code="ABCDEFGH",
            reference="SC-231126-AAAAA",
        )


@pytest.mark.parametrize(
    ("extra", "field"),
    [
        ({"location": {"lat": 91, "lon": 0}}, "location.lat"),
        ({"location": {"lat": 51.5, "lon": -181}}, "location.lon"),
        ({"location": {"lat": 51.5, "lon": 0, "accuracy_m": 10_001}}, "location.accuracy_m"),
        ({"location": {"lat": True, "lon": 0}}, "location.lat"),
        ({"location": {"lat": 51.5, "lon": 0, "alt": 3}}, "location.alt"),
        ({"note": "x" * 501}, "note"),
        ({"public_code": "ABCD-EFG0"}, "public_code"),
    ],
)
def test_bad_session_input_names_the_field(
    extra: dict[str, Any],
    field: str,
    officer: Officer,
    officer_principal: Principal,
    now: datetime,
) -> None:
    kwargs: dict[str, Any] = {
        "session_id": "s",
        "now": now,
        "public_code": "ABCDEFGH",
        "reference": "SC-231126-AAAAA",
        **extra,
    }
    with pytest.raises(ValidationFailed) as caught:
        open_officer_session(officer_principal, officer, **kwargs)
    assert [d["field"] for d in caught.value.details] == [field]


def test_location_and_note_are_kept(
    officer: Officer, officer_principal: Principal, now: datetime
) -> None:
    session = open_officer_session(
        officer_principal,
        officer,
        session_id="s",
        now=now,
        public_code="ABCDEFGH",
        reference="SC-231126-AAAAA",
        location={"lat": 51.5072, "lon": -0.1276, "accuracy_m": 12},
        note="  outside the station  ",
    )
    assert session.location is not None
    assert (session.location.lat, session.location.lon) == (51.5072, -0.1276)
    assert session.note == "outside the station"


def test_blank_note_is_no_note(
    officer: Officer, officer_principal: Principal, now: datetime
) -> None:
    session = open_officer_session(
        officer_principal,
        officer,
        session_id="s",
        now=now,
        public_code="ABCDEFGH",
        reference="SC-231126-AAAAA",
        note="   ",
    )
    assert session.note is None


def test_public_session_without_officer_has_no_area(new_public_session: Session) -> None:
    assert new_public_session.channel is Channel.PUBLIC
    assert new_public_session.officer_id is None
    assert new_public_session.area is None


def test_public_session_naming_an_officer_routes_to_their_area(
    officer: Officer, now: datetime
) -> None:
    session = open_public_session(
        session_id="p",
        force="met",
        now=now,
        public_code="ABCDEFGH",
        reference="SC-231126-AAAAA",
        officer=officer,
    )
    assert (session.officer_id, session.area) == (officer.officer_id, "CENTRAL")


def test_public_session_refuses_an_officer_of_another_force(
    make_officer: Callable[..., Officer], now: datetime
) -> None:
    with pytest.raises(ValidationFailed) as caught:
        open_public_session(
            session_id="p",
            force="MET",
            now=now,
            public_code="ABCDEFGH",
            reference="SC-231126-AAAAA",
            officer=make_officer(force="WMP"),
        )
    assert caught.value.details[0]["field"] == "shoulder_number"


# ------------------------------------------------------------------ persistence


@pytest.mark.parametrize("state", list(SessionState))
def test_round_trips_through_json(state: SessionState, session_in: DriveTo) -> None:
    session = session_in(state)
    assert Session.model_validate(session.model_dump(mode="json")) == session


@pytest.mark.parametrize(
    "changes",
    [
        pytest.param({"state": "verified"}, id="verified-never-claimed-or-decided"),
        pytest.param({"state": "claimed"}, id="claimed-without-sergeant"),
        pytest.param({"state": "escalated"}, id="escalated-at-level-0"),
        pytest.param({"channel": "officer", "officer_id": None}, id="officer-call-without-officer"),
        pytest.param({"version": 0}, id="version-0"),
        pytest.param({"unknown": 1}, id="unknown-field"),
        pytest.param({"created_at": "2023-11-26T22:15:00"}, id="naive-timestamp"),
    ],
)
def test_impossible_records_are_rejected(changes: dict[str, Any], new_session: Session) -> None:
    data = new_session.model_dump(mode="json") | changes
    with pytest.raises(ValidationError):
        Session.model_validate(data)
