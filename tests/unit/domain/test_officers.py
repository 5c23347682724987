"""The officer register entry and the identity card the sergeant reads on the call."""

from collections.abc import Callable
from typing import Any

import pytest
from pydantic import ValidationError

from functions.domain import (
    CardWarningCode,
    IdentityCard,
    Officer,
    OfficerNotEligible,
    OfficerStatus,
    Rank,
    identity_card,
    parse_rank,
)

MakeOfficer = Callable[..., Officer]
PHOTO = "https://photos.example/p/7f3a.jpg?sig=abc"


@pytest.mark.parametrize(
    ("text", "rank"),
    [
        ("PC", Rank.PC),
        ("pc", Rank.PC),
        (" Pc ", Rank.PC),
        ("Police Constable", Rank.PC),
        ("DC", Rank.DC),
        ("ps", Rank.PS),
        ("Sgt", Rank.PS),
        ("Detective Sergeant", Rank.DS),
        ("INSP", Rank.INSP),
        ("Ch. Insp", Rank.CH_INSP),
        ("chief inspector", Rank.CH_INSP),
        ("dci", Rank.DCI),
        ("ch-supt", Rank.CH_SUPT),
        ("Chief Constable", Rank.CC),
        ("Commander", Rank.CMDR),
    ],
)
def test_rank_spellings(text: str, rank: Rank) -> None:
    assert parse_rank(text) is rank


@pytest.mark.parametrize("text", ["", "Captain", "Constable Savage", "P C 1", "Lieutenant"])
def test_unknown_ranks(text: str) -> None:
    assert parse_rank(text) is None


def test_every_rank_has_a_long_name() -> None:
    assert all(rank.long_name for rank in Rank)
    assert Rank.PS.long_name == "Police Sergeant"


def test_officer_normalises_what_hr_types(make_officer: MakeOfficer) -> None:
    officer = make_officer(
        force=" met ",
        shoulder_number=" 1234ab ",
        given_name="  Mary   Jane ",
        family_name="O'Brien-Smith",
        rank="detective constable",
        area="central",
        status="SUSPENDED",
    )
    assert (officer.force, officer.shoulder_number, officer.area) == ("MET", "1234AB", "CENTRAL")
    assert officer.display_name == "Mary Jane O'Brien-Smith"
    assert officer.rank is Rank.DC
    assert officer.status is OfficerStatus.SUSPENDED


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("officer_id", ""),
        ("officer_id", "has space"),
        ("force", "M"),
        ("force", "1MET"),
        ("force", "METROPOLITAN1"),
        ("shoulder_number", ""),
        ("shoulder_number", "12 34"),
        ("shoulder_number", "12345678901"),
        ("given_name", "   "),
        ("family_name", "x" * 65),
        ("family_name", "Smith\x00"),
        ("rank", "Captain"),
        ("area", "north west"),
        ("status", "retired"),
        ("is_sergeant", "perhaps"),
        ("photo_key", ""),
    ],
)
def test_officer_rejects_bad_fields(field: str, value: Any, make_officer: MakeOfficer) -> None:
    with pytest.raises(ValidationError) as caught:
        make_officer(**{field: value})
    assert [e["loc"] for e in caught.value.errors()] == [(field,)]


def test_officer_rejects_unknown_fields(make_officer: MakeOfficer) -> None:
    with pytest.raises(ValidationError):
        make_officer(nickname="Janey")


def test_officer_is_immutable(make_officer: MakeOfficer) -> None:
    officer = make_officer()
    with pytest.raises(ValidationError):
        officer.__setattr__("status", OfficerStatus.FORMER)


def test_serving_officer_goes_on_and_off_duty(make_officer: MakeOfficer) -> None:
    off = make_officer(on_duty=False)
    on = off.with_duty(True)
    assert (off.on_duty, on.on_duty, on.with_duty(False).on_duty) == (False, True, False)


