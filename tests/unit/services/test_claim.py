"""SessionService.claim: one sergeant takes the session, joins the call and sees the card."""

from __future__ import annotations

from dataclasses import replace

import pytest

from functions.domain import (
    CardWarningCode,
    Conflict,
    Forbidden,
    NotFound,
    Principal,
    SessionState,
)
from functions.services.sessions import SessionService, Unavailable
from tests.unit.services.builders import (
    GMP_SERGEANT_ID,
    OFFICER_ID,
    OFFICER_PHOTO,
    OTHER_SERGEANT_ID,
    SERGEANT_ID,
    officer,
    officer_caller,
    operator_caller,
    sergeant_caller,
)
from tests.unit.services.fakes import FakeMeetings, FakeOfficerRegister, FakeSessionStore


def test_claim_returns_the_sergeants_attendee_in_the_sessions_meeting(
    service: SessionService, session_id: str, meetings: FakeMeetings, sessions: FakeSessionStore
) -> None:
    claimed = service.claim(sergeant_caller(), session_id)

    meeting_id = claimed.record.session.meeting_id
    assert meeting_id is not None
    assert claimed.record.meeting is not None
    assert claimed.record.meeting["MeetingId"] == meeting_id
    assert claimed.attendee["ExternalUserId"] == SERGEANT_ID
    assert claimed.attendee == meetings.attendees[meeting_id][SERGEANT_ID]
    assert claimed.record.session.state is SessionState.CLAIMED
    assert claimed.record.session.claimed_by == SERGEANT_ID
    assert sessions.records[session_id] == claimed.record


def test_claim_returns_the_officers_identity_card_with_a_photo_url_from_the_photo_store(
    service: SessionService, session_id: str
) -> None:
    card = service.claim(sergeant_caller(), session_id).card

    assert card is not None
    assert card.display_name == "Jane Smith"
    assert (card.rank.value, card.shoulder_number, card.force, card.area) == (
        "PC",
        "1234AB",
        "MET",
        "CENTRAL",
    )
    assert card.on_duty is True
    assert card.photo_url == f"https://photos.test/{OFFICER_PHOTO}?X-Amz-Expires=300"
    assert card.warnings == ()


def test_card_warns_of_what_the_register_says_about_the_officer(
    service: SessionService, register: FakeOfficerRegister
) -> None:
    entry = register.entries[OFFICER_ID]
    register.save(
        replace(entry, officer=officer(on_duty=False, photo_key=None)),
        expected_revision=entry.revision,
    )
    session_id = service.start(officer_caller()).record.session.session_id

    card = service.claim(sergeant_caller(), session_id).card

    assert card is not None
    assert card.photo_url is None
    assert [w.code for w in card.warnings] == [
        CardWarningCode.NOT_ON_DUTY,
        CardWarningCode.NO_PHOTO,
    ]


def test_a_suspension_after_the_start_reaches_the_card_through_the_snapshot(
    service: SessionService, session_id: str, register: FakeOfficerRegister
) -> None:
    entry = register.entries[OFFICER_ID]
    register.save(
        replace(entry, officer=officer(status="suspended")), expected_revision=entry.revision
    )

    card = service.claim(sergeant_caller(), session_id).card

    assert card is not None
    assert card.warnings[0].code is CardWarningCode.OFFICER_SUSPENDED


def test_a_second_sergeant_cannot_claim_a_claimed_session(
    service: SessionService, claimed_id: str, sessions: FakeSessionStore, meetings: FakeMeetings
) -> None:
    with pytest.raises(Conflict):
        service.claim(sergeant_caller(OTHER_SERGEANT_ID), claimed_id)

    assert sessions.records[claimed_id].session.claimed_by == SERGEANT_ID
    meeting_id = sessions.records[claimed_id].session.meeting_id
    assert meeting_id is not None
    assert OTHER_SERGEANT_ID not in meetings.attendees[meeting_id]


