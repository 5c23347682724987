"""A call that survives the street (issue 14): the network goes, the network is poor, the camera
is refused, and each end of the call says so honestly, and the record is right.

Two separate Chromium browsers with their own fake cameras and tones (video_helpers): the
officer's phone (red, 440 Hz) and the sergeant's console (blue, 660 Hz), on the local stack with
real media through the app's Chime emulator. What the network does to the officer's phone is
Chrome DevTools Protocol network emulation on the officer's page (``Network.
emulateNetworkConditions``), switched on (1 ms of latency) before the page makes any connection:
Chromium 150 cuts WebRTC when it goes offline only if emulation was already on when the peer
connection was made.

Evidence on each end: what the video panel says (Playwright's ``expect`` on the DOM, and a
timeline of every change, ``window.__shown``), what the page's WebRTC decodes over its whole life
(``window.__life``, across the SDK's reconnections), what the unmodified Chime SDK itself logs
(it reconnects, it gives up: ``window.__sdk``); on the server: the emulator's presence events,
the session's state and its audit trail through the API. Nothing in the pages or the SDK is
stubbed: only the network is.

The session's drop grace is the real one here (``DEFAULT_DROP_GRACE_SECONDS``, 45 s; the test
stack's 1 s would drop a session while its officer's SDK is still reconnecting, which is exactly
what the real setting prevents). Figures (time to first frame on a 3G-like link, time to recover
after going offline, what each side showed meanwhile) go to ``street-figures.json`` in the
artifacts directory and are printed; docs/performance.md ("The street") keeps a run of them.
"""

from __future__ import annotations

import json
import os
import re
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from local.chime_emulator import ChimeEmulator
from local.provision import Stack
from local.web import DIST, WebServer
from tests.api.helpers import call

from .conftest import CHROMIUM_ARGS, DESK, PHONE, chromium_path, run_axe
from .test_faces import sign_in, start_check
from .test_video import Claimed, claim, posted, watch
from .video_helpers import (
    BLUE,
    MEDIA_RECORDER,
    PRESENCE,
    RED,
    STREET_RECORDER,
    camera_args,
    events_for,
    shown_since,
    wait_for_first_frame,
    wait_for_more_audio,
    wait_for_more_frames,
    wait_for_tone,
    wait_in_page,
)

KBIT = 1000 / 8  # bytes per second in a kbit/s, as emulateNetworkConditions counts throughput


def network(
    *,
    offline: bool = False,
    latency_ms: float = 1,
    down_kbps: float | None = None,
    up_kbps: float | None = None,
    loss_percent: float = 0,
) -> dict[str, Any]:
    """``Network.emulateNetworkConditions``' parameters (-1: no limit)."""
    return {
        "offline": offline,
        "latency": latency_ms,
        "downloadThroughput": down_kbps * KBIT if down_kbps else -1,
        "uploadThroughput": up_kbps * KBIT if up_kbps else -1,
        "packetLoss": loss_percent,
    }


NORMAL = network()  # emulation on, nothing held back: WebRTC can be cut later
OFFLINE = network(offline=True)
THREE_G = network(latency_ms=150, down_kbps=300, up_kbps=300, loss_percent=5)
# A phone at the edge of a cell: the same 3G uplink, but 40 kbit/s down. The Chime SDK's only
# poor-connection signal (its "unusable audio" policy: under half of the 50 audio packets a second
# it expects, over 15 s) is about what the phone *receives*; 3G above loses 5 % and never trips it.
STARVED = network(latency_ms=150, down_kbps=40, up_kbps=300, loss_percent=5)

# Longest waits (ms): the SDK notices a dead network after 8 s without packets
# (connectionUnhealthyThreshold) and gives up 30 s (reconnectTimeoutMs) after its last sign of
# life; the server drops the session DROP_GRACE_SECONDS after the emulator's AttendeeDropped.
# Back online, the SDK's next try comes after its back-off, and video follows it: usually 6-7 s,
# 26 s seen once the SDK had also called the outage a poor connection.
SDK_RECONNECTS_WITHIN = 20_000
RECOVERS_WITHIN = 45_000
SDK_GIVES_UP_WITHIN = 60_000
FIGURE_WAIT = 40_000  # how long a figure is waited for before it is recorded as not seen


