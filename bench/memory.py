"""``python -m bench.memory``: the Lambda memory size, chosen from a measurement.

Lambda gives a function CPU in proportion to its memory: 1,769 MB is one full vCPU, and below it
the function gets that share of one (a CFS quota). This runs the measured processes of
``make bench`` (:mod:`bench.child`) inside a cgroup v1 ``cpu`` group whose quota is each size's
share (``cpu.cfs_period_us`` 100000, ``cpu.cfs_quota_us`` share x 100000), so the figures are the
app's at that size:

* **cold**: ``import app`` and the first ``POST /sessions`` from the packaged zip
  (:mod:`bench.package`), in a fresh process, median of ``--runs``; the process's CPU time too;
* **warm**: :func:`bench.warm.warm` in one process (``--warmup`` then ``--requests`` rounds of
  ``POST /sessions``, ``GET /sessions/{id}``, ``POST /sessions/{id}/claim``): the wall time and
  the app's *own* time (wall minus its AWS calls) per route.

moto and the Chime emulator run outside the group (:mod:`bench.servers`), so only the app is
slowed. The linear model predicts a size's time from the reference size's (1,769 MB, or the
largest measured): the CPU part stretches by 1769 / M, waiting for AWS calls does not. Without
a writable cgroup (not root, no cgroup v1 ``cpu`` controller) it says so and prints only the
model's prediction from one unlimited run. See docs/performance.md, "Lambda memory size".
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

from .run import (
    OFFICER,
    ROOT,
    authorizer_context,
    base_environment,
    forgetter,
    median,
    ms,
    progress,
    provision,
    servers,
    start_event,
    warm_job,
)

__all__ = ["CpuGroup", "main", "measure", "recommend"]

FULL_VCPU_MB = 1769
"""Lambda's memory size with exactly one vCPU."""
PERIOD_US = 100_000
CGROUP_ROOT = Path("/sys/fs/cgroup/cpu")
NOTICEABLE_MS = 100.0
"""A response that comes this much later than the fastest size's is noticeably slower."""
GB_SECOND_USD = 0.0000166667
"""Lambda x86 duration price per GB-second, eu-west-2, first 6 billion GB-s a month (as recalled;
see bench.cost's price table for the source and date)."""
CHILD_SECONDS = 300
POLLS_PER_VERIFICATION = 235
"""The pages' polls in a typical verification (bench.cost: claimed after 30 s, a 180 s call):
the officer's and the console's ``GET /sessions/{id}`` every 2 s (195), hers every 5 s (40)."""

COLD_CHILD = """
import json, sys, time
from bench.child import cold_app
job = json.load(open(sys.argv[1]))
began = time.process_time()
result = cold_app(job)
result["cpu_s"] = time.process_time() - began
json.dump(result, open(sys.argv[2], "w"))
"""
WARM_CHILD = """
import json, sys, time
from bench.warm import warm
job = json.load(open(sys.argv[1]))
json.dump(warm(job), open(sys.argv[2], "w"))
"""


class CpuGroup:
    """A cgroup v1 ``cpu`` child group whose CFS quota is a share of one CPU."""

    def __init__(self, path: Path) -> None:
        self.path = path

    @classmethod
    def create(cls, root: Path = CGROUP_ROOT) -> CpuGroup | str:
        """The group, or why it cannot be made (as a sentence)."""
        if not (root / "cpu.cfs_quota_us").exists():
            return f"no cgroup v1 cpu controller at {root}"
        path = root / f"safe-connection-bench-{os.getpid()}"
        try:
            path.mkdir()
            group = cls(path)
            group.limit(1.0)
        except OSError as error:
            if path.exists():
                path.rmdir()
            return f"cannot create a cpu cgroup under {root} ({error.strerror})"
        return group

    def limit(self, share: float) -> None:
        (self.path / "cpu.cfs_period_us").write_text(str(PERIOD_US))
        (self.path / "cpu.cfs_quota_us").write_text(str(max(1000, round(share * PERIOD_US))))

    def enter(self) -> None:
        """Move the calling process into the group (a child's ``preexec_fn``)."""
        (self.path / "cgroup.procs").write_text(str(os.getpid()))

    def throttled(self) -> dict[str, int]:
        lines = (self.path / "cpu.stat").read_text().split("\n")
        stat = dict(line.split() for line in lines if line)
        return {"periods": int(stat["nr_periods"]), "throttled": int(stat["nr_throttled"])}

    def remove(self) -> None:
        self.path.rmdir()


