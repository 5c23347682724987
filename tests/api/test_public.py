"""Her side over HTTP: her code, her own call, attendance, rate limits, and no 5xx ever.

Different clients are different loopback addresses (127.0.0.x): the test API passes the socket's
peer address to the route as API Gateway passes the client's.
"""

from __future__ import annotations

import http.client
import json
import random
import uuid
from typing import Any
from urllib.parse import urlsplit

import pytest
import requests

from functions.domain import CODE_ALPHABET
from functions.services.public import PUBLIC_VIEW_KEYS
from local.provision import Stack

from .helpers import aws_calls, call, pager_alerts

OFFICER_KEYS = {"display_name", "rank", "shoulder_number", "force", "photo_url"}
DECISION_KEYS = {"outcome", "decided_at", "decided_by"}


def as_client(
    api: Any,
    address: str,
    method: str,
    path: str,
    body: Any = None,
    headers: dict[str, str] | None = None,
) -> tuple[int, dict[str, str], Any]:
    """A request from a given loopback address, as a distinct member of the public."""
    parts = urlsplit(api.url)
    connection = http.client.HTTPConnection(
        parts.hostname or "", parts.port, source_address=(address, 0), timeout=30
    )
    payload = body if isinstance(body, bytes) else (json.dumps(body).encode() if body else None)
    sent = {"Content-Type": "application/json", **(headers or {})}
    try:
        connection.request(method, path, body=payload, headers=sent)
        response = connection.getresponse()
        text = response.read().decode()
        return response.status, dict(response.getheaders()), json.loads(text) if text else None
    finally:
        connection.close()


def fresh_client() -> str:
    return f"127.0.{random.randint(1, 254)}.{random.randint(2, 254)}"


def check_view(view: dict[str, Any]) -> None:
    assert set(view) == PUBLIC_VIEW_KEYS
    if view["officer"] is not None:
        assert set(view["officer"]) == OFFICER_KEYS
    if view["decision"] is not None:
        assert set(view["decision"]) == DECISION_KEYS
        assert set(view["decision"]["decided_by"]) == {"rank", "shoulder_number"}
    text = json.dumps(view)
    for secret in (
        "session_id",
        "officer_id",
        "met-",
        "lat",
        "lon",
        "note",
        "claimed_by",
        "MeetingId",
        "JoinToken",
    ):
        assert secret not in text, secret


def test_her_view_follows_the_session_with_exactly_the_allowed_fields(
    api: Any, tokens: dict[str, str]
) -> None:
    officer, sergeant = tokens["officer.central"], tokens["sergeant.central"]
    started = call(
        api,
        "POST",
        "/sessions",
        officer,
        {"location": {"lat": 51.5, "lon": -0.1}, "note": "stopped on Oxford St"},
    )[1]
    code = started["public_code"]
    her = fresh_client()

    status, _, waiting = as_client(api, her, "GET", f"/verify/{code}")
    assert status == 200
    check_view(waiting)
    assert waiting["state"] == "requested"
    assert waiting["reference"] == started["reference"]
    assert waiting["officer"]["display_name"] == "Sam Ahmed"
    assert waiting["officer"]["shoulder_number"] == "4521"
    photo = requests.get(waiting["officer"]["photo_url"], timeout=5)
    assert photo.status_code == 200
    assert waiting["decision"] is None

    call(api, "POST", f"/sessions/{started['session_id']}/claim", sergeant)
    check_view(as_client(api, her, "GET", f"/verify/{code}")[2])
    call(
        api, "POST", f"/sessions/{started['session_id']}/outcome", sergeant, {"outcome": "verified"}
    )

    status, _, decided = as_client(api, her, "GET", f"/verify/{code}")
    check_view(decided)
    assert decided["state"] == "verified"
    assert decided["decision"]["outcome"] == "verified"
    assert decided["decision"]["decided_by"] == {"rank": "PS", "shoulder_number": "118"}
    assert "confirmed" in decided["message"]


@pytest.mark.parametrize("spelling", ["lower", "spaced", "dashed"])
def test_the_code_is_forgiving_about_case_spaces_and_dashes(
    api: Any, tokens: dict[str, str], spelling: str
) -> None:
    started = call(api, "POST", "/sessions", tokens["officer.north"])[1]
    raw = started["public_code"].replace("-", "")
    typed = {
        "lower": raw.lower(),
        "spaced": f"{raw[:4]} {raw[4:]}".lower(),
        "dashed": f"{raw[:2]}-{raw[2:5]}-{raw[5:]}",
    }[spelling]
    status, _, view = as_client(
        api, fresh_client(), "GET", "/verify/" + requests.utils.quote(typed)
    )
    assert status == 200 and view["reference"] == started["reference"]
    call(api, "POST", f"/sessions/{started['session_id']}/cancel", tokens["officer.north"])


