"""``python -m bench.media``: what a real call costs the Chime emulator's media side.

Two separate Chromium browsers, each with its own fake camera (a generated 640x360, 15 fps
``.y4m`` of a moving pattern, so the encoders have real work), join one emulator meeting with the
pages' own ``VideoCall`` and the Chime SDK (the harness page in ``web/harness``). Once both decode
the other's video, the bench reads for ``--seconds`` seconds:

- the CPU time of the emulator's process (it runs alone, as ``python -m local.chime_emulator``,
  so its ``/proc/<pid>/stat`` counts only the media side and its HTTP front);
- the frames each browser decoded, from its own WebRTC ``inbound-rtp`` statistics;

and prints CPU per forwarded video stream (each stream is decoded and re-encoded: see
docs/chime-emulator.md, "Media"), frames per second, and the time from join to first frames.
Exits 0 whether or not a figure is good: figures, not a test (docs/performance.md).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from local.harness import CHROMIUM_ARGS, build_harness, served

ROOT = Path(__file__).resolve().parent.parent
WIDTH, HEIGHT, FPS = 640, 360, 15
# The browser's own counters, summed over the page's peer connections, refreshed 5 times a second
# (Playwright waits on a plain predicate, not on a promise).
RECORD = """
window.__peers = [];
const Native = window.RTCPeerConnection;
window.RTCPeerConnection = class extends Native {
  constructor(...args) { super(...args); window.__peers.push(this); }
};
window.__decoded = 0;
setInterval(async () => {
  let frames = 0;
  for (const peer of window.__peers) {
    if (peer.connectionState === "closed") continue;
    (await peer.getStats()).forEach((r) => {
      if (r.type === "inbound-rtp" && r.kind === "video") frames += r.framesDecoded || 0;
    });
  }
  window.__decoded = frames;
}, 200);
"""


def y4m(path: Path, shade: int, frames: int = 30) -> Path:
    """A 640x360 4:2:0 clip: a bright bar sweeping across a tinted, moving gradient."""
    header = f"YUV4MPEG2 W{WIDTH} H{HEIGHT} F{FPS}:1 Ip A1:1 C420jpeg\n".encode()
    chroma = bytes([shade]) * ((WIDTH // 2) * (HEIGHT // 2))
    with path.open("wb") as out:
        out.write(header)
        for n in range(frames):
            bar = (n * WIDTH // frames, (n * WIDTH // frames) + 40)
            rows = bytearray()
            for y in range(HEIGHT):
                row = bytearray((x + y + 8 * n) % 220 + 16 for x in range(WIDTH))
                row[bar[0] : bar[1]] = b"\xeb" * len(row[bar[0] : bar[1]])
                rows += row
            out.write(b"FRAME\n" + bytes(rows) + chroma + chroma)
    return path


@contextmanager
def emulator() -> Iterator[tuple[str, int]]:
    """The emulator alone in its own process: ``(its URL, its pid)``."""
    process = subprocess.Popen(
        [sys.executable, "-m", "local.chime_emulator", "--port", "0", "--media-port", "0"],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        assert process.stdout is not None
        line = process.stdout.readline()  # "... listening on http://127.0.0.1:PORT"
        yield line.strip().rsplit(" ", 1)[-1], process.pid
    finally:
        process.terminate()
        process.wait(10)


def cpu_seconds(pid: int) -> float:
    """User plus system CPU time of a process so far, from ``/proc/<pid>/stat``."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def measure(seconds: float) -> dict[str, Any]:
    import boto3
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as scratch, emulator() as (url, pid):
        work = Path(scratch)
        build_harness(work / "harness")
        cameras = [y4m(work / "officer.y4m", 90), y4m(work / "sergeant.y4m", 170)]
        chime = boto3.client(
            "chime-sdk-meetings",
            endpoint_url=url,
            region_name="eu-west-2",
            aws_access_key_id="testing",
            aws_secret_access_key="testing",  # noqa: S106 - the emulator accepts any key
        )
        made = chime.create_meeting_with_attendees(
            ClientRequestToken=f"bench-{time.time_ns()}",
            MediaRegion="eu-west-2",
            ExternalMeetingId="bench-media",
            Attendees=[{"ExternalUserId": "officer"}, {"ExternalUserId": "sergeant"}],
        )
        with served(work / "harness") as site, sync_playwright() as playwright:
            pages = []
            for camera in cameras:
                browser = playwright.chromium.launch(
                    executable_path=os.environ.get("CHROMIUM", "/usr/bin/chromium"),
                    args=[*CHROMIUM_ARGS, f"--use-file-for-fake-video-capture={camera}"],
                )
                context = browser.new_context(permissions=["camera", "microphone"])
                context.add_init_script(RECORD)
                page = context.new_page()
                page.goto(site)
                pages.append(page)
            started = time.monotonic()
            for page, attendee in zip(pages, made["Attendees"], strict=True):
                page.evaluate("([m, a]) => window.harness.join(m, a)", [made["Meeting"], attendee])
            for page in pages:
                page.wait_for_function("window.__decoded > 15", timeout=60_000)
            first_frames = time.monotonic() - started
            before = [page.evaluate("window.__decoded") for page in pages]
            cpu_before, wall_before = cpu_seconds(pid), time.monotonic()
            pages[0].wait_for_timeout(seconds * 1000)  # the measuring window itself
            cpu, wall = cpu_seconds(pid) - cpu_before, time.monotonic() - wall_before
            after = [page.evaluate("window.__decoded") for page in pages]
    fps = [(a - b) / wall for a, b in zip(after, before, strict=True)]
    return {
        "camera": f"{WIDTH}x{HEIGHT} at {FPS} fps (fake capture file)",
        "seconds": round(wall, 1),
        "join_to_15_frames_both_sides_s": round(first_frames, 2),
        "received_fps": [round(f, 1) for f in fps],
        "emulator_cpu_percent_of_one_core": round(100 * cpu / wall, 1),
        "per_video_stream_percent_of_one_core": round(100 * cpu / wall / 2, 1),
    }


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.media", description=__doc__)
    parser.add_argument("--seconds", type=float, default=20.0, help="length of the window")
    parser.add_argument("--json", action="store_true", help="print JSON only")
    args = parser.parse_args(argv)
    figures = measure(args.seconds)
    if args.json:
        print(json.dumps(figures, indent=2))
        return 0
    print("Chime emulator media side, one call (two browsers, audio and video both ways):")
    for key, value in figures.items():
        print(f"  {key.replace('_', ' '):40} {value}")
    print("  (each video stream is decoded and re-encoded by the relay; audio likewise)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
