"""The verification flow end to end, through the API Gateway emulation, on moto and the emulator.

start -> alert in the right pager and not the other area's -> queue -> claim -> second claim 409 ->
outcome -> meeting deleted -> the officer sees the result; plus cancel, the suspended officer,
other forces, self-verification and bad input.
"""

from __future__ import annotations

import uuid
from typing import Any

import boto3
import pytest
import requests

from local.provision import Stack

from .helpers import aws_calls, call, pager_alerts


def start(api: Any, token: str, **body: Any) -> dict[str, Any]:
    status, started = call(api, "POST", "/sessions", token, body or None)
    assert status == 201, started
    return started  # type: ignore[no-any-return]


def meeting_exists(stack: Stack, meeting_id: str) -> bool:
    chime = boto3.client("chime-sdk-meetings", endpoint_url=stack.chime_endpoint_url)
    try:
        chime.get_meeting(MeetingId=meeting_id)
    except chime.exceptions.NotFoundException:
        return False
    return True


def test_a_whole_verification(api: Any, stack: Stack, tokens: dict[str, str]) -> None:
    officer, sergeant = tokens["officer.central"], tokens["sergeant.central"]

    started = start(api, officer, location={"lat": 51.5072, "lon": -0.1276, "accuracy_m": 12})

    session_id = started["session_id"]
    assert started["state"] == "requested"
    assert len(started["public_code"].replace("-", "")) == 8
    assert started["reference"].startswith("SC-")
    meeting_id = started["meeting"]["MeetingId"]
    assert started["meeting"]["ExternalMeetingId"] == session_id
    assert started["meeting"]["MediaRegion"] == "eu-west-2"
    assert started["attendee"]["ExternalUserId"] == "met-4521"
    assert started["attendee"]["JoinToken"]

    [alert] = pager_alerts(
        stack.user("sergeant.central").pager_queue_url or "", session_id, expect=True
    )
    assert alert["type"] == "verification.requested"
    assert (alert["force"], alert["area"], alert["channel"]) == ("MET", "CENTRAL", "officer")
    assert (alert["rank"], alert["shoulder_number"]) == ("PC", "4521")
    assert alert["_attributes"] == {
        "type": "verification.requested",
        "force": "MET",
        "area": "CENTRAL",
    }
    assert (
        pager_alerts(stack.user("sergeant.north").pager_queue_url or "", session_id, expect=False)
        == []
    )

    status, queue = call(api, "GET", "/queue", sergeant)
    assert status == 200
    waiting = [s for s in queue["sessions"] if s["session_id"] == session_id]
    assert waiting and waiting[0]["shoulder_number"] == "4521"
    assert waiting[0]["waiting_seconds"] >= 0

    status, claimed = call(api, "POST", f"/sessions/{session_id}/claim", sergeant)
    assert status == 200, claimed
    assert claimed["state"] == "claimed"
    assert claimed["meeting"]["MeetingId"] == meeting_id
    assert claimed["attendee"]["ExternalUserId"] == "met-0118"
    assert claimed["attendee"]["AttendeeId"] != started["attendee"]["AttendeeId"]
    card = claimed["officer"]
    assert set(card) == {
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
    assert (card["display_name"], card["rank"], card["shoulder_number"]) == (
        "Sam Ahmed",
        "PC",
        "4521",
    )
    assert card["status"] == "serving" and card["on_duty"] is True
    assert card["warnings"] == []
    photo = requests.get(card["photo_url"], timeout=5)
    assert photo.status_code == 200 and photo.content.startswith(b"\x89PNG")

    status, _ = call(api, "POST", f"/sessions/{session_id}/claim", tokens["sergeant.north"])
    assert status == 409
    status, queue = call(api, "GET", "/queue", sergeant)
    assert session_id not in {s["session_id"] for s in queue["sessions"]}

    status, decided = call(
        api, "POST", f"/sessions/{session_id}/outcome", sergeant, {"outcome": "verified"}
    )
    assert status == 200, decided
    assert decided["state"] == "verified"
    assert decided["decided_by"] == "met-0118"
    assert not meeting_exists(stack, meeting_id)

    status, seen = call(api, "GET", f"/sessions/{session_id}", officer)
    assert status == 200
    assert seen["state"] == "verified"
    assert seen["decided_at"]

    status, late = call(
        api,
        "POST",
        f"/sessions/{session_id}/outcome",
        sergeant,
        {"outcome": "not_verified", "reason": "changed my mind"},
    )
    assert status == 409 and late["error"]["code"] == "conflict"


def test_cancel_before_an_outcome(api: Any, stack: Stack, tokens: dict[str, str]) -> None:
    officer = tokens["officer.central"]
    started = start(api, officer)
    session_id = started["session_id"]

    status, cancelled = call(api, "POST", f"/sessions/{session_id}/cancel", officer)
    assert status == 200 and cancelled["state"] == "cancelled"
    assert not meeting_exists(stack, started["meeting"]["MeetingId"])

    assert call(api, "POST", f"/sessions/{session_id}/cancel", officer)[0] == 409
    assert call(api, "POST", f"/sessions/{session_id}/claim", tokens["sergeant.central"])[0] == 409
    status, _other = call(api, "POST", f"/sessions/{session_id}/cancel", tokens["officer.north"])
    assert status == 404  # someone else's session does not exist for them


def test_a_claimed_session_can_be_cancelled_but_not_by_the_sergeant(
    api: Any, tokens: dict[str, str]
) -> None:
    officer, sergeant = tokens["officer.central"], tokens["sergeant.central"]
    session_id = start(api, officer)["session_id"]
    assert call(api, "POST", f"/sessions/{session_id}/claim", sergeant)[0] == 200
    assert call(api, "POST", f"/sessions/{session_id}/cancel", sergeant)[0] == 403
    status, cancelled = call(api, "POST", f"/sessions/{session_id}/cancel", officer)
    assert status == 200 and cancelled["state"] == "cancelled"
    assert (
        call(api, "POST", f"/sessions/{session_id}/outcome", sergeant, {"outcome": "verified"})[0]
        == 409
    )


def test_a_suspended_officer_is_flagged_and_cannot_be_verified(
    api: Any, tokens: dict[str, str]
) -> None:
    sergeant = tokens["sergeant.central"]
    session_id = start(api, tokens["officer.suspended"])["session_id"]

    status, claimed = call(api, "POST", f"/sessions/{session_id}/claim", sergeant)
    assert status == 200
    card = claimed["officer"]
    assert card["status"] == "suspended"
    codes = [w["code"] for w in card["warnings"]]
    assert codes[0] == "officer_suspended"
    assert {"not_on_duty", "no_photo"} <= set(codes)

    status, refused = call(
        api, "POST", f"/sessions/{session_id}/outcome", sergeant, {"outcome": "verified"}
    )
    assert status == 409
    assert refused["error"]["code"] == "officer_suspended"

    status, decided = call(
        api,
        "POST",
        f"/sessions/{session_id}/outcome",
        sergeant,
        {"outcome": "not_verified", "reason": "Register says suspended"},
    )
    assert status == 200 and decided["state"] == "not_verified"
    assert decided["outcome_reason"] == "Register says suspended"


def test_a_suspension_reaches_a_waiting_session(
    api: Any, tokens: dict[str, str], make_user: Any
) -> None:
    admin, sergeant = tokens["admin"], tokens["sergeant.central"]
    officer_id = f"met-t{uuid.uuid4().hex[:6]}"
    record = {
        "force": "MET",
        "shoulder_number": uuid.uuid4().hex[:6].upper(),
        "given_name": "Pat",
        "family_name": "Lee",
        "rank": "PC",
        "area": "CENTRAL",
        "status": "serving",
        "is_sergeant": False,
    }
    assert call(api, "PUT", f"/officers/{officer_id}", admin, record)[0] == 200
    token = make_user(officer_id, roles=["officer"])
    session_id = start(api, token)["session_id"]

    status, saved = call(
        api, "PUT", f"/officers/{officer_id}", admin, {**record, "status": "suspended"}
    )
    assert status == 200 and saved["status"] == "suspended"

    status, claimed = call(api, "POST", f"/sessions/{session_id}/claim", sergeant)
    assert claimed["officer"]["status"] == "suspended"
    assert (
        call(api, "POST", f"/sessions/{session_id}/outcome", sergeant, {"outcome": "verified"})[0]
        == 409
    )


def test_nobody_decides_about_themselves(api: Any, tokens: dict[str, str]) -> None:
    sergeant = tokens["sergeant.central"]  # also holds the officer role
    session_id = start(api, sergeant)["session_id"]
    status, refused = call(api, "POST", f"/sessions/{session_id}/claim", sergeant)
    assert status == 403 and refused["error"]["code"] == "forbidden"
    assert call(api, "POST", f"/sessions/{session_id}/cancel", sergeant)[0] == 200


def test_only_the_claiming_sergeant_decides(api: Any, tokens: dict[str, str]) -> None:
    session_id = start(api, tokens["officer.north"])["session_id"]
    assert call(api, "POST", f"/sessions/{session_id}/claim", tokens["sergeant.north"])[0] == 200
    status, refused = call(
        api,
        "POST",
        f"/sessions/{session_id}/outcome",
        tokens["sergeant.central"],
        {"outcome": "verified"},
    )
    assert refused["error"]["code"] == "forbidden"
    assert status == 403
    status, _refused = call(
        api,
        "POST",
        f"/sessions/{session_id}/outcome",
        tokens["officer.north"],
        {"outcome": "verified"},
    )
    assert status == 403


def test_not_verified_needs_a_reason(api: Any, tokens: dict[str, str]) -> None:
    sergeant = tokens["sergeant.central"]
    session_id = start(api, tokens["officer.central"])["session_id"]
    call(api, "POST", f"/sessions/{session_id}/claim", sergeant)
    status, refused = call(
        api, "POST", f"/sessions/{session_id}/outcome", sergeant, {"outcome": "not_verified"}
    )
    assert status == 400
    assert refused["error"]["details"][0]["field"] == "reason"
    status, refused = call(
        api, "POST", f"/sessions/{session_id}/outcome", sergeant, {"outcome": "maybe"}
    )
    assert status == 400 and refused["error"]["details"][0]["field"] == "outcome"


def test_a_sergeant_of_another_force_cannot_touch_it(
    api: Any, tokens: dict[str, str], make_user: Any
) -> None:
    kent = make_user("kent-0042", roles=["sergeant", "officer"], force="KENT")
    session_id = start(api, tokens["officer.central"])["session_id"]
    status, _refused = call(api, "POST", f"/sessions/{session_id}/claim", kent)
    assert status == 403
    assert call(api, "GET", f"/sessions/{session_id}", kent)[0] == 404
    status, queue = call(api, "GET", "/queue", kent)
    assert session_id not in {s["session_id"] for s in queue["sessions"]}


def test_the_queue_filters_by_area_and_is_oldest_first(api: Any, tokens: dict[str, str]) -> None:
    central = start(api, tokens["officer.central"])["session_id"]
    north = start(api, tokens["officer.north"])["session_id"]
    # Read every view at once: the test ladder (2 s a rung) ends a request within seconds.
    answers = [
        call(api, "GET", path, tokens[who])
        for path, who in [
            ("/queue", "operator"),  # the whole force
            ("/queue?area=north", "sergeant.north"),
            ("/queue", "sergeant.north"),  # what NORTH's sergeants were paged for
        ]
    ]
    for token, session_id in (
        (tokens["officer.central"], central),
        (tokens["officer.north"], north),
    ):
        call(api, "POST", f"/sessions/{session_id}/cancel", token)

    assert [status for status, _ in answers] == [200, 200, 200]
    whole, by_area, paged = ([s["session_id"] for s in body["sessions"]] for _, body in answers)
    assert whole.index(central) < whole.index(north)
    created = [s["created_at"] for s in answers[0][1]["sessions"]]
    assert created == sorted(created)
    for seen in (by_area, paged):
        assert north in seen and central not in seen
    assert call(api, "GET", "/queue", tokens["officer.central"])[0] == 403


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"colour": "blue"}, "colour"),
        ({"location": {"lat": 200, "lon": 0}}, "location.lat"),
        ({"location": {"lat": 51.5}}, "location.lon"),
        ({"location": {"lat": "51.5", "lon": 0}}, "location.lat"),
        ({"note": "x" * 501}, "note"),
    ],
)
def test_bad_input_names_the_field_and_writes_nothing(
    api: Any, stack: Stack, tokens: dict[str, str], body: dict[str, Any], field: str
) -> None:
    live_before = _live_meetings(stack)
    status, refused = call(api, "POST", "/sessions", tokens["officer.central"], body)
    assert status == 400
    assert field in [d["field"] for d in refused["error"]["details"]]
    # Timers may end other sessions' meetings meanwhile; what matters is that none was made.
    assert _live_meetings(stack) - live_before == set()


