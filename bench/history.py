"""``python -m bench.history``: the live path costs the same with 100 or 10,000 earlier sessions.

moto and the Chime emulator start as for ``make bench``; the resources and the demo force are
provisioned as :func:`bench.run.provision` does, and the Chalice app object runs in this process
with the stack's environment (as :mod:`bench.warm` does). ``--small`` earlier, ended sessions
(cancelled, verified or not verified, by MET's two officers) go into the sessions table with
``BatchWriteItem``, each item (and its ``code#`` claim) built by the domain and
:func:`~functions.adapters.session_items.record_to_item`, as the app writes it. Then ``--runs``
rounds of ``POST /sessions``, ``GET /sessions/{id}`` and ``GET /queue`` (the sergeant) are timed;
each session is then cancelled (untimed). The table grows to ``--large`` and the rounds repeat.
Each request's wall time, its own time (wall minus its AWS calls,
:class:`~bench.stopwatch.CallClock`) and its calls are kept. Figures, not a verdict; exits 0
(docs/performance.md).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import random
import sys
import time
import uuid
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from .events import LambdaContext, api_event
from .reports import batch_write
from .run import (
    OFFICER,
    SERGEANT,
    authorizer_context,
    base_environment,
    median,
    ms,
    p90,
    provision,
    servers,
    start_event,
)
from .stopwatch import CallClock

__all__ = ["main"]

ROUTES = ("POST /sessions", "GET /sessions/{id}", "GET /queue")
OFFICERS = ("met-4521", "met-7710")
"""The demo force's officers whose earlier stops fill the table (and its ``by_officer`` index)."""
SERGEANTS = ("met-0118", "met-0205")
WARMUP = 3
TARGET = 1.1
_ID = "safe-connection-bench-history-calls"
Took = tuple[int, float, float, list[str]]
"""``(status, wall seconds, own seconds, sorted service:operation calls)``"""


def history_items(rng: random.Random, count: int, register: Any, now: datetime) -> list[Any]:
    """``count`` ended sessions of the last 25 days and their code claims, as the app stores
    them."""
    from functions.adapters.dynamo import to_item
    from functions.adapters.session_items import CODE_PREFIX, record_to_item
    from functions.config import settings
    from functions.domain import Principal, Role, new_public_code, new_reference
    from functions.domain.starts import open_officer_session
    from functions.services.ports import SessionRecord

    retention = timedelta(days=settings().session_retention_days)
    officers = [register.get(i).officer for i in OFFICERS]
    sergeants = [register.get(i).officer for i in SERGEANTS]

    def acting(officer: Any, role: Role) -> Principal:
        return Principal(
            user_id=officer.officer_id, roles=frozenset({role}), force=officer.force,
            area=officer.area, officer_id=officer.officer_id,
        )  # fmt: skip

    items: list[Any] = []
    for _ in range(count):
        officer, sergeant = rng.choice(officers), rng.choice(sergeants)
        at = now - timedelta(days=rng.uniform(1, 25))
        session = open_officer_session(
            acting(officer, Role.OFFICER), officer,
            session_id=str(uuid.UUID(int=rng.getrandbits(128))), now=at,
            public_code=new_public_code(rng), reference=new_reference(at, rng),
        )  # fmt: skip
        fate = rng.random()
        if fate < 0.1:
            ended = session.cancel(acting(officer, Role.OFFICER), at + timedelta(seconds=30))
            actor, reason = officer.officer_id, "cancelled"
        else:
            boss = acting(sergeant, Role.SERGEANT)
            claimed = session.claim(boss, at + timedelta(seconds=rng.uniform(4, 60)))
            outcome = "verified" if fate < 0.85 else "not_verified"
            why = None if outcome == "verified" else "the warrant card did not match"
            done = claimed.updated_at + timedelta(seconds=rng.uniform(60, 300))
            ended = claimed.decide(boss, outcome, why, done, officer if why is None else None)
            actor, reason = sergeant.officer_id, outcome
        item = record_to_item(
            SessionRecord(session=ended, officer=officer, meeting=None), retention, actor
        )
        item["change_reason"] = {"S": reason}
        items.append(item)
        claim: dict[str, Any] = {
            "session_id": CODE_PREFIX + ended.public_code,
            "owner": ended.session_id,
        }
        claim["expires_at"] = int((ended.created_at + retention).timestamp())
        items.append(to_item(claim))
    return items


