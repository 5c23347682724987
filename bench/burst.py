"""``python -m bench.burst``: hammer a running ``make run`` stack with bursts of session starts.

It measures what a control room's busy minute does to the local stack: ``--sergeants`` sergeants
go on duty (``PUT /me/duty``), then ``--bursts`` times in a row ``--concurrency`` officers each
start a verification at the same moment (``POST /sessions``, each with its own
``Idempotency-Key``), every session is cancelled again by its officer (``POST
/sessions/{id}/cancel``) and the bench waits until the event pump has written each session's
``cancelled`` audit entry, so that the next burst meets a settled stack, as in real use.

For each burst it prints the answers by status, the connections that were reset, refused or timed
out, the median and 95th percentile time of the answered calls, and the resident memory of the
stack process right after the burst (moto and the Chime emulator run inside ``python -m
local.stack``; its pid is ``pid`` in ``stack.json``, or is found by moto's port for stacks that
do not write it).

The demo force has two sergeants and two officers on duty; the rest are made here the way an
admin would make them: a Cognito login (as :mod:`local.provision` makes the demo logins), the
register entry through ``PUT /officers/{id}`` with an SQS queue as a sergeant's pager, and duty
through the API. They are named ``bench.*`` and reused by later runs against the same stack; at
the end they go off duty and their pager queues are emptied, so the stack is left as it was
found but for the sessions' history. Figures: docs/performance.md, "Local stack under a burst".
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import json
import statistics
import sys
import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, cast
from urllib.parse import urlsplit

from local.login import id_token, read_stack, state_dir

__all__ = ["Burst", "BurstStats", "main", "pid_listening_on", "rss_mb"]

PASSWORD = "Bench-Password-2026!"  # noqa: S105 - a local demo login on moto
CALL_SECONDS = 120.0
"""Client timeout of one call: long, so that a slow answer is measured, not cut off."""
SETTLE_SECONDS = 180.0
"""How long the event pump may take to record every cancellation before the bench gives up."""
AREAS = ("CENTRAL", "NORTH")
LOCATION = {"lat": 51.5081, "lon": -0.0759, "accuracy_m": 15}


@dataclass
class Call:
    """One HTTP call: its status (``None`` if no answer came), what went wrong, how long."""

    status: int | None
    body: Any
    seconds: float
    failure: str = ""


@dataclass
class BurstStats:
    """What one burst measured."""

    burst: int
    statuses: dict[str, int]
    resets: int
    refused: int
    timeouts: int
    median_ms: float
    p95_ms: float
    rss_mb: float
    settle_seconds: float
    failures: list[str] = field(default_factory=list)


def call(
    base_url: str,
    method: str,
    path: str,
    token: str | None = None,
    body: Any = None,
    headers: dict[str, str] | None = None,
) -> Call:
    """One request on a fresh connection (as a phone makes it), classified rather than raised.

    A reset, refused or timed-out connection is the finding, not an error of the bench, so it
    is returned as ``Call(status=None, failure=...)``.
    """
    parts = urlsplit(base_url)
    sent = dict(headers or {})
    payload = None
    if body is not None:
        payload = json.dumps(body).encode()
        sent["Content-Type"] = "application/json"
    if token:
        sent["Authorization"] = f"Bearer {token}"
    sent["Connection"] = "close"
    started = time.monotonic()
    connection = http.client.HTTPConnection(
        parts.hostname or "127.0.0.1", parts.port or 80, timeout=CALL_SECONDS
    )
    try:
        connection.request(method, path, body=payload, headers=sent)
        response = connection.getresponse()
        raw = response.read()
        status = response.status
    except (ConnectionResetError, BrokenPipeError) as exc:
        return Call(None, None, time.monotonic() - started, f"reset ({type(exc).__name__})")
    except ConnectionRefusedError:
        return Call(None, None, time.monotonic() - started, "refused")
    except TimeoutError:
        return Call(None, None, time.monotonic() - started, "timeout")
    except OSError as exc:
        return Call(None, None, time.monotonic() - started, f"{type(exc).__name__}: {exc}")
    finally:
        connection.close()
    try:
        parsed: Any = json.loads(raw) if raw else None
    except ValueError:
        parsed = raw.decode(errors="replace")
    return Call(status, parsed, time.monotonic() - started)


def pid_listening_on(port: int) -> int | None:
    """The pid of the process listening on TCP ``port`` (Linux ``/proc``), or ``None``."""
    inodes: set[str] = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            lines = Path(table).read_text().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            fields = line.split()
            if fields[3] == "0A" and int(fields[1].rsplit(":", 1)[1], 16) == port:  # LISTEN
                inodes.add(f"socket:[{fields[9]}]")
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            if any(fd.readlink().as_posix() in inodes for fd in (proc / "fd").iterdir()):
                return int(proc.name)
        except OSError:  # gone, or not ours to look at
            continue
    return None


def rss_mb(pid: int) -> float:
    """Resident memory of ``pid`` in MB (``VmRSS``)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise ValueError(f"no VmRSS for {pid}")


