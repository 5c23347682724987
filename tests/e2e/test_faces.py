"""The three faces in a real browser: a whole verification, and a stop nobody answers.

Three browser contexts (the officer's phone, the control-room console, her phone) drive the
built site against the test stack: moto's Cognito, the API over HTTP, the Chime emulator and the
event pump that plays Lambda's timers. Every face is checked with axe-core and photographed.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from playwright.sync_api import expect

from local.provision import Stack
from local.web import WebServer

from .conftest import run_axe


def sign_in(page: Any, stack: Stack, username: str) -> None:
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(stack.user(username).password)
    page.get_by_role("button", name="Sign in").click()


def start_check(officer: Any, site: WebServer, stack: Stack, username: str) -> str:
    """The officer signs in and presses the one button; the code the app shows her."""
    officer.goto(site.page("officer"))
    sign_in(officer, stack, username)
    officer.get_by_role("button", name="Start Safe Connection").click()
    code: str = officer.locator(".code").inner_text()
    return code


def shoot(page: Any, artifacts: Path, name: str) -> None:
    page.screenshot(path=str(artifacts / f"{name}.png"), full_page=True)


def assert_accessible(page: Any, artifacts: Path, label: str) -> None:
    serious = run_axe(page, artifacts, label)
    assert serious == [], f"axe found serious or critical violations on {label}: {serious}"
    # On a 360-pixel phone nothing may need sideways scrolling (WCAG 1.4.10 reflow).
    width = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert width[0] <= width[1], f"{label} is {width[0]} px wide in a {width[1]} px window"


def test_a_whole_verification_across_the_three_faces(
    site: WebServer, stack: Stack, contexts: dict[str, Any], artifacts: Path
) -> None:
    officer, console, her = contexts["officer"], contexts["console"], contexts["her"]

    # The sergeant's console is open first, on the queue.
    console.goto(site.page("console"))
    sign_in(console, stack, "sergeant.central")
    console.get_by_role("button", name="Go on duty").click()
    expect(console.get_by_text("On duty")).to_be_visible()
    expect(console.get_by_role("heading", name="Waiting for a sergeant")).to_be_visible()
    console.evaluate("window.__loadedOnce = true")  # gone if the page ever reloads
    assert_accessible(console, artifacts, "console-queue")

    # The officer starts from the app: the code to show her, the address she types herself.
    code = start_check(officer, site, stack, "officer.central")
    assert re.fullmatch(r"[2-9A-Z]{4}-[2-9A-Z]{4}", code), code
    expect(officer.locator(".address")).to_have_text(site.url.removeprefix("http://"))
    expect(officer.get_by_role("status").first).to_contain_text("Waiting for the control room")
    # While the control room is awaited, the officer is already in the meeting, camera on.
    video = officer.get_by_role("region", name="Video call")
    expect(video.get_by_role("status")).to_contain_text("Connected")
    shoot(officer, artifacts, "officer-waiting")
    assert_accessible(officer, artifacts, "officer-waiting")

    # The console shows the request without a reload.
    row = console.get_by_role("row", name=re.compile("PC 4521"))
    expect(row).to_be_visible()
    assert console.evaluate("window.__loadedOnce") is True
    shoot(console, artifacts, "console-queue")

    # She checks the code on her own phone and watches it live.
    her.goto(site.page("her"))
    assert_accessible(her, artifacts, "her-enter-code")
    shoot(her, artifacts, "her-enter-code")
    her.get_by_label("Code on the officer's phone").fill(code.lower().replace("-", " "))
    her.get_by_role("button", name="Check the officer").click()
    expect(her.get_by_role("status").first).to_contain_text("Waiting for the control room")
    her.evaluate("window.__loadedOnce = true")

    # The sergeant claims: the identity card beside the video, then decides.
    row.get_by_role("button", name=re.compile("Claim")).click()
    card = console.get_by_role("region", name="Identity card from the register")
    expect(card).to_contain_text("4521")
    expect(card.get_by_role("img", name=re.compile("Register photo"))).to_be_visible()
    expect(console.get_by_role("region", name="Video call")).to_be_visible()
    expect(officer.get_by_role("status").first).to_contain_text("A sergeant is checking you now")
    expect(her.get_by_role("status").first).to_contain_text(
        "A sergeant is checking this officer now"
    )
    shoot(console, artifacts, "console-claimed")
    assert_accessible(console, artifacts, "console-claimed")

    console.get_by_role("button", name="Verified", exact=True).click()
    expect(console.get_by_role("heading", name="Verified", exact=True)).to_be_visible()

    # Her page, still the same page load, shows the decision with the officer's photo.
    expect(her.get_by_role("status").first).to_contain_text("Verified: this is a police officer")
    photo = her.get_by_role("img", name=re.compile("Police register photo"))
    expect(photo).to_be_visible()
    assert photo.evaluate("img => img.complete && img.naturalWidth > 0"), "the photo did not load"
    expect(her.get_by_text(re.compile(r"Decided by PS \d+"))).to_be_visible()
    # Her reference, said under the decision; the record key's screen (shown once the check has
    # ended) repeats it in its own list, so each is found where it is and they must agree.
    reference = (
        her.get_by_role("paragraph").filter(has_text="Your reference:").locator(".reference")
    )
    expect(reference).to_have_text(re.compile(r"SC-\d{6}-[2-9A-Z]+"))
    expect(her.get_by_role("definition").locator(".reference")).to_have_text(reference.inner_text())
    assert her.evaluate("window.__loadedOnce") is True
    shoot(her, artifacts, "her-verified")
    assert_accessible(her, artifacts, "her-verified")

    # After the decision she asks for a uniformed officer. The sergeant, still on the check, hears
    # it and says one was sent; her page, still following, says one is on the way.
    her.get_by_role("button", name="Ask for a uniformed officer").click()
    her_attendance = her.get_by_role("status").filter(has_text="uniformed officer")
    expect(her_attendance).to_contain_text("A uniformed officer has been asked to come")
    asked = console.get_by_role("status").filter(
        has_text="She has asked for a uniformed officer to come"
    )
    expect(asked).to_contain_text(re.compile(r"to come \(at \d{2}:\d{2}\)\."))
    shoot(console, artifacts, "console-attendance-asked")
    assert_accessible(console, artifacts, "console-attendance-asked")
    console.get_by_role("button", name="Uniformed officer sent").click()
    expect(asked).to_contain_text(re.compile(r"Uniformed officer sent at \d{2}:\d{2}\."))
    expect(console.get_by_role("button", name="Uniformed officer sent")).to_have_count(0)
    # Her page asks every 5 s (expect's own default wait): give it two rounds.
    expect(her_attendance).to_have_text(
        re.compile(r"^A uniformed officer is on the way \(sent at \d{2}:\d{2}\)\."),
        timeout=12_000,
    )
    shoot(her, artifacts, "her-attendance-sent")
    assert_accessible(her, artifacts, "her-attendance-sent")
    assert_accessible(console, artifacts, "console-attendance-sent")

    expect(officer.get_by_role("status").first).to_contain_text("Verified")
    shoot(officer, artifacts, "officer-verified")
    assert_accessible(officer, artifacts, "officer-verified")

    # The audit trail of the session, from the console.
    console.get_by_role("button", name="Audit trail").click()
    audit = console.get_by_role("table")
    expect(audit).to_contain_text("Verified")
    expect(audit).to_contain_text("Being checked")
    shoot(console, artifacts, "console-audit")
    assert_accessible(console, artifacts, "console-audit")


def test_nobody_answers_and_the_officer_is_told_to_call_999(
    site: WebServer, stack: Stack, contexts: dict[str, Any], artifacts: Path
) -> None:
    officer = contexts["officer"]
    start_check(officer, site, stack, "officer.north")
    expect(officer.get_by_role("status").first).to_contain_text("Waiting for the control room")

    # Nobody claims: the ladder (2 s a rung in the test stack) widens the alert, then gives up.
    expect(officer.get_by_role("status").first).to_contain_text("Nobody answered", timeout=60_000)
    call = officer.get_by_role("link", name="Call 999")
    expect(call.first).to_be_visible()
    assert call.first.get_attribute("href") == "tel:999"
    shoot(officer, artifacts, "officer-nobody-answered")
    assert_accessible(officer, artifacts, "officer-nobody-answered")


def test_the_operator_looks_an_officer_up_for_a_999_caller(
    site: WebServer, stack: Stack, contexts: dict[str, Any], artifacts: Path
) -> None:
    console = contexts["console"]
    console.goto(site.page("console"))
    sign_in(console, stack, "operator")
    console.get_by_role("button", name="999 lookup").click()
    console.get_by_label("Shoulder number").fill("4521")
    console.get_by_role("button", name="Look up").click()
    card = console.get_by_role("region", name="Officer on the register")
    expect(card).to_contain_text("4521")
    expect(card).to_contain_text("On duty")
    shoot(console, artifacts, "console-lookup")
    assert_accessible(console, artifacts, "console-lookup")


def test_a_suspended_officer_cannot_be_verified_and_she_is_told_not_to_go(
    site: WebServer, stack: Stack, contexts: dict[str, Any], artifacts: Path
) -> None:
    officer, console, her = contexts["officer"], contexts["console"], contexts["her"]
    code = start_check(officer, site, stack, "officer.suspended")

    her.goto(site.page("her"))
    her.get_by_label("Code on the officer's phone").fill(code)
    her.get_by_role("button", name="Check the officer").click()
    expect(her.get_by_role("status").first).to_contain_text("Waiting for the control room")

    console.goto(site.page("console"))
    sign_in(console, stack, "sergeant.central")
    console.get_by_role("row", name=re.compile("3001")).get_by_role(
        "button", name=re.compile("Claim")
    ).click()
    card = console.get_by_role("region", name="Identity card from the register")
    expect(card.get_by_role("list", name="Warnings")).to_contain_text("suspended")
    verified = console.get_by_role("button", name="Verified", exact=True)
    expect(verified).to_be_disabled()  # and the reason is said beside it
    expect(console.get_by_text(re.compile("Verified is not possible"))).to_be_visible()

    # "Not verified" needs a reason: refused empty, with the field named.
    console.get_by_role("button", name="Not verified…").click()
    console.get_by_role("button", name="Confirm not verified").click()
    expect(console.get_by_role("alert").first).to_contain_text("Give a reason")
    console.get_by_label(re.compile("Reason for")).fill("Suspended on the register")
    shoot(console, artifacts, "console-not-verified-reason")
    assert_accessible(console, artifacts, "console-not-verified-reason")
    console.get_by_role("button", name="Confirm not verified").click()
    expect(console.get_by_role("heading", name="Not verified", exact=True)).to_be_visible()

    expect(her.get_by_role("status").first).to_contain_text("NOT verified")
    expect(her.get_by_role("link", name="Call 999").first).to_be_visible()
    shoot(her, artifacts, "her-not-verified")
    assert_accessible(her, artifacts, "her-not-verified")
    expect(officer.get_by_role("status").first).to_contain_text("Suspended on the register")


def test_she_calls_the_control_room_herself_and_asks_for_a_uniformed_officer(
    site: WebServer, stack: Stack, contexts: dict[str, Any], artifacts: Path
) -> None:
    console, her = contexts["console"], contexts["her"]
    console.goto(site.page("console"))
    sign_in(console, stack, "sergeant.north")
    expect(console.get_by_role("heading", name="Waiting for a sergeant")).to_be_visible()

    her.goto(site.page("her"))
    her.get_by_role("button", name="Call the control room myself").click()
    her.get_by_label(re.compile("shoulder number")).fill("7710")
    her.get_by_role("button", name="Start the video call").click()
    expect(her.get_by_role("status").first).to_contain_text("Calling the control room")
    expect(her.get_by_role("region", name="Video call")).to_be_visible()
    her.get_by_role("button", name="Ask for a uniformed officer").click()
    expect(
        her.get_by_text(re.compile("A uniformed officer has been asked to come"))
    ).to_be_visible()
    expect(her.locator(".reference")).to_have_text(re.compile(r"SC-\d{6}-[2-9A-Z]+"))
    shoot(her, artifacts, "her-own-call")
    assert_accessible(her, artifacts, "her-own-call")

    row = console.get_by_role("row", name=re.compile("Member of the public, about officer 7710"))
    row.get_by_role("button", name=re.compile("Claim")).click()
    expect(console.get_by_text(re.compile("She named officer 7710"))).to_be_visible()
    # She asked before the claim: the sergeant sees it at once and says one was sent.
    asked = console.get_by_role("status").filter(has_text="She has asked for a uniformed officer")
    expect(asked).to_be_visible()
    console.get_by_role("button", name="Uniformed officer sent").click()
    expect(asked).to_contain_text("Uniformed officer sent at")
    console.get_by_role("button", name="Verified", exact=True).click()
    expect(console.get_by_role("heading", name="Verified", exact=True)).to_be_visible()
    # Her call's page asks every 5 s (expect's own default wait): give it two rounds.
    expect(her.get_by_role("status").first).to_contain_text("Verified", timeout=12_000)
    expect(her.get_by_role("status").filter(has_text="uniformed officer")).to_contain_text(
        re.compile(r"A uniformed officer is on the way \(sent at \d{2}:\d{2}\)")
    )
