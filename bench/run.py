"""``make bench``: cold start and warm overhead of the app against the bare minimum.

PRODUCT.md's quality bar: *a cold start (import plus the first* ``POST /sessions`` *) costs at most
a quarter more than the bare minimum any Python implementation pays (importing boto3, building its
clients, making the same AWS calls); a warm request adds at most 15% to the time of its AWS
calls.* This prints those figures; it is not a test and exits 0 whether or not a target is met.

1. moto (server mode) and the Chime SDK Meetings emulator start in a process of their own
   (:mod:`bench.servers`) on free loopback ports; the resources and the demo force are made
   with :mod:`local.provision`, as the tests make them.
2. One untimed cold run of the app records the AWS calls its first ``POST /sessions`` makes
   (:mod:`bench.recorder`).
3. ``--runs`` fresh processes each (alternating) time ``import app`` plus the first
   ``POST /sessions`` through the Chalice app object, and ``import boto3`` plus building the
   clients plus replaying those calls with the same parameters and concurrency
   (:mod:`bench.child`, :mod:`bench.replay`).
4. One process times ``--requests`` warm rounds of three routes, app against replay
   (:mod:`bench.warm`).
5. ``python -X importtime -c "import app"`` lists what the import spends its time on.

See docs/performance.md for the method and the figures.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

from .imports import import_costs
from .report import table

ROOT = Path(__file__).resolve().parent.parent
REGION = "eu-west-2"
COLD_TARGET = 1.25
WARM_TARGET = 0.15
START_BODY = {"location": {"lat": 51.5136, "lon": -0.0983, "accuracy_m": 12.0}}
"""The officer app's start request: where the stop is."""
OFFICER: dict[str, Any] = {
    "user_id": "officer.central",
    "roles": ("officer",),
    "force": "MET",
    "area": "CENTRAL",
    "officer_id": "met-4521",
}
SERGEANT: dict[str, Any] = {
    "user_id": "sergeant.central",
    "roles": ("sergeant", "officer"),
    "force": "MET",
    "area": "CENTRAL",
    "officer_id": "met-0118",
}
CHILD_SECONDS = 120
MOTO_NOTE = (
    "The AWS calls here are answered by moto and the Chime emulator on loopback, in Python on "
    "this machine, not by AWS. Where they are slower than AWS (moto does every call's work in "
    "Python, on the same cores as the measured process) the calls' share is inflated and the "
    "ratios look better than they would against AWS; the app's own overhead in ms is the "
    "figure moto does not distort."
)

__all__ = ["main"]


# ---------------------------------------------------------------------------- processes
@contextmanager
def servers(env: dict[str, str]) -> Iterator[dict[str, str]]:
    """moto and the Chime emulator in their own process; stopped when the block ends."""
    with tempfile.TemporaryFile("w+") as errors:
        process = subprocess.Popen(
            [sys.executable, "-m", "bench.servers"],
            cwd=ROOT,
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=errors,
            text=True,
        )
        try:
            assert process.stdout is not None
            line = _read_line(process.stdout, timeout=60)
            if not line:
                errors.seek(0)
                raise RuntimeError(f"moto/emulator did not start:\n{errors.read()[-2000:]}")
            yield json.loads(line)
        finally:
            if process.stdin is not None:
                process.stdin.close()  # the servers stop when their stdin closes
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=5)


def _read_line(stream: IO[str], timeout: float) -> str:
    found: list[str] = []
    reader = threading.Thread(target=lambda: found.append(stream.readline()), daemon=True)
    reader.start()
    reader.join(timeout)
    return found[0] if found else ""


def run_child(mode: str, job: dict[str, Any], env: dict[str, str]) -> dict[str, Any]:
    """Run ``python -m bench.child MODE`` in a fresh interpreter and return what it measured."""
    with tempfile.TemporaryDirectory(prefix="bench-") as folder:
        job_path, result_path = Path(folder, "job.json"), Path(folder, "result.json")
        job_path.write_text(json.dumps(job), encoding="utf-8")
        done = subprocess.run(  # noqa: S603 - this interpreter, our own module
            [sys.executable, "-m", "bench.child", mode, str(job_path), str(result_path)],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=CHILD_SECONDS,
            check=False,
        )
        if done.returncode != 0 or not result_path.exists():
            raise RuntimeError(
                f"bench.child {mode} failed ({done.returncode}):\n{done.stderr[-3000:]}"
            )
        result: dict[str, Any] = json.loads(result_path.read_text(encoding="utf-8"))
        return result


