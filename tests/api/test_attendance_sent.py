"""The control room says a uniformed officer was sent to her (issue 18: her record says whether
one was asked for and sent), through the real API on the local stack."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from local.events import EventPump

from .helpers import call
from .test_public import as_client, fresh_client
from .test_records import Clock, keep, new_key, read, verified_stop
from .test_records import clock as clock


def test_sent_after_she_asked_shows_on_her_phone_in_the_trail_and_in_her_record(
    api: Any, tokens: dict[str, str], clock: Clock, pump: EventPump
) -> None:
    sergeant = tokens["sergeant.central"]
    started = verified_stop(api, tokens, clock)
    code, session_id = started["public_code"], started["session_id"]
    path = f"/sessions/{session_id}/attendance/sent"

    # Before she asks there is nothing to answer, and nothing is written.
    status, refused = call(api, "POST", path, sergeant)
    assert (status, refused["error"]["code"]) == (409, "attendance_not_requested")
    her = fresh_client()
    assert as_client(api, her, "GET", f"/verify/{code}")[2]["attendance_sent_at"] is None

    # She asks, and keeps her record before anyone is sent.
    assert as_client(api, her, "POST", f"/verify/{code}/attendance")[0] == 200
    key = new_key()
    status, kept = keep(api, her, code, key)
    assert status == 200, kept
    assert kept["uniformed_officer_requested_at"] is not None
    assert kept["uniformed_officer_sent_at"] is None

    status, sent = call(api, "POST", path, sergeant)
    assert status == 200, sent
    assert datetime.fromisoformat(sent["attendance_sent_at"]) == clock.now
    # Said twice (a double tap, a second sergeant): the first time stays.
    assert (
        call(api, "POST", path, tokens["sergeant.north"])[1]["attendance_sent_at"]
        == (sent["attendance_sent_at"])
    )
    assert (
        as_client(api, her, "GET", f"/verify/{code}")[2]["attendance_sent_at"]
        == (sent["attendance_sent_at"])
    )

    def trail() -> list[dict[str, Any]]:
        return call(api, "GET", f"/sessions/{session_id}/audit", sergeant)[1]["entries"]

    entries = pump.wait_for(
        lambda: [e for e in trail() if e["reason"] == "uniformed officer sent"] or None,
        timeout=20,
        what="the audit entry of the uniformed officer sent",
    )
    # Who said so: sergeant.central (PS 118).
    assert [(e["actor"], e["at"]) for e in entries] == [("met-0118", sent["attendance_sent_at"])]
    # Her record, kept before anyone was sent, now says when one was.
    status, record = read(api, fresh_client(), started["reference"], key)
    assert status == 200, record
    assert record["uniformed_officer_sent_at"] == sent["attendance_sent_at"]


def test_only_the_control_room_of_the_force_may_say_one_was_sent(
    api: Any, tokens: dict[str, str], clock: Clock, make_user: Any
) -> None:
    started = verified_stop(api, tokens, clock)
    code, session_id = started["public_code"], started["session_id"]
    assert as_client(api, fresh_client(), "POST", f"/verify/{code}/attendance")[0] == 200
    path = f"/sessions/{session_id}/attendance/sent"

    assert call(api, "POST", path, tokens["officer.central"])[0] == 403  # the officer stopped
    elsewhere = make_user(f"wmp-{uuid.uuid4().hex[:6]}", roles=["sergeant", "officer"], force="WMP")
    assert call(api, "POST", path, elsewhere)[0] == 404  # another force's: no such session
    assert as_client(api, fresh_client(), "GET", f"/verify/{code}")[2]["attendance_sent_at"] is None
    status, sent = call(api, "POST", path, tokens["operator"])
    assert status == 200, sent
