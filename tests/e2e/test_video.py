"""The video call for real: pictures and sound cross between the pages through the emulator.

Three separate Chromium browsers, each with its own fake camera (a solid colour) and microphone
(a tone): the officer's phone shows red, the sergeant's console blue, her phone green. A picture
arriving somewhere in a colour says whose camera it came from. The pages are the built site, the
Chime SDK in them is the unmodified one, and the call goes through the app's Chime emulator:
signaling over its WebSocket, media through its WebRTC relay.

What each page received is read from its own WebRTC statistics (``getStats()`` of the SDK's peer
connections, noted by an init script: see :mod:`.video_helpers`) and from its ``<video>``
elements drawn onto a canvas; what the relay received, from the emulator; who joined, left or
dropped, from the emulator's event log, which the signaling connections write.

The time from the sergeant's claim to the first remote frame decoded on each side is printed and
written to ``video-first-frame.json`` in the artifacts directory.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from local.chime_emulator import ChimeEmulator
from local.provision import Stack
from local.web import WebServer

from .conftest import CHROMIUM_ARGS, DESK, PHONE, chromium_path
from .test_faces import sign_in, start_check
from .video_helpers import (
    BLUE,
    CSP_REFUSED,
    GREEN,
    HEIGHT,
    MEDIA_RECORDER,
    RED,
    WIDTH,
    Camera,
    camera_args,
    events_for,
    media,
    relay_frames,
    wait_for_colour,
    wait_for_first_frame,
    wait_for_inbound_growth,
    wait_for_tone,
)

FACES: dict[str, tuple[Camera, dict[str, Any]]] = {
    "officer": (RED, PHONE),
    "console": (BLUE, DESK),
    "her": (GREEN, PHONE),
}
PRESENCE_TIMEOUT = 20  # seconds: a closed tab is seen at once; a vanished one by server pings


@pytest.fixture(scope="module")
def cameras(playwright_driver: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """One Chromium per face, each launched with its own camera and microphone files."""
    directory = tmp_path_factory.mktemp("cameras")
    launched: dict[str, Any] = {}
    try:
        for name, (camera, _) in FACES.items():
            launched[name] = playwright_driver.chromium.launch(
                executable_path=chromium_path(),
                headless=True,
                args=CHROMIUM_ARGS + camera_args(directory, camera),
            )
        yield launched
    finally:
        for browser in launched.values():
            browser.close()


@pytest.fixture
def faces(cameras: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """A fresh page in each face's browser, its WebRTC watched; fails if a page threw."""
    pages: dict[str, Any] = {}
    errors: list[str] = []
    refused: list[str] = []
    for name, (_, options) in FACES.items():
        context = cameras[name].new_context(
            **options,
            permissions=["camera", "microphone"],
            locale="en-GB",
            timezone_id="Europe/London",
        )
        context.set_default_timeout(15_000)
        context.add_init_script(MEDIA_RECORDER)
        page = context.new_page()
        page.on("pageerror", lambda exc, name=name: errors.append(f"{name}: {exc}"))
        page.on("console", lambda message, name=name: watch(name, message, refused))
        pages[name] = page
    yield pages
    for page in pages.values():
        page.context.close()
    assert errors == [], f"scripts threw in the pages: {errors}"
    assert refused == [], f"the pages' CSP refused what the call needs: {refused}"


def watch(name: str, message: Any, refused: list[str]) -> None:
    """Print the pages' warnings and errors (shown when a test fails); note what the CSP refused.

    protobufjs (in the SDK) tries to compile a tiny WebAssembly helper for 64-bit arithmetic and
    falls back to JavaScript when ``script-src`` forbids it: that refusal costs nothing.
    """
    if message.type not in ("warning", "error"):
        return
    print(f"{name} console {message.type}: {message.text}")
    if message.text.startswith(CSP_REFUSED) and "wasm-eval" not in message.text:
        refused.append(f"{name}: {message.text}")


@pytest.fixture(scope="module")
def first_frames(artifacts: Path) -> Iterator[dict[str, dict[str, int]]]:
    """Claim-to-first-frame times, in ms, per call (and how soon a closed tab counts as
    dropped); written to the artifacts directory when the module ends."""
    found: dict[str, dict[str, int]] = {}
    yield found
    (artifacts / "video-first-frame.json").write_text(json.dumps(found, indent=2) + "\n")


