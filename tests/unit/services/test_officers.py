"""OfficerService: duty and alert subscriptions, register upkeep, the 999 lookup, photos."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest

from functions.domain import (
    CardWarningCode,
    Conflict,
    Forbidden,
    NotFound,
    OfficerNotEligible,
    OfficerStatus,
    Principal,
    SessionState,
    ValidationFailed,
)
from functions.services.officers import PHOTO_MAX_BYTES, OfficerService
from functions.services.ports import Pager
from functions.services.sessions import SessionService, Unavailable
from tests.unit.services.builders import (
    GMP_SERGEANT_ID,
    OFFICER_ID,
    OFFICER_PHOTO,
    OTHER_SERGEANT_ID,
    SERGEANT_ID,
    SERGEANT_PAGER,
    admin_caller,
    officer,
    officer_caller,
    operator_caller,
    sergeant_caller,
    sergeant_officer,
)
from tests.unit.services.fakes import FakeAlerts, FakeOfficerRegister, FakePhotos, FakeSessionStore

JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 100
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 100


def _fields(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "force": "MET",
        "shoulder_number": "1234AB",
        "given_name": "Jane",
        "family_name": "Smith-Jones",
        "rank": "PC",
        "area": "CENTRAL",
        "status": "serving",
        "is_sergeant": False,
    }
    data.update(overrides)
    return data


def _off_duty(register: FakeOfficerRegister, officer_id: str) -> None:
    entry = register.entries[officer_id]
    register.save(
        replace(entry, officer=entry.officer.model_copy(update={"on_duty": False})),
        expected_revision=entry.revision,
    )


# ---------------------------------------------------------------------------- duty
def test_an_on_duty_sergeant_with_a_pager_is_subscribed_to_their_area(
    officers: OfficerService, register: FakeOfficerRegister, alerts: FakeAlerts
) -> None:
    _off_duty(register, SERGEANT_ID)

    saved, subscribed = officers.set_duty(sergeant_caller(), True)

    assert subscribed is True
    assert saved.officer.on_duty is True
    [(arn, subscription)] = alerts.subscriptions.items()
    assert subscription == (SERGEANT_PAGER, "MET", ("CENTRAL",))
    assert saved.subscription_arn == arn
    assert register.entries[SERGEANT_ID] == saved


def test_going_off_duty_unsubscribes_the_sergeant(
    officers: OfficerService, register: FakeOfficerRegister, alerts: FakeAlerts
) -> None:
    officers.set_duty(sergeant_caller(), True)

    saved, subscribed = officers.set_duty(sergeant_caller(), False)

    assert subscribed is False
    assert saved.officer.on_duty is False
    assert saved.subscription_arn is None
    assert alerts.subscriptions == {}
    assert register.entries[SERGEANT_ID].subscription_arn is None


def test_going_on_duty_twice_subscribes_once(officers: OfficerService, alerts: FakeAlerts) -> None:
    officers.set_duty(sergeant_caller(), True)
    _, subscribed = officers.set_duty(sergeant_caller(), True)

    assert subscribed is True
    assert len(alerts.subscriptions) == 1


@pytest.mark.parametrize(
    "caller",
    [sergeant_caller(OTHER_SERGEANT_ID), officer_caller()],
    ids=["sergeant-without-pager", "constable"],
)
def test_only_a_sergeant_with_a_pager_is_paged(
    officers: OfficerService, alerts: FakeAlerts, caller: Principal
) -> None:
    saved, subscribed = officers.set_duty(caller, True)

    assert subscribed is False
    assert saved.officer.on_duty is True
    assert alerts.subscriptions == {}


@pytest.mark.parametrize(
    ("officer_id", "caller", "is_sergeant"),
    [
        (OFFICER_ID, officer_caller(), False),
        (SERGEANT_ID, sergeant_caller(), False),
        (SERGEANT_ID, officer_caller(SERGEANT_ID), True),
    ],
    ids=["constable-with-pager", "demoted-sergeant", "sergeant-token-without-role"],
)
def test_a_pager_alone_does_not_page_without_the_sergeant_role_and_register_flag(
    officers: OfficerService,
    register: FakeOfficerRegister,
    alerts: FakeAlerts,
    officer_id: str,
    caller: Principal,
    is_sergeant: bool,
) -> None:
    entry = register.entries[officer_id]
    register.save(
        replace(
            entry,
            officer=entry.officer.model_copy(update={"is_sergeant": is_sergeant}),
            pager=SERGEANT_PAGER,
        ),
        expected_revision=entry.revision,
    )

    _, subscribed = officers.set_duty(caller, True)

    assert subscribed is False
    assert alerts.subscriptions == {}


def test_a_suspended_officer_cannot_go_on_duty(
    officers: OfficerService, register: FakeOfficerRegister, alerts: FakeAlerts
) -> None:
    entry = register.entries[SERGEANT_ID]
    register.save(
        replace(entry, officer=sergeant_officer(status="suspended")),
        expected_revision=entry.revision,
    )
    before = register.entries[SERGEANT_ID]

    with pytest.raises(OfficerNotEligible) as raised:
        officers.set_duty(sergeant_caller(), True)

    assert raised.value.code == "officer_suspended"
    assert alerts.subscriptions == {}
    assert register.entries[SERGEANT_ID] == before


def test_a_suspended_officer_can_still_go_off_duty(
    officers: OfficerService, register: FakeOfficerRegister
) -> None:
    entry = register.entries[OFFICER_ID]
    register.save(
        replace(entry, officer=officer(status="suspended")), expected_revision=entry.revision
    )

    saved, _ = officers.set_duty(officer_caller(), False)

    assert saved.officer.on_duty is False


def test_a_failed_save_after_subscribing_unsubscribes_again(
    officers: OfficerService, register: FakeOfficerRegister, alerts: FakeAlerts
) -> None:
    _off_duty(register, SERGEANT_ID)
    register.fail("save", Conflict("The officer's record changed while it was being saved."))

    with pytest.raises(Conflict):
        officers.set_duty(sergeant_caller(), True)

    assert len(alerts.called("subscribe")) == 1
    assert alerts.subscriptions == {}
    assert register.entries[SERGEANT_ID].officer.on_duty is False


def test_a_failed_subscription_is_unavailable_and_saves_nothing(
    officers: OfficerService, register: FakeOfficerRegister, alerts: FakeAlerts
) -> None:
    _off_duty(register, SERGEANT_ID)
    alerts.fail("subscribe")

    with pytest.raises(Unavailable):
        officers.set_duty(sergeant_caller(), True)

    assert register.called("save") == [(SERGEANT_ID, 1)]  # only _off_duty's own save
    assert register.entries[SERGEANT_ID].officer.on_duty is False


def test_a_failed_save_when_going_off_duty_changes_nothing(
    officers: OfficerService, register: FakeOfficerRegister, alerts: FakeAlerts
) -> None:
    officers.set_duty(sergeant_caller(), True)
    register.fail("save", Conflict("The officer's record changed while it was being saved."))

    with pytest.raises(Conflict):
        officers.set_duty(sergeant_caller(), False)

    entry = register.entries[SERGEANT_ID]
    assert entry.officer.on_duty is True
    assert entry.subscription_arn in alerts.subscriptions  # the register still says "paged"


def test_duty_needs_a_register_entry_and_an_officer_or_sergeant_role(
    officers: OfficerService,
) -> None:
    with pytest.raises(NotFound):
        officers.set_duty(officer_caller("met-9999"), True)
    with pytest.raises(Forbidden):
        officers.set_duty(operator_caller(), True)


# ---------------------------------------------------------------------------- put
def test_put_creates_a_new_officer_off_duty_without_photo(
    officers: OfficerService, register: FakeOfficerRegister
) -> None:
    saved = officers.put(admin_caller(), "met-1003", _fields(shoulder_number="9999"))

    assert saved.revision == 1
    assert saved.officer.on_duty is False
    assert saved.officer.photo_key is None
    assert register.entries["met-1003"] == saved


def test_put_keeps_duty_photo_and_pager_of_an_existing_officer(
    officers: OfficerService, register: FakeOfficerRegister
) -> None:
    officers.set_duty(sergeant_caller(), True)
    before = register.entries[SERGEANT_ID]

    saved = officers.put(
        admin_caller(),
        SERGEANT_ID,
        _fields(shoulder_number="2001PS", rank="PS", is_sergeant=True, family_name="Khan"),
    )

    assert saved.officer.family_name == "Khan"
    assert saved.officer.on_duty is True
    assert saved.pager == SERGEANT_PAGER
    assert saved.subscription_arn == before.subscription_arn
    assert saved.revision == before.revision + 1
    kept_photo = officers.put(admin_caller(), OFFICER_ID, _fields())
    assert kept_photo.officer.photo_key == OFFICER_PHOTO
    assert kept_photo.officer.on_duty is True


def test_put_replaces_the_pager_when_one_is_given(officers: OfficerService) -> None:
    saved = officers.put(
        admin_caller(),
        SERGEANT_ID,
        _fields(
            shoulder_number="2001PS",
            is_sergeant=True,
            pager={"protocol": "email", "endpoint": "ps2001@met.example"},
        ),
    )

    assert saved.pager == Pager("email", "ps2001@met.example")


def test_a_suspension_by_put_reaches_the_live_sessions_snapshot(
    officers: OfficerService,
    service: SessionService,
    session_id: str,
    sessions: FakeSessionStore,
) -> None:
    officers.put(admin_caller(), OFFICER_ID, _fields(status="suspended"))

    snapshot = sessions.records[session_id].officer
    assert snapshot is not None
    assert snapshot.status is OfficerStatus.SUSPENDED


def test_put_refuses_an_admin_of_another_force(
    officers: OfficerService, register: FakeOfficerRegister
) -> None:
    before = dict(register.entries)

    with pytest.raises(Forbidden):
        officers.put(admin_caller("GMP"), OFFICER_ID, _fields())
    with pytest.raises(Forbidden):
        officers.put(admin_caller("GMP"), OFFICER_ID, _fields(force="GMP"))
    with pytest.raises(Forbidden):
        officers.put(admin_caller("GMP"), "met-1003", _fields(shoulder_number="9999"))

    assert register.entries == before


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        (_fields(rank="Wizard"), "rank"),
        (_fields(pager={"protocol": "carrier-pigeon", "endpoint": "loft"}), "pager"),
    ],
)
def test_put_names_the_bad_field(
    officers: OfficerService, register: FakeOfficerRegister, fields: dict[str, Any], field: str
) -> None:
    with pytest.raises(ValidationFailed) as raised:
        officers.put(admin_caller(), "met-1003", fields)

    assert field in [d["field"] for d in raised.value.details]
    assert "met-1003" not in register.entries


def test_put_refuses_a_shoulder_number_already_in_use(officers: OfficerService) -> None:
    with pytest.raises(Conflict):
        officers.put(admin_caller(), "met-1003", _fields(shoulder_number="1234AB"))


def test_only_admins_put(officers: OfficerService) -> None:
    with pytest.raises(Forbidden):
        officers.put(sergeant_caller(), OFFICER_ID, _fields())


# ---------------------------------------------------------------------------- import
HEADER = "officer_id,force,shoulder_number,given_name,family_name,rank,area,status,sergeant\n"


def test_import_creates_new_and_updates_existing_officers_keeping_duty_and_photo(
    officers: OfficerService, register: FakeOfficerRegister
) -> None:
    text = (
        HEADER
        + f"{OFFICER_ID},MET,1234AB,Jane,Smith-Jones,PC,CENTRAL,serving,no\n"
        + "met-1003,MET,7777,Ann,Lee,DC,NORTH,serving,no\n"
    )

    assert officers.import_csv(admin_caller(), text) == {"created": 1, "updated": 1}

    updated = register.entries[OFFICER_ID].officer
    assert updated.family_name == "Smith-Jones"
    assert (updated.on_duty, updated.photo_key) == (True, OFFICER_PHOTO)
    assert register.entries["met-1003"].officer.on_duty is False


def test_import_writes_nothing_when_any_row_is_invalid(
    officers: OfficerService, register: FakeOfficerRegister
) -> None:
    text = (
        HEADER
        + "met-1003,MET,7777,Ann,Lee,DC,NORTH,serving,no\n"
        + "met-1004,MET,8888,Bob,Ray,Wizard,NORTH,serving,no\n"
    )

    with pytest.raises(ValidationFailed) as raised:
        officers.import_csv(admin_caller(), text)

    assert [(d["row"], d["field"]) for d in raised.value.details] == [(2, "rank")]
    assert register.called("save") == []


def test_import_writes_nothing_when_a_row_is_for_another_force(
    officers: OfficerService, register: FakeOfficerRegister
) -> None:
    text = (
        HEADER
        + "met-1003,MET,7777,Ann,Lee,DC,NORTH,serving,no\n"
        + "gmp-4001,GMP,7777,Bob,Ray,PC,SALFORD,serving,no\n"
    )

    with pytest.raises(ValidationFailed) as raised:
        officers.import_csv(admin_caller(), text)

    assert [(d["row"], d["field"]) for d in raised.value.details] == [(2, "force")]
    assert register.called("save") == []


def test_import_cannot_take_over_an_officer_of_another_force(
    officers: OfficerService, register: FakeOfficerRegister
) -> None:
    text = HEADER + f"{GMP_SERGEANT_ID},MET,6666,Evil,Twin,PS,CENTRAL,serving,yes\n"

    with pytest.raises((Forbidden, ValidationFailed)):
        officers.import_csv(admin_caller(), text)

    assert register.entries[GMP_SERGEANT_ID].officer.force == "GMP"


def test_only_admins_import(officers: OfficerService) -> None:
    with pytest.raises(Forbidden):
        officers.import_csv(operator_caller(), HEADER + "met-1003,MET,7,A,B,PC,N,serving,no\n")


# ---------------------------------------------------------------------------- 999 lookup
def test_lookup_returns_the_card_and_the_live_session_for_the_same_force(
    officers: OfficerService, session_id: str, photos: FakePhotos
) -> None:
    found = officers.lookup(operator_caller(), " met ", "1234ab")

    assert found.card.display_name == "Jane Smith"
    assert found.card.photo_url == f"https://photos.test/{OFFICER_PHOTO}?X-Amz-Expires=300"
    assert found.card.warnings == ()
    assert found.live_session is not None
    assert found.live_session["session_id"] == session_id
    assert found.live_session["state"] == "requested"
    assert found.live_session["claimed_by"] is None


def test_lookup_shows_who_claimed_the_live_session(
    officers: OfficerService, claimed_id: str
) -> None:
    found = officers.lookup(sergeant_caller(OTHER_SERGEANT_ID), "MET", "1234AB")

    assert found.live_session is not None
    assert (found.live_session["state"], found.live_session["claimed_by"]) == (
        "claimed",
        SERGEANT_ID,
    )


def test_lookup_of_another_forces_officer_shows_the_card_but_no_session(
    officers: OfficerService, session_id: str, sessions: FakeSessionStore
) -> None:
    found = officers.lookup(operator_caller("GMP"), "MET", "1234AB")

    assert CardWarningCode.OTHER_FORCE in [w.code for w in found.card.warnings]
    assert found.live_session is None
    assert sessions.called("latest_for_officer") == []


def test_lookup_has_no_live_session_once_the_session_ended(
    officers: OfficerService, service: SessionService, session_id: str, sessions: FakeSessionStore
) -> None:
    service.cancel(officer_caller(), session_id)
    assert sessions.state(session_id) is SessionState.CANCELLED

    assert officers.lookup(operator_caller(), "MET", "1234AB").live_session is None


def test_lookup_of_an_officer_who_never_started_a_session(officers: OfficerService) -> None:
    assert officers.lookup(operator_caller(), "MET", "1234AB").live_session is None


def test_lookup_refusals(officers: OfficerService) -> None:
    with pytest.raises(NotFound):
        officers.lookup(operator_caller(), "MET", "0000")
    with pytest.raises(ValidationFailed) as no_force:
        officers.lookup(operator_caller(), " ", "1234AB")
    assert no_force.value.details[0]["field"] == "force"
    with pytest.raises(ValidationFailed) as no_shoulder:
        officers.lookup(operator_caller(), "MET", "")
    assert no_shoulder.value.details[0]["field"] == "shoulder"
    with pytest.raises(Forbidden):
        officers.lookup(officer_caller(), "MET", "1234AB")


# ---------------------------------------------------------------------------- photos
@pytest.mark.parametrize(
    ("content", "content_type"),
    [(JPEG, "image/jpeg"), (PNG, "image/png; charset=binary"), (PNG, "IMAGE/PNG")],
)
def test_put_photo_stores_the_image_and_points_the_register_at_it(
    officers: OfficerService,
    register: FakeOfficerRegister,
    photos: FakePhotos,
    content: bytes,
    content_type: str,
) -> None:
    saved = officers.put_photo(admin_caller(), SERGEANT_ID, content, content_type)

    key = saved.officer.photo_key
    assert key is not None
    assert photos.objects[key][0] == content
    assert register.entries[SERGEANT_ID].officer.photo_key == key


def test_a_photo_of_exactly_the_limit_is_accepted(
    officers: OfficerService, photos: FakePhotos
) -> None:
    content = JPEG + b"\x00" * (PHOTO_MAX_BYTES - len(JPEG))

    officers.put_photo(admin_caller(), SERGEANT_ID, content, "image/jpeg")

    assert len(photos.objects) == 1


@pytest.mark.parametrize(
    ("content", "content_type"),
    [
        (b"GIF89a" + b"\x00" * 100, "image/gif"),
        (PNG, "image/jpeg"),
        (JPEG, "image/png"),
        (b"", "image/jpeg"),
        (JPEG + b"\x00" * (PHOTO_MAX_BYTES + 1 - len(JPEG)), "image/jpeg"),
    ],
    ids=["gif", "png-bytes-as-jpeg", "jpeg-bytes-as-png", "empty", "too-large"],
)
def test_put_photo_refuses_anything_but_a_small_jpeg_or_png(
    officers: OfficerService,
    register: FakeOfficerRegister,
    photos: FakePhotos,
    content: bytes,
    content_type: str,
) -> None:
    with pytest.raises(ValidationFailed) as raised:
        officers.put_photo(admin_caller(), SERGEANT_ID, content, content_type)

    assert raised.value.details[0]["field"] == "body"
    assert photos.objects == {}
    assert register.entries[SERGEANT_ID].officer.photo_key is None


def test_put_photo_refuses_unknown_officers_and_other_forces(
    officers: OfficerService, photos: FakePhotos
) -> None:
    with pytest.raises(NotFound):
        officers.put_photo(admin_caller(), "met-9999", JPEG, "image/jpeg")
    with pytest.raises(Forbidden):
        officers.put_photo(admin_caller("GMP"), SERGEANT_ID, JPEG, "image/jpeg")
    with pytest.raises(Forbidden):
        officers.put_photo(sergeant_caller(), SERGEANT_ID, JPEG, "image/jpeg")

    assert photos.objects == {}