@pytest.fixture(scope="module")
def street_browsers(
    playwright_driver: Any, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[dict[str, Any]]:
    """The officer's phone and the sergeant's console, each its own Chromium and camera.

    The officer's browser is launched without ``--use-fake-ui-for-media-stream``: it grants the
    camera and microphone only where a test's context grants them, and refuses them otherwise,
    as a person tapping "Block" would (headless Chromium answers an ungranted prompt with a
    refusal).
    """
    directory = tmp_path_factory.mktemp("street-cameras")
    prompts = [arg for arg in CHROMIUM_ARGS if arg != "--use-fake-ui-for-media-stream"]
    launched: dict[str, Any] = {}
    try:
        for name, args in (
            ("officer", prompts + camera_args(directory, RED)),
            ("console", CHROMIUM_ARGS + camera_args(directory, BLUE)),
        ):
            launched[name] = playwright_driver.chromium.launch(
                executable_path=chromium_path(), headless=True, args=args
            )
        yield launched
    finally:
        for browser in launched.values():
            browser.close()


@pytest.fixture(scope="module")
def real_drop_grace(stack: Stack) -> Iterator[int]:
    """The deployed drop grace for this module, read by the app per process (wiring.reset)."""
    from functions import wiring
    from functions.config import DEFAULT_DROP_GRACE_SECONDS

    saved = os.environ.get("DROP_GRACE_SECONDS")
    os.environ["DROP_GRACE_SECONDS"] = str(DEFAULT_DROP_GRACE_SECONDS)
    wiring.reset()
    yield DEFAULT_DROP_GRACE_SECONDS
    if saved is None:
        os.environ.pop("DROP_GRACE_SECONDS", None)
    else:
        os.environ["DROP_GRACE_SECONDS"] = saved
    wiring.reset()


@pytest.fixture(scope="module")
def figures(artifacts: Path) -> Iterator[dict[str, Any]]:
    """The street's figures, written to ``street-figures.json`` when the module ends."""
    found: dict[str, Any] = {}
    yield found
    (artifacts / "street-figures.json").write_text(json.dumps(found, indent=2) + "\n")
    print("\nstreet figures:", json.dumps(found, indent=2))


@dataclass
class Ends:
    """The two ends of one call: pages, and the officer's network."""

    officer: Any
    console: Any
    cdp: Any
    errors: list[str] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)

    def officer_network(self, conditions: dict[str, Any]) -> float:
        """Put the officer's phone on ``conditions``; when (ms since the epoch)."""
        self.cdp.send("Network.emulateNetworkConditions", conditions)
        return time.time() * 1000

    def status(self, name: str) -> Any:
        """The video panel's status line on one end."""
        page = self.officer if name == "officer" else self.console
        return page.get_by_role("region", name="Video call").get_by_role("status")


@pytest.fixture
def open_ends(street_browsers: dict[str, Any]) -> Iterator[Callable[..., Ends]]:
    """Opens the two ends (the officer granting what the test says); fails if a page threw."""
    opened: list[Ends] = []

    def open_(officer_grants: tuple[str, ...] = ("camera", "microphone")) -> Ends:
        pages: dict[str, Any] = {}
        errors: list[str] = []
        refused: list[str] = []
        for name, options, grants in (
            ("officer", PHONE, list(officer_grants)),
            ("console", DESK, ["camera", "microphone"]),
        ):
            context = street_browsers[name].new_context(
                **options, permissions=grants, locale="en-GB", timezone_id="Europe/London"
            )
            context.set_default_timeout(15_000)
            context.add_init_script(MEDIA_RECORDER)
            context.add_init_script(STREET_RECORDER)
            page = context.new_page()
            page.on("pageerror", lambda exc, name=name: errors.append(f"{name}: {exc}"))
            page.on("console", lambda message, name=name: watch(name, message, refused))
            pages[name] = page
        cdp = pages["officer"].context.new_cdp_session(pages["officer"])
        cdp.send("Network.enable")
        cdp.send("Network.emulateNetworkConditions", NORMAL)
        ends = Ends(pages["officer"], pages["console"], cdp, errors, refused)
        opened.append(ends)
        return ends

    yield open_
    for ends in opened:
        for page in (ends.officer, ends.console):
            page.context.close()
        assert ends.errors == [], f"scripts threw in the pages: {ends.errors}"
        assert ends.refused == [], f"the pages' CSP refused what the call needs: {ends.refused}"


