"""``python -m bench.burst`` measures a running ``make run``: it finds the stack's process, puts
sergeants and officers on duty (making the missing ones), and reports every burst's answers.

Run at its smallest size against a real ``python -m local.stack``; no figure is asserted.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from bench.burst import pid_listening_on
from tests.local.test_stack import ROOT, StackProcess, new_ports

BURST_SECONDS = 240.0


def test_the_burst_tool_reports_each_burst_of_a_running_stack(tmp_path: Path) -> None:
    ports = new_ports()
    stack = StackProcess(tmp_path, ports)
    try:
        stack.wait_ready()
        described = stack.stack_json()
        assert described["pid"] == stack.process.pid  # moto runs in the stack's own process
        assert pid_listening_on(ports["MOTO_PORT"]) == stack.process.pid
        command = [sys.executable, "-m", "bench.burst", "--state-dir", str(tmp_path), "--json"]
        command += ["--bursts", "2", "--concurrency", "6", "--sergeants", "3", "--officers", "6"]
        run = subprocess.run(
            command,
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=BURST_SECONDS,
            check=False,
        )
    finally:
        stack.close()
    assert run.returncode == 0, run.stderr
    bursts = json.loads(run.stdout)
    assert [b["burst"] for b in bursts] == [1, 2]
    for burst in bursts:
        assert burst["statuses"] == {"201": 6}, run.stderr
        assert burst["resets"] == burst["refused"] == burst["timeouts"] == 0
        assert burst["rss_mb"] > 0
    assert "3 sergeants and 6 officers on duty" in run.stderr