def test_a_body_that_is_not_json_is_a_400(api: Any, tokens: dict[str, str]) -> None:
    status, refused = call(api, "POST", "/sessions", tokens["officer.central"], raw=b"{nope")
    assert status == 400 and refused["error"]["details"][0]["field"] == "body"


def test_missing_and_bad_tokens_are_refused(api: Any, tokens: dict[str, str]) -> None:
    assert call(api, "GET", "/queue")[0] == 401
    assert call(api, "GET", "/queue", "not-a-token")[0] == 403
    forged = tokens["sergeant.central"][:-4] + "AAAA"
    assert call(api, "GET", "/queue", forged)[0] == 403


def test_only_officers_start_and_only_sergeants_claim(api: Any, tokens: dict[str, str]) -> None:
    assert call(api, "POST", "/sessions", tokens["operator"])[0] == 403
    session_id = start(api, tokens["officer.central"])["session_id"]
    assert call(api, "POST", f"/sessions/{session_id}/claim", tokens["operator"])[0] == 403
    assert call(api, "POST", f"/sessions/{session_id}/claim", tokens["officer.north"])[0] == 403
    assert call(api, "GET", f"/sessions/{session_id}", tokens["operator"])[0] == 200
    assert call(api, "GET", "/sessions/nope", tokens["operator"])[0] == 404


