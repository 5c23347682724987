"""The emulator starts from the command line as documented and stops cleanly on Ctrl-C."""

from __future__ import annotations

import signal
import subprocess
import sys
import uuid
from pathlib import Path

from tests.conftest import chime_client

from .helpers import REGION

ROOT = Path(__file__).resolve().parents[2]


def test_python_dash_m_serves_and_stops_on_ctrl_c() -> None:
    process = subprocess.Popen(
        [
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
        stdout=subprocess.PIPE,
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
            status = process.wait(timeout=10)
        finally:
            if process.poll() is None:  # never left behind holding the media port
                process.kill()
                process.wait(timeout=5)
    assert status == 0
