"""The SDK harness page and the Chromium flags that the browser tests and ``make bench`` share.

``web/harness`` joins one meeting with the pages' own ``VideoCall`` and is never shipped: the
emulator's conformance tests (tests/emulator/test_media_browser.py) and ``python -m
bench.media`` build it here and serve it on localhost.
"""

from __future__ import annotations

import functools
import os
import shutil
import subprocess
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from .login import ROOT

# The probe's flags: headless, no GPU, and no background traffic to hosts this machine cannot
# reach; then a fake camera and microphone, granted without a prompt, so calls start for real.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--use-fake-device-for-media-stream",
    "--use-fake-ui-for-media-stream",
]


def build_harness(out: Path) -> None:
    """Build web/harness with the pages' Vite and SDK into ``out``."""
    npx = shutil.which("npx") or "npx"
    subprocess.run(  # noqa: S603 - a fixed command line: the project's own Vite
        [npx, "--no-install", "vite", "build", "--config", "harness/vite.config.ts"],
        cwd=ROOT / "web",
        env={**os.environ, "HARNESS_OUT": str(out)},
        check=True,
        capture_output=True,
    )


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - base signature
        pass


@contextmanager
def served(directory: Path) -> Iterator[str]:
    """Serve ``directory`` on a free loopback port; yields its ``http://localhost:PORT/``."""
    server = ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(_Quiet, directory=str(directory))
    )
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://localhost:{server.server_address[1]}/"
    finally:
        server.shutdown()