@dataclass(frozen=True)
class Call:
    session_id: str
    meeting_id: str
    officer_id: str  # attendee
    sergeant_id: str  # attendee
    claimed: Claimed


def begin(
    ends: Ends,
    site: WebServer,
    stack: Stack,
    *,
    officer: str,
    sergeant: str,
    row: str,
    before_start: Callable[[], None] | None = None,
) -> Call:
    """The sergeant waits on the queue; the officer starts the check; the sergeant claims it at
    once (the test stack escalates every 2 s and gives up after three rungs)."""
    ends.console.goto(site.page("console"))
    sign_in(ends.console, stack, sergeant)
    expect(ends.console.get_by_role("heading", name="Waiting for a sergeant")).to_be_visible()
    if before_start:
        before_start()
    with ends.officer.expect_response(posted("/sessions")) as started:
        start_check(ends.officer, site, stack, officer)
    session = started.value.json()
    claimed = claim(ends.console, re.compile(row))
    return Call(
        session["session_id"],
        session["meeting"]["MeetingId"],
        session["attendee"]["AttendeeId"],
        claimed.body["attendee"]["AttendeeId"],
        claimed,
    )


def assert_accessible(page: Any, artifacts: Path, label: str) -> None:
    serious = run_axe(page, artifacts, label)
    assert serious == [], f"axe found serious or critical violations on {label}: {serious}"
    page.screenshot(path=str(artifacts / f"{label}.png"), full_page=True)


def session_of(api: Any, token: str, session_id: str) -> dict[str, Any]:
    status, body = call(api, "GET", f"/sessions/{session_id}", token)
    assert status == 200, body
    return dict(body)


def audit_of(api: Any, token: str, session_id: str) -> list[dict[str, Any]]:
    status, body = call(api, "GET", f"/sessions/{session_id}/audit", token)
    assert status == 200, body
    return list(body["entries"])


def presence_since(
    emulator: ChimeEmulator, attendee_id: str, since_ms: float, log: list[Any] | None = None
) -> list[Any]:
    """The attendee's presence events (in ``log``, else the emulator's) after ``since_ms``:
    ``[(event, ms after since)]``."""
    found = []
    for event in emulator.event_log.recent() if log is None else log:
        detail = event["detail"]
        kind = detail["eventType"].removeprefix("chime:")
        at = int(detail["timestamp"])
        if detail.get("attendeeId") == attendee_id and kind in PRESENCE and at > since_ms:
            found.append((kind, at - since_ms))
    return found


def sdk_reconnecting_since(page: Any, since_ms: float, *, timeout: float) -> dict[str, Any]:
    """Wait until the page's Chime SDK has decided to reconnect after ``since_ms``."""
    wait_in_page(
        page,
        "(since) => window.__sdk.reconnects.some((r) => r.at > since)",
        since_ms,
        what="the officer's SDK deciding to reconnect",
        timeout=timeout,
    )
    first: dict[str, Any] = page.evaluate(
        "(since) => window.__sdk.reconnects.find((r) => r.at > since)", since_ms
    )
    return first


def seconds(ms: float) -> float:
    return round(ms / 1000, 1)


RECONNECTING = re.compile(r"reconnecting…", re.IGNORECASE)