def posted(path: str) -> Callable[[Any], bool]:
    """Matches the answer to ``POST <api>/<path>`` (not its CORS preflight)."""
    return lambda response: response.request.method == "POST" and response.url.endswith(path)


@dataclass(frozen=True)
class Claimed:
    """The sergeant's claim: when it was clicked and answered (ms since the epoch), the answer."""

    clicked_at: float
    answered_at: float
    body: dict[str, Any]


def claim(console: Any, row_name: re.Pattern[str]) -> Claimed:
    """The sergeant claims the row."""
    row = console.get_by_role("row", name=row_name)
    button = row.get_by_role("button", name=re.compile("Claim"))
    expect(button).to_be_enabled()
    with console.expect_response(posted("/claim")) as answer:
        clicked_at = time.time() * 1000
        button.click()
    timing = answer.value.request.timing
    return Claimed(clicked_at, timing["startTime"] + timing["responseEnd"], answer.value.json())


def record_first_frames(
    found: dict[str, dict[str, int]], call: str, claimed: Claimed, pages: dict[str, Any]
) -> None:
    """Wait for the first remote frame on each page; keep and print the claim-to-frame times
    (and the claim's own answer time, the part of them that is the API's)."""
    times = {
        name: round(wait_for_first_frame(page) - claimed.clicked_at) for name, page in pages.items()
    }
    times["claim_answered"] = round(claimed.answered_at - claimed.clicked_at)
    found[call] = times
    print(f"\n{call}: ms from the claim click to the first remote video frame decoded: {times}")


def assert_receiving(page: Any, label: str, sender: Camera) -> None:
    """The page decodes the other side's video at their camera's size, shows it in the
    ``<video>`` named ``label``, and plays their sound: more of each keeps arriving."""
    inbound = media(page)["inbound"]
    assert inbound["video"].get("frameWidth") == WIDTH, inbound
    assert inbound["video"].get("frameHeight") == HEIGHT, inbound
    wait_for_inbound_growth(page)
    remote = page.get_by_label(label, exact=True)
    expect(remote).to_have_js_property("videoWidth", WIDTH)
    expect(remote).to_have_js_property("paused", False)
    shown = remote.evaluate("v => v.getVideoPlaybackQuality().totalVideoFrames")
    assert shown > 0, f"the {label!r} <video> has shown no frame"
    tracks = page.evaluate(
        """() => {
          const stream = document.querySelector("audio")?.srcObject;
          return stream ? stream.getAudioTracks().map((t) => t.readyState) : [];
        }"""
    )
    assert "live" in tracks, f"the <audio> element has no live track: {tracks}"
    wait_for_tone(page, sender)


def assert_media_both_ways(
    emulator: ChimeEmulator,
    meeting_id: str,
    senders: list[str],
    receivers: list[tuple[Any, str, Camera]],
) -> None:
    """The relay gets audio and video from each sender, and more of both while each receiver
    (page, remote video's label, whose camera it should show) shows and plays the other side."""
    assert emulator.media is not None
    before = relay_frames(emulator.media.snapshot(), meeting_id)
    for attendee in senders:
        got = before.get(attendee, {})
        assert got.get("audio", 0) > 0 and got.get("video", 0) > 0, (attendee, before)
    for page, label, sender in receivers:
        assert_receiving(page, label, sender)
    after = relay_frames(emulator.media.snapshot(), meeting_id)
    for attendee in senders:
        for kind in ("audio", "video"):
            assert after[attendee][kind] > before[attendee][kind], (attendee, kind, before, after)


def wait_for_presence(
    emulator: ChimeEmulator, attendee_id: str, event: str, *, after: int = 0
) -> list[str]:
    """Wait for ``event`` for the attendee (past its first ``after`` events); all of them."""
    log = emulator.event_log.wait_for(
        lambda log: event in events_for(log, attendee_id)[after:], PRESENCE_TIMEOUT
    )
    seen = events_for(log, attendee_id)
    assert event in seen[after:], f"no {event} for {attendee_id} in {PRESENCE_TIMEOUT} s: {seen}"
    return seen


