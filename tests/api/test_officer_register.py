"""The officer register: admin upkeep, HR import, photos, the 999 lookup and duty."""

from __future__ import annotations

import uuid
from typing import Any

import requests

from local.demo import demo_portrait
from local.provision import Stack

from .helpers import call, pager_alerts

HEADER = "officer_id,force,shoulder_number,given_name,family_name,rank,area,status,sergeant"


def _csv(*rows: str) -> bytes:
    return ("\n".join([HEADER, *rows]) + "\n").encode()


def _new_number() -> str:
    return uuid.uuid4().hex[:7].upper()


def test_import_with_bad_rows_reports_each_and_writes_nothing(
    api: Any, tokens: dict[str, str]
) -> None:
    good_id, good_number = f"imp-{uuid.uuid4().hex[:6]}", _new_number()
    body = _csv(
        f"{good_id},MET,{good_number},Ann,Bell,PC,CENTRAL,serving,no",
        f"imp-x{uuid.uuid4().hex[:5]},MET,,Bob,Carr,PC,CENTRAL,serving,no",
        f"imp-y{uuid.uuid4().hex[:5]},MET,{_new_number()},Cat,Dunn,Wizard,CENTRAL,serving,maybe",
    )
    status, refused = call(
        api,
        "POST",
        "/officers/import",
        tokens["admin"],
        raw=body,
        headers={"Content-Type": "text/csv"},
    )
    assert status == 400
    problems = {(d["row"], d["field"]) for d in refused["error"]["details"]}
    assert {(2, "shoulder_number"), (3, "rank"), (3, "sergeant")} <= problems
    assert all(row != 1 for row, _ in problems)
    status, _ = call(
        api, "GET", f"/officers/lookup?force=MET&shoulder={good_number}", tokens["operator"]
    )
    assert status == 404  # the good row was not written either


def test_import_creates_then_updates(api: Any, tokens: dict[str, str]) -> None:
    officer_id, number = f"imp-{uuid.uuid4().hex[:6]}", _new_number()
    row = f"{officer_id},MET,{number},Dee,Eve,DC,NORTH,serving,no"
    status, counts = call(
        api,
        "POST",
        "/officers/import",
        tokens["admin"],
        raw=_csv(row),
        headers={"Content-Type": "text/csv"},
    )
    assert (status, counts) == (200, {"created": 1, "updated": 0})
    status, counts = call(
        api,
        "POST",
        "/officers/import",
        tokens["admin"],
        raw=_csv(row.replace("serving", "former")),
        headers={"Content-Type": "text/csv"},
    )
    assert (status, counts) == (200, {"created": 0, "updated": 1})
    status, found = call(
        api, "GET", f"/officers/lookup?force=MET&shoulder={number}", tokens["operator"]
    )
    assert status == 200
    assert found["officer"]["status"] == "former"
    assert found["officer"]["warnings"][0]["code"] == "officer_not_serving"


def test_only_admins_of_the_force_keep_the_register(api: Any, tokens: dict[str, str]) -> None:
    row = _csv(f"imp-{uuid.uuid4().hex[:6]},KENT,{_new_number()},Fay,Gill,PC,EAST,serving,no")
    status, refused = call(
        api,
        "POST",
        "/officers/import",
        tokens["admin"],
        raw=row,
        headers={"Content-Type": "text/csv"},
    )
    assert status == 400 and refused["error"]["details"][0]["field"] == "force"
    assert (
        call(
            api,
            "POST",
            "/officers/import",
            tokens["sergeant.central"],
            raw=row,
            headers={"Content-Type": "text/csv"},
        )[0]
        == 403
    )
    assert (
        call(api, "PUT", "/officers/met-4521", tokens["officer.central"], {"force": "MET"})[0]
        == 403
    )


