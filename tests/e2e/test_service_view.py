"""The supervisor's Service view in a real browser, from a known day built through the real API.

The scenario runs in a force of its own (a fresh code, its officers seeded in the register, its
logins made in moto's Cognito), so the report holds exactly its three requests whatever else the
test run has done to the demo force today:

=====  ===========  =================================================
 id     officer      what happened
=====  ===========  =================================================
 A      PC 7001      claimed by PS 7900 at once, verified
 B      PC 7002      claimed by PS 7900 at once, not verified
 C      PC 7003      cancelled by the officer before anyone claimed it
=====  ===========  =================================================

So: 3 requests, 2 answered (both within the 30 s target), service level 67%, 1 abandoned (33%),
outcomes 1 verified, 1 not verified, 1 cancelled. No sergeant of the force is on duty, so the
staffing table marks the scenario's hour short by one.
"""

from __future__ import annotations

import csv
import io
import re
import uuid
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import expect

from functions.adapters.register_table import DynamoOfficerRegister
from functions.domain import Officer
from functions.services.ports import OfficerEntry
from local.provision import Stack, aws_client
from local.web import WebServer
from tests.api.helpers import call

from .conftest import run_axe

ZONE = ZoneInfo("Europe/London")
DASH = "\N{EN DASH}"  # the page writes an hour as a span, 07:00 EN DASH 08:00
PASSWORD = "Supervisor-Test-2026!"


@dataclass(frozen=True)
class Scenario:
    force: str
    supervisor: str
    supervisor_token: str
    references: list[str]


def seed_officer(
    stack: Stack, force: str, officer_id: str, shoulder: str, *, sergeant: bool
) -> None:
    register = DynamoOfficerRegister(
        aws_client("dynamodb", stack), stack.officers_table, stack.sessions_table
    )
    officer = Officer.model_validate(
        {
            "officer_id": officer_id,
            "force": force,
            "shoulder_number": shoulder,
            "given_name": "Sam",
            "family_name": f"Test{shoulder}",
            "rank": "PS" if sergeant else "PC",
            "area": "CENTRAL",
            "status": "serving",
            "is_sergeant": sergeant,
        }
    )
    register.save(OfficerEntry(officer=officer, pager=None), expected_revision=None)


def supervisor_login(
    stack: Stack, force: str, also: tuple[str, ...] = (), officer_id: str | None = None
) -> str:
    """A supervisor of ``force`` (by default with no officer record, as the demo's), in the
    groups ``also`` too: the username; the password is :data:`PASSWORD`."""
    cognito = aws_client("cognito-idp", stack)
    username = f"supervisor-{uuid.uuid4().hex[:8]}"
    attributes = [{"Name": "custom:force", "Value": force}]
    if officer_id:
        attributes += [
            {"Name": "custom:area", "Value": "CENTRAL"},
            {"Name": "custom:officer_id", "Value": officer_id},
        ]
    cognito.admin_create_user(
        UserPoolId=stack.user_pool_id,
        Username=username,
        MessageAction="SUPPRESS",
        UserAttributes=attributes,
    )
    cognito.admin_set_user_password(
        UserPoolId=stack.user_pool_id, Username=username, Password=PASSWORD, Permanent=True
    )
    for group in ("supervisor", *also):
        cognito.admin_add_user_to_group(
            UserPoolId=stack.user_pool_id, Username=username, GroupName=group
        )
    return username


def ok(api: Any, method: str, path: str, token: str, body: Any = None) -> Any:
    status, answer = call(api, method, path, token, body)
    assert 200 <= status < 300, (method, path, status, answer)
    return answer


