"""Command line: ``python -m local.chime_emulator --host 127.0.0.1 --port 4567``."""

from __future__ import annotations

import argparse
import contextlib
import logging
import os
import signal
from types import FrameType

from .backend import DEFAULT_IDLE_TIMEOUT, DEFAULT_MAX_DURATION
from .server import ChimeEmulator


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m local.chime_emulator",
        description="Serve a local Amazon Chime SDK Meetings API for boto3 clients.",
    )
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on")
    parser.add_argument("--port", type=int, default=4567, help="port (0 picks a free one)")
    parser.add_argument(
        "--eventbridge-endpoint",
        default=os.environ.get("CHIME_EMULATOR_EVENTBRIDGE_ENDPOINT"),
        help="EventBridge endpoint (e.g. moto server) that receives aws.chime meeting events",
    )
    parser.add_argument("--event-bus", default="default", help="event bus name for the events")
    parser.add_argument(
        "--idle-timeout",
        type=float,
        default=DEFAULT_IDLE_TIMEOUT,
        help="seconds before a meeting with nobody joined ends (AWS: 300)",
    )
    parser.add_argument(
        "--max-duration",
        type=float,
        default=DEFAULT_MAX_DURATION,
        help="seconds before any meeting ends (AWS: 86400)",
    )
    parser.add_argument(
        "--media-port",
        type=int,
        default=4568,
        help="port of the media side: Chime SDK signaling and the WebRTC relay (0: a free one)",
    )
    parser.add_argument(
        "--no-media", action="store_true", help="serve the Meetings API only (no media side)"
    )
    parser.add_argument("--quiet", action="store_true", help="log only warnings")
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.WARNING if args.quiet else logging.INFO,
        format="%(asctime)s chime-emulator %(message)s",
    )
    emulator = ChimeEmulator(
        args.host,
        args.port,
        eventbridge_endpoint=args.eventbridge_endpoint,
        event_bus=args.event_bus,
        idle_timeout=args.idle_timeout,
        max_duration=args.max_duration,
        media=not args.no_media,
        media_port=args.media_port,
    )
    print(f"Chime SDK Meetings emulator listening on {emulator.url}", flush=True)
    if emulator.media is not None:
        print(f"  media side (SDK signaling): {emulator.media.url}/control/<MeetingId>", flush=True)
    print(f"  control API: {emulator.url}/_emulator/meetings", flush=True)
    # Ctrl-C (or a SIGTERM) is how people and scripts stop it, whatever the disposition it
    # inherited: a process started from a background job (`cmd &`, CI runners) inherits SIGINT
    # ignored, and Python then installs no KeyboardInterrupt for it, so it would never stop.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGTERM, _interrupt)
    with contextlib.suppress(KeyboardInterrupt):
        emulator.serve_forever()


def _interrupt(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt


if __name__ == "__main__":
    main()