def share_of(size_mb: int) -> float:
    return size_mb / FULL_VCPU_MB


def run_in(group: CpuGroup | None, code: str, job: dict[str, Any], env: dict[str, str]) -> Any:
    """Run ``code`` (a child script) in a fresh interpreter inside ``group``; its result and
    the CPU seconds the whole process used."""
    with tempfile.TemporaryDirectory(prefix="bench-memory-") as folder:
        job_path, result_path = Path(folder, "job.json"), Path(folder, "result.json")
        job_path.write_text(json.dumps(job), encoding="utf-8")
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        done = subprocess.run(  # noqa: S603 - this interpreter, our own child script
            [sys.executable, "-c", code, str(job_path), str(result_path)],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=CHILD_SECONDS,
            check=False,
            preexec_fn=group.enter if group else None,
        )
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        if done.returncode != 0 or not result_path.exists():
            raise RuntimeError(f"child failed ({done.returncode}):\n{done.stderr[-3000:]}")
        cpu = after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime
        return json.loads(result_path.read_text(encoding="utf-8")), cpu


def measure(
    sizes: list[int], runs: int, requests: int, warmup: int, configured_mb: int
) -> dict[str, Any]:
    """Every figure, as a JSON-able dict."""
    import boto3

    from . import bytecode, package

    began = time.perf_counter()
    caches = Path(tempfile.mkdtemp(prefix="bench-memory-pycache-"))
    group = CpuGroup.create()
    env = base_environment()
    os.environ.update({k: v for k, v in env.items() if k.startswith("AWS_")})
    for key in ("AWS_PROFILE", "AWS_ENDPOINT_URL"):
        os.environ.pop(key, None)
    measured: dict[int, dict[str, Any]] = {}
    try:
        progress("starting moto and the Chime emulator")
        with servers(env) as urls:
            stack = provision(urls["moto_url"], urls["chime_url"])
            env = bytecode.full({**env, **stack.app_environment()}, caches / "full")
            officer = authorizer_context(OFFICER)
            progress("packaging the app as the CDK app deploys it")
            task = package.build(caches / "lambda")
            packaged = package.packaged_environment(env)
            dynamodb = boto3.client("dynamodb", endpoint_url=urls["moto_url"])

            forget = forgetter(dynamodb, stack)

            def one_size(label: str, share: float | None) -> dict[str, Any]:
                limited = group if isinstance(group, CpuGroup) and share is not None else None
                if limited is not None and share is not None:
                    limited.limit(share)
                    before = limited.throttled()
                cold = []
                for index in range(runs):
                    progress(f"{label}: cold start {index + 1}/{runs} as packaged")
                    job = {
                        "event": start_event(officer),
                        "request_id": str(uuid.uuid4()),
                        "app_dir": str(task),
                    }
                    result, process_cpu = run_in(limited, COLD_CHILD, job, packaged)
                    if result["status"] != 201:
                        raise RuntimeError(f"POST /sessions answered {result['status']}")
                    forget(result["body"])
                    cold.append({**result, "process_cpu_s": process_cpu})
                progress(f"{label}: warm, {warmup} warm-up and {requests} rounds")
                warm, _ = run_in(limited, WARM_CHILD, warm_job(stack, warmup, requests), env)
                figures = summarise_size(cold, warm)
                if limited is not None:
                    after = limited.throttled()
                    figures["throttled_periods"] = after["throttled"] - before["throttled"]
                return figures

            if isinstance(group, CpuGroup):
                for size in sizes:
                    measured[size] = one_size(f"{size} MB", share_of(size))
            else:
                measured[0] = one_size("unlimited (no cgroup)", None)
    finally:
        if isinstance(group, CpuGroup):
            group.remove()
        shutil.rmtree(caches, ignore_errors=True)
    return summarise(
        sizes, measured, group, runs, requests, warmup, configured_mb, time.perf_counter() - began
    )


