"""The supervisors' reports, from a known scenario built through the real API on the local stack.

The scenario runs on one summer day (British Summer Time, so the report's local hours are not
UTC's) with the services' clock set step by step, so every wait is known to the second:

======  ========  ==================  ===============================================
 id      channel   requested (local)   what happened
======  ========  ==================  ===============================================
 A       officer   09:00:00            claimed after 12 s, verified 88 s later
 B       officer   09:03:20            claimed after 45 s, not verified 55 s later
 C       officer   09:06:40            cancelled by the officer after 20 s, never claimed
 D       public    09:10:00            claimed after 20 s, her attendance request, not
                                       verified 60 s later
 E       officer   10:01:40            nobody answered: escalated three times, expired
                                       (all stamped 60 s after the request)
======  ========  ==================  ===============================================

From that, with the 30 s target: 5 requests (4 officer, 1 public), 3 answered (12, 45, 20 s),
2 within the target, service level 2/5, median 20 s, 90th percentile 40 s (20 + 0.8 x 25,
interpolated), mean 25.67 s, 2 abandoned (C, E), the longest wait 60 s (E), 1 attendance request,
escalations at levels 1, 2 and 3 once each.
"""

from __future__ import annotations

import csv
import io
import statistics
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import boto3
import pytest
import requests

from functions.domain import erlang
from functions.wiring import (
    meeting_event_service,
    public_service,
    report_service,
    session_service,
    timer_service,
)
from local.events import EventPump
from local.provision import Stack
from tests.conftest import REGION

from .helpers import call
from .test_public import as_client, fresh_client

DAY = "2026-06-15"
START = datetime(2026, 6, 15, 8, 0, tzinfo=UTC)  # 09:00 in London (BST)


@dataclass
class Clock:
    """The services' clock: a fixed instant that the test moves on."""

    now: datetime

    def __call__(self) -> datetime:
        return self.now

    def at(self, seconds: float) -> None:
        self.now = START + timedelta(seconds=seconds)


def report(api: Any, token: str, path: str) -> Any:
    status, body = call(api, "GET", path, token)
    assert status == 200, body
    return body


@pytest.fixture(scope="module")
def supervisor(tokens: dict[str, str]) -> str:
    return tokens["supervisor"]


@pytest.fixture(scope="module")
def scenario(
    api: Any, stack: Stack, tokens: dict[str, str], pump: EventPump, supervisor: str
) -> dict[str, str]:
    """Build the day above once for the module; the references of A to E."""
    monkeypatch = pytest.MonkeyPatch()
    fixed = Clock(START)
    for service in (
        session_service(),
        timer_service(),
        public_service(),
        meeting_event_service(),
        report_service(),
    ):
        monkeypatch.setattr(service, "clock", fixed)
    officer, sergeant = tokens["officer.central"], tokens["sergeant.central"]
    references: dict[str, str] = {}
    try:

        def started(at: float) -> dict[str, Any]:
            fixed.at(at)
            status, body = call(api, "POST", "/sessions", officer)
            assert status == 201, body
            return body  # type: ignore[no-any-return]

        def claimed(session_id: str, at: float) -> None:
            fixed.at(at)
            status, body = call(api, "POST", f"/sessions/{session_id}/claim", sergeant)
            assert status == 200, body

        def decided(session_id: str, at: float, outcome: str, reason: str | None = None) -> None:
            fixed.at(at)
            body = {"outcome": outcome, **({"reason": reason} if reason else {})}
            status, answer = call(api, "POST", f"/sessions/{session_id}/outcome", sergeant, body)
            assert status == 200, answer

        a = started(0)
        claimed(a["session_id"], 12)
        decided(a["session_id"], 100, "verified")
        b = started(200)
        claimed(b["session_id"], 245)
        decided(b["session_id"], 300, "not_verified", '=HYPERLINK("x") card does not match')
        c = started(400)
        fixed.at(420)
        assert call(api, "POST", f"/sessions/{c['session_id']}/cancel", officer)[0] == 200
        fixed.at(600)
        her_call = {"force": "MET", "shoulder_number": "4521"}
        status, _, d = as_client(api, fresh_client(), "POST", "/public/calls", her_call)
        assert status == 201, d
        claimed(d["call_id"], 620)
        fixed.at(640)
        token = {"X-Call-Token": d["poll_token"]}
        status, _, asked = as_client(
            api, fresh_client(), "POST", f"/public/calls/{d['call_id']}/attendance", headers=token
        )
        assert status in (200, 201, 202), asked
        decided(d["call_id"], 680, "not_verified", "Could not see the warrant card")
        e = started(3700)
        fixed.at(3760)  # the escalations and the expiry, whenever they fire, are at 60 s
        pump.wait_for(
            lambda: (
                call(api, "GET", f"/sessions/{e['session_id']}", sergeant)[1]["state"] == "expired"
            ),
            timeout=60,
            what="E to expire",
        )
        references = {
            "A": a["reference"],
            "B": b["reference"],
            "C": c["reference"],
            "D": d["reference"],
            "E": e["reference"],
        }

        def complete() -> bool:
            totals = report(api, supervisor, f"/reports/service?force=MET&from={DAY}&to={DAY}")
            done = totals["totals"]
            return bool(
                done["requests"] == 5
                and done["outcomes"]["expired"] == 1
                and done["attendance_requests"] == 1
            )

        pump.wait_for(complete, timeout=60, what="the audit trail to hold the whole day")
    finally:
        monkeypatch.undo()
    return references