def test_the_sergeant_and_the_officer_see_and_hear_each_other(
    site: WebServer,
    stack: Stack,
    app_chime: ChimeEmulator,
    faces: dict[str, Any],
    first_frames: dict[str, dict[str, int]],
) -> None:
    officer, console = faces["officer"], faces["console"]
    console.goto(site.page("console"))
    sign_in(console, stack, "sergeant.central")
    expect(console.get_by_role("heading", name="Waiting for a sergeant")).to_be_visible()

    with officer.expect_response(posted("/sessions")) as started:
        start_check(officer, site, stack, "officer.central")
    session = started.value.json()
    meeting_id, officer_id = session["meeting"]["MeetingId"], session["attendee"]["AttendeeId"]
    # The officer is in the meeting from the start, and the fake camera is what the app films.
    wait_for_colour(officer, "Your camera", RED)
    wait_for_presence(app_chime, officer_id, "AttendeeJoined")

    claimed = claim(console, re.compile("PC 4521"))
    sergeant_id = claimed.body["attendee"]["AttendeeId"]
    assert claimed.body["meeting"]["MeetingId"] == meeting_id
    record_first_frames(
        first_frames, "officer_call", claimed, {"console": console, "officer": officer}
    )

    # Each sees the other's camera, not their own: red on the console, blue on the officer's phone.
    wait_for_colour(console, "Officer", RED)
    wait_for_colour(officer, "Control room", BLUE)
    wait_for_colour(console, "Your camera", BLUE)
    assert_media_both_ways(
        app_chime,
        meeting_id,
        [officer_id, sergeant_id],
        [(console, "Officer", RED), (officer, "Control room", BLUE)],
    )
    expect(officer.get_by_role("region", name="Video call").get_by_role("status")).to_have_text(
        "Connected."
    )

    # The sergeant leaves the video (the check goes on): a leave, not a drop; the officer is told.
    joined = events_for(app_chime.event_log.recent(), sergeant_id)
    assert joined == ["AttendeeJoined"], joined
    console_video = console.get_by_role("region", name="Video call")
    console_video.get_by_role("button", name="Leave video").click()
    expect(console_video.get_by_role("status")).to_have_text("You left the video call.")
    seen = wait_for_presence(app_chime, sergeant_id, "AttendeeLeft")
    assert seen == ["AttendeeJoined", "AttendeeLeft"], seen
    expect(officer.get_by_role("region", name="Video call").get_by_role("status")).to_contain_text(
        "The other side's video has stopped"
    )
    # No frozen last picture of the sergeant stays up on the officer's phone.
    expect(officer.get_by_label("Control room", exact=True)).to_have_js_property("videoWidth", 0)
    expect(console.locator(".state")).to_have_text("Being checked")

    # And rejoins with one tap: the same attendee joins again and the pictures come back.
    console.evaluate("() => { window.__media.first = {}; }")
    console_video.get_by_role("button", name="Rejoin video").click()
    wait_for_presence(app_chime, sergeant_id, "AttendeeJoined", after=2)
    wait_for_first_frame(console)
    wait_for_colour(console, "Officer", RED)
    wait_for_colour(officer, "Control room", BLUE)
    wait_for_inbound_growth(console)
    wait_for_inbound_growth(officer)

    console.get_by_role("button", name="Verified", exact=True).click()
    expect(console.get_by_role("heading", name="Verified", exact=True)).to_be_visible()
    expect(officer.get_by_role("status").first).to_contain_text("Verified")
    # The outcome ends the meeting; nobody dropped at any point.
    for attendee in (officer_id, sergeant_id):
        assert "AttendeeDropped" not in events_for(app_chime.event_log.recent(), attendee)