@pytest.mark.parametrize(
    ("status", "code"), [("suspended", "officer_suspended"), ("former", "officer_not_serving")]
)
def test_officer_not_serving_cannot_go_on_duty(
    status: str, code: str, make_officer: MakeOfficer
) -> None:
    with pytest.raises(OfficerNotEligible) as caught:
        make_officer(status=status, on_duty=False).with_duty(True)
    assert caught.value.code == code


def test_stale_duty_flag_can_always_be_cleared(make_officer: MakeOfficer) -> None:
    assert not make_officer(status="suspended", on_duty=True).with_duty(False).on_duty


# ------------------------------------------------------------------ identity card


def test_card_has_exactly_the_contract_fields(make_officer: MakeOfficer) -> None:
    card = identity_card(make_officer(), viewer_force="MET", photo_url=PHOTO)
    assert set(card.model_dump()) == {
        "display_name",
        "rank",
        "shoulder_number",
        "force",
        "area",
        "status",
        "on_duty",
        "photo_url",
        "warnings",
    }
    assert card.model_dump(mode="json") == {
        "display_name": "Jane Smith",
        "rank": "PC",
        "shoulder_number": "1234AB",
        "force": "MET",
        "area": "CENTRAL",
        "status": "serving",
        "on_duty": True,
        "photo_url": PHOTO,
        "warnings": [],
    }


def test_card_leaks_no_internal_ids(make_officer: MakeOfficer) -> None:
    dumped = identity_card(make_officer(), viewer_force="MET", photo_url=PHOTO).model_dump_json()
    assert "met-1001" not in dumped  # officer_id
    assert "photos/" not in dumped  # photo_key


@pytest.mark.parametrize(
    ("overrides", "viewer_force", "photo_url", "code", "words"),
    [
        ({"status": "suspended"}, "MET", PHOTO, CardWarningCode.OFFICER_SUSPENDED, "suspended"),
        ({"status": "former"}, "MET", PHOTO, CardWarningCode.OFFICER_NOT_SERVING, "no longer"),
        ({"on_duty": False}, "MET", PHOTO, CardWarningCode.NOT_ON_DUTY, "not booked on duty"),
        ({}, "WMP", PHOTO, CardWarningCode.OTHER_FORCE, "belongs to MET, not WMP"),
        ({"photo_key": None}, "MET", None, CardWarningCode.NO_PHOTO, "No photo"),
    ],
)
def test_each_warning_on_its_own(
    overrides: dict[str, Any],
    viewer_force: str,
    photo_url: str | None,
    code: CardWarningCode,
    words: str,
    make_officer: MakeOfficer,
) -> None:
    card = identity_card(make_officer(**overrides), viewer_force=viewer_force, photo_url=photo_url)
    assert [w.code for w in card.warnings] == [code]
    assert words in card.warnings[0].message


def test_warnings_most_serious_first(make_officer: MakeOfficer) -> None:
    officer = make_officer(status="suspended", on_duty=False, force="WMP", photo_key=None)
    card = identity_card(officer, viewer_force="MET", photo_url=None)
    assert [w.code for w in card.warnings] == [
        CardWarningCode.OFFICER_SUSPENDED,
        CardWarningCode.OTHER_FORCE,
        CardWarningCode.NOT_ON_DUTY,
        CardWarningCode.NO_PHOTO,
    ]


def test_viewer_force_is_case_insensitive(make_officer: MakeOfficer) -> None:
    card = identity_card(make_officer(), viewer_force=" met ", photo_url=PHOTO)
    assert card.warnings == ()


def test_no_photo_follows_what_the_sergeant_can_see(make_officer: MakeOfficer) -> None:
    # A photo key whose URL could not be produced still leaves the sergeant without a face.
    card = identity_card(make_officer(), viewer_force="MET", photo_url=None)
    assert [w.code for w in card.warnings] == [CardWarningCode.NO_PHOTO]


def test_card_is_a_frozen_value(make_officer: MakeOfficer) -> None:
    card = identity_card(make_officer(), viewer_force="MET", photo_url=PHOTO)
    assert isinstance(card, IdentityCard)
    with pytest.raises(ValidationError):
        card.__setattr__("on_duty", False)