@pytest.fixture(scope="module")
def scenario(api: Any, stack: Stack, pump: Any, make_user: Any) -> Scenario:
    from local.provision import login

    force = f"SV{uuid.uuid4().hex[:6].upper()}"
    for n in (1, 2, 3):
        seed_officer(stack, force, f"{force.lower()}-700{n}", f"700{n}", sergeant=False)
    seed_officer(stack, force, f"{force.lower()}-7900", "7900", sergeant=True)
    officers = [
        make_user(f"{force.lower()}-700{n}", roles=["officer"], force=force) for n in (1, 2, 3)
    ]
    sergeant = make_user(f"{force.lower()}-7900", roles=["sergeant", "officer"], force=force)
    supervisor = supervisor_login(stack, force)

    references = []
    for officer, outcome in zip(officers[:2], ("verified", "not_verified"), strict=True):
        started = ok(api, "POST", "/sessions", officer)
        references.append(started["reference"])
        ok(api, "POST", f"/sessions/{started['session_id']}/claim", sergeant)
        body = {"outcome": outcome}
        if outcome == "not_verified":
            body["reason"] = "The face on video is not the register photo"
        ok(api, "POST", f"/sessions/{started['session_id']}/outcome", sergeant, body)
    started = ok(api, "POST", "/sessions", officers[2])
    references.append(started["reference"])
    ok(api, "POST", f"/sessions/{started['session_id']}/cancel", officers[2])

    # The report reads the audit trail, which the event pump writes from the stream: wait for it.
    token = login(stack, supervisor, PASSWORD)

    def complete() -> bool:
        totals = ok(api, "GET", f"/reports/service?force={force}", token)["totals"]
        outcomes = totals["outcomes"]
        return bool(
            totals["requests"] == 3
            and (outcomes["verified"], outcomes["not_verified"], outcomes["cancelled"]) == (1, 1, 1)
        )

    pump.wait_for(complete, timeout=60, what="the report to hold the scenario's three requests")
    return Scenario(force, supervisor, token, references)


def figure(page: Any, key: str) -> Any:
    return page.locator(f"[data-figure={key}]")