def test_the_service_report_gives_exactly_what_the_day_held(
    api: Any, scenario: dict[str, str], supervisor: str
) -> None:
    body = report(api, supervisor, f"/reports/service?force=MET&from={DAY}&to={DAY}")
    totals = body["totals"]

    assert (body["first_day"], body["last_day"], body["time_zone"]) == (DAY, DAY, "Europe/London")
    assert (body["target_seconds"], body["goal"]) == (30, 0.8)
    assert (totals["requests"], totals["officer_requests"], totals["public_requests"]) == (5, 4, 1)
    assert (totals["answered"], totals["answered_within_target"]) == (3, 2)
    assert totals["service_level"] == pytest.approx(2 / 5)
    assert totals["answer_seconds_mean"] == pytest.approx(statistics.fmean([12, 45, 20]))
    assert totals["answer_seconds_median"] == pytest.approx(20)
    assert totals["answer_seconds_p90"] == pytest.approx(40)
    assert (totals["abandoned"], totals["abandonment_rate"]) == (2, pytest.approx(2 / 5))
    assert totals["still_waiting"] == 0
    assert totals["outcomes"] == {
        "verified": 1,
        "not_verified": 2,
        "dropped": 0,
        "cancelled": 1,
        "expired": 1,
    }
    assert totals["escalations"] == [
        {"level": 1, "requests": 1},
        {"level": 2, "requests": 1},
        {"level": 3, "requests": 1},
    ]
    assert totals["longest_wait_seconds"] == pytest.approx(60)
    assert totals["attendance_requests"] == 1
    assert totals["handling_seconds_mean"] == pytest.approx(statistics.fmean([88, 55, 60]))
    histogram = {b["up_to_seconds"]: b["answers"] for b in totals["answer_histogram"]}
    assert (histogram[20], histogram[30], histogram[45], histogram[None]) == (2, 0, 1, 0)


def test_the_hours_are_the_local_hours_of_the_request(
    api: Any, scenario: dict[str, str], supervisor: str
) -> None:
    body = report(api, supervisor, f"/reports/service?force=MET&from={DAY}&to={DAY}")
    hours = {h["hour"]: h for h in body["hours"]}

    assert len(hours) == 24
    nine, ten = hours[f"{DAY}T09:00:00+01:00"], hours[f"{DAY}T10:00:00+01:00"]
    assert (nine["requests"], nine["answered"], nine["abandoned"]) == (4, 3, 1)
    assert nine["service_level"] == pytest.approx(2 / 4)
    assert (ten["requests"], ten["answered"], ten["abandoned"]) == (1, 0, 1)
    assert ten["service_level"] == 0
    others = [h for k, h in hours.items() if k not in {nine["hour"], ten["hour"]}]
    assert all(h["requests"] == 0 and h["service_level"] is None for h in others)


def test_an_area_report_keeps_that_areas_requests(
    api: Any, scenario: dict[str, str], supervisor: str
) -> None:
    central = report(api, supervisor, f"/reports/service?force=MET&area=CENTRAL&from={DAY}")
    north = report(api, supervisor, f"/reports/service?force=MET&area=NORTH&from={DAY}&to={DAY}")

    # Her call named PC 4521 of CENTRAL, so every request of the day was CENTRAL's.
    assert central["totals"]["requests"] == 5
    assert north["totals"]["requests"] == 0


def test_staffing_plans_each_hour_with_erlang_c(
    api: Any, scenario: dict[str, str], supervisor: str
) -> None:
    body = report(api, supervisor, f"/reports/staffing?force=MET&area=CENTRAL&date={DAY}")
    hours = {h["hour"]: h for h in body["hours"]}
    nine = hours[f"{DAY}T09:00:00+01:00"]
    ten = hours[f"{DAY}T10:00:00+01:00"]
    on_duty = body["sergeants_on_duty"]

    assert on_duty >= 1  # sergeant.central is booked on duty by the demo data
    assert (nine["arrivals"], nine["handling_measured"]) == (4, True)
    assert nine["handling_seconds"] == pytest.approx(statistics.fmean([88, 55, 60]))
    traffic = 4 * nine["handling_seconds"] / 3600
    assert nine["traffic_erlangs"] == pytest.approx(traffic)
    needed = erlang.agents_needed(traffic, nine["handling_seconds"], 30, 0.8)
    assert nine["sergeants_needed"] == needed
    assert nine["sergeants_needed"] == 1
    assert nine["expected_service_level"] == pytest.approx(
        erlang.service_level(on_duty, traffic, nine["handling_seconds"], 30)
    )
    # E was never handled: its hour is planned with the day's mean handling time.
    assert (ten["arrivals"], ten["handling_measured"]) == (1, False)
    assert ten["handling_seconds"] == pytest.approx(nine["handling_seconds"])
    empty = hours[f"{DAY}T03:00:00+01:00"]
    assert (empty["arrivals"], empty["sergeants_needed"], empty["expected_service_level"]) == (
        0,
        0,
        1.0,
    )


