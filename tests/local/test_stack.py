"""``make run`` end to end: ``python -m local.stack`` in a subprocess, used as a new user would.

The stack runs on free ports with its state directory in ``tmp_path``; the tests read the
``stack.json`` it writes, log in through :mod:`local.login`, drive the API over HTTP, read the
pager lines it prints, paste its printed walk-through into bash, and stop it with Ctrl-C.
"""

from __future__ import annotations

import base64
import json
import os
import re
import select
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest
import requests

from local.events import DEFAULT_HANDLERS
from local.login import STATE_DIR_VARIABLE, id_token
from local.stack import READY_LINE, app_environment, format_alert, walk_through

ROOT = Path(__file__).resolve().parents[2]
START_SECONDS = 90.0
STOP_SECONDS = 30.0
EVENT_SECONDS = 20.0
MEDIA_REGION = "eu-central-1"  # not the default: proves the caller's settings reach the app


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def port_is_free(port: int) -> bool:
    with socket.socket() as sock:
        return sock.connect_ex(("127.0.0.1", port)) != 0


class StackProcess:
    """``python -m local.stack`` with its output collected line by line in a thread."""

    def __init__(self, state_dir: Path, ports: dict[str, int], **extra_env: str) -> None:
        self.ports = ports
        self.state_dir = state_dir
        env = {key: value for key, value in os.environ.items() if not key.startswith("PYTEST")}
        env.update({name: str(port) for name, port in ports.items()})
        env[STATE_DIR_VARIABLE] = str(state_dir)
        env["PYTHONUNBUFFERED"] = "1"
        # One day of demo history, not a month: these tests are about the stack's processes
        # (the month itself is tests/local/test_demo_history.py's).
        env["DEMO_HISTORY_DAYS"] = "1"
        env.update(extra_env)
        self.lines: list[str] = []
        self._changed = threading.Condition()
        self.process = subprocess.Popen(
            [sys.executable, "-m", "local.stack"],
            cwd=ROOT,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            bufsize=1,
        )
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            with self._changed:
                self.lines.append(line.rstrip("\n"))
                self._changed.notify_all()
        self.process.wait()
        with self._changed:
            self._changed.notify_all()

    @property
    def output(self) -> str:
        with self._changed:
            return "\n".join(self.lines)

    def wait_for(self, predicate: Callable[[list[str]], bool], timeout: float, what: str) -> None:
        """Wait until ``predicate(lines)`` holds; fail with the output if it does not in time."""
        deadline = time.monotonic() + timeout
        with self._changed:
            while not predicate(self.lines):
                remaining = deadline - time.monotonic()
                if remaining <= 0 or (
                    self.process.poll() is not None and not self._reader.is_alive()
                ):
                    joined = "\n".join(self.lines)
                    pytest.fail(f"{what} did not happen; the stack printed:\n{joined}")
                self._changed.wait(remaining)

    def wait_ready(self) -> None:
        self.wait_for(lambda lines: READY_LINE in lines, START_SECONDS, "the ready line")

    def pager_lines(self, username: str) -> list[str]:
        with self._changed:
            return [line for line in self.lines if line.startswith(f"PAGER {username} ")]

    def stack_json(self) -> dict[str, Any]:
        data: dict[str, Any] = json.loads((self.state_dir / "stack.json").read_text())
        return data

    def interrupt(self, signum: int = signal.SIGINT) -> int:
        """Send ``signum`` and return the exit status (fails if it does not exit in time)."""
        self.process.send_signal(signum)
        try:
            return self.process.wait(timeout=STOP_SECONDS)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
            pytest.fail(f"the stack did not stop within {STOP_SECONDS}s:\n{self.output}")

    def close(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
            try:
                self.process.wait(timeout=STOP_SECONDS)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self._reader.join(timeout=STOP_SECONDS)


def new_ports() -> dict[str, int]:
    return {
        "MOTO_PORT": free_port(),
        "CHIME_PORT": free_port(),
        "CHIME_MEDIA_PORT": free_port(),
        "API_PORT": free_port(),
        "WEB_PORT": free_port(),
    }


@pytest.fixture(scope="module")
def running(tmp_path_factory: pytest.TempPathFactory) -> Iterator[StackProcess]:
    """One ``make run`` for the module, with a non-default MEDIA_REGION from the caller."""
    stack = StackProcess(tmp_path_factory.mktemp("state"), new_ports(), MEDIA_REGION=MEDIA_REGION)
    try:
        stack.wait_ready()
        yield stack
    finally:
        stack.close()


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def jwt_claims(token: str) -> dict[str, Any]:
    parts = token.split(".")
    assert len(parts) == 3, token
    payload = parts[1] + "=" * (-len(parts[1]) % 4)
    claims: dict[str, Any] = json.loads(base64.urlsafe_b64decode(payload))
    return claims


def test_stack_json_describes_the_running_stack(running: StackProcess) -> None:
    stack = running.stack_json()
    ports = running.ports
    assert stack["api_url"] == f"http://127.0.0.1:{ports['API_PORT']}"
    assert stack["aws_endpoint_url"] == f"http://127.0.0.1:{ports['MOTO_PORT']}"
    assert stack["chime_endpoint_url"] == f"http://127.0.0.1:{ports['CHIME_PORT']}"
    for key in ("region", "user_pool_id", "user_pool_client_id", "alerts_topic_arn"):
        assert stack[key], key
    users = {user["username"]: user for user in stack["users"]}
    assert {"officer.central", "sergeant.central", "sergeant.north", "operator"} <= set(users)
    for user in users.values():
        assert {"username", "password", "role", "force", "area", "shoulder_number"} <= set(user)
    assert users["officer.central"]["shoulder_number"] == "4521"
    # the banner shows the URLs and the logins
    for url in (stack["api_url"], stack["aws_endpoint_url"], stack["chime_endpoint_url"]):
        assert url in running.output
    assert f"{stack['chime_endpoint_url']}/_emulator/meetings" in running.output
    assert re.search(
        r"sergeant\.central\s+Sergeant-Central-2026!\s+sergeant\s+CENTRAL", running.output
    )
    # the day of demo history was written before the banner, and said so
    assert re.search(r"Demo history: [1-9][0-9]* stops in the audit trail", running.output)


def test_the_three_faces_are_served_and_configured_for_this_stack(running: StackProcess) -> None:
    stack = running.stack_json()
    site = f"http://127.0.0.1:{running.ports['WEB_PORT']}"
    for path in ("/", "/officer/", "/console/"):
        assert f"{site}{path}" in running.output  # the banner prints the three URLs
        page = requests.get(f"{site}{path}", timeout=10)
        assert page.status_code == 200
        assert '<div id="app">' in page.text
        assert "script-src 'self'" in page.headers["Content-Security-Policy"]
        assert page.headers["Cache-Control"] == "no-store"
    config = requests.get(f"{site}/config.json", timeout=10).json()
    assert config["apiUrl"] == stack["api_url"]
    assert config["userPoolId"] == stack["user_pool_id"]
    assert config["cognitoEndpoint"] == stack["aws_endpoint_url"]
    # The pages' SDK connects to the emulator's media side, which the CSP must allow.
    csp = requests.get(f"{site}/", timeout=10).headers["Content-Security-Policy"]
    assert f"connect-src 'self' {stack['api_url']}" in csp
    assert f"ws://127.0.0.1:{running.ports['CHIME_MEDIA_PORT']}" in csp
    assert stack["chime_endpoint_url"] in csp  # the placement's HTTP URLs (client events)
    assert config["publicUrl"] == f"{site}/"
    # The pages call the API cross-origin: the gateway answers the browser's preflight.
    preflight = requests.options(
        f"{stack['api_url']}/sessions",
        headers={
            "Origin": site,
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "authorization,idempotency-key,content-type",
        },
        timeout=10,
    )
    assert preflight.status_code == 200
    allowed = preflight.headers["Access-Control-Allow-Headers"].lower()
    assert {"authorization", "idempotency-key", "content-type"} <= set(allowed.split(","))


def test_a_full_verification_over_http_pages_only_the_right_sergeant(
    running: StackProcess,
) -> None:
    stack = running.stack_json()
    api = stack["api_url"]
    officer, sergeant, operator = (
        id_token(stack, name) for name in ("officer.central", "sergeant.central", "operator")
    )
    assert requests.get(f"{api}/queue", timeout=10).status_code == 401  # no token, no queue

    duty = requests.put(
        f"{api}/me/duty", json={"on_duty": True}, headers=bearer(officer), timeout=10
    )
    assert duty.status_code == 200, duty.text

    started = requests.post(
        f"{api}/sessions",
        json={"location": {"lat": 51.5081, "lon": -0.0759, "accuracy_m": 15}},
        headers=bearer(officer),
        timeout=30,
    )
    assert started.status_code == 201, started.text
    session = started.json()
    sid = session["session_id"]
    assert session["state"] == "requested"
    assert session["meeting"]["MediaRegion"] == MEDIA_REGION  # the caller's MEDIA_REGION
    assert session["attendee"]["JoinToken"]

    queue = requests.get(f"{api}/queue", headers=bearer(sergeant), timeout=10)
    assert queue.status_code == 200, queue.text
    assert sid in [item["session_id"] for item in queue.json()["sessions"]]

    claimed = requests.post(f"{api}/sessions/{sid}/claim", headers=bearer(sergeant), timeout=30)
    assert claimed.status_code == 200, claimed.text
    assert claimed.json()["officer"]["shoulder_number"] == "4521"
    assert claimed.json()["officer"]["warnings"] == []

    decided = requests.post(
        f"{api}/sessions/{sid}/outcome",
        json={"outcome": "verified"},
        headers=bearer(sergeant),
        timeout=30,
    )
    assert decided.status_code == 200, decided.text

    seen = requests.get(f"{api}/sessions/{sid}", headers=bearer(officer), timeout=10)
    assert seen.status_code == 200, seen.text
    assert seen.json()["state"] == "verified"
    assert seen.json()["reference"] == session["reference"]

    lookup = requests.get(
        f"{api}/officers/lookup",
        params={"force": "MET", "shoulder": "4521"},
        headers=bearer(operator),
        timeout=10,
    )
    assert lookup.status_code == 200, lookup.text
    assert lookup.json()["officer"]["shoulder_number"] == "4521"

    off = requests.put(
        f"{api}/me/duty", json={"on_duty": False}, headers=bearer(officer), timeout=10
    )
    assert off.status_code == 200, off.text
    assert off.json()["on_duty"] is False

    # sergeant.central was paged, once, with what a sergeant needs to act
    running.wait_for(
        lambda _: any(sid in line for line in running.pager_lines("sergeant.central")),
        EVENT_SECONDS,
        f"a pager line for sergeant.central about session {sid}",
    )
    central = [line for line in running.pager_lines("sergeant.central") if sid in line]
    assert len(central) == 1, central
    for part in ("VERIFICATION REQUESTED", "PC 4521", "MET/CENTRAL", session["reference"]):
        assert part in central[0], central[0]

    # sergeant.north is paged for a NORTH stop; by then any page of the CENTRAL one would show
    north_officer = id_token(stack, "officer.north")
    north = requests.post(f"{api}/sessions", headers=bearer(north_officer), timeout=30)
    assert north.status_code == 201, north.text
    north_sid = north.json()["session_id"]
    running.wait_for(
        lambda _: any(north_sid in line for line in running.pager_lines("sergeant.north")),
        EVENT_SECONDS,
        f"a pager line for sergeant.north about session {north_sid}",
    )
    assert not [line for line in running.pager_lines("sergeant.north") if sid in line]
    # and the API's request log is shown
    assert any(line.startswith("api ") and "/sessions" in line for line in running.lines)


@pytest.mark.skipif(shutil.which("curl") is None, reason="the walk-through uses curl")
def test_the_printed_walk_through_works_when_pasted_into_bash(running: StackProcess) -> None:
    lines = running.output.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("Walk-through"))
    end = next(i for i in range(start, len(lines)) if lines[i].startswith("Below:"))
    script = "\n".join(line.removeprefix("  ") for line in lines[start + 1 : end])
    assert "X-Amz-Target: AWSCognitoIdentityProviderService.InitiateAuth" in script
    assert "jq" not in script

    result = subprocess.run(
        ["bash", "-euo", "pipefail", "-c", script],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    out = result.stdout
    sid, code = out.splitlines()[0].split()
    assert re.fullmatch(r"[0-9a-f-]{16,}", sid), out
    assert re.fullmatch(r"[2-9A-HJKMNP-Z]{4}-[2-9A-HJKMNP-Z]{4}", code), out
    assert '"state": "claimed"' in out
    assert '"state": "verified"' in out
    assert '"shoulder_number": "4521"' in out
    assert '"on_duty": false' in out
    # her side: her phone saw it waiting and then verified, she asked for a uniformed officer
    # and started her own call
    assert '"message": "The control room has confirmed this is a police officer on duty."' in out
    assert '"attendance_requested_at": "' in out
    assert '"poll_token": "' in out
    # afterwards: her record read back, her feedback kept, the officer told only that it exists
    assert '"outcome": "verified"' in out and '"kept_until": "' in out
    assert '"verdict": "something_wrong"' in out
    assert '"feedback_left": true' in out
    reference = re.search(r'"reference": "(SC-[0-9A-Z-]+)"', out)
    assert reference, out
    running.wait_for(
        lambda _: any(sid in line for line in running.pager_lines("sergeant.central")),
        EVENT_SECONDS,
        f"a pager line for the pasted walk-through's session {sid}",
    )
    running.wait_for(
        lambda _: any(
            reference[1] in line and "FEEDBACK LEFT" in line
            for line in running.pager_lines("standards")
        ),
        EVENT_SECONDS,
        "the standards contact's line for her feedback",
    )


def test_the_readme_shows_the_walk_through_make_run_prints_for_the_default_ports(
    running: StackProcess,
) -> None:
    readme = (ROOT / "README.md").read_text()
    section = readme[readme.index("### Walk-through") :]
    block = section[section.index("```bash\n") + len("```bash\n") :]
    block = block[: block.index("```")]
    officer = next(u for u in running.stack_json()["users"] if u["username"] == "officer.central")
    expected = walk_through("http://127.0.0.1:8000", "http://127.0.0.1:5000", officer["password"])
    assert block.splitlines() == expected


def test_make_run_delivers_events_and_pages_the_duty_inspector(running: StackProcess) -> None:
    lines = running.lines
    start = lines.index(
        "Delivering events to the app's handlers (as Lambda event-source "
        "mappings; retries, then DEAD LETTER lines):"
    )
    shown = {line.split()[0]: line for line in lines[start + 2 : start + 5]}
    assert set(shown) == set(DEFAULT_HANDLERS)
    for source, handler in DEFAULT_HANDLERS.items():
        assert handler in shown[source], shown[source]  # delivered to it, or says it is missing
    delivered = [source for source, line in shown.items() if "NOT DELIVERED" not in line]

    stack = running.stack_json()
    session_id = f"inspector-{time.monotonic_ns()}"
    alert = {
        "type": "verification.escalated",
        "session_id": session_id,
        "force": "MET",
        "area": "inspector",
        "reference": "SC-TEST",
        "escalation_level": 3,
    }
    boto3.client(
        "sns", endpoint_url=stack["aws_endpoint_url"], region_name=stack["region"]
    ).publish(
        TopicArn=stack["alerts_topic_arn"],
        Message=json.dumps(alert),
        MessageAttributes={
            name: {"DataType": "String", "StringValue": str(alert[name])}
            for name in ("type", "force", "area")
        },
    )
    running.wait_for(
        lambda _: any(session_id in line for line in running.pager_lines("inspector")),
        EVENT_SECONDS,
        "the duty inspector's pager line",
    )
    (line,) = [line for line in running.pager_lines("inspector") if session_id in line]
    assert "VERIFICATION ESCALATED (LEVEL 3)" in line
    assert not any(session_id in line for line in running.pager_lines("sergeant.central"))

    if "session_stream" in delivered:  # once the app's handlers exist, a new session reaches them
        officer = id_token(stack, "officer.central")
        started = requests.post(f"{stack['api_url']}/sessions", headers=bearer(officer), timeout=30)
        assert started.status_code == 201, started.text
        running.wait_for(
            lambda out: any(x.startswith("event | ") and "session_stream" in x for x in out),
            EVENT_SECONDS,
            "a delivery to the session_stream handler",
        )


def test_login_prints_an_id_token(running: StackProcess) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "local.login", "officer.central"],
        cwd=ROOT,
        env={**os.environ, STATE_DIR_VARIABLE: str(running.state_dir)},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    token = result.stdout.strip()
    claims = jwt_claims(token)
    assert claims["cognito:username"] == "officer.central"
    assert claims["token_use"] == "id"
    assert "officer" in claims["cognito:groups"]


