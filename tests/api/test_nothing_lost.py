"""Nothing lost: the escalation ladder, Chime events, the audit trail, idempotency and faults.

Everything runs for real: the API over HTTP, moto, the app's own Chime emulator, and the event
pump delivering the timers queue, EventBridge-routed meeting events and the sessions stream to
the app's handlers. Timers are short (2 s a rung, 1 s grace); tests wait on conditions with
deadlines, never on fixed sleeps.
"""

from __future__ import annotations

import json
import threading
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from typing import Any

import boto3
import pytest
import requests

from functions.adapters.alerts import SnsAlerts
from functions.adapters.aws import client
from functions.adapters.chime import ChimeMeetings
from functions.adapters.photos import S3Photos
from functions.adapters.register_table import DynamoOfficerRegister
from functions.adapters.sessions_table import DynamoSessionStore
from functions.adapters.timers import SqsTimers
from functions.config import settings
from functions.domain import Principal, Role
from functions.events.handlers import session_stream
from functions.services.opening import SessionOpener
from functions.services.sessions import SessionService, Unavailable
from local.events import EventPump
from local.provision import Stack

from .helpers import call, control, meeting_ids, meetings_of, pager_alerts, state_of


def start(api: Any, token: str, **headers: str) -> dict[str, Any]:
    status, body = call(api, "POST", "/sessions", token, headers=headers or None)
    assert status == 201, body
    return body  # type: ignore[no-any-return]


def test_the_whole_ladder_pages_each_rung_then_expires_and_says_call_999(
    api: Any, stack: Stack, tokens: dict[str, str], pump: EventPump
) -> None:
    officer = tokens["officer.north"]
    session_id = start(api, officer)["session_id"]
    north = stack.user("sergeant.north").pager_queue_url or ""
    central = stack.user("sergeant.central").pager_queue_url or ""
    inspector = stack.inspector_pager_queue_url

    escalated = pager_alerts(north, session_id, expect=True, alert_type=None, count=4, deadline=30)
    assert [(a["type"], a["area"], a["escalation_level"]) for a in escalated[:4]] == [
        ("verification.requested", "NORTH", 0),
        ("verification.escalated", "NORTH", 1),
        ("verification.escalated", "all", 2),
        ("verification.expired", "all", 3),
    ]
    assert [
        (a["type"], a["area"])
        for a in pager_alerts(
            central, session_id, expect=True, alert_type=None, count=2, deadline=10
        )
    ] == [("verification.escalated", "all"), ("verification.expired", "all")]
    [to_inspector] = pager_alerts(
        inspector, session_id, expect=True, alert_type="verification.escalated"
    )
    assert (to_inspector["area"], to_inspector["escalation_level"]) == ("inspector", 3)

    seen = pump.wait_for(
        lambda: (s := state_of(api, officer, session_id))["state"] == "expired" and s,
        timeout=20,
        what="the session to expire",
    )
    assert "999" in seen["advice"]
    assert meetings_of(stack, session_id) == []


def test_a_claim_during_the_ladder_stops_it(
    api: Any, stack: Stack, tokens: dict[str, str], pump: EventPump
) -> None:
    session_id = start(api, tokens["officer.central"])["session_id"]
    central = stack.user("sergeant.central").pager_queue_url or ""
    pager_alerts(central, session_id, expect=True, alert_type="verification.escalated", deadline=15)

    assert call(api, "POST", f"/sessions/{session_id}/claim", tokens["sergeant.central"])[0] == 200
    pump.wait_idle(timeout=30)  # every pending check has fired

    later = pager_alerts(central, session_id, expect=False, alert_type=None)
    assert [a["escalation_level"] for a in later if a["type"] != "verification.requested"] == [1]
    assert state_of(api, tokens["officer.central"], session_id)["state"] == "claimed"
    call(
        api,
        "POST",
        f"/sessions/{session_id}/outcome",
        tokens["sergeant.central"],
        {"outcome": "verified"},
    )


