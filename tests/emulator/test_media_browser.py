"""The unmodified Chime SDK for JavaScript joins the emulator's meetings in Chromium.

A harness page (web/harness, built here, never shipped) joins with the pages' own ``VideoCall``
(web/src/shared/video.ts) and the SDK version the pages pin. Evidence comes from the browser's
own WebRTC statistics (``inbound-rtp``: frames decoded, audio packets received), read from every
``RTCPeerConnection`` the page made, and from the emulator's event log.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from local.chime_emulator import ChimeEmulator
from local.harness import CHROMIUM_ARGS, build_harness, served
from tests.e2e.conftest import chromium_path

from .helpers import REGION

# Every RTCPeerConnection the page makes is kept, so the test can read the browser's own stats.
RECORD_PEERS = """
window.__peers = [];
const NativePeerConnection = window.RTCPeerConnection;
window.RTCPeerConnection = class extends NativePeerConnection {
  constructor(...args) { super(...args); window.__peers.push(this); }
};
// The browser's own inbound-rtp counters over the open peer connections, refreshed 5 times a
// second so that a test can wait on them with a plain (synchronous) predicate.
window.__inbound = { video: 0, audio: 0, width: 0 };
const lastSeen = new Map();  // peer -> its counters when last read (a closed peer keeps them)
setInterval(async () => {
  for (const peer of window.__peers) {
    if (peer.connectionState === "closed") continue;
    const counters = { video: 0, audio: 0, width: 0 };
    (await peer.getStats()).forEach((report) => {
      if (report.type !== "inbound-rtp") return;
      if (report.kind === "video") {
        counters.video += report.framesDecoded || 0;
        counters.width = Math.max(counters.width, report.frameWidth || 0);
      } else if (report.kind === "audio") {
        counters.audio += report.packetsReceived || 0;
      }
    });
    lastSeen.set(peer, counters);
  }
  // Totals over the page's life: a reconnect's new peer connection adds to them.
  const totals = { video: 0, audio: 0, width: 0 };
  for (const counters of lastSeen.values()) {
    totals.video += counters.video;
    totals.audio += counters.audio;
    totals.width = Math.max(totals.width, counters.width);
  }
  window.__inbound = totals;
}, 200);
"""
# True once the open peer connections have decoded `more` video frames beyond `since`.
MORE_FRAMES = """([since, more]) =>
  window.__inbound.video >= since + more && window.__inbound.width > 0 && window.__inbound"""
REMOTE_SIZE = (
    "[document.getElementById('remote').videoWidth, document.getElementById('remote').videoHeight]"
)


@pytest.fixture(scope="module")
def harness(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The harness page, built with the pages' Vite and SDK, served on localhost."""
    out = tmp_path_factory.mktemp("harness")
    build_harness(out)
    with served(out) as url:
        yield url


@pytest.fixture(scope="module")
def chromium(playwright_driver: Any) -> Iterator[Any]:
    browser = playwright_driver.chromium.launch(
        executable_path=chromium_path(), headless=True, args=CHROMIUM_ARGS
    )
    yield browser
    browser.close()


@pytest.fixture
def media_emulator() -> Iterator[ChimeEmulator]:
    with ChimeEmulator(default_region=REGION) as running:
        yield running


def meeting_for_two(emulator: ChimeEmulator) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    import boto3

    chime = boto3.client("chime-sdk-meetings", endpoint_url=emulator.url, region_name=REGION)
    made = chime.create_meeting_with_attendees(
        ClientRequestToken=f"harness-{time.monotonic_ns()}",
        MediaRegion=REGION,
        ExternalMeetingId="harness",
        Attendees=[{"ExternalUserId": "officer"}, {"ExternalUserId": "sergeant"}],
    )
    return made["Meeting"], made["Attendees"]


def open_harness(chromium: Any, harness: str, *, emulated_network: bool = False) -> Any:
    context = chromium.new_context(permissions=["camera", "microphone"])
    context.set_default_timeout(30_000)
    context.add_init_script(RECORD_PEERS)
    page = context.new_page()
    if emulated_network:
        # Chromium cuts WebRTC when it goes offline only if network emulation was already on
        # when the page made its connection (found with Chromium 150): turn on 1 ms of latency.
        cdp = context.new_cdp_session(page)
        cdp.send("Network.enable")
        cdp.send("Network.emulateNetworkConditions", network(offline=False))
        page.cdp = cdp
    page.goto(harness)
    return page


def network(*, offline: bool) -> dict[str, Any]:
    return {"offline": offline, "latency": 1, "downloadThroughput": -1, "uploadThroughput": -1}


def join(page: Any, meeting: dict[str, Any], attendee: dict[str, Any]) -> None:
    page.evaluate("([m, a]) => window.harness.join(m, a)", [meeting, attendee])


def phases(page: Any) -> list[str]:
    return list(page.evaluate("window.harness.statuses.map((s) => s.phase)"))


def inbound(page: Any) -> dict[str, int]:
    return dict(page.evaluate("window.__inbound"))


def wait_for_frames(page: Any, since: int, more: int, timeout_ms: int) -> dict[str, int]:
    handle = page.wait_for_function(MORE_FRAMES, arg=[since, more], timeout=timeout_ms)
    return dict(handle.json_value())


PRESENCE_EVENTS = ("chime:AttendeeJoined", "chime:AttendeeLeft", "chime:AttendeeDropped")


