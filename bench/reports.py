"""``python -m bench.reports``: a report for one day costs the same with 100 or 10,000 other days.

:class:`~functions.services.reports.ReportService` reads one ``by_force_day`` query per UTC day
of its period. This writes a busy day of MET through ``DynamoAuditLog.append`` (as the stream
handler does), ``--days-small`` other days (and another force's) with ``BatchWriteItem``, times
the three reports of that day, grows the same table to ``--days-large`` days and times them
again. A botocore hook counts the Query calls and the items they return: equal items read is the
proof, the ms the confirmation. Figures, not a verdict; exits 0 (docs/performance.md).
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from types import SimpleNamespace
from typing import Any

from functions.adapters.audit_table import DynamoAuditLog
from functions.services.audit_port import AuditEntry

from .run import base_environment, median, ms, p90, servers

FORCE, OTHER_FORCE = "MET", "WMP"
DAY = date(2026, 6, 15)
TIME_ZONE = "Europe/London"
TARGET_SESSIONS = 40
REPORTS = ("service", "staffing", "record_of_stops", "one_query")
WARMUP = 2
_STAMP = "%Y-%m-%dT%H:%M:%S.%fZ"
_ATTENDANCE: Any = {"actor": "public", "kind": "attendance", "reason": "attendance requested"}

__all__ = ["main"]


def session_entries(
    rng: random.Random, force: str, sid: str, created: datetime
) -> list[AuditEntry]:
    """One session's audit entries as the stream handler writes them (``services/audit.py``)."""
    channel = "public" if rng.random() < 0.2 else "officer"
    base: dict[str, Any] = {
        "session_id": sid,
        "force": force,
        "created_at": created.strftime(_STAMP),
        "channel": channel,
        "area": rng.choice(("CENTRAL", "NORTH", "SOUTH")),
        "reference": f"REF-{sid[-6:]}",
        "officer": f"PC {rng.randint(1000, 9999)}",
        "event_id": f"evt-{sid}",
    }
    sergeant, roll = f"sergeant.{rng.randint(1, 6)}", rng.random()
    # (state, actor, seconds after the previous step, reason)
    steps: list[tuple[str, str, float, str | None]] = [("requested", "officer.bench", 0, None)]
    if roll < 0.08:  # cancelled before anyone claimed it
        steps.append(("cancelled", "officer.bench", 40, "stood down"))
    elif roll < 0.15:  # nobody answered in time
        steps += [("escalated", "system", 60, "no answer"), ("expired", "system", 120, "timeout")]
    else:
        if roll < 0.25:
            steps.append(("escalated", "system", 60, "no answer"))
        end = "dropped" if roll > 0.95 else "not_verified" if roll > 0.85 else "verified"
        steps += [
            ("claimed", sergeant, rng.uniform(4, 90), None),
            (end, sergeant, rng.uniform(60, 300), "warrant card checked"),
        ]
    entries: list[AuditEntry] = []
    at, previous, level = created, None, 0
    for n, (state, actor, seconds, reason) in enumerate(steps, start=1):
        at, level = at + timedelta(seconds=seconds), max(level, int(state == "escalated"))
        keys = ("seq", "at", "from_state", "to_state", "actor", "reason", "escalation_level")
        values = (f"{n:06d}", at.strftime(_STAMP), previous, state, actor, reason, level)
        row: dict[str, Any] = dict(zip(keys, values, strict=True))
        entries.append(AuditEntry(**base, **row))
        previous = state
    if channel == "public" and rng.random() < 0.5:  # she asked for a uniformed officer
        last = entries[-1]
        entries.append(replace(last, **_ATTENDANCE, seq=last.seq + "a", from_state=last.to_state))
    return entries


def day_sessions(rng: random.Random, force: str, day: date, count: int) -> list[AuditEntry]:
    """``count`` sessions requested in London's ``day`` (BST: from 23:00 UTC the day before)."""
    midnight = datetime(day.year, day.month, day.day, tzinfo=UTC) - timedelta(hours=1)
    entries: list[AuditEntry] = []
    for n in range(count):
        created = midnight + timedelta(seconds=rng.uniform(1800, 23 * 3600))
        entries += session_entries(rng, force, f"{force.lower()}-{day:%Y%m%d}-{n:03d}", created)
    return entries


def items_as_appended(entries: Sequence[AuditEntry]) -> list[dict[str, Any]]:
    """The exact items ``DynamoAuditLog.append`` puts: its own code builds them, for a stand-in
    client that keeps them (to write them 25 at a time)."""
    items: list[dict[str, Any]] = []
    log = DynamoAuditLog(SimpleNamespace(put_item=lambda **p: items.append(p["Item"])), "-")  # type: ignore[arg-type]
    for entry in entries:
        log.append(entry)
    return items


