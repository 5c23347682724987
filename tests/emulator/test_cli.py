"""The emulator starts from the command line as documented and stops cleanly on Ctrl-C."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

from tests.conftest import chime_client

from .helpers import REGION

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(
    "started_as",
    [
        [],
        # A background job (`cmd &`, a CI runner) inherits SIGINT ignored; `exec` keeps that.
        ["sh", "-c", 'trap "" INT; exec "$0" "$@"'],
    ],
    ids=["from a terminal", "from a background job"],
)
def test_python_dash_m_serves_and_stops_on_ctrl_c(started_as: list[str]) -> None:
    # If it ever fails to stop, faulthandler (on SIGABRT, below) says where each thread was.
    process = subprocess.Popen(
        [
            *started_as,
            sys.executable,
            "-m",
            "local.chime_emulator",
            "--host",
            "127.0.0.1",
            "--port",
            "0",
            "--media-port",
            "0",  # never the default 4568, which a developer's `make run` may hold
            "--quiet",
        ],
        cwd=ROOT,
        env={**os.environ, "PYTHONFAULTHANDLER": "1"},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,  # --quiet: a few warnings at most, read once it stops
        text=True,
    )
    try:
        assert process.stdout is not None
        banner = process.stdout.readline()  # blocks until the server is listening
        url = banner.rsplit(" ", 1)[-1].strip()
        assert url.startswith("http://127.0.0.1:")

        client = chime_client(url)
        meeting = client.create_meeting(
            ClientRequestToken=uuid.uuid4().hex, MediaRegion=REGION, ExternalMeetingId="cli-1"
        )["Meeting"]
        assert client.get_meeting(MeetingId=meeting["MeetingId"])["Meeting"] == meeting
    finally:
        process.send_signal(signal.SIGINT)
        try:
            _, errors = process.communicate(timeout=10)
        except subprocess.TimeoutExpired:
            process.send_signal(signal.SIGABRT)  # faulthandler dumps every thread's stack
            _, stacks = process.communicate(timeout=10)
            errors = f"it did not stop within 10 s of Ctrl-C; its threads then:\n{stacks}"
        finally:
            if process.poll() is None:  # never left behind holding the media port
                process.kill()
                process.wait(timeout=5)
    assert process.returncode == 0, errors