def summarise_size(cold: list[dict[str, Any]], warm: dict[str, Any]) -> dict[str, Any]:
    """One size's medians: cold start as packaged, and the warm routes' wall and own time."""
    routes = {}
    for route, sides in warm["times"].items():
        wall, waiting = sides["app"], warm["in_calls"][route]["app"]
        routes[route] = {
            "wall_ms": ms(median(wall)),
            "own_ms": ms(median([t - c for t, c in zip(wall, waiting, strict=True)])),
            "in_calls_ms": ms(median(waiting)),
        }
    return {
        "cold_ms": ms(median([r["total_s"] for r in cold])),
        "cold_import_ms": ms(median([r["import_s"] for r in cold])),
        "cold_request_ms": ms(median([r["request_s"] for r in cold])),
        "cold_in_calls_ms": ms(median([r["in_calls_s"] for r in cold])),
        "cold_cpu_ms": ms(median([r["cpu_s"] for r in cold])),
        "cold_process_cpu_ms": ms(median([r["process_cpu_s"] for r in cold])),
        "cold_runs_ms": [ms(r["total_s"]) for r in cold],
        "warm": routes,
    }


def predict(reference: dict[str, Any], reference_share: float, size_mb: int) -> dict[str, Any]:
    """The linear model: the reference's CPU time stretched to this size's share, plus the
    reference's waiting (which CPU does not change). A single-threaded Python gains nothing
    beyond one vCPU, so shares above 1 count as 1."""
    stretch = min(1.0, reference_share) / min(1.0, share_of(size_mb))
    cpu, waiting = (
        reference["cold_cpu_ms"],
        max(0.0, reference["cold_ms"] - reference["cold_cpu_ms"]),
    )
    return {
        "cold_ms": round(waiting + cpu * stretch, 1),
        "cold_cpu_bound_ms": round(cpu * FULL_VCPU_MB / size_mb, 1),
        "warm_own_ms": {
            route: round(figures["own_ms"] * stretch, 2)
            for route, figures in reference["warm"].items()
        },
    }


def gb_seconds(size_mb: int, figures: dict[str, Any]) -> float:
    """GB-s of one verification's API invocations at ``size_mb``: a cold start (at low volume
    nearly every start is cold, and Lambda bills the init phase), the sergeant's claim, and
    :data:`POLLS_PER_VERIFICATION` polls, each timed as a warm ``GET /sessions/{id}``."""
    warm = figures["warm"]
    seconds = (
        figures["cold_ms"]
        + POLLS_PER_VERIFICATION * warm["GET /sessions/{id}"]["wall_ms"]
        + warm["POST /sessions/{id}/claim"]["wall_ms"]
    ) / 1000
    return float(round(seconds * size_mb / 1024, 5))


def recommend(rows: dict[int, dict[str, Any]]) -> dict[str, Any]:
    """Of the sizes whose cold start and warm ``POST /sessions`` (the tap-to-alert) are within
    :data:`NOTICEABLE_MS` of the fastest size's, the one with the fewest GB-seconds per
    verification (ties: the smaller)."""
    fastest_cold = min(r["cold_ms"] for r in rows.values())
    fastest_warm = min(r["warm"]["POST /sessions"]["wall_ms"] for r in rows.values())
    fit = [
        size
        for size, r in rows.items()
        if r["cold_ms"] <= fastest_cold + NOTICEABLE_MS
        and r["warm"]["POST /sessions"]["wall_ms"] <= fastest_warm + NOTICEABLE_MS
    ]
    chosen = min(fit, key=lambda size: (rows[size]["gb_seconds_per_verification"], size))
    return {
        "size_mb": chosen,
        "rule": (
            f"of the sizes whose cold start and warm POST /sessions are within {NOTICEABLE_MS:.0f}"
            " ms of the fastest size's, the one with the fewest GB-seconds per verification"
        ),
        "within_noticeable": sorted(fit),
    }