class Calls:
    """The ``service:operation`` of every AWS call, from ``before-call`` (any thread)."""

    def __init__(self) -> None:
        self.made: list[str] = []

    def attach(self, client: Any) -> None:
        client.meta.events.register("before-call", self._called, unique_id=_ID)

    def _called(self, event_name: str, **_: Any) -> None:
        _event, service, operation = event_name.split(".", 2)
        self.made.append(f"{service}:{operation}")


def measure(small: int, large: int, runs: int) -> dict[str, Any]:
    from local.provision import aws_client

    began = time.perf_counter()
    env = base_environment()
    for key in [k for k in os.environ if k.startswith("AWS_") and k not in env]:
        del os.environ[key]  # nothing of the caller's may reach a real account
    os.environ.update(env)
    with servers(env) as urls:
        progress(f"provisioning on {urls['moto_url']}")
        stack = provision(urls["moto_url"], urls["chime_url"])
        os.environ.update(stack.app_environment())
        import app
        from functions.adapters import aws
        from functions.adapters.register_table import DynamoOfficerRegister

        dynamodb = aws_client("dynamodb", urls["moto_url"])
        register = DynamoOfficerRegister(dynamodb, stack.officers_table, stack.sessions_table)
        officer, sergeant = authorizer_context(OFFICER), authorizer_context(SERGEANT)
        clock, calls = CallClock(), Calls()

        def invoke(event: dict[str, Any]) -> tuple[dict[str, Any], Took]:
            clock.reset()
            calls.made = []
            started = time.perf_counter()
            response = app.app(event, LambdaContext(str(uuid.uuid4())))
            wall = time.perf_counter() - started
            body: dict[str, Any] = json.loads(response["body"])
            status: int = response["statusCode"]
            return body, (status, wall, wall - clock.in_calls(), sorted(calls.made))

        def one(sid: str, action: str = "") -> dict[str, Any]:
            path = f"/sessions/{sid}{action}"
            return api_event(
                "POST" if action else "GET", "/sessions/{session_id}" + action, path,
                authorizer=officer, path_params={"session_id": sid},
            )  # fmt: skip

        def round_() -> dict[str, Took]:
            body, started = invoke(start_event(officer))
            if started[0] != 201:
                raise RuntimeError(f"POST /sessions answered {started[0]}: {body}")
            sid = body["session_id"]
            took = {ROUTES[0]: started, ROUTES[1]: invoke(one(sid))[1]}
            took[ROUTES[2]] = invoke(api_event("GET", "/queue", "/queue", authorizer=sergeant))[1]
            answer, cancelled = invoke(one(sid, "/cancel"))  # untimed: she may start again
            if cancelled[0] != 200:
                raise RuntimeError(f"cancel answered {cancelled[0]}: {answer}")
            dynamodb.update_item(  # as the stream handler does once a session ends
                TableName=stack.officers_table,
                Key={"officer_id": {"S": OFFICER["officer_id"]}},
                UpdateExpression="DELETE live_sessions :ended",
                ExpressionAttributeValues={":ended": {"SS": [sid]}},
            )
            return took

        rng = random.Random(17)  # noqa: S311 - the same history every run
        now, seeding, sizes, done = datetime.now(UTC), [], [], 0
        for size in (small, large):
            items = history_items(rng, size - done, register, now)
            started = time.perf_counter()
            batch_write(dynamodb, stack.sessions_table, items)
            seconds = time.perf_counter() - started
            seeding.append({"sessions": size, "items": len(items), "seconds": round(seconds, 2)})
            progress(f"history to {size} sessions: {len(items)} items in {seconds:.1f} s")
            done = size
            for _ in range(WARMUP):
                round_()
            for built in aws._clients.values():  # the app builds its clients in a first request
                clock.attach(built)
                calls.attach(built)
            rounds = [round_() for _ in range(runs)]
            count = dynamodb.describe_table(TableName=stack.sessions_table)["Table"]["ItemCount"]
            sizes.append({"rounds": rounds, "items": count})
    figures = summarise([small, large], runs, sizes, seeding)
    return figures | {"seconds": round(time.perf_counter() - began, 1)}