def test_twenty_concurrent_retries_are_one_session_one_meeting_one_alert(
    api: Any, stack: Stack, tokens: dict[str, str]
) -> None:
    key = uuid.uuid4().hex
    officer = tokens["officer.central"]
    barrier = threading.Barrier(20)

    def post(_: int) -> tuple[int, Any]:
        barrier.wait()
        return call(api, "POST", "/sessions", officer, headers={"Idempotency-Key": key})

    with ThreadPoolExecutor(max_workers=20) as pool:
        answers = list(pool.map(post, range(20)))

    assert {status for status, _ in answers} == {201}
    bodies = [json.dumps(body, sort_keys=True) for _, body in answers]
    assert len(set(bodies)) == 1  # the same response, attendee and join token included
    session_id = answers[0][1]["session_id"]
    assert len(meetings_of(stack, session_id)) == 1
    pager = stack.user("sergeant.central").pager_queue_url or ""
    assert len(pager_alerts(pager, session_id, expect=True)) == 1
    assert len(pager_alerts(pager, session_id, expect=False)) == 1  # and no second one later
    call(api, "POST", f"/sessions/{session_id}/cancel", officer)


def test_the_same_key_with_another_body_is_a_conflict(api: Any, tokens: dict[str, str]) -> None:
    key = {"Idempotency-Key": uuid.uuid4().hex}
    officer = tokens["officer.central"]
    first = call(api, "POST", "/sessions", officer, {"note": "first"}, headers=key)
    status, refused = call(api, "POST", "/sessions", officer, {"note": "second"}, headers=key)
    assert status == 409 and refused["error"]["code"] == "idempotency_key_reused"
    call(api, "POST", f"/sessions/{first[1]['session_id']}/cancel", officer)


def test_thirty_concurrent_claims_have_exactly_one_winner(
    api: Any, tokens: dict[str, str], make_user: Any
) -> None:
    sergeants = [make_user(f"met-sgt{uuid.uuid4().hex[:6]}", roles=["sergeant"]) for _ in range(30)]
    session_id = start(api, tokens["officer.central"])["session_id"]
    barrier = threading.Barrier(30)

    def claim(token: str) -> int:
        barrier.wait()
        return call(api, "POST", f"/sessions/{session_id}/claim", token)[0]

    with ThreadPoolExecutor(max_workers=30) as pool:
        statuses = sorted(pool.map(claim, sergeants))

    assert statuses == [200] + [409] * 29
    call(api, "POST", f"/sessions/{session_id}/cancel", tokens["officer.central"])


def test_throttling_then_success_still_starts(
    api: Any, stack: Stack, tokens: dict[str, str]
) -> None:
    control(
        stack,
        "/faults",
        operation="CreateMeetingWithAttendees",
        error="ThrottlingException",
        count=1,
    ).raise_for_status()
    session_id = start(api, tokens["officer.central"])["session_id"]
    assert len(meetings_of(stack, session_id)) == 1
    call(api, "POST", f"/sessions/{session_id}/cancel", tokens["officer.central"])


def test_chime_down_is_a_503_that_says_999_and_leaves_nothing(
    api: Any, stack: Stack, tokens: dict[str, str]
) -> None:
    before = meeting_ids(stack)
    control(
        stack,
        "/faults",
        operation="CreateMeetingWithAttendees",
        error="ServiceUnavailableException",
        count=10,
    ).raise_for_status()
    try:
        status, refused = call(api, "POST", "/sessions", tokens["officer.north"])
    finally:
        requests.delete(f"{stack.chime_endpoint_url}/_emulator/faults", timeout=5)
    assert status == 503
    assert refused["error"]["code"] == "service_unavailable"
    assert "999" in refused["error"]["message"]
    # Timers may end other sessions' meetings meanwhile; what matters is that none was made.
    assert meeting_ids(stack) - before == set()
    status, found = call(api, "GET", "/officers/lookup?force=MET&shoulder=7710", tokens["operator"])
    live = found["live_session"]
    assert live is None or live["state"] not in ("requested", "escalated")


def _service(stack: Stack, **overrides: Any) -> SessionService:
    """The start use case over the real adapters, with one of them swapped for a broken one."""
    s = settings()
    dynamodb = client("dynamodb")
    parts: dict[str, Any] = {
        "sessions": DynamoSessionStore(
            dynamodb, s.sessions_table, s.officers_table, timedelta(days=1)
        ),
        "register": DynamoOfficerRegister(dynamodb, s.officers_table, s.sessions_table),
        "meetings": ChimeMeetings(client("chime-sdk-meetings")),
        "alerts": SnsAlerts(client("sns"), s.alerts_topic_arn),
        "photos": S3Photos(client("s3"), s.photos_bucket),
        "timers": SqsTimers(client("sqs"), s.timers_queue_url),
    }
    parts.update(overrides)
    opener = SessionOpener(settings=s, **{k: v for k, v in parts.items() if k != "photos"})
    return SessionService(settings=s, opener=opener, **parts)