def percentile(values: Sequence[float], fraction: float) -> float:
    """The ``fraction`` percentile (nearest rank) of ``values``; 0 for none."""
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(fraction * len(ordered) + 0.5) - 1))]


class Burst:
    """The bench against one running stack (``stack.json`` as :func:`local.login.read_stack`).

    Parameters
    ----------
    stack
        The stack description.
    sergeants, officers
        How many of each to have on duty (the demo ones count).
    write
        Where progress lines go.
    """

    def __init__(
        self, stack: dict[str, Any], sergeants: int, officers: int, write: Callable[[str], None]
    ) -> None:
        self.stack = stack
        self.api = str(stack["api_url"])
        self.write = write
        self._sergeant_count = sergeants
        self._officer_count = officers
        self.sergeants: dict[str, str] = {}  # username -> token
        self.officers: dict[str, str] = {}
        self.pagers: list[str] = []  # the bench sergeants' pager queue URLs
        port = urlsplit(str(stack["aws_endpoint_url"])).port or 80
        pid = stack.get("pid") or pid_listening_on(port)
        if pid is None:
            raise SystemExit(f"no process listens on moto's port {port}: is `make run` running?")
        self.pid = int(pid)

    def _aws(self, service: str) -> Any:
        import boto3

        return cast(Any, boto3.client)(
            service,
            endpoint_url=self.stack["aws_endpoint_url"],
            region_name=self.stack["region"],
            aws_access_key_id="testing",
            aws_secret_access_key="testing",  # noqa: S106 - moto accepts any key
        )

    def prepare(self) -> None:
        """Log in the demo users who can go on duty and make ``bench.*`` ones for the rest."""
        admin = id_token(self.stack, "admin")
        for role, count, store in (
            ("sergeant", self._sergeant_count, self.sergeants),
            ("officer", self._officer_count, self.officers),
        ):
            for user in self.stack["users"]:
                if user["role"] == role and len(store) < count:
                    token = id_token(self.stack, user["username"])
                    if self._on_duty(user["username"], token):  # a suspended one is refused
                        store[user["username"]] = token
            for index in range(1, count - len(store) + 1):
                username = f"bench.{role}.{index:02d}"
                token = self._make_user(admin, role, index)
                if not self._on_duty(username, token):
                    raise SystemExit(f"{username} could not go on duty")
                store[username] = token

    def _on_duty(self, username: str, token: str) -> bool:
        answer = call(self.api, "PUT", "/me/duty", token, {"on_duty": True})
        if answer.status != 200:
            self.write(f"  {username} stays off duty: {answer.status} {answer.body}")
        return answer.status == 200

    def _make_user(self, admin: str, role: str, index: int) -> str:
        """A Cognito login and register entry (with a pager for a sergeant); its ID token."""
        username = f"bench.{role}.{index:02d}"
        sergeant = role == "sergeant"
        number = (9100 if sergeant else 9000) + index
        officer_id = f"met-{number}"
        area = AREAS[index % len(AREAS)]
        record: dict[str, Any] = {
            "force": "MET",
            "shoulder_number": str(number),
            "given_name": "Bench",
            "family_name": f"{role.title()} {index}",
            "rank": "PS" if sergeant else "PC",
            "area": area,
            "status": "serving",
            "is_sergeant": sergeant,
        }
        if sergeant:
            sqs = self._aws("sqs")
            url = sqs.create_queue(QueueName=f"pager-bench-{role}-{index:02d}")["QueueUrl"]
            arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])
            record["pager"] = {"protocol": "sqs", "endpoint": arn["Attributes"]["QueueArn"]}
            self.pagers.append(url)
        answer = call(self.api, "PUT", f"/officers/{officer_id}", admin, record)
        if answer.status != 200:
            raise SystemExit(f"could not register {officer_id}: {answer.status} {answer.body}")
        cognito = self._aws("cognito-idp")
        pool = self.stack["user_pool_id"]
        with contextlib.suppress(cognito.exceptions.UsernameExistsException):  # an earlier run
            cognito.admin_create_user(
                UserPoolId=pool,
                Username=username,
                MessageAction="SUPPRESS",
                UserAttributes=[
                    {"Name": "custom:force", "Value": "MET"},
                    {"Name": "custom:area", "Value": area},
                    {"Name": "custom:officer_id", "Value": officer_id},
                ],
            )
        cognito.admin_set_user_password(
            UserPoolId=pool, Username=username, Password=PASSWORD, Permanent=True
        )
        for group in ("sergeant", "officer") if sergeant else ("officer",):
            cognito.admin_add_user_to_group(UserPoolId=pool, Username=username, GroupName=group)
        return id_token(self.stack, username, PASSWORD)

    def burst(self, number: int, concurrency: int) -> BurstStats:
        """Start ``concurrency`` sessions at once, then cancel them and let the stack settle."""
        officers = list(self.officers.items())
        ready = threading.Barrier(concurrency)

        def start(index: int) -> tuple[str, Call]:
            username, token = officers[index % len(officers)]
            ready.wait()  # every connection opens at the same moment
            key = {"Idempotency-Key": uuid.uuid4().hex}
            body = {"location": LOCATION}
            return username, call(self.api, "POST", "/sessions", token, body, key)

        with ThreadPoolExecutor(concurrency) as pool:
            results = list(pool.map(start, range(concurrency)))
        rss = rss_mb(self.pid)
        calls = [answer for _, answer in results]
        statuses = Counter(str(c.status) for c in calls if c.status is not None)
        failures = [c.failure for c in calls if c.status is None]
        started = [
            (username, c.body["session_id"])
            for username, c in results
            if c.status == 201 and isinstance(c.body, dict)
        ]
        settled = self._end(started)
        times = [c.seconds * 1000 for c in calls if c.status is not None]  # answered calls
        return BurstStats(
            burst=number,
            statuses=dict(sorted(statuses.items())),
            resets=sum(f.startswith("reset") for f in failures),
            refused=failures.count("refused"),
            timeouts=failures.count("timeout"),
            median_ms=statistics.median(times) if times else 0.0,
            p95_ms=percentile(times, 0.95),
            rss_mb=rss,
            settle_seconds=settled,
            failures=sorted(set(failures)),
        )

    def _end(self, started: list[tuple[str, str]]) -> float:
        """Cancel each session as its officer; wait until every cancellation is in the audit
        trail (the stream handler writes it). Returns how long that took."""
        began = time.monotonic()
        with ThreadPoolExecutor(8) as pool:
            list(
                pool.map(
                    lambda s: call(
                        self.api, "POST", f"/sessions/{s[1]}/cancel", self.officers[s[0]]
                    ),
                    started,
                )
            )
        admin = id_token(self.stack, "admin")
        waiting = {session_id for _, session_id in started}
        deadline = began + SETTLE_SECONDS
        pause = threading.Event()
        while waiting and time.monotonic() < deadline:
            for session_id in sorted(waiting):
                answer = call(self.api, "GET", f"/sessions/{session_id}/audit", admin)
                entries = answer.body.get("entries", []) if isinstance(answer.body, dict) else []
                if any(entry.get("to_state") == "cancelled" for entry in entries):
                    waiting.discard(session_id)
            pause.wait(0.5)  # the pump reads the stream four times a second
        if waiting:
            self.write(f"  {len(waiting)} cancellations not audited after {SETTLE_SECONDS:.0f}s")
        self._empty_pagers()
        return time.monotonic() - began

    def _empty_pagers(self) -> None:
        # Receive and delete rather than PurgeQueue, which SQS allows once a minute per queue.
        sqs = self._aws("sqs")
        for url in self.pagers:
            while messages := sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10).get(
                "Messages", []
            ):
                sqs.delete_message_batch(
                    QueueUrl=url,
                    Entries=[
                        {"Id": str(i), "ReceiptHandle": m["ReceiptHandle"]}
                        for i, m in enumerate(messages)
                    ],
                )

    def finish(self) -> None:
        """The ``bench.*`` users go off duty (their pagers are unsubscribed), pagers emptied."""
        for username, token in {**self.sergeants, **self.officers}.items():
            if username.startswith("bench."):
                call(self.api, "PUT", "/me/duty", token, {"on_duty": False})
        self._empty_pagers()