def test_login_without_a_stack_says_to_start_it(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "local.login", "--state-dir", str(tmp_path), "officer.central"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode != 0
    assert result.stdout == ""
    assert "make run" in result.stderr


def test_ctrl_c_stops_everything_and_it_runs_again(tmp_path: Path) -> None:
    ports = new_ports()
    first = StackProcess(tmp_path, ports)
    try:
        first.wait_ready()
        assert (tmp_path / "stack.json").exists()
        assert first.interrupt(signal.SIGINT) == 0, first.output
    finally:
        first.close()
    for name, port in ports.items():
        assert port_is_free(port), f"{name} {port} still in use after Ctrl-C"
    assert not (tmp_path / "stack.json").exists()

    second = StackProcess(tmp_path, ports)  # same ports, fresh in-memory moto
    try:
        second.wait_ready()
        token = id_token(second.stack_json(), "sergeant.central")
        queue = requests.get(
            f"{second.stack_json()['api_url']}/queue", headers=bearer(token), timeout=10
        )
        assert queue.status_code == 200, queue.text
        assert second.interrupt(signal.SIGTERM) == 0, second.output
    finally:
        second.close()
    for name, port in ports.items():
        assert port_is_free(port), f"{name} {port} still in use after SIGTERM"


def test_a_busy_port_is_refused_clearly(tmp_path: Path) -> None:
    ports = new_ports()
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", ports["API_PORT"]))
        busy.listen()
        stack = StackProcess(tmp_path, ports)
        try:
            status = stack.process.wait(timeout=START_SECONDS)
        finally:
            stack.close()
    assert status != 0
    assert f"Port {ports['API_PORT']}" in stack.output
    assert "API_PORT=<port> make run" in stack.output
    assert port_is_free(ports["MOTO_PORT"])
    assert port_is_free(ports["CHIME_PORT"])


def test_a_bad_number_of_demo_days_is_refused_before_anything_starts(tmp_path: Path) -> None:
    ports = new_ports()
    stack = StackProcess(tmp_path, ports, DEMO_HISTORY_DAYS="a month")
    try:
        status = stack.process.wait(timeout=START_SECONDS)
    finally:
        stack.close()
    assert status != 0
    assert "DEMO_HISTORY_DAYS must be a whole number of days from 0 to 366" in stack.output
    assert port_is_free(ports["MOTO_PORT"])


def _children(pid: int) -> list[int]:
    path = Path(f"/proc/{pid}/task/{pid}/children")
    return [int(child) for child in path.read_text().split()]


@pytest.mark.skipif(
    not Path(f"/proc/{os.getpid()}/task/{os.getpid()}/children").exists(),
    reason="needs Linux /proc to find the API subprocess",
)
def test_the_stack_exits_non_zero_if_the_api_dies(tmp_path: Path) -> None:
    stack = StackProcess(tmp_path, new_ports())
    try:
        stack.wait_ready()
        children = _children(stack.process.pid)
        assert len(children) == 1, children  # the API (python -m local.gateway)
        os.kill(children[0], signal.SIGKILL)
        status = stack.process.wait(timeout=STOP_SECONDS)
    finally:
        stack.close()
    assert status != 0
    assert "stopped unexpectedly" in stack.output


@pytest.mark.skipif(
    not Path(f"/proc/{os.getpid()}/task/{os.getpid()}/children").exists(),
    reason="needs Linux /proc to find the API subprocess",
)
def test_the_api_does_not_outlive_a_killed_stack(tmp_path: Path) -> None:
    ports = new_ports()
    stack = StackProcess(tmp_path, ports)
    try:
        stack.wait_ready()
        (api_pid,) = _children(stack.process.pid)
        # A pidfd (opened before the kill, so the pid cannot be reused under us) becomes
        # readable when that process exits: wait on it, with a deadline, instead of polling.
        api_exit = os.pidfd_open(api_pid)
        stack.process.kill()  # kill -9: no chance to stop anything itself
        stack.process.wait(timeout=STOP_SECONDS)
    finally:
        stack.close()
    try:
        exited, _, _ = select.select([api_exit], [], [], STOP_SECONDS)
        assert exited, f"the API ({api_pid}) outlived the stack"
    finally:
        if _state(api_pid) not in {"gone", "Z"}:
            os.kill(api_pid, signal.SIGKILL)  # leave no orphan behind a failed test
        os.close(api_exit)
    assert port_is_free(ports["API_PORT"])


def _state(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, IndexError):
        return "gone"


def test_pager_lines_say_what_a_sergeant_needs() -> None:
    alert = {
        "type": "verification.escalated",
        "session_id": "5e55",
        "force": "MET",
        "area": "all",
        "channel": "public",
        "rank": None,
        "shoulder_number": None,
        "reference": "SC-261123-7K3P9",
        "escalation_level": 2,
    }
    line = format_alert("sergeant.north", {"Message": json.dumps(alert)})
    assert line.startswith("PAGER sergeant.north  ")
    for part in ("VERIFICATION ESCALATED (LEVEL 2)", "PUBLIC CALL", "MET/all", "SC-261123-7K3P9"):
        assert part in line, line
    assert line.endswith("session 5e55")


def test_the_api_never_gets_a_real_profile_or_a_bypassing_endpoint() -> None:
    env = app_environment(
        {
            "ESCALATION_DELAY_SECONDS": "5",
            "AWS_PROFILE": "prod",
            "AWS_SESSION_TOKEN": "real",
            "AWS_ACCESS_KEY_ID": "AKIAREAL",
            "AWS_ENDPOINT_URL_DYNAMODB": "https://dynamodb.eu-west-2.amazonaws.com",
        },
        {"AWS_ENDPOINT_URL": "http://127.0.0.1:5000"},
    )
    assert env["ESCALATION_DELAY_SECONDS"] == "5"
    assert env["AWS_ENDPOINT_URL"] == "http://127.0.0.1:5000"
    assert env["AWS_ACCESS_KEY_ID"] == "testing"
    assert not {"AWS_PROFILE", "AWS_SESSION_TOKEN", "AWS_ENDPOINT_URL_DYNAMODB"} & set(env)