# ---------------------------------------------------------------------------- set-up
def provision(moto_url: str, chime_url: str) -> Any:
    """The application's resources and the demo force, as the tests make them."""
    from local.demo import seed_demo
    from local.provision import create_resources

    stack = create_resources(moto_url, chime_url, REGION, prefix=f"bench{uuid.uuid4().hex[:6]}")
    return seed_demo(stack)


def base_environment() -> dict[str, str]:
    """The caller's environment minus anything that could reach a real account."""
    from local.stack import app_environment

    env = app_environment(os.environ, {"AWS_REGION": REGION, "AWS_DEFAULT_REGION": REGION})
    env.pop("PYTHONUNBUFFERED", None)
    return env


def authorizer_context(who: dict[str, Any]) -> dict[str, str]:
    """What the custom authorizer puts in ``requestContext.authorizer`` for ``who``."""
    from functions.auth.principals import principal_to_context
    from functions.domain import Principal, Role

    principal = Principal(
        user_id=who["user_id"],
        roles=frozenset(Role(role) for role in who["roles"]),
        force=who["force"],
        area=who["area"],
        officer_id=who["officer_id"],
    )
    return principal_to_context(principal)


def client_options() -> dict[str, Any]:
    """The application's botocore ``Config``, as keyword arguments (the replay uses the same)."""
    from botocore.config import Config

    from functions.adapters.aws import RETRY_CONFIG

    return {
        name: getattr(RETRY_CONFIG, name)
        for name, default in Config.OPTION_DEFAULTS.items()
        if getattr(RETRY_CONFIG, name) != default
    }


def forgetter(dynamodb: Any, stack: Any) -> Callable[[dict[str, Any]], None]:
    """Forget the demo officer's session that a ``POST /sessions`` answer names (untimed)."""
    from .cleanup import forget_sessions
    from .plans import recorded_ids

    def forget(body: dict[str, Any]) -> None:
        forget_sessions(
            dynamodb,
            sessions_table=stack.sessions_table,
            officers_table=stack.officers_table,
            officer_id=OFFICER["officer_id"],
            sessions=[recorded_ids(body)[:2]],
        )

    return forget


def warm_job(stack: Any, warmup: int, requests: int) -> dict[str, Any]:
    """The job of :func:`bench.warm.warm`: the demo officer and sergeant, the start body, the
    rounds, the app's client options and the tables to tidy between rounds."""
    return {
        "officer": authorizer_context(OFFICER),
        "sergeant": authorizer_context(SERGEANT),
        "body": START_BODY,
        "warmup": warmup,
        "requests": requests,
        "client_options": client_options(),
        "sessions_table": stack.sessions_table,
        "officers_table": stack.officers_table,
        "officer_id": OFFICER["officer_id"],
    }


def start_event(officer: dict[str, str]) -> dict[str, Any]:
    from .events import api_event

    return api_event("POST", "/sessions", "/sessions", authorizer=officer, body=START_BODY)


# ---------------------------------------------------------------------------- figures
def median(values: Sequence[float]) -> float:
    return statistics.median(values)


def p90(values: Sequence[float]) -> float:
    if len(values) < 2:
        return values[0]
    return statistics.quantiles(values, n=10, method="inclusive")[8]


def ms(seconds: float) -> float:
    return round(seconds * 1000, 2)


# ---------------------------------------------------------------------------- the run
def measure(runs: int, requests: int, warmup: int, importtime: bool) -> dict[str, Any]:
    """Everything the table shows, as a JSON-able dict."""

    began = time.perf_counter()
    caches = Path(tempfile.mkdtemp(prefix="bench-pycache-"))
    try:
        return _measure(runs, requests, warmup, importtime, caches, began)
    finally:
        shutil.rmtree(caches, ignore_errors=True)


