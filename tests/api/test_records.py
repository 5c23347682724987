"""Her record after the stop, through the real API on the local stack (issue 18).

She keeps it with the key her page made, once the stop has ended, and reads it back by reference
with the key in a header. The record has exactly the allowed fields; a wrong key and an unknown
reference get the same 404 and count against the limit; after the retention period it is gone
while the audit trail stays.
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from functions.domain.records import RECORD_FIELDS
from functions.wiring import feedback_service, public_service, record_service, session_service
from local.events import EventPump

from .helpers import call
from .test_public import as_client, fresh_client

_CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
START = datetime(2026, 9, 1, 21, 30, tzinfo=UTC)


def new_key() -> str:
    """What her page makes: 26 characters of Crockford base32 from a CSPRNG."""
    return "".join(secrets.choice(_CROCKFORD) for _ in range(26))


@dataclass
class Clock:
    now: datetime

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def clock() -> Iterator[Clock]:
    """The services' clock, so retention can be crossed without waiting 90 days."""
    fixed = Clock(START)
    monkeypatch = pytest.MonkeyPatch()
    for service in (session_service(), public_service(), record_service(), feedback_service()):
        monkeypatch.setattr(service, "clock", fixed)
    yield fixed
    monkeypatch.undo()


def verified_stop(api: Any, tokens: dict[str, str], clock: Clock) -> dict[str, Any]:
    officer, sergeant = tokens["officer.central"], tokens["sergeant.central"]
    status, started = call(api, "POST", "/sessions", officer)
    assert status == 201, started
    session_id = started["session_id"]
    clock.now += timedelta(seconds=15)
    assert call(api, "POST", f"/sessions/{session_id}/claim", sergeant)[0] == 200
    clock.now += timedelta(seconds=60)
    status, body = call(
        api, "POST", f"/sessions/{session_id}/outcome", sergeant, {"outcome": "verified"}
    )
    assert status == 200, body
    return started  # type: ignore[no-any-return]


def keep(api: Any, her: str, code: str, key: str) -> tuple[int, Any]:
    status, _, body = as_client(api, her, "PUT", f"/verify/{code}/record", {"key": key})
    return status, body


def read(api: Any, who: str, reference: str, key: str) -> tuple[int, Any]:
    status, _, body = as_client(
        api, who, "GET", f"/records/{reference}", headers={"X-Record-Key": key}
    )
    return status, body


def test_her_record_has_exactly_the_allowed_fields_and_no_photo_location_or_ids(
    api: Any, tokens: dict[str, str], clock: Clock
) -> None:
    officer, sergeant = tokens["officer.central"], tokens["sergeant.central"]
    her, key = fresh_client(), new_key()
    status, started = call(api, "POST", "/sessions", officer)
    assert status == 201, started
    code, session_id = started["public_code"], started["session_id"]

    # Before the end there is nothing final to keep.
    status, early = keep(api, her, code, key)
    assert (status, early["error"]["code"]) == (409, "stop_not_ended")

    clock.now += timedelta(seconds=20)
    assert call(api, "POST", f"/sessions/{session_id}/claim", sergeant)[0] == 200
    assert as_client(api, her, "POST", f"/verify/{code}/attendance")[0] == 200
    clock.now += timedelta(seconds=70)
    decided = call(
        api, "POST", f"/sessions/{session_id}/outcome", sergeant, {"outcome": "verified"}
    )
    assert decided[0] == 200, decided

    status, kept = keep(api, her, code, key)
    assert status == 200, kept
    # A retry over a poor connection sends the same key and gets the same record.
    assert keep(api, her, code, key) == (200, kept)
    # Another key, from whoever else holds the code, does not replace hers.
    status, taken = keep(api, fresh_client(), code, new_key())
    assert (status, taken["error"]["code"]) == (409, "record_key_taken")

    # Typed back as people type: lower case, dashes.
    typed = "-".join(key[i : i + 4] for i in range(0, 26, 4)).lower()
    status, record = read(api, fresh_client(), started["reference"].lower(), typed)
    assert status == 200, record
    assert record == kept
    assert set(record) == RECORD_FIELDS | {"kept_until", "feedback"}
    assert record["feedback"] is None
    assert record["reference"] == started["reference"]
    assert record["outcome"] == "verified"
    assert record["force"] == "MET"
    assert record["channel"] == "officer"
    assert set(record["officer"]) == {"rank", "shoulder_number", "display_name"}
    assert record["officer"]["shoulder_number"] == "4521"
    assert record["decided_by"] == {"rank": "PS", "shoulder_number": "118"}
    assert datetime.fromisoformat(record["decided_at"]) == START + timedelta(seconds=90)
    assert datetime.fromisoformat(record["started_at"]) == START
    assert record["uniformed_officer_requested_at"] is not None
    assert datetime.fromisoformat(record["kept_until"]) == START + timedelta(days=90, seconds=90)
    text = json.dumps(record)
    for hidden in (session_id, "met-", "photo", "lat", "lon", "location", "meeting", key):
        assert hidden not in text


