"""What the video tests need beside the pages: fake cameras and microphones, and a look inside
the pages' WebRTC.

Each browser gets its own camera, a solid colour written as a YUV4MPEG2 file, and its own tone
as a WAV file, so a picture or a sound arriving somewhere says whose it is. In each page an init
script notes every ``RTCPeerConnection`` the Chime SDK uses and keeps a summary of its
``getStats()`` in ``window.__media``, so a test waits on plain values with Playwright's
``wait_for_function`` (whose predicate must be synchronous).
"""

from __future__ import annotations

import math
import wave
from array import array
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

WIDTH, HEIGHT, FPS, FRAMES = 320, 240, 15, 30


@dataclass(frozen=True)
class Camera:
    """A solid colour as the fake camera shows it: full-range (JPEG) YCbCr, and its RGB."""

    name: str
    yuv: tuple[int, int, int]
    rgb: tuple[int, int, int]
    tone_hz: int


RED = Camera("red", (76, 85, 255), (255, 0, 0), 440)  # the officer
BLUE = Camera("blue", (29, 255, 107), (0, 0, 255), 660)  # the sergeant
GREEN = Camera("green", (150, 44, 21), (0, 255, 0), 880)  # her


def write_y4m(path: Path, camera: Camera) -> Path:
    """``FRAMES`` frames of one colour, 4:2:0; Chromium plays the file in a loop."""
    y, u, v = camera.yuv
    chroma = (WIDTH // 2) * (HEIGHT // 2)
    frame = b"FRAME\n" + bytes([y]) * (WIDTH * HEIGHT) + bytes([u]) * chroma + bytes([v]) * chroma
    header = f"YUV4MPEG2 W{WIDTH} H{HEIGHT} F{FPS}:1 Ip A1:1 C420jpeg\n".encode()
    path.write_bytes(header + frame * FRAMES)
    return path


def write_tone(path: Path, hz: int, seconds: float = 2.0, rate: int = 48_000) -> Path:
    """A sine tone at half scale, 16-bit mono (a whole number of cycles, so the loop is clean)."""
    samples = int(rate * seconds)
    amplitude = 0.5 * 32767
    data = array(
        "h", (round(amplitude * math.sin(2 * math.pi * hz * n / rate)) for n in range(samples))
    )
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes(data.tobytes())  # little-endian on every machine this runs on
    return path


def camera_args(directory: Path, camera: Camera) -> list[str]:
    """Chromium's flags for a fake camera and microphone playing ``camera``'s files."""
    video = write_y4m(directory / f"{camera.name}.y4m", camera)
    audio = write_tone(directory / f"{camera.name}.wav", camera.tone_hz)
    return [
        f"--use-file-for-fake-video-capture={video}",
        f"--use-file-for-fake-audio-capture={audio}",
    ]


# Runs in every page before its own scripts (over DevTools, so the pages' CSP does not apply).
# The SDK's peer connections are noted when they make or take an offer; every 25 ms their stats
# are summed over the open ones into window.__media, with the time (Date.now(), the same clock as
# the test's time.time()) of the first inbound packet and decoded frame.
CSP_REFUSED = "CSP refused"  # how the recorder reports what the pages' CSP blocked
MEDIA_RECORDER = """
document.addEventListener("securitypolicyviolation", (e) => {
  console.error(`CSP refused ${e.blockedURI} (${e.effectiveDirective})`);
});
(() => {
  if (window.__media || typeof RTCPeerConnection === "undefined") return;
  const peers = new Set();
  const media = { peers: 0, first: {}, inbound: {}, outbound: {}, readAt: 0 };
  Object.defineProperty(window, "__media", { value: media });
  const proto = RTCPeerConnection.prototype;
  for (const name of ["createOffer", "setRemoteDescription"]) {
    const original = proto[name];
    proto[name] = function (...args) {
      peers.add(this);
      return original.apply(this, args);
    };
  }
  const inboundKeys = ["packetsReceived", "bytesReceived", "framesDecoded", "totalAudioEnergy",
                       "totalSamplesReceived"];
  const outboundKeys = ["packetsSent", "bytesSent", "framesEncoded"];
  const add = (into, s, keys) => {
    for (const key of keys) if (typeof s[key] === "number") into[key] = (into[key] || 0) + s[key];
  };
  const widest = (into, s) => {
    for (const key of ["frameWidth", "frameHeight"]) {
      if (s[key]) into[key] = Math.max(into[key] || 0, s[key]);
    }
  };
  const read = async () => {
    const inbound = { audio: {}, video: {} };
    const outbound = { audio: {}, video: {} };
    let open = 0;
    for (const pc of peers) {
      if (pc.connectionState === "closed") continue;
      open += 1;
      const report = await pc.getStats();
      report.forEach((s) => {
        const kind = s.kind || s.mediaType;
        if (s.type === "inbound-rtp" && inbound[kind]) {
          add(inbound[kind], s, inboundKeys);
          widest(inbound[kind], s);
        } else if (s.type === "outbound-rtp" && outbound[kind]) {
          add(outbound[kind], s, outboundKeys);
        }
      });
    }
    media.peers = open;
    media.inbound = inbound;
    media.outbound = outbound;
    media.readAt = Date.now();
    if (!media.first.audio && inbound.audio.packetsReceived > 0) media.first.audio = media.readAt;
    if (!media.first.video && inbound.video.framesDecoded > 0) media.first.video = media.readAt;
  };
  const loop = async () => {
    try { await read(); } catch (e) { media.error = String(e); }
    setTimeout(loop, 25);
  };
  loop();
})();
"""

# The average colour of a <video> named `label`, drawn onto a small canvas: null until it has
# a picture. (A MediaStream's frames do not taint a canvas.)
COLOUR_OF = """
(label) => {
  const video = [...document.querySelectorAll("video")].find(
    (v) => v.getAttribute("aria-label") === label);
  if (!video || !video.videoWidth) return null;
  const canvas = document.createElement("canvas");
  canvas.width = 32;
  canvas.height = 24;
  const g = canvas.getContext("2d", { willReadFrequently: true });
  g.drawImage(video, 0, 0, canvas.width, canvas.height);
  const data = g.getImageData(0, 0, canvas.width, canvas.height).data;
  const sum = [0, 0, 0];
  for (let i = 0; i < data.length; i += 4) {
    sum[0] += data[i]; sum[1] += data[i + 1]; sum[2] += data[i + 2];
  }
  const n = data.length / 4;
  const quality = video.getVideoPlaybackQuality();
  return {
    rgb: sum.map((c) => Math.round(c / n)),
    width: video.videoWidth,
    height: video.videoHeight,
    frames: quality.totalVideoFrames,
    paused: video.paused,
  };
}
"""

# True when the colour above is `rgb`'s: its strong channel high, the other two low.
SHOWS_COLOUR = (
    "([label, rgb]) => {"
    f"  const seen = ({COLOUR_OF})(label);"
    "  return !!seen && seen.rgb.every((c, i) => rgb[i] > 128 ? c > 170 : c < 90);"
    "}"
)


def media(page: Any) -> dict[str, Any]:
    """The page's latest WebRTC summary (``window.__media``)."""
    summary: dict[str, Any] = page.evaluate("() => JSON.parse(JSON.stringify(window.__media))")
    return summary


def colour_of(page: Any, label: str) -> dict[str, Any] | None:
    seen: dict[str, Any] | None = page.evaluate(COLOUR_OF, label)
    return seen


def wait_in_page(
    page: Any, predicate: str, arg: Any = None, *, what: str, timeout: float = 20_000
) -> None:
    """Wait for a synchronous ``predicate(arg)`` in the page; on a timeout, say what it saw."""
    try:
        page.wait_for_function(predicate, arg=arg, timeout=timeout, polling=25)
    except PlaywrightTimeoutError:
        seen = {"media": media(page), "videos": page.evaluate(VIDEOS)}
        raise AssertionError(
            f"{what}: not within {timeout / 1000:.0f} s; the page had {seen}"
        ) from None


VIDEOS = f"""() => [...document.querySelectorAll("video")].map(
  (v) => [v.getAttribute("aria-label"), ({COLOUR_OF})(v.getAttribute("aria-label"))])"""


def wait_for_colour(page: Any, label: str, camera: Camera, *, timeout: float = 20_000) -> None:
    """Wait until the ``<video>`` named ``label`` shows ``camera``'s colour.

    The video is scrolled into view first, as the person looking at it would: Chromium pauses a
    muted autoplaying video (the own-camera preview) while it is off screen, and a paused one
    draws black.
    """
    page.get_by_label(label, exact=True).scroll_into_view_if_needed()
    wait_in_page(
        page,
        SHOWS_COLOUR,
        [label, list(camera.rgb)],
        what=f"the video {label!r} showing {camera.name}",
        timeout=timeout,
    )


def wait_for_inbound_growth(page: Any, *, frames: int = 15, packets: int = 25) -> None:
    """Wait until the page has decoded ``frames`` more video frames and received ``packets``
    more audio packets (and more sound energy) than now: media keeps flowing in."""
    now = media(page)["inbound"]
    base = {
        "frames": now.get("video", {}).get("framesDecoded", 0),
        "packets": now.get("audio", {}).get("packetsReceived", 0),
        "energy": now.get("audio", {}).get("totalAudioEnergy", 0),
        "wantFrames": frames,
        "wantPackets": packets,
    }
    wait_in_page(
        page,
        """(b) => {
          const m = window.__media.inbound;
          return (m.video.framesDecoded || 0) >= b.frames + b.wantFrames
              && (m.audio.packetsReceived || 0) >= b.packets + b.wantPackets
              && (m.audio.totalAudioEnergy || 0) > b.energy;
        }""",
        base,
        what=f"{frames} more video frames and {packets} more audio packets",
    )


def wait_for_first_frame(page: Any, *, timeout: float = 20_000) -> int:
    """Wait for the first inbound video frame decoded; its time (ms since the epoch)."""
    wait_in_page(
        page,
        "() => !!window.__media.first.video",
        what="the first video frame from the other side",
        timeout=timeout,
    )
    at: int = page.evaluate("() => window.__media.first.video")
    return at


PRESENCE = ("AttendeeJoined", "AttendeeLeft", "AttendeeDropped")


def events_for(log: list[dict[str, Any]], attendee_id: str) -> list[str]:
    """The presence events (``AttendeeJoined`` ...) the emulator logged for one attendee."""
    kinds = [
        e["detail"]["eventType"].removeprefix("chime:")
        for e in log
        if e["detail"].get("attendeeId") == attendee_id
    ]
    return [kind for kind in kinds if kind in PRESENCE]


def relay_frames(snapshot: list[dict[str, Any]], meeting_id: str) -> dict[str, dict[str, int]]:
    """Frames the relay received, per attendee in one meeting: ``{attendee: {kind: n}}``."""
    for room in snapshot:
        if room["MeetingId"] == meeting_id:
            return {a["AttendeeId"]: dict(a["FramesReceived"]) for a in room["Attendees"]}
    return {}


# Listens to the page's <audio> element (the other side's sound as the SDK plays it) through a
# Web Audio analyser. The pages have had a click, so an AudioContext may run.
EAR = """
async () => {
  const audio = document.querySelector("audio");
  const stream = audio && audio.srcObject;
  if (!stream) return "no stream on the <audio> element";
  const context = new AudioContext();
  const analyser = context.createAnalyser();
  analyser.fftSize = 4096;
  context.createMediaStreamSource(stream).connect(analyser);
  await context.resume();
  window.__ear = { context, analyser, stream };
  return context.state;
}
"""

# The strongest frequency the analyser hears now, and how loud it is (dBFS).
PEAK = """
() => {
  const { context, analyser } = window.__ear;
  const bins = new Float32Array(analyser.frequencyBinCount);
  analyser.getFloatFrequencyData(bins);
  let best = 1;
  for (let i = 1; i < bins.length; i++) if (bins[i] > bins[best]) best = i;
  return { hz: best * context.sampleRate / analyser.fftSize, db: bins[best] };
}
"""


def wait_for_tone(page: Any, camera: Camera, *, timeout: float = 20_000) -> None:
    """Wait until the page's ``<audio>`` plays ``camera``'s tone (within two analyser bins)."""
    state = page.evaluate(EAR)
    assert state == "running", f"could not listen to the <audio> element: {state}"
    try:
        page.wait_for_function(
            f"(hz) => {{ const p = ({PEAK})(); return Math.abs(p.hz - hz) < 25 && p.db > -80; }}",
            arg=camera.tone_hz,
            timeout=timeout,
            polling=50,
        )
    except PlaywrightTimeoutError:
        heard = page.evaluate(PEAK)
        raise AssertionError(
            f"no {camera.tone_hz} Hz tone ({camera.name}'s) heard: {heard}"
        ) from None


# --- The street (tests/e2e/test_street.py): what happens over time, across reconnections ---

# Runs in every page of the street tests beside MEDIA_RECORDER, and only watches:
#  - window.__life: frames decoded and audio packets received over the page's whole life, summed
#    over every peer connection it ever had (the last figures of a closed one are kept), with the
#    time each last grew. MEDIA_RECORDER sums the open ones only, so its totals fall back to zero
#    when the SDK reconnects with a new peer connection; these never go down.
#  - window.__sdk: what the Chime SDK writes to the console at WARN and ERROR (the pages' logger
#    level): when it decided to reconnect, and with which status ("ConnectionHealthReconnect"),
#    and when it gave up ("failed with status code ...").
#  - window.__shown: every change of what the video panel says, with its time: the status line
#    (role="status" in the "Video call" region) and the caption of the other side's tile (its
#    connection word and badges).
STREET_RECORDER = """
(() => {
  if (window.__life) return;
  const life = { video: 0, audio: 0, videoAt: 0, audioAt: 0, peers: 0 };
  Object.defineProperty(window, "__life", { value: life });
  const sdk = { reconnects: [], failures: [] };
  Object.defineProperty(window, "__sdk", { value: sdk });
  for (const level of ["warn", "error"]) {
    const original = console[level].bind(console);
    console[level] = (...args) => {
      const text = args.map(String).join(" ");
      let m = text.match(/will reconnect due to status code (\\w+)/);
      if (m) sdk.reconnects.push({ at: Date.now(), status: m[1] });
      m = text.match(/failed with status code (\\w+)/);
      if (m) sdk.failures.push({ at: Date.now(), status: m[1] });
      return original(...args);
    };
  }
  const shown = [];
  Object.defineProperty(window, "__shown", { value: shown });
  let last = null;
  const look = () => {
    const panel = document.querySelector('section[aria-label="Video call"]');
    const status = panel?.querySelector('[role="status"]')?.textContent ?? null;
    const caption = panel?.querySelector("figure.remote figcaption")?.textContent ?? null;
    const key = JSON.stringify([status, caption]);
    if (key !== last) {
      last = key;
      shown.push({ at: Date.now(), status, caption });
    }
  };
  new MutationObserver(look).observe(document, {
    subtree: true, childList: true, characterData: true, attributes: true,
  });
  if (typeof RTCPeerConnection === "undefined") return;
  const peers = new Set();
  const lastSeen = new Map();
  const proto = RTCPeerConnection.prototype;
  for (const name of ["createOffer", "setRemoteDescription"]) {
    const original = proto[name];
    proto[name] = function (...args) {
      peers.add(this);
      return original.apply(this, args);
    };
  }
  const read = async () => {
    for (const pc of peers) {
      if (pc.connectionState === "closed") continue;
      const counts = { video: 0, audio: 0 };
      (await pc.getStats()).forEach((s) => {
        if (s.type !== "inbound-rtp") return;
        if (s.kind === "video") counts.video += s.framesDecoded || 0;
        else if (s.kind === "audio") counts.audio += s.packetsReceived || 0;
      });
      lastSeen.set(pc, counts);
    }
    let video = 0;
    let audio = 0;
    for (const counts of lastSeen.values()) {
      video += counts.video;
      audio += counts.audio;
    }
    const now = Date.now();
    if (video > life.video) { life.video = video; life.videoAt = now; }
    if (audio > life.audio) { life.audio = audio; life.audioAt = now; }
    life.peers = peers.size;
  };
  const loop = async () => {
    try { await read(); } catch (e) { life.error = String(e); }
    setTimeout(loop, 25);
  };
  loop();
})();
"""


def life(page: Any) -> dict[str, Any]:
    """The page's lifetime media totals (``window.__life``)."""
    totals: dict[str, Any] = page.evaluate("() => ({...window.__life})")
    return totals


def wait_for_more_frames(page: Any, *, frames: int = 15, timeout: float = 30_000, what: str) -> int:
    """Wait until the page has decoded ``frames`` more video frames, over all its peer
    connections, than it has now: video is arriving (again). Returns when the last of them was
    counted (ms since the epoch, the clock of ``time.time()``)."""
    base = life(page)["video"]
    wait_in_page(
        page,
        "([base, more]) => window.__life.video >= base + more",
        [base, frames],
        what=what,
        timeout=timeout,
    )
    at: int = page.evaluate("() => window.__life.videoAt")
    return at


def wait_for_more_audio(page: Any, *, packets: int = 50, timeout: float = 30_000, what: str) -> int:
    """Like :func:`wait_for_more_frames`, for audio packets received."""
    base = life(page)["audio"]
    wait_in_page(
        page,
        "([base, more]) => window.__life.audio >= base + more",
        [base, packets],
        what=what,
        timeout=timeout,
    )
    at: int = page.evaluate("() => window.__life.audioAt")
    return at


def shown_since(page: Any, since_ms: float) -> list[dict[str, Any]]:
    """What the video panel said from ``since_ms`` on: ``[{"s": seconds after, "status",
    "caption"}]``, the one in force at ``since_ms`` first (at 0)."""
    seen: list[dict[str, Any]] = page.evaluate("() => window.__shown.map((e) => ({...e}))")
    before = [e for e in seen if e["at"] <= since_ms]
    after = [e for e in seen if e["at"] > since_ms]
    out = [{**e, "at": since_ms} for e in before[-1:]] + after
    return [
        {"s": round((e["at"] - since_ms) / 1000, 1), "status": e["status"], "caption": e["caption"]}
        for e in out
    ]