def test_offline_a_few_seconds_comes_back_and_past_the_sdk_timeout_the_session_drops(
    site: WebServer,
    stack: Stack,
    api: Any,
    tokens: dict[str, str],
    app_chime: ChimeEmulator,
    real_drop_grace: int,
    open_ends: Callable[..., Ends],
    figures: dict[str, Any],
    artifacts: Path,
) -> None:
    """One call through three outages on the officer's phone, with the real drop grace.

    1. Offline for a few seconds, until both ends show it (a figure): how soon each side decodes
       video again.
    2. Offline until the SDK itself reconnects (~8 s without packets): both ends say
       "Reconnecting…", and once the network is back video resumes both ways and the session is
       still being checked (not dropped).
    3. Offline past the SDK's reconnect timeout: the officer gets "Rejoin video" and the 999
       advice while the session is still being checked; it is dropped only DROP_GRACE_SECONDS
       after the emulator's AttendeeDropped, and the console is told.

    They share one call because the real grace is 45 s: the drop check that outage 2's
    AttendeeDropped queues comes due during outage 3, and the one "dropped" entry of the audit
    trail being outage 3's (at least the grace after its AttendeeDropped) shows that outage 2's
    check found the officer back.
    """
    token = tokens["sergeant.central"]
    ends = open_ends()
    officer, console = ends.officer, ends.console
    started = begin(
        ends, site, stack, officer="officer.central", sergeant="sergeant.central", row="PC 4521"
    )
    expect(ends.status("officer")).to_have_text("Connected.")
    expect(ends.status("console")).to_have_text("Connected.")
    wait_for_more_frames(officer, what="the sergeant's video on the officer's phone")
    wait_for_more_frames(console, what="the officer's video on the console")

    # 1. Offline for a few seconds: until both ends show it (the officer's phone at once, the
    # console when the emulator has heard nothing from the officer for 2 s). Sound comes back at
    # once, without a reconnection. Whether video does soon depends on the SDK: it may count the
    # gap as a poor connection, and then the officer's app stays on audio only until it is good.
    went = ends.officer_network(OFFLINE)
    expect(ends.status("officer")).to_contain_text("Reconnecting…")
    expect(ends.status("console")).to_contain_text(RECONNECTING)
    back = ends.officer_network(NORMAL)
    sound = {
        name: wait_for_more_audio(page, what=f"sound resuming on the {name} after a short outage")
        for name, page in (("officer", officer), ("console", console))
    }
    pictures: dict[str, float | None] = {}
    for name, page in (("officer", officer), ("console", console)):
        try:
            pictures[name] = seconds(
                wait_for_more_frames(page, timeout=FIGURE_WAIT, what="video after a short outage")
                - back
            )
        except AssertionError:
            pictures[name] = None  # not within FIGURE_WAIT
    figures["offline_a_few_seconds"] = {
        "offline_s": seconds(back - went),
        "sound_resumed_after_online_s": {k: seconds(v - back) for k, v in sound.items()},
        "video_resumed_after_online_s": pictures,
        "sdk_reconnected": officer.evaluate(
            "(since) => window.__sdk.reconnects.filter((r) => r.at > since)", went
        ),
        "officer_shows": shown_since(officer, went),
        "console_shows": shown_since(console, went),
        "officer_presence": presence_since(app_chime, started.officer_id, went),
    }

    # 2. Offline until the officer's SDK gives the connection up and reconnects.
    went = ends.officer_network(OFFLINE)
    reconnect = sdk_reconnecting_since(officer, went, timeout=SDK_RECONNECTS_WITHIN)
    assert reconnect["status"] == "ConnectionHealthReconnect", reconnect
    expect(ends.status("officer")).to_contain_text("Reconnecting…")
    # The console says so of the officer: the emulator hears nothing from them.
    expect(ends.status("console")).to_contain_text(RECONNECTING)
    expect(console.locator("figure.remote figcaption")).to_contain_text(RECONNECTING)
    assert_accessible(officer, artifacts, "street-officer-reconnecting")
    assert_accessible(console, artifacts, "street-console-officer-reconnecting")
    back = ends.officer_network(NORMAL)
    expect(ends.status("officer")).to_contain_text("Connected.", timeout=RECOVERS_WITHIN)
    resumed = {
        name: wait_for_more_frames(
            page, timeout=RECOVERS_WITHIN, what=f"video resuming on the {name} after reconnecting"
        )
        for name, page in (("officer", officer), ("console", console))
    }
    # The officer is back in the meeting; the sergeant never left it; the session is still
    # being checked, and nothing in its record says dropped.
    outage = presence_since(app_chime, started.officer_id, went)
    assert [event for event, _ in outage][-1:] == ["AttendeeJoined"] or outage == [], outage
    assert "AttendeeDropped" not in events_for(app_chime.event_log.recent(), started.sergeant_id)
    assert session_of(api, token, started.session_id)["state"] == "claimed"
    assert "dropped" not in [e["to_state"] for e in audit_of(api, token, started.session_id)]
    expect(console.locator(".state")).to_have_text("Being checked")
    figures["offline_until_the_sdk_reconnects"] = {
        "sdk_reconnect_after_offline_s": seconds(reconnect["at"] - went),
        "offline_s": seconds(back - went),
        "video_resumed_after_online_s": {k: seconds(v - back) for k, v in resumed.items()},
        "officer_shows": shown_since(officer, went),
        "console_shows": shown_since(console, went),
        "officer_presence": presence_since(app_chime, started.officer_id, went),
    }

    # 3. Offline for good: the SDK gives up, the officer is offered one tap and 999.
    went = ends.officer_network(OFFLINE)
    video = officer.get_by_role("region", name="Video call")
    expect(video.get_by_role("button", name="Rejoin video")).to_be_visible(
        timeout=SDK_GIVES_UP_WITHIN
    )
    lost = time.time() * 1000
    # The SDK itself gave up (it logs that it will not reconnect again).
    gave_up = officer.evaluate("(since) => window.__sdk.failures.filter((f) => f.at > since)", went)
    assert gave_up, "the officer's SDK never said it gave up"
    expect(video.get_by_role("link", name="Call 999")).to_be_visible()
    expect(video).to_contain_text("call 999")
    expect(ends.status("officer")).to_contain_text("The video call was lost")
    # Told "lost" while the session is still being checked: the server's grace outlasts the SDK.
    assert session_of(api, token, started.session_id)["state"] == "claimed"
    expect(console.locator(".state")).to_have_text("Being checked")
    assert_accessible(officer, artifacts, "street-officer-lost")

    # The meeting says the officer dropped (pings unanswered); the drop grace then ends the check.
    def officer_dropped(log: list[Any]) -> list[float]:
        outage = presence_since(app_chime, started.officer_id, went, log)
        return [ms for event, ms in outage if event == "AttendeeDropped"]

    drops_seen = officer_dropped(app_chime.event_log.wait_for(officer_dropped, 30))
    assert drops_seen, presence_since(app_chime, started.officer_id, went)
    dropped_event = drops_seen[0]
    expect(console.locator(".state")).to_have_text(
        "Dropped: call ended before a decision", timeout=(real_drop_grace + 20) * 1000
    )
    told = time.time() * 1000
    expect(console.get_by_role("alert")).to_contain_text(
        "The call ended before a decision. The officer has been told to call 999."
    )
    expect(console.get_by_role("region", name="Video call")).to_have_count(0)
    entries = audit_of(api, token, started.session_id)
    drops = [e for e in entries if e["to_state"] == "dropped"]
    assert len(drops) == 1, entries
    dropped_at = _epoch_ms(drops[0]["at"])
    # The drop rule: no sooner than the grace after AttendeeDropped (outage 3's, so outage 2's
    # check, due earlier, left the session alone).
    assert dropped_at - (went + dropped_event) >= real_drop_grace * 1000 - 1000, (
        dropped_at,
        went,
        dropped_event,
    )
    # Back online, the officer's app says what happened and what to do.
    ends.officer_network(NORMAL)
    expect(officer.get_by_role("status").first).to_contain_text(
        "The call dropped before a decision"
    )
    expect(officer.get_by_role("link", name="Call 999").first).to_be_visible()
    figures["offline_past_the_sdk_timeout"] = {
        "rejoin_and_999_shown_after_offline_s": seconds(lost - went),
        "attendee_dropped_after_offline_s": seconds(dropped_event),
        "session_dropped_after_offline_s": seconds(dropped_at - went),
        "console_told_after_offline_s": seconds(told - went),
        "sdk_gave_up_after_offline_s": [
            {"s": seconds(f["at"] - went), "status": f["status"]} for f in gave_up
        ],
        "officer_shows": shown_since(officer, went),
        "console_shows": shown_since(console, went),
    }