def test_the_same_sergeant_claiming_again_gets_the_same_seat(
    service: SessionService, session_id: str, sessions: FakeSessionStore
) -> None:
    first = service.claim(sergeant_caller(), session_id)
    again = service.claim(sergeant_caller(), session_id)

    assert again.attendee == first.attendee
    assert again.record.session.state is SessionState.CLAIMED
    assert again.card == first.card
    assert sessions.records[session_id].session.version == first.record.session.version


def test_a_sergeant_cannot_claim_their_own_verification(
    service: SessionService, sessions: FakeSessionStore
) -> None:
    own = service.start(sergeant_caller()).record.session.session_id

    with pytest.raises(Forbidden):
        service.claim(sergeant_caller(), own)

    assert sessions.state(own) is SessionState.REQUESTED


def test_a_sergeant_of_another_force_cannot_claim(
    service: SessionService, session_id: str, sessions: FakeSessionStore
) -> None:
    with pytest.raises(Forbidden):
        service.claim(sergeant_caller(GMP_SERGEANT_ID, force="GMP"), session_id)

    assert sessions.state(session_id) is SessionState.REQUESTED


@pytest.mark.parametrize("caller", [officer_caller(), operator_caller()], ids=["officer", "op"])
def test_only_sergeants_claim(
    service: SessionService, session_id: str, sessions: FakeSessionStore, caller: Principal
) -> None:
    with pytest.raises(Forbidden):
        service.claim(caller, session_id)

    assert sessions.called("claim") == []


def test_claiming_an_unknown_session_is_not_found(service: SessionService) -> None:
    with pytest.raises(NotFound):
        service.claim(sergeant_caller(), "no-such-session")


def test_claiming_a_cancelled_session_is_a_conflict(
    service: SessionService, session_id: str
) -> None:
    service.cancel(officer_caller(), session_id)

    with pytest.raises(Conflict):
        service.claim(sergeant_caller(), session_id)


def test_chime_failure_on_claim_is_unavailable_and_releases_the_claim(
    service: SessionService, session_id: str, sessions: FakeSessionStore, meetings: FakeMeetings
) -> None:
    meetings.fail("add_attendee")

    with pytest.raises(Unavailable) as raised:
        service.claim(sergeant_caller(), session_id)

    assert raised.value.http_status == 503
    released = sessions.records[session_id].session
    assert released.state is SessionState.REQUESTED
    assert released.claimed_by is None
    assert [r.session.session_id for r in sessions.waiting("MET", None, limit=10)] == [session_id]
    claimed = service.claim(sergeant_caller(OTHER_SERGEANT_ID), session_id)
    assert claimed.record.session.claimed_by == OTHER_SERGEANT_ID


def test_chime_and_release_failing_together_is_still_unavailable_and_the_seat_recoverable(
    service: SessionService, session_id: str, sessions: FakeSessionStore, meetings: FakeMeetings
) -> None:
    meetings.fail("add_attendee")
    sessions.fail("release")

    with pytest.raises(Unavailable):
        service.claim(sergeant_caller(), session_id)

    still = sessions.records[session_id].session
    assert still.claimed_by == SERGEANT_ID  # the claim stands...
    again = service.claim(sergeant_caller(), session_id)  # ...and claiming again gets the seat
    assert again.attendee["ExternalUserId"] == SERGEANT_ID


def test_a_claim_without_an_officer_snapshot_has_no_card(
    service: SessionService, session_id: str, sessions: FakeSessionStore
) -> None:
    sessions.records[session_id] = replace(sessions.records[session_id], officer=None)

    assert service.claim(sergeant_caller(), session_id).card is None


def test_claim_reads_and_writes_nothing_in_the_register(
    service: SessionService, session_id: str, register: FakeOfficerRegister
) -> None:
    calls_before = len(register.calls)

    service.claim(sergeant_caller(), session_id)

    assert len(register.calls) == calls_before