def _measure(
    runs: int, requests: int, warmup: int, importtime: bool, caches: Path, began: float
) -> dict[str, Any]:
    import boto3

    from . import bytecode, package
    from .plans import describe, recorded_ids, start_fresh, start_plan
    from .replay import instantiate

    env = base_environment()
    os.environ.update({k: v for k, v in env.items() if k.startswith("AWS_")})
    for key in ("AWS_PROFILE", "AWS_ENDPOINT_URL"):
        os.environ.pop(key, None)
    progress("starting moto and the Chime emulator")
    with servers(env) as urls:
        progress(f"provisioning on {urls['moto_url']} (emulator {urls['chime_url']})")
        stack = provision(urls["moto_url"], urls["chime_url"])
        env = bytecode.full({**env, **stack.app_environment()}, caches / "full")
        officer = authorizer_context(OFFICER)
        options = client_options()

        dynamodb = boto3.client("dynamodb", endpoint_url=urls["moto_url"], region_name=REGION)

        forget = forgetter(dynamodb, stack)

        progress("recording the calls of a cold POST /sessions")
        recorded = run_child("record", {"event": start_event(officer), "request_id": "record"}, env)
        if recorded["status"] != 201:
            raise RuntimeError(f"POST /sessions answered {recorded['status']}: {recorded['body']}")
        start = start_plan(recorded["calls"], recorded["body"])
        forget(recorded["body"])

        progress("packaging the app as the CDK app deploys it (chalice package + bytecode)")
        task = package.build(caches / "lambda")
        packaged_env = package.packaged_environment(env)
        session_id, code, _ = recorded_ids(recorded["body"])

        def cold_app(side_env: dict[str, str], app_dir: Path | None = None) -> dict[str, Any]:
            job = {
                "event": start_event(officer),
                "request_id": str(uuid.uuid4()),
                "app_dir": str(app_dir) if app_dir else None,
            }
            result = run_child("app", job, side_env)
            if result["status"] != 201:
                raise RuntimeError(f"POST /sessions answered {result['status']}")
            forget(result["body"])
            return result

        def cold_minimum() -> dict[str, Any]:
            fresh = start_fresh(recorded["body"])
            job = {"prepared": instantiate(start, fresh), "client_options": options}
            result = run_child("minimum", job, env)
            forget(
                {**recorded["body"], "session_id": fresh[session_id], "public_code": fresh[code]}
            )
            return result

        sides: dict[str, Callable[[], dict[str, Any]]] = {
            "app": lambda: cold_app(env),
            "minimum": cold_minimum,
            "as_packaged": lambda: cold_app(packaged_env, task),
        }
        cold: dict[str, list[dict[str, Any]]] = {side: [] for side in sides}
        for index in range(runs):
            progress(f"cold starts {index + 1}/{runs} (app, minimum, app as packaged)")
            order = list(sides)[index % 3 :] + list(sides)[: index % 3]  # each goes first in turn
            for side in order:
                cold[side].append(sides[side]())

        progress(f"warm: {warmup} warm-up and {requests} measured rounds of 3 routes")
        warm_result = run_child("warm", warm_job(stack, warmup, requests), env)
        imports = None
        if importtime:
            progress("python -X importtime -c 'import app'")
            imports = import_costs(env)
    progress("stopped moto and the emulator")
    return summarise(
        cold=cold,
        recorded=recorded,
        start_plan=describe(start),
        warm=warm_result,
        imports=imports,
        settings={"runs": runs, "requests": requests, "warmup": warmup},
        seconds=time.perf_counter() - began,
    )