def summarise(
    sessions: list[int], runs: int, sizes: list[dict[str, Any]], seeding: list[dict[str, Any]]
) -> dict[str, Any]:
    routes: dict[str, Any] = {}
    for route in ROUTES:
        a, b = ([r[route] for r in size["rounds"]] for size in sizes)
        wall_a, wall_b = [t[1] for t in a], [t[1] for t in b]
        own_a, own_b = [t[2] for t in a], [t[2] for t in b]
        made_a, made_b = ({tuple(t[3]) for t in side} for side in (a, b))
        routes[route] = {
            "small_median_ms": ms(median(wall_a)),
            "small_p90_ms": ms(p90(wall_a)),
            "large_median_ms": ms(median(wall_b)),
            "large_p90_ms": ms(p90(wall_b)),
            "ratio": round(median(wall_b) / median(wall_a), 3),
            "small_own_median_ms": ms(median(own_a)),
            "large_own_median_ms": ms(median(own_b)),
            "own_ratio": round(median(own_b) / max(median(own_a), 1e-9), 3),
            "statuses": [sorted({t[0] for t in a}), sorted({t[0] for t in b})],
            "calls": [sorted(list(m) for m in made) for made in (made_a, made_b)],
            "same_calls": made_a == made_b,
        }
    return {
        "history": {
            "sessions": sessions,
            "table_items": [size["items"] for size in sizes],
            "runs": runs,
            "warmup": WARMUP,
            "target": TARGET,
            "routes": routes,
        },
        "seeding_seconds": round(sum(s["seconds"] for s in seeding), 2),
        "seeding": seeding,
    }


def table(figures: dict[str, Any]) -> str:
    """The figures as plain text, in :mod:`bench.report`'s style."""
    h = figures["history"]
    lines = [
        f"LIVE PATH vs HISTORY: median of {h['runs']} rounds after {h['warmup']} warm-ups (ms), "
        f"{figures['seconds']} s",
        f"  earlier sessions: {h['sessions']}, sessions table items {h['table_items']}; "
        f"seeding {figures['seeding_seconds']} s",
        f"  {'route':20}{'p50 small':>10}{'p50 large':>10}{'ratio':>7}"
        f"{'own small':>11}{'own large':>10}{'ratio':>7}  <= {h['target']}?  calls",
    ]
    for route, row in h["routes"].items():
        calls = ", ".join(row["calls"][0][0]) if len(row["calls"][0]) == 1 else "VARY"
        lines.append(
            f"  {route:20}{row['small_median_ms']:>10.1f}{row['large_median_ms']:>10.1f}"
            f"{row['ratio']:>7.2f}{row['small_own_median_ms']:>11.2f}"
            f"{row['large_own_median_ms']:>10.2f}{row['own_ratio']:>7.2f}"
            f"  {'PASS' if row['own_ratio'] <= h['target'] else 'FAIL':6}"
            f"{'same' if row['same_calls'] else 'CALLS DIFFER'}: {calls}"
        )
    lines.append(
        "  own: wall minus the time inside AWS calls (the app's Python, which moto does not"
        " change): the figure that counts; moto's index Query loops over the whole table"
    )
    return "\n".join(lines)


def progress(message: str) -> None:
    print(f"bench.history: {message}", file=sys.stderr, flush=True)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser("python -m bench.history", description=__doc__.split("\n")[0])
    for flag, default in (("--small", 100), ("--large", 10000), ("--runs", 15)):
        parser.add_argument(flag, type=int, default=default, help=f"(default {default})")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args(argv)
    if not 0 <= args.small < args.large or args.runs < 1:
        parser.error("need 0 <= --small < --large and --runs >= 1")
    # The app logs each request to stdout (as in Lambda): kept, as its cost, but not shown.
    with open(os.devnull, "w", encoding="utf-8") as sink, contextlib.redirect_stdout(sink):
        figures = measure(args.small, args.large, args.runs)
    print(json.dumps(figures, indent=2) if args.json else table(figures))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