def test_closing_the_officers_tab_drops_the_call_and_the_console_is_told(
    site: WebServer,
    stack: Stack,
    app_chime: ChimeEmulator,
    faces: dict[str, Any],
    first_frames: dict[str, dict[str, int]],
) -> None:
    officer, console = faces["officer"], faces["console"]
    console.goto(site.page("console"))
    sign_in(console, stack, "sergeant.north")
    expect(console.get_by_role("heading", name="Waiting for a sergeant")).to_be_visible()
    with officer.expect_response(posted("/sessions")) as started:
        start_check(officer, site, stack, "officer.north")
    session = started.value.json()
    meeting_id, officer_id = session["meeting"]["MeetingId"], session["attendee"]["AttendeeId"]

    claimed = claim(console, re.compile("DC 7710"))
    sergeant_id = claimed.body["attendee"]["AttendeeId"]
    pages = {"console": console, "officer": officer}
    record_first_frames(first_frames, "officer_call_second", claimed, pages)
    wait_for_colour(console, "Officer", RED)
    wait_for_colour(officer, "Control room", BLUE)

    # The officer's phone closes the tab mid-call: the SDK never says goodbye.
    closed_at = time.time() * 1000
    officer.close()
    seen = wait_for_presence(app_chime, officer_id, "AttendeeDropped")
    assert seen == ["AttendeeJoined", "AttendeeDropped"], seen
    dropped_at = next(
        int(e["detail"]["timestamp"])
        for e in app_chime.event_log.recent()
        if e["detail"].get("attendeeId") == officer_id
        and e["detail"]["eventType"] == "chime:AttendeeDropped"
    )
    first_frames["officer_tab_closed"] = {"to_attendee_dropped": round(dropped_at - closed_at)}
    print(f"\ntab closed to AttendeeDropped: {dropped_at - closed_at:.0f} ms")

    # The drop grace (1 s in the test stack) passes without the officer back: the check is over,
    # the app ends the meeting, and the console says what happened and drops its video panel.
    log = app_chime.event_log.wait_for(
        lambda log: any(meeting_ended(e, meeting_id) for e in log), PRESENCE_TIMEOUT
    )
    assert any(meeting_ended(e, meeting_id) for e in log), "the meeting was not ended"
    expect(console.locator(".state")).to_have_text("Dropped: call ended before a decision")
    expect(console.get_by_role("alert")).to_contain_text(
        "The call ended before a decision. The officer has been told to call 999."
    )
    expect(console.get_by_role("region", name="Video call")).to_have_count(0)
    # The sergeant never dropped: the meeting's end counts them out as having left.
    assert events_for(app_chime.event_log.recent(), sergeant_id) == [
        "AttendeeJoined",
        "AttendeeLeft",
    ]


def meeting_ended(event: dict[str, Any], meeting_id: str) -> bool:
    detail = event["detail"]
    return bool(detail["eventType"] == "chime:MeetingEnded" and detail["meetingId"] == meeting_id)


def test_her_own_call_the_console_sees_her_and_she_sees_the_sergeant(
    site: WebServer,
    stack: Stack,
    app_chime: ChimeEmulator,
    faces: dict[str, Any],
    first_frames: dict[str, dict[str, int]],
) -> None:
    console, her = faces["console"], faces["her"]
    console.goto(site.page("console"))
    sign_in(console, stack, "sergeant.north")
    expect(console.get_by_role("heading", name="Waiting for a sergeant")).to_be_visible()

    her.goto(site.page("her"))
    her.get_by_role("button", name="Call the control room myself").click()
    her.get_by_label(re.compile("shoulder number")).fill("7710")
    with her.expect_response(posted("/public/calls")) as started:
        her.get_by_role("button", name="Start the video call").click()
    call = started.value.json()
    meeting_id, her_id = call["meeting"]["MeetingId"], call["attendee"]["AttendeeId"]
    wait_for_colour(her, "Your camera", GREEN)

    claimed = claim(console, re.compile("Member of the public, about officer 7710"))
    sergeant_id = claimed.body["attendee"]["AttendeeId"]
    assert claimed.body["channel"] == "public"
    record_first_frames(first_frames, "her_call", claimed, {"console": console, "her": her})
    wait_for_colour(console, "Member of the public", GREEN)
    wait_for_colour(her, "Control room", BLUE)
    assert_media_both_ways(
        app_chime,
        meeting_id,
        [her_id, sergeant_id],
        [(console, "Member of the public", GREEN), (her, "Control room", BLUE)],
    )

    console.get_by_role("button", name="Verified", exact=True).click()
    expect(console.get_by_role("heading", name="Verified", exact=True)).to_be_visible()
    # Her call's page asks every 5 s.
    expect(her.get_by_role("status").first).to_contain_text("Verified", timeout=12_000)