def summarise(
    *,
    cold: dict[str, list[dict[str, Any]]],
    recorded: dict[str, Any],
    start_plan: str,
    warm: dict[str, Any],
    imports: dict[str, Any] | None,
    settings: dict[str, int],
    seconds: float,
) -> dict[str, Any]:
    """The figures: medians, p90s, ratios and verdicts, as a JSON-able dict."""

    def cold_side(runs: list[dict[str, Any]]) -> dict[str, Any]:
        def mid(key: str) -> float:
            return ms(median([run[key] for run in runs]))

        return {
            "import_ms": mid("import_s"),
            "first_request_ms": mid("request_s"),
            "clients_ms": mid("clients_s"),
            "in_calls_ms": mid("in_calls_s"),
            "rest_ms": ms(
                median([r["request_s"] - r["clients_s"] - r["in_calls_s"] for r in runs])
            ),
            "total_ms": mid("total_s"),
            "clients": runs[0]["clients"],
            "fastest_ms": ms(min(run["total_s"] for run in runs)),
            "runs_total_ms": [ms(run["total_s"]) for run in runs],
        }

    def paired(side: str) -> float:
        """Median over runs of this side's total / the minimum's total in the same round."""
        pairs = zip(cold[side], cold["minimum"], strict=True)
        return round(median([a["total_s"] / m["total_s"] for a, m in pairs]), 3)

    app, low, as_packaged = (cold_side(cold[side]) for side in ("app", "minimum", "as_packaged"))
    cold_ratio = app["total_ms"] / low["total_ms"]
    routes: dict[str, Any] = {}
    for route, sides in warm["times"].items():
        app_s, calls_s = sides["app"], sides["calls"]
        waiting = warm["in_calls"][route]["app"]
        own = [t - c for t, c in zip(app_s, waiting, strict=True)]
        harness = [t - c for t, c in zip(calls_s, warm["in_calls"][route]["calls"], strict=True)]
        overhead = (median(app_s) - median(calls_s)) / median(calls_s)
        routes[route] = {
            "app_median_ms": ms(median(app_s)),
            "app_p90_ms": ms(p90(app_s)),
            "calls_median_ms": ms(median(calls_s)),
            "calls_p90_ms": ms(p90(calls_s)),
            "overhead_ms": ms(median(app_s) - median(calls_s)),
            "paired_overhead_ms": ms(median([a - c for a, c in zip(app_s, calls_s, strict=True)])),
            "overhead": round(overhead, 4),
            "app_own_median_ms": ms(median(own)),
            "app_own_p90_ms": ms(p90(own)),
            "app_own_share": round(median([o / w for o, w in zip(own, waiting, strict=True)]), 4),
            "replay_own_median_ms": ms(median(harness)),
            "own_at_once_median_ms": ms(median(warm["instant"][route])),
            "app_in_calls_median_ms": ms(median(waiting)),
            "replay_in_calls_median_ms": ms(median(warm["in_calls"][route]["calls"])),
            "calls": warm["plans"][route],
            "meets_target": overhead <= WARM_TARGET,
            "meets_target_own": median([o / w for o, w in zip(own, waiting, strict=True)])
            <= WARM_TARGET,
        }
    return {
        "machine": {"cpus": os.cpu_count(), "python": sys.version.split()[0]},
        "settings": settings,
        "cold": {
            "app": app,
            "minimum": low,
            "calls": start_plan,
            "recorded_calls": [f"{c['service']}:{c['operation']}" for c in recorded["calls"]],
            "app_overhead_ms": round(app["total_ms"] - low["total_ms"], 2),
            "ratio": round(cold_ratio, 3),
            "ratio_of_fastest": round(app["fastest_ms"] / low["fastest_ms"], 3),
            "ratio_paired": paired("app"),
            "target": COLD_TARGET,
            "meets_target": cold_ratio <= COLD_TARGET,
            "as_packaged": {
                **as_packaged,
                "ratio": round(as_packaged["total_ms"] / low["total_ms"], 3),
                "ratio_paired": paired("as_packaged"),
                "meets_target": as_packaged["total_ms"] / low["total_ms"] <= COLD_TARGET,
            },
        },
        "warm": {
            "routes": routes,
            "target": WARM_TARGET,
            "after_wait": warm["after_wait"],
            "operation_median_ms": {
                op: ms(median(values)) for op, values in sorted(warm["ops"].items())
            },
        },
        "imports": imports,
        "note": MOTO_NOTE,
        "seconds": round(seconds, 1),
    }


# ---------------------------------------------------------------------------- output
def progress(message: str) -> None:
    print(f"bench: {message}", file=sys.stderr, flush=True)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=7, help="fresh processes per cold side (7)")
    parser.add_argument("--requests", type=int, default=50, help="measured warm rounds (50)")
    parser.add_argument("--warmup", type=int, default=5, help="warm-up rounds (5)")
    parser.add_argument("--no-importtime", action="store_true", help="skip -X importtime")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args(argv)
    if min(args.runs, args.requests) < 1 or args.warmup < 0:
        parser.error("--runs and --requests must be at least 1, --warmup at least 0")
    figures = measure(args.runs, args.requests, args.warmup, not args.no_importtime)
    print(json.dumps(figures, indent=2) if args.json else table(figures))
    return 0