def test_the_record_of_stops_lists_every_stop_and_the_export_is_audited(
    api: Any, stack: Stack, scenario: dict[str, str], supervisor: str
) -> None:
    response = requests.get(
        f"{api.url}/reports/stops.csv?force=MET&from={DAY}&to={DAY}",
        headers={"Authorization": f"Bearer {supervisor}"},
        timeout=30,
    )

    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("text/csv")
    assert f'filename="stops-MET-{DAY}-{DAY}.csv"' in response.headers["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(response.text)))
    by_reference = {row["reference"]: row for row in rows}
    assert [row["reference"] for row in rows] == [scenario[k] for k in "ABCDE"]
    a, b, c, d, e = (by_reference[scenario[k]] for k in "ABCDE")
    assert (a["outcome"], a["officer"], a["sergeant"], a["channel"]) == (
        "verified",
        "PC 4521",
        "PS 118",
        "officer",
    )
    assert a["requested_at"] == f"{DAY}T09:00:00+01:00"
    assert a["answered_at"] == f"{DAY}T09:00:12+01:00"
    assert a["answer_seconds"] == "12.0"
    # Free text that a spreadsheet would run as a formula is defused.
    assert b["reason"] == '\'=HYPERLINK("x") card does not match'
    assert (c["outcome"], c["sergeant"], c["answered_at"]) == ("cancelled", "", "")
    assert (d["channel"], d["officer"], d["attendance_requested_at"]) == (
        "public",
        "PC 4521",
        f"{DAY}T09:10:40+01:00",
    )
    assert (e["outcome"], e["escalation_level"], e["reason"]) == ("expired", "3", e["reason"])
    assert e["reason"]
    # The export itself is in the audit trail: who, when, which days (read as an auditor would).
    dynamodb = boto3.client("dynamodb", endpoint_url=stack.aws_endpoint_url, region_name=REGION)
    items = dynamodb.query(
        TableName=stack.audit_table,
        KeyConditionExpression="session_id = :id",
        ExpressionAttributeValues={":id": {"S": "export#MET"}},
    )["Items"]
    mine = [i for i in items if i["first_day"]["S"] == DAY and i["rows"]["N"] == "5"]
    assert mine, items
    assert mine[-1]["actor"]["S"] and mine[-1]["last_day"]["S"] == DAY


@pytest.mark.parametrize(
    "path",
    [
        f"/reports/service?force=MET&from={DAY}",
        f"/reports/staffing?force=MET&date={DAY}",
        f"/reports/stops.csv?force=MET&from={DAY}",
    ],
)
def test_only_a_supervisor_of_the_force_gets_the_reports(
    api: Any, tokens: dict[str, str], make_user: Any, path: str
) -> None:
    for who in ("sergeant.central", "officer.central", "operator", "admin"):
        status, body = call(api, "GET", path, tokens[who])
        assert status == 403, (who, body)
        assert body["error"]["code"] == "forbidden"
    other_force = make_user("gmp-9001", roles=["supervisor"], force="GMP")
    status, body = call(api, "GET", path, other_force)
    assert status == 403 and "GMP" in body["error"]["message"]
    assert call(api, "GET", path, None)[0] == 401


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("force=MET&from=2026-13-01", "from"),
        ("force=MET&from=2026-06-15&to=2026-06-14", "to"),
        ("force=MET&from=2026-01-01&to=2026-06-30", "to"),
        ("from=2026-06-15", "force"),
        ("force=MET&colour=red", "colour"),
    ],
)
def test_a_bad_period_is_a_400_naming_the_field(
    api: Any, supervisor: str, query: str, field: str
) -> None:
    status, body = call(api, "GET", f"/reports/service?{query}", supervisor)

    assert status == 400, body
    assert field in [d["field"] for d in body["error"]["details"]]


def test_by_default_the_report_is_todays(api: Any, supervisor: str) -> None:
    body = report(api, supervisor, "/reports/service?force=met")
    today = datetime.now(UTC).astimezone(report_service().zone).date().isoformat()

    assert body["first_day"] == body["last_day"] == today
    assert body["force"] == "MET"