def batch_write(client: Any, table: str, items: list[dict[str, Any]], workers: int = 8) -> None:
    """``BatchWriteItem`` in chunks of 25 from a thread pool, retrying unprocessed items."""

    def write(chunk: list[dict[str, Any]]) -> None:
        requests: Any = {table: [{"PutRequest": {"Item": item}} for item in chunk]}
        while requests:
            requests = client.batch_write_item(RequestItems=requests).get("UnprocessedItems")

    chunks = [items[i : i + 25] for i in range(0, len(items), 25)]
    with ThreadPoolExecutor(max_workers=workers) as pool:
        list(pool.map(write, chunks))


def history(rng: random.Random, days: range) -> list[AuditEntry]:
    """A MET session on each other day before the two UTC days the report reads; and WMP's on
    every fifth day."""
    forces = [(FORCE, DAY - timedelta(days=2 + n)) for n in days]
    forces += [(OTHER_FORCE, DAY - timedelta(days=2 + n)) for n in days if n % 5 == 0]
    return [entry for force, day in forces for entry in day_sessions(rng, force, day, 1)]


class QueryCounter:
    """Query calls, the items they returned, and the items DynamoDB read for them (its
    ``ScannedCount``), counted by an ``after-call`` hook (thread-safe: reports query in a pool)."""

    def __init__(self, client: Any) -> None:
        self.lock, self.counts = threading.Lock(), (0, 0, 0)
        client.meta.events.register("after-call.dynamodb.Query", self.after_call)

    def after_call(self, parsed: dict[str, Any], **kwargs: Any) -> None:
        got = (1, len(parsed.get("Items", [])), parsed.get("ScannedCount", 0))
        with self.lock:
            self.counts = tuple(a + b for a, b in zip(self.counts, got, strict=True))


def measure(days_small: int, days_large: int, runs: int) -> dict[str, Any]:
    from functions.adapters.register_table import DynamoOfficerRegister
    from functions.adapters.sessions_table import DynamoSessionStore
    from functions.domain import Principal, Role
    from functions.resources import AUDIT, OFFICERS, SESSIONS
    from functions.services.reports import ReportService
    from local.provision import aws_client

    began = time.perf_counter()
    with servers(base_environment()) as urls:
        client = aws_client("dynamodb", urls["moto_url"])
        names = {t: f"bench-{t.logical_name.lower()}" for t in (AUDIT, OFFICERS, SESSIONS)}
        for table, name in names.items():
            client.create_table(**table.create_table_params(name))
        audit = DynamoAuditLog(client, names[AUDIT])
        evening = datetime(DAY.year, DAY.month, DAY.day, 20, 30, tzinfo=UTC)
        service = ReportService(
            audit=audit,
            register=DynamoOfficerRegister(client, names[OFFICERS], names[SESSIONS]),
            sessions=DynamoSessionStore(
                client, names[SESSIONS], names[OFFICERS], retention=timedelta(days=90)
            ),
            time_zone=TIME_ZONE,
            target_seconds=30,
            goal=0.8,
            clock=lambda: evening,
        )
        boss = Principal(user_id="bench", roles=frozenset({Role.SUPERVISOR}), force=FORCE)
        calls: dict[str, Callable[[], object]] = {
            "service": lambda: service.service(boss, FORCE, None, DAY, DAY),
            "staffing": lambda: service.staffing(boss, FORCE, None, DAY),
            "record_of_stops": lambda: service.record_of_stops(boss, FORCE, DAY, DAY),
            "one_query": lambda: audit.for_day(FORCE, DAY.isoformat()),  # moto's floor
        }
        counter = QueryCounter(client)
        rng = random.Random(15)  # noqa: S311 - the same trail every run

        target = day_sessions(rng, FORCE, DAY, TARGET_SESSIONS)
        for entry in target:  # the day measured goes in as the stream handler writes it
            audit.append(entry)
        progress(f"target day: {len(target)} entries of {TARGET_SESSIONS} sessions, via append")
        rows = len(service.record_of_stops(boss, FORCE, DAY, DAY))

        sizes, seeding = [], []
        written, done = len(target), 0
        for size in (days_small, days_large):
            entries = history(rng, range(done, size))
            if size == days_small:  # the other force on the target day too
                entries += day_sessions(rng, OTHER_FORCE, DAY, 10)
            started = time.perf_counter()
            batch_write(client, names[AUDIT], items_as_appended(entries))
            seconds = time.perf_counter() - started
            written, done = written + len(entries), size
            seeding.append({"days": size, "items": len(entries), "seconds": round(seconds, 2)})
            progress(f"history to {size} days: {len(entries)} items in {seconds:.1f} s")
            timed = _time_reports(calls, counter, runs)
            sizes.append(timed | {"audit_items": written, "target_stops": rows})
    figures = summarise([days_small, days_large], runs, sizes, seeding)
    return figures | {"seconds": round(time.perf_counter() - began, 1)}


