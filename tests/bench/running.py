"""Run one part of ``make bench`` as ``make bench`` runs it, and read its ``--json`` document."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]


def bench_json(module: str, *args: str, timeout: float = 120) -> dict[str, Any]:
    """``python -m <module> <args>`` from the project root; its stdout as JSON.

    Fails the test with the end of its stderr if the part exits non-zero. ``args`` must include
    ``--json``.
    """
    done = subprocess.run(
        [sys.executable, "-m", module, *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    figures: dict[str, Any] = json.loads(done.stdout)
    return figures