OFFICER_NORTH = Principal(
    user_id="t", roles=frozenset({Role.OFFICER}), force="MET", area="NORTH", officer_id="met-7710"
)


def test_a_failed_session_write_deletes_the_meeting(stack: Stack) -> None:
    s = settings()
    broken = DynamoSessionStore(
        client("dynamodb"), "no-such-table", s.officers_table, timedelta(days=1)
    )
    before = meeting_ids(stack)
    with pytest.raises(Unavailable):
        _service(stack, sessions=broken).start(OFFICER_NORTH)
    # Timers may end other sessions' meetings meanwhile; what matters is that none was made.
    assert meeting_ids(stack) - before == set()


def test_when_sns_fails_the_check_queue_delivers_the_alert(
    stack: Stack, tokens: dict[str, str], api: Any
) -> None:
    missing_topic = SnsAlerts(client("sns"), stack.alerts_topic_arn + "-missing")
    started = _service(stack, alerts=missing_topic).start(OFFICER_NORTH)
    session_id = started.record.session.session_id

    pager = stack.user("sergeant.north").pager_queue_url or ""
    [alert] = pager_alerts(pager, session_id, expect=True, deadline=15)
    assert alert["type"] == "verification.requested"
    call(api, "POST", f"/sessions/{session_id}/cancel", tokens["officer.north"])


def _chime_event(session: dict[str, Any], kind: str, user: str | None, at: int) -> str:
    detail: dict[str, Any] = {
        "version": "0",
        "eventType": f"chime:{kind}",
        "timestamp": at,
        "meetingId": session["meeting"]["MeetingId"],
        "externalMeetingId": session["session_id"],
        "mediaRegion": "eu-west-2",
    }
    if user:
        detail.update(attendeeId=str(uuid.uuid4()), externalUserId=user)
    return json.dumps(
        {
            "version": "0",
            "source": "aws.chime",
            "detail-type": "Chime Meeting State Change",
            "detail": detail,
        }
    )


def test_duplicated_and_reordered_chime_events_end_in_the_right_state(
    api: Any, stack: Stack, tokens: dict[str, str], pump: EventPump
) -> None:
    officer, sergeant = tokens["officer.central"], tokens["sergeant.central"]
    session = start(api, officer)
    session_id = session["session_id"]
    call(api, "POST", f"/sessions/{session_id}/claim", sergeant)
    events = [  # the officer joined, then dropped and never came back; shuffled and repeated
        _chime_event(session, "AttendeeDropped", "met-4521", 3_000),
        _chime_event(session, "AttendeeJoined", "met-0118", 2_000),
        _chime_event(session, "AttendeeJoined", "met-4521", 1_000),
        _chime_event(session, "AttendeeDropped", "met-4521", 3_000),
        _chime_event(session, "AttendeeJoined", "met-4521", 1_000),
    ]
    sqs = boto3.client("sqs")
    for body in events:
        sqs.send_message(QueueUrl=stack.meeting_events_queue_url, MessageBody=body)

    seen = pump.wait_for(
        lambda: (s := state_of(api, officer, session_id))["state"] == "dropped" and s,
        timeout=20,
        what="the session to be dropped",
    )
    assert "999" in seen["advice"]
    assert meetings_of(stack, session_id) == []


def test_an_officer_who_rejoins_within_the_grace_keeps_the_call(
    api: Any, stack: Stack, tokens: dict[str, str], pump: EventPump
) -> None:
    officer, sergeant = tokens["officer.central"], tokens["sergeant.central"]
    started = start(api, officer)
    session_id = started["session_id"]
    meeting_id = started["meeting"]["MeetingId"]
    officer_attendee = started["attendee"]["AttendeeId"]
    claimed = call(api, "POST", f"/sessions/{session_id}/claim", sergeant)[1]
    for attendee, verb in [
        (officer_attendee, "join"),
        (claimed["attendee"]["AttendeeId"], "join"),
        (officer_attendee, "drop"),
        (officer_attendee, "join"),
    ]:
        control(stack, f"/meetings/{meeting_id}/attendees/{attendee}/{verb}").raise_for_status()

    pump.wait_idle(timeout=30)  # the drop grace has run out and its check has fired

    assert state_of(api, officer, session_id)["state"] == "claimed"
    status, decided = call(
        api, "POST", f"/sessions/{session_id}/outcome", sergeant, {"outcome": "verified"}
    )
    assert status == 200 and decided["state"] == "verified"