def _time_reports(
    calls: dict[str, Callable[[], object]], counter: QueryCounter, runs: int
) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for name, call in calls.items():
        for _ in range(WARMUP):
            call()
        times, cpu, reads = [], [], []
        for _ in range(runs):
            before = counter.counts
            started, cpu_started = time.perf_counter(), time.process_time()
            call()
            times.append(time.perf_counter() - started)
            # This process's CPU (every thread): the app and boto3, not moto (its own process).
            cpu.append(time.process_time() - cpu_started)
            reads.append(tuple(a - b for a, b in zip(counter.counts, before, strict=True)))
        result[name] = {
            "times": times,
            "cpu": cpu,
            "queries": max(r[0] for r in reads),
            "items_read": max(r[1] for r in reads),
            "scanned": max(r[2] for r in reads),
            "steady": len(set(reads)) == 1,
        }
    return result


def summarise(
    days: list[int], runs: int, sizes: list[dict[str, Any]], seeding: list[dict[str, Any]]
) -> dict[str, Any]:
    reports: dict[str, Any] = {
        "history_days": days,
        "audit_items": [size["audit_items"] for size in sizes],
        "target_day": DAY.isoformat(),
        "target_stops": sizes[0]["target_stops"],
        "runs": runs,
    }
    for name in REPORTS:
        a, b = (size[name] for size in sizes)
        reports[name] = {
            "small_median_ms": ms(median(a["times"])),
            "small_p90_ms": ms(p90(a["times"])),
            "large_median_ms": ms(median(b["times"])),
            "large_p90_ms": ms(p90(b["times"])),
            "ratio": round(median(b["times"]) / median(a["times"]), 3),
            "small_cpu_median_ms": ms(median(a["cpu"])),
            "large_cpu_median_ms": ms(median(b["cpu"])),
            "cpu_ratio": round(median(b["cpu"]) / max(median(a["cpu"]), 1e-9), 3),
        } | {k: [a[k], b[k]] for k in ("queries", "items_read", "scanned", "steady")}
    return {
        "reports": reports,
        "seeding_seconds": round(sum(s["seconds"] for s in seeding), 2),
        "seeding": seeding,
    }


def table(figures: dict[str, Any]) -> str:
    """The figures as plain text, in :mod:`bench.report`'s style."""
    r = figures["reports"]
    lines = [
        f"REPORTS vs HISTORY: {FORCE}'s {r['target_day']} ({r['target_stops']} stops), median of "
        f"{r['runs']} calls after {WARMUP} warm-ups (ms), {figures['seconds']} s",
        f"  other days: {r['history_days']}, audit items {r['audit_items']}; seeding "
        f"{figures['seeding_seconds']} s ("
        + ", ".join(f"{s['items']} items {s['seconds']} s" for s in figures["seeding"])
        + ")",
        f"  {'report':17}{'p50 small':>10}{'p90':>7}{'p50 large':>10}{'p90':>7}{'ratio':>7}"
        f"{'app CPU':>9}{'ratio':>7}   queries  items read  scanned",
    ]
    for name in REPORTS:
        row = r[name]
        counts = f"   {row['queries']!s:9}{row['items_read']!s:12}{row['scanned']}" + (
            "" if row["items_read"][0] == row["items_read"][1] else "  ITEMS READ DIFFER"
        )
        lines.append(
            f"  {name:17}{row['small_median_ms']:>10.1f}{row['small_p90_ms']:>7.1f}"
            f"{row['large_median_ms']:>10.1f}{row['large_p90_ms']:>7.1f}{row['ratio']:>7.2f}"
            f"{row['small_cpu_median_ms']:>9.1f}{row['cpu_ratio']:>7.2f}" + counts
        )
    lines.append("  one_query: one by_force_day Query of the day, alone (moto's own cost)")
    lines.append(
        "  app CPU: this process's CPU per report at the small size (the app and boto3; moto runs"
        " apart), and its ratio large/small"
    )
    return "\n".join(lines)


def progress(message: str) -> None:
    print(f"bench.reports: {message}", file=sys.stderr, flush=True)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser("python -m bench.reports", description=__doc__[:95])
    for flag, default in (("--days-small", 100), ("--days-large", 10000), ("--runs", 15)):
        parser.add_argument(flag, type=int, default=default, help=f"(default {default})")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args(argv)
    if not 0 <= args.days_small < args.days_large or args.runs < 1:
        parser.error("need 0 <= --days-small < --days-large and --runs >= 1")
    figures = measure(args.days_small, args.days_large, args.runs)
    print(json.dumps(figures, indent=2) if args.json else table(figures))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