def test_a_code_expires_an_hour_after_the_session_ends(
    api: Any, tokens: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from datetime import UTC, datetime, timedelta

    from functions.wiring import public_service

    started = call(api, "POST", "/sessions", tokens["officer.north"])[1]
    call(api, "POST", f"/sessions/{started['session_id']}/cancel", tokens["officer.north"])
    her = fresh_client()
    assert as_client(api, her, "GET", f"/verify/{started['public_code']}")[0] == 200

    later = datetime.now(UTC) + timedelta(hours=1, minutes=1)
    monkeypatch.setattr(public_service(), "clock", lambda: later)
    status, _, gone = as_client(api, her, "GET", f"/verify/{started['public_code']}")
    status_unknown, _, unknown = as_client(api, her, "GET", "/verify/ABCD2345")
    assert (status, gone) == (status_unknown, unknown)
    assert status == 404


def test_guessing_codes_is_cut_off_for_that_client_only(api: Any) -> None:
    guesser, bystander = fresh_client(), fresh_client()
    statuses: list[int] = []
    retry_after = None
    rng = random.Random(7)
    for _ in range(500):
        code = "".join(rng.choice(CODE_ALPHABET) for _ in range(8))
        status, headers, _ = as_client(api, guesser, "GET", f"/verify/{code}")
        statuses.append(status)
        if status == 429 and retry_after is None:
            retry_after = headers.get("Retry-After")
    assert 200 not in statuses  # none found
    assert statuses[:30] == [404] * 30  # the documented limit: 30 an hour
    assert set(statuses[30:]) == {429}
    assert retry_after is not None and 0 < int(retry_after) <= 3600
    assert as_client(api, bystander, "GET", "/verify/ABCD2345")[0] == 404


def wrong_codes(count: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    return ["".join(rng.choice(CODE_ALPHABET) for _ in range(8)) for _ in range(count)]


def test_her_page_following_a_real_stop_is_never_cut_off(api: Any, tokens: dict[str, str]) -> None:
    officer, sergeant = tokens["officer.central"], tokens["sergeant.central"]
    started = call(api, "POST", "/sessions", officer)[1]
    her, path = fresh_client(), f"/verify/{started['public_code']}"

    def follow(times: int) -> list[tuple[int, str]]:
        answers = [as_client(api, her, "GET", path) for _ in range(times)]
        return [(status, view["state"]) for status, _, view in answers]

    waiting = follow(40)  # her page asks every 5 s while the control room is paged
    assert call(api, "POST", f"/sessions/{started['session_id']}/claim", sergeant)[0] == 200
    on_the_call = follow(30)
    outcome = {"outcome": "verified"}
    assert (
        call(api, "POST", f"/sessions/{started['session_id']}/outcome", sergeant, outcome)[0] == 200
    )
    decided = follow(30)

    # 100 lookups, well past the 30 wrong codes a client may try: none is a guess.
    assert set(waiting) == {(200, "requested")}
    assert set(on_the_call) == {(200, "claimed")}
    assert set(decided) == {(200, "verified")}


def test_past_the_follow_limit_her_page_gets_429_with_retry_after(
    api: Any, tokens: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from dataclasses import replace

    from functions.wiring import public_service

    service = public_service()
    monkeypatch.setattr(service, "settings", replace(service.settings, verify_follow_limit=40))
    started = call(api, "POST", "/sessions", tokens["officer.central"])[1]
    her, path = fresh_client(), f"/verify/{started['public_code']}"

    statuses = [as_client(api, her, "GET", path)[0] for _ in range(40)]
    status, headers, refused = as_client(api, her, "GET", path)

    assert statuses == [200] * 40
    assert status == 429 and refused["error"]["code"] == "rate_limited"
    assert 0 < int(headers["Retry-After"]) <= 3600
    assert as_client(api, fresh_client(), "GET", path)[0] == 200  # that client only
    call(api, "POST", f"/sessions/{started['session_id']}/cancel", tokens["officer.central"])


def test_past_the_wrong_code_limit_even_a_real_code_gets_429(
    api: Any, tokens: dict[str, str]
) -> None:
    started = call(api, "POST", "/sessions", tokens["officer.north"])[1]
    real = f"/verify/{started['public_code']}"
    guesser = fresh_client()
    misses = [as_client(api, guesser, "GET", f"/verify/{c}")[0] for c in wrong_codes(30, seed=11)]

    status, headers, _ = as_client(api, guesser, "GET", real)

    assert misses == [404] * 30
    assert status == 429 and 0 < int(headers["Retry-After"]) <= 3600  # no oracle
    assert as_client(api, fresh_client(), "GET", real)[0] == 200  # the code is real
    call(api, "POST", f"/sessions/{started['session_id']}/cancel", tokens["officer.north"])


def test_a_wrong_code_asking_for_attendance_is_a_miss_too(api: Any, tokens: dict[str, str]) -> None:
    started = call(api, "POST", "/sessions", tokens["officer.north"])[1]
    code = started["public_code"]
    guesser = fresh_client()
    *by_verify, by_attendance = wrong_codes(30, seed=13)
    misses = [as_client(api, guesser, "GET", f"/verify/{c}")[0] for c in by_verify]
    asked = as_client(api, guesser, "POST", f"/verify/{by_attendance}/attendance")[0]

    assert misses == [404] * 29 and asked == 404
    assert as_client(api, guesser, "GET", f"/verify/{code}")[0] == 429
    assert as_client(api, guesser, "POST", f"/verify/{code}/attendance")[0] == 429
    call(api, "POST", f"/sessions/{started['session_id']}/cancel", tokens["officer.north"])


def test_her_code_costs_one_rate_limit_call_when_found(api: Any, tokens: dict[str, str]) -> None:
    started = call(api, "POST", "/sessions", tokens["officer.central"])[1]
    her, guesser = fresh_client(), fresh_client()

    with aws_calls() as found:
        assert as_client(api, her, "GET", f"/verify/{started['public_code']}")[0] == 200
    with aws_calls() as wrong:
        assert as_client(api, guesser, "GET", "/verify/ABCD2345")[0] == 404
    for code in wrong_codes(29, seed=17):
        as_client(api, guesser, "GET", f"/verify/{code}")
    with aws_calls() as refused:
        assert as_client(api, guesser, "GET", f"/verify/{started['public_code']}")[0] == 429

    # One UpdateItem counts the lookup and reads the misses; only a miss writes again. (Only
    # DynamoDB is counted: an earlier test's meeting may still be ending in the background.)
    found, wrong, refused = (
        [c for c in calls if c.startswith("dynamodb:")] for calls in (found, wrong, refused)
    )
    assert sorted(found) == ["dynamodb:Query", "dynamodb:UpdateItem"]
    assert sorted(wrong) == ["dynamodb:Query", "dynamodb:UpdateItem", "dynamodb:UpdateItem"]
    assert refused == ["dynamodb:UpdateItem"]  # past the limit nothing is looked up
    call(api, "POST", f"/sessions/{started['session_id']}/cancel", tokens["officer.central"])


def test_her_own_call_through_claim_and_outcome_naming_a_real_officer(
    api: Any, stack: Stack, tokens: dict[str, str]
) -> None:
    her = fresh_client()
    status, _, started = as_client(
        api,
        her,
        "POST",
        "/public/calls",
        {"force": "met", "shoulder_number": "7710", "location": {"lat": 51.6, "lon": -0.2}},
    )
    assert status == 201, started
    assert set(started) == {"call_id", "reference", "poll_token", "state", "meeting", "attendee"}
    assert started["attendee"]["ExternalUserId"].startswith("public-")
    call_id = started["call_id"]
    [alert] = pager_alerts(stack.user("sergeant.north").pager_queue_url or "", call_id, expect=True)
    assert alert["channel"] == "public" and alert["area"] == "NORTH"

    status, claimed = call(api, "POST", f"/sessions/{call_id}/claim", tokens["sergeant.north"])
    assert status == 200
    assert claimed["channel"] == "public"
    assert claimed["officer"]["shoulder_number"] == "7710"
    assert claimed["named_officer"]["found"] is True
    assert (
        call(
            api,
            "POST",
            f"/sessions/{call_id}/outcome",
            tokens["sergeant.north"],
            {"outcome": "verified"},
        )[0]
        == 200
    )

    token = {"X-Call-Token": started["poll_token"]}
    status, _, view = as_client(api, her, "GET", f"/public/calls/{call_id}", headers=token)
    check_view(view)
    assert view["state"] == "verified" and view["officer"]["shoulder_number"] == "7710"
    assert (
        as_client(api, her, "GET", f"/public/calls/{call_id}", headers={"X-Call-Token": "wrong"})[0]
        == 404
    )


def test_her_call_naming_nobody_that_serves_warns_the_sergeant(
    api: Any, stack: Stack, tokens: dict[str, str]
) -> None:
    status, _, started = as_client(
        api, fresh_client(), "POST", "/public/calls", {"force": "MET", "shoulder_number": "9999Z"}
    )
    assert status == 201
    call_id = started["call_id"]
    pager_alerts(stack.user("sergeant.central").pager_queue_url or "", call_id, expect=True)
    status, claimed = call(api, "POST", f"/sessions/{call_id}/claim", tokens["sergeant.central"])
    assert claimed["officer"] is None
    assert claimed["named_officer"]["found"] is False
    assert "no such officer serves" in claimed["named_officer"]["message"]
    status, refused = call(
        api,
        "POST",
        f"/sessions/{call_id}/outcome",
        tokens["sergeant.central"],
        {"outcome": "verified"},
    )
    assert status == 400 and refused["error"]["details"][0]["field"] == "shoulder_number"
    status, decided = call(
        api,
        "POST",
        f"/sessions/{call_id}/outcome",
        tokens["sergeant.central"],
        {"outcome": "not_verified", "reason": "No such officer serves"},
    )
    assert status == 200 and decided["state"] == "not_verified"


def test_her_call_without_a_shoulder_number_can_be_verified_by_naming_the_officer(
    api: Any, stack: Stack, tokens: dict[str, str]
) -> None:
    status, _, started = as_client(api, fresh_client(), "POST", "/public/calls", {"force": "MET"})
    call_id = started["call_id"]
    [alert] = pager_alerts(
        stack.user("sergeant.central").pager_queue_url or "", call_id, expect=True
    )
    assert alert["area"] == "all"  # no area known: every sergeant of the force
    sergeant = tokens["sergeant.central"]
    status, claimed = call(api, "POST", f"/sessions/{call_id}/claim", sergeant)
    assert claimed["named_officer"]["shoulder_number"] is None
    status, refused = call(
        api,
        "POST",
        f"/sessions/{call_id}/outcome",
        sergeant,
        {"outcome": "verified", "shoulder_number": "3001"},
    )
    assert status == 409 and refused["error"]["code"] == "officer_suspended"
    status, decided = call(
        api,
        "POST",
        f"/sessions/{call_id}/outcome",
        sergeant,
        {"outcome": "verified", "shoulder_number": "4521"},
    )
    assert status == 200 and decided["officer_id"] == "met-4521"


def test_asking_for_a_uniformed_officer_pages_once(
    api: Any, stack: Stack, tokens: dict[str, str]
) -> None:
    started = call(
        api,
        "POST",
        "/sessions",
        tokens["officer.central"],
        {"location": {"lat": 51.51, "lon": -0.13, "accuracy_m": 8}},
    )[1]
    her = fresh_client()
    first = as_client(api, her, "POST", f"/verify/{started['public_code']}/attendance")
    second = as_client(api, her, "POST", f"/verify/{started['public_code']}/attendance")
    assert first[0] == second[0] == 200
    check_view(first[2])
    assert first[2]["attendance_requested_at"] == second[2]["attendance_requested_at"]
    assert first[2]["attendance_requested_at"] is not None
    pager = stack.user("sergeant.central").pager_queue_url or ""
    asked = pager_alerts(
        pager, started["session_id"], expect=True, alert_type="attendance.requested"
    )
    assert len(asked) == 1
    assert asked[0]["location"] == {"lat": 51.51, "lon": -0.13, "accuracy_m": 8}
    assert (
        len(
            pager_alerts(
                pager, started["session_id"], expect=False, alert_type="attendance.requested"
            )
        )
        == 1
    )


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("GET", "/verify/%00%01", None),
        ("GET", "/verify/" + "A" * 5000, None),
        ("GET", "/verify/%C3%84%C3%96%C3%9C-%3F%3F", None),
        ("POST", "/verify/ABCD2345/attendance", b"{not json"),
        ("POST", "/public/calls", b"[]"),
        ("POST", "/public/calls", b'{"force": 12}'),
        ("POST", "/public/calls", b'{"force": "MET", "location": {"lat": "x"}}'),
        ("POST", "/public/calls", b'{"force": "MET", "extra": true}'),
        ("POST", "/public/calls", b"\xff\xfe"),
        ("POST", "/public/calls", b'{"force": "' + b"M" * 5000 + b'"}'),
        ("GET", "/public/calls/../../etc/passwd", None),
        ("GET", "/public/calls/" + "f" * 32, None),
        ("GET", "/public/calls/" + "z" * 3000, None),
        ("POST", "/public/calls/" + uuid.uuid4().hex + "/attendance", None),
    ],
)
def test_public_routes_never_answer_5xx_to_malformed_input(
    api: Any, method: str, path: str, body: bytes | None
) -> None:
    status, _, answer = as_client(
        api, fresh_client(), method, path, body, headers={"X-Call-Token": "x" * 40}
    )
    assert 400 <= status < 500, (status, answer)