def sign_in(page: Any, site: WebServer, username: str) -> None:
    page.goto(site.page("console"))
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def test_the_supervisor_sees_the_days_service_and_downloads_the_record_of_stops(
    site: WebServer, scenario: Scenario, contexts: dict[str, Any], artifacts: Path
) -> None:
    console = contexts["console"]
    hour = datetime.now(ZONE).hour
    sign_in(console, site, scenario.supervisor)

    # A pure supervisor lands on Service: no queue to work; her feedback beside it, nothing else.
    expect(console.get_by_role("heading", name="Service in the control room")).to_be_visible()
    nav = console.get_by_role("navigation", name="Console sections")
    expect(nav.get_by_role("button")).to_have_text(["Service", "Her feedback"])
    expect(nav.get_by_role("button", name="Service")).to_have_attribute("aria-current", "page")

    # The day's figures.
    expect(figure(console, "requests").locator("dt")).to_have_text("Requests")
    expect(figure(console, "requests").locator(".figure-value")).to_have_text("3")
    expect(figure(console, "within-target").locator(".figure-value")).to_have_text("2")
    expect(figure(console, "within-target")).to_contain_text("of 2 answered")
    expect(figure(console, "service-level").locator(".figure-value")).to_have_text("67%")
    expect(figure(console, "service-level")).to_contain_text("goal 80% within 30 s: below the goal")
    expect(figure(console, "abandoned").locator(".figure-value")).to_have_text("1")
    expect(figure(console, "abandoned")).to_contain_text("33% of requests")
    expect(figure(console, "waiting-now").locator(".figure-value")).to_have_text("0")
    expect(figure(console, "median").locator(".figure-value")).to_have_text(re.compile(r"0:\d\d"))
    outcomes = console.get_by_role("region", name="Figures")
    for label, count in (
        ("Verified", "1"),
        ("Not verified", "1"),
        ("Cancelled", "1"),
        ("Dropped", "0"),
    ):
        item = outcomes.locator(".outcomes .figure").filter(
            has=console.locator("dt", has_text=re.compile(f"^{label}$"))
        )
        expect(item.locator(".figure-value")).to_have_text(count)

    # Three charts, each one Tab stop whose arrow keys read out the values, each with its table.
    requests_chart = console.get_by_role("figure", name="Requests and answers by hour")
    answers_chart = console.get_by_role("figure", name="How long answers took")
    level_chart = console.get_by_role("figure", name=re.compile("^Service level by hour"))
    for chart in (requests_chart, answers_chart, level_chart):
        expect(chart.locator("svg[role=group]")).to_be_visible()
        expect(chart.locator(".chart-hit[tabindex='0']")).to_have_count(1)
    span = f"{hour:02d}:00{DASH}{(hour + 1) % 24:02d}:00"
    first = requests_chart.locator(".chart-hit[tabindex='0']")
    first.focus()
    console.keyboard.press("Home")
    for _ in range(hour):
        console.keyboard.press("ArrowRight")
    expect(requests_chart.locator(".chart-readout")).to_have_text(f"{span}: Requests 3, Answered 2")
    expect(console.locator(":focus")).to_have_attribute(
        "aria-label", f"{span}: Requests 3, Answered 2"
    )
    requests_chart.screenshot(path=str(artifacts / "console-service-focused-bar.png"))

    tables = {}
    for chart in (requests_chart, answers_chart, level_chart):
        chart.get_by_role("button", name=re.compile("^Show as table")).click()
        tables[chart] = chart.get_by_role("table")
        expect(tables[chart]).to_be_visible()
    expect(tables[requests_chart].get_by_role("row", name=re.compile(f"^{span}"))).to_have_text(
        re.compile(f"{span}\\s*3\\s*2")
    )
    expect(tables[requests_chart].get_by_role("row")).to_have_count(1 + 24)
    expect(tables[answers_chart].get_by_role("row", name=re.compile(f"^0{DASH}10 s"))).to_have_text(
        re.compile(f"0{DASH}10 s\\s*2")
    )
    expect(tables[level_chart].get_by_role("row", name=re.compile(f"^{span}"))).to_have_text(
        re.compile(f"{span}\\s*67%\\s*3")
    )

    # Staffing by hour: nobody of this force is on duty, so the scenario's hour is short, in words.
    staffing = console.get_by_role("table", name=re.compile("^Staffing by hour"))
    row = staffing.get_by_role("row", name=re.compile(f"^{span}"))
    expect(row).to_contain_text("Short by 1")
    expect(console.get_by_text(f"Short of sergeants in 1 hour: {hour:02d}:00.")).to_be_visible()

    # The record of stops: a header and the scenario's three rows.
    with console.expect_download() as download_info:
        console.get_by_role("button", name="Download record of stops (CSV)").click()
    download = download_info.value
    day = datetime.now(ZONE).date().isoformat()
    assert download.suggested_filename == f"stops-{scenario.force}-{day}-{day}.csv"
    rows = list(csv.reader(io.StringIO(Path(download.path()).read_text(encoding="utf-8"))))
    assert rows[0][:2] == ["reference", "requested_at"], rows[0]
    assert len(rows) == 4, rows
    assert sorted(r[0] for r in rows[1:]) == sorted(scenario.references)
    assert sorted(r[rows[0].index("outcome")] for r in rows[1:]) == [
        "cancelled",
        "not_verified",
        "verified",
    ]

    console.screenshot(path=str(artifacts / "console-service.png"), full_page=True)
    serious = run_axe(console, artifacts, "console-service")
    assert serious == [], f"axe found serious or critical violations on the Service view: {serious}"


def test_a_sergeant_who_is_also_a_supervisor_has_the_queue_and_service(
    site: WebServer, stack: Stack, scenario: Scenario, contexts: dict[str, Any], artifacts: Path
) -> None:
    console = contexts["console"]
    both = supervisor_login(
        stack,
        scenario.force,
        also=("sergeant", "officer"),
        officer_id=f"{scenario.force.lower()}-7900",
    )
    sign_in(console, site, both)

    # A sergeant first: the queue, with Service and her feedback beside it.
    expect(console.get_by_role("heading", name="Waiting for a sergeant")).to_be_visible()
    nav = console.get_by_role("navigation", name="Console sections")
    expect(nav.get_by_role("button")).to_have_text(
        ["Queue", "999 lookup", "Service", "Her feedback"]
    )
    nav.get_by_role("button", name="Service").click()
    expect(console.get_by_role("heading", name="Service in the control room")).to_be_focused()
    expect(figure(console, "requests").locator(".figure-value")).to_have_text("3")
    nav.get_by_role("button", name="Queue").click()
    expect(console.get_by_role("heading", name="Waiting for a sergeant")).to_be_visible()
