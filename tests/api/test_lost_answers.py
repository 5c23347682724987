"""Nothing lost under a burst or a fault: answers that never arrive, and Chime that hangs.

moto commits a DynamoDB call and drops its answer (``/_faults/dynamodb``, local/moto_faults.py);
the emulator delays or fails Chime calls (``/_emulator/faults``). botocore then retries as it
does against AWS, and the app must still page every session it answers 201 for exactly once,
give each its escalation check, never leave a meeting without a live session, and answer an
officer within the request budget. Every wait here is on a condition with a deadline.
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
import requests

from local.events import EventPump
from local.provision import Stack
from tests.invariants import orphans

from .helpers import call, control, meetings_of, pager_alerts, state_of

BURST = 40
SERGEANT_OF = {"CENTRAL": "sergeant.central", "NORTH": "sergeant.north"}


def moto_faults(stack: Stack, **fault: Any) -> None:
    response = requests.post(f"{stack.aws_endpoint_url}/_faults/dynamodb", json=fault, timeout=5)
    assert response.status_code == 201, response.text


@pytest.fixture
def faults(stack: Stack) -> Iterator[None]:
    """Clear every injected fault afterwards, whatever the test did."""
    yield
    requests.delete(f"{stack.aws_endpoint_url}/_faults/dynamodb", timeout=5)
    requests.delete(f"{stack.chime_endpoint_url}/_emulator/faults", timeout=5)


@pytest.fixture(scope="module")
def forty_officers(api: Any, tokens: dict[str, str], make_user: Any) -> list[tuple[str, str]]:
    """Forty officers in the register, half in each area: ``(area, ID token)`` each."""
    made = []
    for i in range(BURST):
        area = list(SERGEANT_OF)[i % 2]
        officer_id = f"burst-{uuid.uuid4().hex[:8]}"
        entry = {
            "force": "MET",
            "shoulder_number": uuid.uuid4().hex[:7].upper(),
            "given_name": "Burst",
            "family_name": f"Officer {i}",
            "rank": "PC",
            "area": area,
            "status": "serving",
            "is_sergeant": False,
        }
        status, saved = call(api, "PUT", f"/officers/{officer_id}", tokens["admin"], entry)
        assert status == 200, saved
        made.append((area, make_user(officer_id, roles=["officer"], area=area)))
    return made


def start_as_the_app_does(api: Any, token: str, key: str) -> tuple[int, Any]:
    """``POST /sessions`` as the officer app sends it: the same key on each of three tries."""
    answer: tuple[int, Any] = (0, None)
    for _ in range(3):
        answer = call(api, "POST", "/sessions", token, headers={"Idempotency-Key": key})
        if answer[0] < 500:
            return answer
    return answer


def test_a_burst_with_lost_answers_pages_every_started_session_exactly_once_and_escalates_it(
    api: Any,
    stack: Stack,
    forty_officers: list[tuple[str, str]],
    pump: EventPump,
    faults: None,
) -> None:
    # Ten session writes and ten idempotency claims commit, and their answers are lost.
    moto_faults(
        stack,
        operation="TransactWriteItems",
        table=stack.sessions_table,
        mode="drop_response",
        count=10,
    )
    moto_faults(
        stack, operation="PutItem", table=stack.idempotency_table, mode="drop_response", count=10
    )
    barrier = threading.Barrier(BURST)

    def officer_starts(officer: tuple[str, str]) -> tuple[str, int, Any]:
        barrier.wait()
        return officer[0], *start_as_the_app_does(api, officer[1], uuid.uuid4().hex)

    with ThreadPoolExecutor(max_workers=BURST) as pool:
        answers = list(pool.map(officer_starts, forty_officers))

    fired = requests.get(f"{stack.aws_endpoint_url}/_faults/dynamodb", timeout=5).json()
    assert sum(f["fired"] for f in fired["faults"]) == 20  # every lost answer was lost
    assert [body for _, status, body in answers if status != 201] == []
    assert not any("idempotency_in_progress" in str(body) for _, _, body in answers)
    pagers = {
        body["session_id"]: stack.user(SERGEANT_OF[area]).pager_queue_url or ""
        for area, _, body in answers
    }
    for session_id, pager in pagers.items():
        # Each one's first check escalates it: its area is paged again at level 1.
        pager_alerts(pager, session_id, expect=True, alert_type="verification.escalated")
    for officer, (_, _, body) in zip(forty_officers, answers, strict=True):
        call(api, "POST", f"/sessions/{body['session_id']}/cancel", officer[1])
    pump.wait_idle(timeout=60)  # every check still pending has run (and found it cancelled)

    for session_id, pager in pagers.items():
        pages = pager_alerts(pager, session_id, expect=False, alert_type=None)
        requested = [a for a in pages if a["type"] == "verification.requested"]
        first_rung = [a for a in pages if a["escalation_level"] == 1]
        assert (len(requested), len(first_rung)) == (1, 1), session_id


def test_her_call_whose_write_answer_is_lost_is_paged_once_and_she_can_follow_it(
    api: Any, stack: Stack, pump: EventPump, faults: None
) -> None:
    moto_faults(
        stack,
        operation="TransactWriteItems",
        table=stack.sessions_table,
        mode="drop_response",
        count=1,
    )
    key = {"Idempotency-Key": uuid.uuid4().hex}
    status, body = call(api, "POST", "/public/calls", None, {"force": "MET"}, headers=key)

    assert status == 201, body
    follow = {"X-Call-Token": body["poll_token"]}
    status, view = call(api, "GET", f"/public/calls/{body['call_id']}", None, headers=follow)
    assert (status, view["state"]) == (200, "requested")
    central = stack.user("sergeant.central").pager_queue_url or ""
    assert len(pager_alerts(central, body["call_id"], expect=True)) == 1
    assert len(pager_alerts(central, body["call_id"], expect=False)) == 1


def test_chime_hanging_on_create_answers_503_before_the_hang_ends_and_the_meeting_is_ended(
    api: Any, stack: Stack, tokens: dict[str, str], pump: EventPump, faults: None
) -> None:
    # Both tries hang for longer than the budget; Chime then makes the meeting anyway.
    control(
        stack, "/faults", operation="CreateMeetingWithAttendees", latency_ms=9_000, count=2
    ).raise_for_status()

    status, refused = call(api, "POST", "/sessions", tokens["officer.central"])

    assert status == 503 and "999" in refused["error"]["message"]
    assert orphans(stack) == []  # answered before the hung call made its meeting
    late = pump.wait_for(lambda: orphans(stack), timeout=30, what="the hung call's meeting")
    assert len(late) == 1
    pump.wait_for(lambda: not orphans(stack), timeout=40, what="the meeting check to end it")


def test_chime_hanging_on_claim_puts_the_session_back_in_the_queue(
    api: Any, stack: Stack, tokens: dict[str, str], pump: EventPump, faults: None
) -> None:
    officer, sergeant = tokens["officer.central"], tokens["sergeant.central"]
    session_id = call(api, "POST", "/sessions", officer)[1]["session_id"]
    control(stack, "/faults", operation="CreateAttendee", latency_ms=9_000, count=2)

    status, refused = call(api, "POST", f"/sessions/{session_id}/claim", sergeant)

    assert status == 503 and "queue" in refused["error"]["message"]
    assert state_of(api, officer, session_id)["state"] in ("requested", "escalated")
    requests.delete(f"{stack.chime_endpoint_url}/_emulator/faults", timeout=5)
    assert call(api, "POST", f"/sessions/{session_id}/claim", sergeant)[0] == 200
    call(api, "POST", f"/sessions/{session_id}/cancel", officer)


@pytest.mark.parametrize("ending", ["outcome", "cancel"])
def test_a_delete_meeting_that_fails_or_hangs_is_ended_later_by_the_timers_queue(
    ending: str, api: Any, stack: Stack, tokens: dict[str, str], pump: EventPump, faults: None
) -> None:
    officer, sergeant = tokens["officer.north"], tokens["sergeant.north"]
    session_id = call(api, "POST", "/sessions", officer)[1]["session_id"]
    assert call(api, "POST", f"/sessions/{session_id}/claim", sergeant)[0] == 200
    # The request's two tries and the first retry's two tries fail; the next retry succeeds.
    control(
        stack, "/faults", operation="DeleteMeeting", error="ServiceFailureException", count=4
    ).raise_for_status()

    if ending == "outcome":
        status, ended = call(
            api, "POST", f"/sessions/{session_id}/outcome", sergeant, {"outcome": "verified"}
        )
    else:
        status, ended = call(api, "POST", f"/sessions/{session_id}/cancel", officer)

    assert status == 200 and ended["state"] in ("verified", "cancelled")
    assert len(meetings_of(stack, session_id)) == 1  # Chime refused to end it
    pump.wait_for(
        lambda: meetings_of(stack, session_id) == [],
        timeout=40,
        what="the timers queue to end the meeting",
    )
    faults_left = requests.get(f"{stack.chime_endpoint_url}/_emulator/faults", timeout=5).json()
    assert faults_left["Faults"] == {}  # every refusal was met: it was tried until it worked


def test_chime_hanging_on_delete_does_not_hold_up_the_outcome(
    api: Any, stack: Stack, tokens: dict[str, str], pump: EventPump, faults: None
) -> None:
    officer, sergeant = tokens["officer.central"], tokens["sergeant.central"]
    session_id = call(api, "POST", "/sessions", officer)[1]["session_id"]
    call(api, "POST", f"/sessions/{session_id}/claim", sergeant)
    control(stack, "/faults", operation="DeleteMeeting", latency_ms=9_000, count=1)

    status, decided = call(
        api, "POST", f"/sessions/{session_id}/outcome", sergeant, {"outcome": "verified"}
    )

    assert (status, decided["state"]) == (200, "verified")
    assert len(meetings_of(stack, session_id)) == 1  # answered while DeleteMeeting still hangs
    pump.wait_for(
        lambda: meetings_of(stack, session_id) == [], timeout=40, what="the meeting to end"
    )


def test_an_unreachable_idempotency_table_is_a_503_that_says_999_and_blocks_no_retry(
    api: Any, stack: Stack, tokens: dict[str, str], faults: None
) -> None:
    officer = tokens["officer.central"]
    key = {"Idempotency-Key": uuid.uuid4().hex}
    # Both tries of the claim commit and lose their answers: the request cannot know it holds it.
    moto_faults(
        stack, operation="PutItem", table=stack.idempotency_table, mode="drop_response", count=2
    )

    status, refused = call(api, "POST", "/sessions", officer, headers=key)

    assert status == 503 and "999" in refused["error"]["message"]
    status, started = call(api, "POST", "/sessions", officer, headers=key)  # the app's retry
    assert status == 201, started  # at once: the failed request withdrew its claim
    call(api, "POST", f"/sessions/{started['session_id']}/cancel", officer)


def test_dynamodb_holding_every_call_for_a_minute_still_answers_the_officer_in_budget(
    api: Any, stack: Stack, tokens: dict[str, str], pump: EventPump, faults: None
) -> None:
    moto_faults(
        stack, operation="*", table=stack.sessions_table, mode="hang", hang_ms=60_000, count=20
    )

    # The client gives up after 30 s (helpers.call): only the request budget answers in time.
    status, refused = call(api, "POST", "/sessions", tokens["officer.north"])

    assert status == 503 and "999" in refused["error"]["message"]