def _epoch_ms(iso: str) -> float:
    from datetime import datetime

    return datetime.fromisoformat(iso.replace("Z", "+00:00")).timestamp() * 1000


def test_a_throttled_network_puts_the_officer_on_audio_only_and_the_console_says_so(
    site: WebServer,
    stack: Stack,
    open_ends: Callable[..., Ends],
    figures: dict[str, Any],
    artifacts: Path,
) -> None:
    """The officer's phone is on 3G (300 kbit/s, 5 % loss, 150 ms) before it joins; the call
    connects and carries the officer's voice for 15 s; then the downlink fades to 40 kbit/s (a
    cell's edge). The SDK reports a poor connection, the officer's app goes to audio only and
    says why, and the console says the officer is on audio only.

    3G itself does not make the SDK (3.32) report a poor connection: its only such signal (its
    "unusable audio" policy, behind ``connectionDidBecomePoor`` and
    ``connectionDidSuggestStopVideo``) fires when under half of the 50 audio packets a second it
    expects arrive, over its last 15 one-second samples, and 5 % loss is far from that. The fade
    does it, from the SDK's own statistics; nothing is stubbed.

    The officer has used the app before: its files are in the browser's cache (hashed, cached
    for a year), as on a phone in service, so the 1.3 MB SDK does not come down the 3G link.
    """
    ends = open_ends()
    officer, console = ends.officer, ends.console

    def on_3g() -> None:
        officer.goto(site.page("officer"))
        names = sorted(p.name for p in (DIST / "assets").glob("*.js"))
        fetch_all = "async (names) => { for (const n of names) await (await fetch(n)).text(); }"
        officer.evaluate(fetch_all, [f"/assets/{name}" for name in names])
        ends.officer_network(THREE_G)

    started = begin(
        ends,
        site,
        stack,
        officer="officer.north",
        sergeant="sergeant.north",
        row="DC 7710",
        before_start=on_3g,
    )
    first = {
        name: round(wait_for_first_frame(page, timeout=30_000) - started.claimed.clicked_at)
        for name, page in (("officer", officer), ("console", console))
    }
    expect(ends.status("officer")).to_contain_text("Connected.")
    on_3g_since = started.claimed.clicked_at
    # Fifteen seconds of the officer's voice on 3G (the SDK's window): a call under way.
    wait_for_more_audio(console, packets=15 * 50 - 50, what="15 s of the officer's voice on 3G")
    figures["3g"] = {
        "network": THREE_G,
        "first_remote_frame_after_claim_ms": first,
        "officer_shows": shown_since(officer, on_3g_since),
        "console_shows": shown_since(console, on_3g_since),
    }

    faded = ends.officer_network(STARVED)
    expect(ends.status("officer")).to_contain_text(
        "Audio only: your connection is poor", timeout=40_000
    )
    audio_only = time.time() * 1000
    expect(ends.status("officer")).to_contain_text("the call goes on by voice")
    expect(ends.status("console")).to_contain_text("the officer is on audio only", timeout=20_000)
    console_told = time.time() * 1000
    expect(console.locator("figure.remote figcaption")).to_contain_text("Audio only")
    assert_accessible(officer, artifacts, "street-officer-audio-only")
    assert_accessible(console, artifacts, "street-console-officer-audio-only")
    figures["downlink_starved"] = {
        "network": STARVED,
        "officer_audio_only_after_s": seconds(audio_only - faded),
        "console_says_audio_only_after_s": seconds(console_told - faded),
        "officer_shows": shown_since(officer, faded),
        "console_shows": shown_since(console, faded),
    }

    ends.officer_network(NORMAL)
    console.get_by_role("button", name="Verified", exact=True).click()
    expect(console.get_by_role("heading", name="Verified", exact=True)).to_be_visible()