def test_a_wrong_key_and_an_unknown_reference_answer_the_same_and_count(
    api: Any, tokens: dict[str, str], clock: Clock
) -> None:
    started = verified_stop(api, tokens, clock)
    key = new_key()
    assert keep(api, fresh_client(), started["public_code"], key)[0] == 200
    guesser = fresh_client()

    wrong_key = read(api, guesser, started["reference"], new_key())
    unknown = read(api, guesser, "SC-260901-ZZZZZ", key)
    malformed = read(api, guesser, "not-a-reference", "short")
    assert wrong_key == unknown == malformed
    assert wrong_key[0] == 404 and wrong_key[1]["error"]["code"] == "not_found"

    # 30 reads an hour per client: three are spent, 27 more are answered, then 429.
    answers = [read(api, guesser, started["reference"], new_key())[0] for _ in range(28)]
    assert answers == [404] * 27 + [429]
    # Past the limit even the right key is refused: the answer says nothing about keys.
    assert read(api, guesser, started["reference"], key)[0] == 429
    assert read(api, fresh_client(), started["reference"], key)[0] == 200


def test_the_key_must_be_well_formed_and_nothing_is_kept_otherwise(
    api: Any, tokens: dict[str, str], clock: Clock
) -> None:
    started = verified_stop(api, tokens, clock)
    her = fresh_client()
    for bad in ("", "too-short", "U" * 26, new_key() + "X"):
        status, body = keep(api, her, started["public_code"], bad)
        assert status == 400, body
        assert body["error"]["details"][0]["field"] == "key"
    status, _, extra = as_client(
        api, her, "PUT", f"/verify/{started['public_code']}/record", {"key": new_key(), "x": 1}
    )
    assert status == 400, extra
    # Nothing was kept: a good key is still the first.
    assert keep(api, her, started["public_code"], new_key())[0] == 200


def test_after_the_retention_period_the_record_is_gone_and_the_audit_trail_is_not(
    api: Any, tokens: dict[str, str], clock: Clock, pump: EventPump
) -> None:
    started = verified_stop(api, tokens, clock)
    key = new_key()
    status, kept = keep(api, fresh_client(), started["public_code"], key)
    assert status == 200, kept

    clock.now = datetime.fromisoformat(kept["kept_until"]) - timedelta(seconds=1)
    assert read(api, fresh_client(), started["reference"], key)[0] == 200
    clock.now += timedelta(seconds=1)
    status, gone = read(api, fresh_client(), started["reference"], key)
    assert (status, gone["error"]["code"]) == (404, "not_found")

    sergeant = tokens["sergeant.central"]

    def trail() -> list[dict[str, Any]]:
        status, body = call(api, "GET", f"/sessions/{started['session_id']}/audit", sergeant)
        return body["entries"] if status == 200 else []

    entries = pump.wait_for(lambda: len(t := trail()) >= 3 and t, timeout=20, what="the trail")
    assert entries[-1]["to_state"] == "verified"


def test_her_own_call_keeps_its_record_with_its_token(
    api: Any, tokens: dict[str, str], clock: Clock
) -> None:
    her = fresh_client()
    status, _, started = as_client(
        api, her, "POST", "/public/calls", {"force": "MET", "shoulder_number": "4521"}
    )
    assert status == 201, started
    call_id, token = started["call_id"], {"X-Call-Token": started["poll_token"]}
    sergeant = tokens["sergeant.central"]
    assert call(api, "POST", f"/sessions/{call_id}/claim", sergeant)[0] == 200
    reason = {"outcome": "not_verified", "reason": "Could not see the warrant card"}
    assert call(api, "POST", f"/sessions/{call_id}/outcome", sergeant, reason)[0] == 200
    key = new_key()

    path = f"/public/calls/{call_id}/record"
    wrong = as_client(api, her, "PUT", path, {"key": key}, headers={"X-Call-Token": "nope"})
    assert wrong[0] == 404
    status, _, kept = as_client(api, her, "PUT", path, {"key": key}, headers=token)
    assert status == 200, kept
    assert kept["channel"] == "public"
    assert kept["outcome"] == "not_verified"
    assert read(api, fresh_client(), started["reference"], key) == (200, kept)