def test_an_idempotency_key_makes_retries_one_session(
    api: Any, stack: Stack, tokens: dict[str, str]
) -> None:
    key = {"Idempotency-Key": uuid.uuid4().hex}
    officer = tokens["officer.central"]
    first = call(api, "POST", "/sessions", officer, headers=key)[1]
    again = call(api, "POST", "/sessions", officer, headers=key)[1]
    assert again["session_id"] == first["session_id"]
    assert again["meeting"]["MeetingId"] == first["meeting"]["MeetingId"]
    assert again["attendee"]["AttendeeId"] == first["attendee"]["AttendeeId"]
    alerts = pager_alerts(
        stack.user("sergeant.central").pager_queue_url or "", first["session_id"], expect=True
    )
    assert len(alerts) == 1


def test_each_route_makes_the_fewest_aws_calls(api: Any, tokens: dict[str, str]) -> None:
    officer, sergeant = tokens["officer.central"], tokens["sergeant.central"]
    call(api, "GET", "/queue", sergeant)  # warm the authorizer's key cache

    with aws_calls() as started_calls:
        session_id = start(api, officer)["session_id"]
    with aws_calls() as claim_calls:
        assert call(api, "POST", f"/sessions/{session_id}/claim", sergeant)[0] == 200
    with aws_calls() as outcome_calls:
        assert (
            call(api, "POST", f"/sessions/{session_id}/outcome", sergeant, {"outcome": "verified"})[
                0
            ]
            == 200
        )
    cancel_id = start(api, officer)["session_id"]
    with aws_calls() as cancel_calls:
        assert call(api, "POST", f"/sessions/{cancel_id}/cancel", officer)[0] == 200

    # start also reads the register (in parallel with Chime) so that the card and the
    # "verified" check never trust a stale token, and schedules the first escalation check
    # beside the page: see functions/services/sessions.py.
    assert sorted(started_calls) == sorted(
        [
            "dynamodb:GetItem",
            "chime-sdk-meetings:CreateMeetingWithAttendees",
            "dynamodb:TransactWriteItems",
            "sns:Publish",
            "sqs:SendMessage",
        ]
    )
    assert sorted(claim_calls) == ["chime-sdk-meetings:CreateAttendee", "dynamodb:UpdateItem"]
    assert sorted(outcome_calls) == ["chime-sdk-meetings:DeleteMeeting", "dynamodb:UpdateItem"]
    assert sorted(cancel_calls) == ["chime-sdk-meetings:DeleteMeeting", "dynamodb:UpdateItem"]


def _live_meetings(stack: Stack) -> set[str]:
    response = requests.get(f"{stack.chime_endpoint_url}/_emulator/meetings", timeout=5)
    return {m["MeetingId"] for m in response.json()["Meetings"]}