def test_camera_refused_the_officer_is_told_what_to_do_and_the_sergeant_decides_by_voice(
    site: WebServer,
    stack: Stack,
    api: Any,
    tokens: dict[str, str],
    app_chime: ChimeEmulator,
    open_ends: Callable[..., Ends],
    artifacts: Path,
) -> None:
    """The officer's phone refuses the camera and the microphone (nothing granted; the prompt is
    answered "Block"). The app asks only after a tap, says what to do on an iPhone and on an
    Android phone, and the check goes on; once the microphone is allowed (the camera still
    blocked), the sergeant hears the officer and decides by voice and the identity card, and the
    record says the decision was made without video."""
    ends = open_ends(officer_grants=())
    officer, console = ends.officer, ends.console
    started = begin(
        ends, site, stack, officer="officer.central", sergeant="sergeant.central", row="PC 4521"
    )
    video = officer.get_by_role("region", name="Video call")
    # Nothing is asked before the officer taps: the panel explains why first.
    turn_on = video.get_by_role("button", name="Turn on camera and microphone")
    expect(turn_on).to_be_visible()
    expect(video).to_contain_text("must see your face and hear you")
    assert "AttendeeJoined" not in events_for(app_chime.event_log.recent(), started.officer_id)
    assert_accessible(officer, artifacts, "street-officer-ready")

    turn_on.click()
    expect(ends.status("officer")).to_contain_text("No camera or microphone")
    expect(ends.status("officer")).to_contain_text("the check goes on")
    expect(video).to_contain_text("On an iPhone or iPad (Safari)")
    expect(video).to_contain_text("“Website Settings”")
    expect(video).to_contain_text("On an Android phone (Chrome)")
    expect(video).to_contain_text("“Permissions”")
    # The session goes on: the officer is in the meeting, the code is still shown to her.
    app_chime.event_log.wait_for(
        lambda log: "AttendeeJoined" in events_for(log, started.officer_id), 20
    )
    expect(officer.locator(".code")).to_be_visible()
    assert_accessible(officer, artifacts, "street-officer-no-media")

    # The officer allows the microphone, as the steps say, and tries again; the camera stays
    # blocked.
    officer.context.grant_permissions(["microphone"], origin=site.url)
    video.get_by_role("button", name="Try camera and microphone again").click()
    expect(ends.status("officer")).to_contain_text("Audio only: the camera is blocked")
    expect(ends.status("officer")).to_contain_text("The call goes on by voice")
    assert_accessible(officer, artifacts, "street-officer-camera-refused")

    # The sergeant hears the officer's voice (their tone) and sees no video from them.
    expect(ends.status("console")).to_contain_text("The officer is on audio only")
    wait_for_tone(console, RED)
    without_video = console.get_by_label("Decided without video (voice and identity card only)")
    expect(without_video).to_be_checked()
    assert_accessible(console, artifacts, "street-console-officer-audio-only-camera-refused")
    with console.expect_request(lambda r: r.url.endswith("/outcome")) as outcome:
        console.get_by_role("button", name="Verified", exact=True).click()
    assert json.loads(outcome.value.post_data or "{}") == {
        "outcome": "verified",
        "without_video": True,
    }
    expect(console.get_by_role("heading", name="Verified", exact=True)).to_be_visible()
    expect(
        console.get_by_text("Decided without video (voice and identity card only).")
    ).to_be_visible()
    expect(officer.get_by_role("status").first).to_contain_text("Verified")

    # What is recorded: the session, and the decision's audit entry.
    token = tokens["sergeant.central"]
    assert session_of(api, token, started.session_id)["decided_without_video"] is True
    entries = audit_of(api, token, started.session_id)
    decision = [e for e in entries if e["to_state"] == "verified"]
    assert len(decision) == 1 and decision[0]["without_video"] is True, entries
    assert all(not e["without_video"] for e in entries if e["to_state"] != "verified"), entries
    console.get_by_role("button", name="Audit trail").click()
    expect(console.get_by_role("table")).to_contain_text("(decided without video)")