def test_the_meeting_ending_before_an_outcome_drops_the_session(
    api: Any, stack: Stack, tokens: dict[str, str], pump: EventPump
) -> None:
    officer, sergeant = tokens["officer.north"], tokens["sergeant.north"]
    started = start(api, officer)
    session_id = started["session_id"]
    call(api, "POST", f"/sessions/{session_id}/claim", sergeant)
    chime = boto3.client("chime-sdk-meetings", endpoint_url=stack.chime_endpoint_url)
    chime.delete_meeting(MeetingId=started["meeting"]["MeetingId"])  # as if Chime ended it

    pump.wait_for(
        lambda: state_of(api, officer, session_id)["state"] == "dropped",
        timeout=20,
        what="the session to be dropped",
    )


def test_the_audit_trail_has_one_entry_per_transition_even_when_the_stream_redelivers(
    api: Any, stack: Stack, tokens: dict[str, str], pump: EventPump
) -> None:
    officer, sergeant = tokens["officer.central"], tokens["sergeant.central"]
    session_id = start(api, officer)["session_id"]
    call(api, "POST", f"/sessions/{session_id}/claim", sergeant)
    call(
        api,
        "POST",
        f"/sessions/{session_id}/outcome",
        sergeant,
        {"outcome": "not_verified", "reason": "Photo does not match"},
    )

    def trail() -> list[dict[str, Any]]:
        status, body = call(api, "GET", f"/sessions/{session_id}/audit", sergeant)
        return body["entries"] if status == 200 else []

    entries = pump.wait_for(
        lambda: len(t := trail()) >= 3 and t, timeout=20, what="three audit entries"
    )
    assert [(e["from_state"], e["to_state"], e["actor"]) for e in entries] == [
        (None, "requested", "met-4521"),
        ("requested", "claimed", "met-0118"),
        ("claimed", "not_verified", "met-0118"),
    ]
    assert entries[2]["reason"] == "Photo does not match"

    # Redeliver every stream record of this session to the handler, twice.
    streams = boto3.client("dynamodbstreams")
    shard = streams.describe_stream(StreamArn=stack.sessions_stream_arn)["StreamDescription"][
        "Shards"
    ][0]["ShardId"]
    iterator = streams.get_shard_iterator(
        StreamArn=stack.sessions_stream_arn, ShardId=shard, ShardIteratorType="TRIM_HORIZON"
    )["ShardIterator"]
    records = [
        {**r, "eventSourceARN": stack.sessions_stream_arn}
        for r in streams.get_records(ShardIterator=iterator, Limit=1000)["Records"]
        if r["dynamodb"]["Keys"]["session_id"]["S"] == session_id
    ]
    assert records
    for _ in range(2):
        assert session_stream({"Records": records}, None) == {"batchItemFailures": []}
    assert len(trail()) == 3


def test_the_audit_trail_is_for_the_control_room_of_that_force(
    api: Any, tokens: dict[str, str], make_user: Any, pump: EventPump
) -> None:
    session_id = start(api, tokens["officer.central"])["session_id"]
    call(api, "POST", f"/sessions/{session_id}/cancel", tokens["officer.central"])
    pump.wait_for(
        lambda: call(api, "GET", f"/sessions/{session_id}/audit", tokens["operator"])[0] == 200,
        timeout=20,
        what="the audit trail",
    )
    assert call(api, "GET", f"/sessions/{session_id}/audit", tokens["admin"])[0] == 200
    assert call(api, "GET", f"/sessions/{session_id}/audit", tokens["officer.central"])[0] == 404
    kent = make_user("kent-0099", roles=["operator"], force="KENT")
    assert call(api, "GET", f"/sessions/{session_id}/audit", kent)[0] == 404