def table(results: Sequence[BurstStats]) -> str:
    """The figures as a Markdown table (what docs/performance.md shows)."""
    rows = [
        "| burst | answers | resets | refused / timed out | median ms | p95 ms | stack RSS MB "
        "| settled in s |",
        "| ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for r in results:
        answers = ", ".join(f"{n} x {status}" for status, n in r.statuses.items()) or "none"
        rows.append(
            f"| {r.burst} | {answers} | {r.resets} | {r.refused} / {r.timeouts} "
            f"| {r.median_ms:.0f} | {r.p95_ms:.0f} | {r.rss_mb:.0f} | {r.settle_seconds:.1f} |"
        )
    return "\n".join(rows)


def main(argv: list[str] | None = None) -> int:
    """Run the bursts against the stack ``make run`` described; print the figures."""
    parser = argparse.ArgumentParser(prog="python -m bench.burst", description=__doc__)
    parser.add_argument("--state-dir", type=Path, help="directory of stack.json")
    parser.add_argument("--bursts", type=int, default=5)
    parser.add_argument("--concurrency", type=int, default=40, help="calls per burst")
    parser.add_argument("--sergeants", type=int, default=10, help="on duty during the bursts")
    parser.add_argument("--officers", type=int, default=40, help="officers starting sessions")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args(argv)
    stack = read_stack(args.state_dir.resolve() if args.state_dir else state_dir())

    def write(line: str) -> None:
        print(line, file=sys.stderr, flush=True)

    bench = Burst(stack, args.sergeants, args.officers, write)
    write(f"stack pid {bench.pid}, RSS {rss_mb(bench.pid):.0f} MB; preparing users ...")
    bench.prepare()
    write(
        f"{len(bench.sergeants)} sergeants and {len(bench.officers)} officers on duty; "
        f"RSS {rss_mb(bench.pid):.0f} MB"
    )
    results: list[BurstStats] = []
    try:
        for number in range(1, args.bursts + 1):
            results.append(bench.burst(number, args.concurrency))
            r = results[-1]
            write(
                f"burst {number}: {r.statuses} resets {r.resets} median {r.median_ms:.0f} ms "
                f"p95 {r.p95_ms:.0f} ms RSS {r.rss_mb:.0f} MB {r.failures or ''}"
            )
    finally:
        bench.finish()
    print(json.dumps([asdict(r) for r in results], indent=2) if args.json else table(results))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