def test_put_officer_validates_and_keeps_shoulder_numbers_unique(
    api: Any, tokens: dict[str, str]
) -> None:
    admin = tokens["admin"]
    record = {
        "force": "MET",
        "shoulder_number": _new_number(),
        "given_name": "Hal",
        "family_name": "Ives",
        "rank": "Insp",
        "area": "CENTRAL",
        "status": "serving",
        "is_sergeant": False,
    }
    status, saved = call(api, "PUT", f"/officers/put-{uuid.uuid4().hex[:6]}", admin, record)
    assert status == 200 and saved["display_name"] == "Hal Ives"
    status, taken = call(api, "PUT", f"/officers/put-{uuid.uuid4().hex[:6]}", admin, record)
    assert status == 409 and taken["error"]["details"][0]["field"] == "shoulder_number"
    status, refused = call(
        api,
        "PUT",
        f"/officers/put-{uuid.uuid4().hex[:6]}",
        admin,
        {**record, "shoulder_number": _new_number(), "rank": "Wizard", "extra": 1},
    )
    assert status == 400
    assert {"rank", "extra"} <= {d["field"] for d in refused["error"]["details"]}


def test_photo_upload_puts_a_presigned_photo_on_the_card(
    api: Any, stack: Stack, tokens: dict[str, str]
) -> None:
    admin = tokens["admin"]
    status, saved = call(
        api,
        "PUT",
        "/officers/met-7710/photo",
        admin,
        raw=demo_portrait(),
        headers={"Content-Type": "image/png"},
    )
    assert status == 200 and saved["has_photo"] is True
    status, found = call(api, "GET", "/officers/lookup?force=MET&shoulder=7710", tokens["operator"])
    url = found["officer"]["photo_url"]
    assert "X-Amz-Signature" in url and "X-Amz-Expires=300" in url
    assert requests.get(url, timeout=5).content == demo_portrait()
    status, _refused = call(
        api,
        "PUT",
        "/officers/met-7710/photo",
        admin,
        raw=b"GIF89a....",
        headers={"Content-Type": "image/png"},
    )
    assert status == 400


def test_the_999_lookup_shows_duty_and_the_live_session(api: Any, tokens: dict[str, str]) -> None:
    session = call(api, "POST", "/sessions", tokens["officer.central"])[1]
    status, found = call(api, "GET", "/officers/lookup?force=met&shoulder=4521", tokens["operator"])
    assert status == 200
    assert found["officer"]["display_name"] == "Sam Ahmed"
    assert found["officer"]["on_duty"] is True
    assert found["live_session"]["session_id"] == session["session_id"]
    assert found["live_session"]["state"] == "requested"
    assert (
        call(api, "GET", "/officers/lookup?force=MET&shoulder=9999X", tokens["operator"])[0] == 404
    )
    status, refused = call(api, "GET", "/officers/lookup?force=MET", tokens["operator"])
    assert status == 400 and refused["error"]["details"][0]["field"] == "shoulder"
    assert (
        call(api, "GET", "/officers/lookup?force=MET&shoulder=4521", tokens["officer.north"])[0]
        == 403
    )


def test_a_sergeant_off_duty_is_not_paged(api: Any, stack: Stack, tokens: dict[str, str]) -> None:
    sergeant = tokens["sergeant.north"]
    pager = stack.user("sergeant.north").pager_queue_url or ""
    status, duty = call(api, "PUT", "/me/duty", sergeant, {"on_duty": False})
    assert (status, duty) == (200, {"on_duty": False, "alerts_subscribed": False})
    try:
        off = call(api, "POST", "/sessions", tokens["officer.north"])[1]
        assert pager_alerts(pager, off["session_id"], expect=False) == []
    finally:
        status, duty = call(api, "PUT", "/me/duty", sergeant, {"on_duty": True})
    assert (status, duty) == (200, {"on_duty": True, "alerts_subscribed": True})
    on = call(api, "POST", "/sessions", tokens["officer.north"])[1]
    assert len(pager_alerts(pager, on["session_id"], expect=True)) == 1


def test_duty_input_and_eligibility(api: Any, tokens: dict[str, str]) -> None:
    status, refused = call(api, "PUT", "/me/duty", tokens["officer.central"], {"on_duty": "yes"})
    assert status == 400 and refused["error"]["details"][0]["field"] == "on_duty"
    status, refused = call(api, "PUT", "/me/duty", tokens["officer.suspended"], {"on_duty": True})
    assert status == 409 and refused["error"]["code"] == "officer_suspended"
    assert call(api, "PUT", "/me/duty", tokens["operator"], {"on_duty": True})[0] == 403