def presence_of(emulator: ChimeEmulator, attendee_id: str) -> list[str]:
    """The attendee's presence events so far, in order (``AttendeeJoined``, ...)."""
    return [
        e["detail"]["eventType"].removeprefix("chime:")
        for e in emulator.event_log.recent()
        if e["detail"].get("attendeeId") == attendee_id
        and e["detail"]["eventType"] in PRESENCE_EVENTS
    ]


def wait_for_presence(emulator: ChimeEmulator, attendee_id: str, *expected: str) -> list[str]:
    """Wait (woken by each event) until the attendee's presence events end with ``expected``."""

    def arrived(_events: list[dict[str, Any]]) -> bool:
        return presence_of(emulator, attendee_id)[-len(expected) :] == list(expected)

    emulator.event_log.wait_for(arrived, timeout=45)
    return presence_of(emulator, attendee_id)


# Resolves once a peer connection of the page has lost its media path (ICE no longer connected).
MEDIA_LOST = """() => window.__peers.some((p) =>
  ["disconnected", "failed", "closed"].includes(p.iceConnectionState))"""


def test_the_sdk_joins_reaches_audio_video_did_start_and_pictures_and_sound_cross(
    chromium: Any, harness: str, media_emulator: ChimeEmulator
) -> None:
    meeting, (officer, sergeant) = meeting_for_two(media_emulator)
    officer_page = open_harness(chromium, harness)
    sergeant_page = open_harness(chromium, harness)
    try:
        started = time.monotonic()
        join(officer_page, meeting, officer)
        join(sergeant_page, meeting, sergeant)
        for page in (officer_page, sergeant_page):
            seen = wait_for_frames(page, since=0, more=30, timeout_ms=30_000)
            assert seen["audio"] > 0, "no audio packets arrived"
            assert "connected" in phases(page)  # audioVideoDidStart was called
            assert "ended" not in phases(page)
        first_frames = time.monotonic() - started
        # Still flowing: more frames and more sound arrive, not one picture that stuck.
        before = inbound(sergeant_page)
        after = wait_for_frames(sergeant_page, since=before["video"], more=15, timeout_ms=10_000)
        assert after["audio"] > before["audio"]
        remote = sergeant_page.evaluate(REMOTE_SIZE)
        assert remote[0] > 0 and remote[1] > 0
        print(f"\n  both sides decoding 30 remote frames {first_frames:.1f} s after join")
    finally:
        officer_page.context.close()
        sergeant_page.context.close()


def test_a_leave_is_attendee_left_and_a_closed_tab_is_attendee_dropped(
    chromium: Any, harness: str, media_emulator: ChimeEmulator
) -> None:
    meeting, (officer, sergeant) = meeting_for_two(media_emulator)
    officer_page = open_harness(chromium, harness)
    sergeant_page = open_harness(chromium, harness)
    try:
        join(officer_page, meeting, officer)
        join(sergeant_page, meeting, sergeant)
        wait_for_frames(sergeant_page, since=0, more=5, timeout_ms=30_000)
        sergeant_page.evaluate("window.harness.leave()")
        assert wait_for_presence(media_emulator, sergeant["AttendeeId"], "AttendeeLeft") == [
            "AttendeeJoined",
            "AttendeeLeft",
        ]
        officer_page.context.close()  # the tab goes: no LEAVE, only the socket closing
        assert wait_for_presence(media_emulator, officer["AttendeeId"], "AttendeeDropped") == [
            "AttendeeJoined",
            "AttendeeDropped",
        ]
    finally:
        for page in (officer_page, sergeant_page):
            if not page.is_closed():
                page.context.close()


def test_the_sdk_rejoins_after_the_network_goes_away_and_video_resumes(
    chromium: Any, harness: str, media_emulator: ChimeEmulator, tmp_path: Path
) -> None:
    """Offline until both ends have given the connection up, then back: the SDK rejoins."""
    meeting, (officer, sergeant) = meeting_for_two(media_emulator)
    officer_page = open_harness(chromium, harness, emulated_network=True)
    sergeant_page = open_harness(chromium, harness)
    if os.environ.get("MEDIA_DEBUG"):
        officer_page.on("console", lambda m: print(f"[officer] {m.type}: {m.text[:400]}"))
    try:
        join(officer_page, meeting, officer)
        join(sergeant_page, meeting, sergeant)
        wait_for_frames(officer_page, since=0, more=15, timeout_ms=30_000)
        officer_page.cdp.send("Network.emulateNetworkConditions", network(offline=True))
        went_offline = time.monotonic()
        # The browser loses the media path, and the emulator drops the officer when its
        # WebSocket pings go unanswered: an open socket is held, not closed, while offline.
        officer_page.wait_for_function(MEDIA_LOST, timeout=60_000)
        media_lost = time.monotonic() - went_offline
        wait_for_presence(media_emulator, officer["AttendeeId"], "AttendeeDropped")
        dropped = time.monotonic() - went_offline
        stalled = inbound(officer_page)["video"]
        officer_page.cdp.send("Network.emulateNetworkConditions", network(offline=False))
        back = time.monotonic()
        wait_for_frames(officer_page, since=stalled, more=15, timeout_ms=90_000)
        recovered = time.monotonic() - back
        assert presence_of(media_emulator, officer["AttendeeId"])[-2:] == [
            "AttendeeDropped",
            "AttendeeJoined",
        ]
        figures = {
            "ice_lost_after_offline_s": round(media_lost, 1),
            "dropped_after_offline_s": round(dropped, 1),
            "video_resumed_after_online_s": round(recovered, 1),
        }
        (tmp_path / "reconnect.json").write_text(json.dumps(figures))
        print(f"\n  reconnect: {figures}")
    finally:
        officer_page.context.close()
        sergeant_page.context.close()
