"""The table ``make bench`` prints from its figures (:func:`bench.run.summarise` makes them)."""

from __future__ import annotations

from typing import Any


def verdict(ok: bool) -> str:
    return "PASS" if ok else "FAIL"


def table(figures: dict[str, Any]) -> str:
    """The figures as plain text."""
    cold, warm, settings = figures["cold"], figures["warm"], figures["settings"]
    app, low = cold["app"], cold["minimum"]
    lines = [
        f"Safe Connection speed (make bench): {figures['machine']['cpus']} CPUs, "
        f"Python {figures['machine']['python']}, {figures['seconds']} s",
        "",
        "COLD START: fresh process, import + first POST /sessions "
        f"(median of {settings['runs']} processes each, ms)",
        "  app: import app + the Chalice app object's first POST /sessions; minimum: import boto3,",
        "  build the clients, make the same calls; bytecode cached for both (see as packaged)",
        f"  {'':32}{'app':>9}{'minimum':>9}{'app - min':>11}",
        _row("import (app | boto3)", app["import_ms"], low["import_ms"]),
        _row("first POST /sessions", app["first_request_ms"], low["first_request_ms"]),
        _row("  building clients", app["clients_ms"], low["clients_ms"]),
        _row("  waiting for AWS calls", app["in_calls_ms"], low["in_calls_ms"]),
        _row("  the rest (own code)", app["rest_ms"], low["rest_ms"]),
        _row("total", app["total_ms"], low["total_ms"]),
        f"  ratio app / minimum: {cold['ratio']:.2f}   target <= {cold['target']:.2f}   "
        f"{verdict(cold['meets_target'])}",
        f"  (same ratio from the fastest runs: {cold['ratio_of_fastest']:.2f}; median of the "
        f"rounds' own ratios: {cold['ratio_paired']:.2f})",
        f"  the app's own cost: {cold['app_overhead_ms']:+.1f} ms",
        "  as packaged: from the deployed zip (chalice package + its unchecked-hash .pyc files),",
        "  nothing written, as in Lambda's read-only /var/task; the figure that counts:",
        _row("  total, app as packaged", cold["as_packaged"]["total_ms"], low["total_ms"]),
        f"    import {cold['as_packaged']['import_ms']:.1f}, first request "
        f"{cold['as_packaged']['first_request_ms']:.1f}; ratio {cold['as_packaged']['ratio']:.2f}"
        f"   {verdict(cold['as_packaged']['meets_target'])}",
        f"  calls: {cold['calls']}",
        f"  clients built: app {', '.join(app['clients'])}",
        f"                 minimum {', '.join(low['clients'])}",
        "",
        f"WARM REQUESTS: one process, {settings['warmup']} warm-up rounds, then "
        f"{settings['requests']} rounds, app and replay alternating first (ms)",
        f"  {'route':27}{'app p50':>8}{'p90':>7}{'calls p50':>10}{'p90':>7}"
        f"{'app - calls':>16}{'own p50':>15}  <= {warm['target'] * 100:.0f}%?",
    ]
    for route, row in warm["routes"].items():
        lines.append(
            f"  {route:27}{row['app_median_ms']:>8.1f}{row['app_p90_ms']:>7.1f}"
            f"{row['calls_median_ms']:>10.1f}{row['calls_p90_ms']:>7.1f}"
            f"{row['overhead_ms']:>+8.1f}{row['overhead'] * 100:>+7.1f}%"
            f"{row['app_own_median_ms']:>7.2f}{row['app_own_share'] * 100:>+7.1f}%"
            f"  {verdict(row['meets_target'])}/{verdict(row['meets_target_own'])}"
        )
    lines += [
        "  app - calls: app p50 minus calls p50, and as % of calls p50 (the target's formula; it",
        "  subtracts two samples of moto's latency, so it swings by several points run to run).",
        "  own: each app request's time outside its own AWS calls, and as % of the time in them",
        "  (median per request: the same quantity measured within each request, steady, and in ms",
        "  not changed by moto's speed). Verdicts: by app - calls / by own. The replay's own: "
        + ", ".join(f"{r['replay_own_median_ms']:.2f}" for r in warm["routes"].values())
        + " ms.",
        "  own with every call answered at once (from a recording; no socket, no wait): "
        + ", ".join(f"{r['own_at_once_median_ms']:.2f}" for r in warm["routes"].values())
        + " ms.",
        f"  why the two differ: rebuilding a session from its item takes "
        f"{warm['after_wait']['back_to_back_us']:.0f} µs back to back and",
        f"  {warm['after_wait']['after_wait_us']:.0f} µs right after a "
        f"{warm['after_wait']['wait_ms']:.0f} ms wait",
        f"  ({warm['after_wait']['ratio']:.1f}x) on this machine: code that runs after a call "
        "pays for the caches the wait cost it.",
        "  calls per route:",
    ]
    lines += [f"    {route:27}{row['calls']}" for route, row in warm["routes"].items()]
    ops = warm["operation_median_ms"]
    lines.append("  one call, median ms (moto / emulator):")
    lines.append(_wrap(", ".join(f"{op} {v:.1f}" for op, v in ops.items()), 100, "    "))
    imports = figures.get("imports")
    if imports:
        lines += [
            "",
            f"IMPORT of app (python -X importtime, median of 3): {imports['total_ms']:.0f} ms "
            f"self time in {imports['modules']} modules",
            f"  (the minimum's imports: {imports['minimum_total_ms']:.0f} ms in "
            f"{imports['minimum_modules']} modules; importtime's own overhead included).",
            "  The 10 packages that add the most:",
            f"  {'package':24}{'ms':>7}{'beyond min':>11}  heaviest module (ms)",
        ]
        lines += [
            f"  {c['group']:24}{c['ms']:>7.1f}{c['beyond_minimum_ms']:>11.1f}  "
            f"{c['heaviest']} ({c['heaviest_ms']:.1f})"
            for c in imports["top"]
        ]
    lines += ["", _wrap("Note: " + figures["note"], 100)]
    return "\n".join(lines)


def _row(label: str, app: float, low: float) -> str:
    return f"  {label:32}{app:>9.1f}{low:>9.1f}{app - low:>+11.1f}"


def _wrap(text: str, width: int, indent: str = "") -> str:
    import textwrap

    return "\n".join(textwrap.wrap(text, width, initial_indent=indent, subsequent_indent=indent))