def summarise(
    sizes: list[int],
    measured: dict[int, dict[str, Any]],
    group: CpuGroup | str,
    runs: int,
    requests: int,
    warmup: int,
    configured_mb: int,
    seconds: float,
) -> dict[str, Any]:
    limited = isinstance(group, CpuGroup)
    reference_mb = (
        FULL_VCPU_MB if FULL_VCPU_MB in measured else max(measured) if limited else FULL_VCPU_MB
    )
    reference = measured[reference_mb if limited else 0]
    reference_share = share_of(reference_mb) if limited else 1.0
    rows: dict[int, dict[str, Any]] = {}
    for size in sizes:
        figures = measured.get(size, {}) if limited else {}
        model = predict(reference, reference_share, size)
        row: dict[str, Any] = {"cpu_share": round(share_of(size), 3), "model": model}
        if figures:
            row.update(figures)
            row["cold_vs_model"] = round(figures["cold_ms"] / model["cold_ms"], 3)
        else:  # only the model: its cold start and the reference's warm walls
            row.update(
                cold_ms=model["cold_ms"],
                warm={
                    route: {"wall_ms": f["wall_ms"], "own_ms": model["warm_own_ms"][route]}
                    for route, f in reference["warm"].items()
                },
            )
        row["gb_seconds_per_verification"] = gb_seconds(size, row)
        row["usd_per_verification"] = round(row["gb_seconds_per_verification"] * GB_SECOND_USD, 8)
        rows[size] = row
    return {
        "measured": limited,
        "cgroup": str(group.path) if isinstance(group, CpuGroup) else None,
        "why_not_measured": None if limited else group,
        "reference_mb": reference_mb,
        "unlimited": None if limited else reference,
        "sizes": {str(size): row for size, row in rows.items()},
        "configured_mb": configured_mb,
        "recommendation": recommend(rows),
        "settings": {"runs": runs, "requests": requests, "warmup": warmup},
        "machine": {"cpus": os.cpu_count(), "python": sys.version.split()[0]},
        "seconds": round(seconds, 1),
    }


def configured_memory() -> int:
    """``lambda_memory_size`` of the prod stage in ``.chalice/config.json`` (infra reads it)."""
    config = json.loads((ROOT / ".chalice" / "config.json").read_text(encoding="utf-8"))
    prod = config["stages"].get("prod", {})
    return int(prod.get("lambda_memory_size", config.get("lambda_memory_size", 128)))


def table(figures: dict[str, Any]) -> str:
    lines = [
        f"Lambda memory size (python -m bench.memory): {figures['machine']['cpus']} CPUs, "
        f"{figures['seconds']} s",
    ]
    if figures["measured"]:
        lines.append(f"  measured in cgroup {figures['cgroup']} at each size's CPU share")
    else:
        lines += [
            f"  NOT MEASURED at any size: {figures['why_not_measured']}.",
            "  The figures below are the linear model's prediction from one unlimited run.",
        ]
    lines.append(
        f"  {'MB':>6}{'share':>7}{'cold ms':>9}{'model':>8}{'start own':>10}{'get own':>9}"
        f"{'claim own':>10}{'start wall':>11}{'GB-s/verif':>11}"
    )
    for size, row in figures["sizes"].items():
        warm = row["warm"]
        lines.append(
            f"  {size:>6}{row['cpu_share']:>7.2f}{row['cold_ms']:>9.0f}"
            f"{row['model']['cold_ms']:>8.0f}{warm['POST /sessions']['own_ms']:>10.2f}"
            f"{warm['GET /sessions/{id}']['own_ms']:>9.2f}"
            f"{warm['POST /sessions/{id}/claim']['own_ms']:>10.2f}"
            f"{warm['POST /sessions']['wall_ms']:>11.1f}"
            f"{row['gb_seconds_per_verification']:>11.4f}"
        )
    rec = figures["recommendation"]
    lines += [
        f"  model: the {figures['reference_mb']} MB run's CPU time x {FULL_VCPU_MB}/M plus its "
        "waiting for AWS calls",
        f"  configured now (.chalice/config.json prod): {figures['configured_mb']} MB",
        f"  recommended: {rec['size_mb']} MB ({rec['rule']})",
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench.memory", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--sizes", default="512,1024,1769", help="MB, comma-separated")
    parser.add_argument("--runs", type=int, default=5, help="cold starts per size (5)")
    parser.add_argument("--requests", type=int, default=20, help="warm rounds per size (20)")
    parser.add_argument("--warmup", type=int, default=3, help="warm-up rounds (3)")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args(argv)
    sizes = sorted({int(size) for size in args.sizes.split(",") if size.strip()})
    if not sizes or min(sizes) < 128 or min(args.runs, args.requests) < 1:
        parser.error("--sizes must be at least 128 MB, --runs and --requests at least 1")
    figures = measure(sizes, args.runs, args.requests, args.warmup, configured_memory())
    print(json.dumps(figures, indent=2) if args.json else table(figures))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
