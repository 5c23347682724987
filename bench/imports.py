"""What ``import app`` spends its time on, by package, beside the minimum's imports
(``python -X importtime``; step 5 of ``make bench``, see :mod:`bench.run`)."""

from __future__ import annotations

import statistics
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
CHILD_SECONDS = 120  # the longest one ``-X importtime`` process may take
_STDLIB = frozenset(sys.stdlib_module_names)


@dataclass(frozen=True)
class ImportCost:
    group: str
    ms: float
    beyond_minimum_ms: float
    heaviest: str
    heaviest_ms: float


MINIMUM_IMPORTS = "import boto3, botocore.config, concurrent.futures"
"""What the minimum imports (bench.child): the part of the app's import any implementation pays."""


@dataclass(frozen=True)
class _ImportTimes:
    total_ms: float
    modules: int
    groups: dict[str, float]
    modules_ms: dict[str, float]


def _group_of(module: str) -> str:
    """A module's top-level package, with the whole standard library as one group."""
    top = module.split(".")[0]
    return "(standard library)" if top in _STDLIB or top.startswith("_") else top


def _importtime(env: dict[str, str], code: str, runs: int) -> _ImportTimes:
    """Self time per top-level package (the standard library as one group) of ``code`` under
    ``python -X importtime``, median of ``runs``."""
    per_run: list[dict[str, float]] = []
    module_ms: dict[str, list[float]] = {}
    totals: list[float] = []
    count = 0
    for _ in range(runs):
        done = subprocess.run(  # noqa: S603 - this interpreter, our own statement
            [sys.executable, "-X", "importtime", "-c", code],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=CHILD_SECONDS,
            check=True,
        )
        groups: dict[str, float] = {}
        count = 0
        for line in done.stderr.splitlines():
            if not line.startswith("import time:") or "self [us]" in line:
                continue
            self_us, _, name = line.removeprefix("import time:").split("|", 2)
            module = name.strip()
            group = _group_of(module)
            groups[group] = groups.get(group, 0.0) + int(self_us) / 1000
            module_ms.setdefault(module, []).append(int(self_us) / 1000)
            count += 1
        per_run.append(groups)
        totals.append(sum(groups.values()))
    names = {name for groups in per_run for name in groups}
    return _ImportTimes(
        total_ms=statistics.median(totals),
        modules=count,
        groups={
            name: statistics.median([groups.get(name, 0.0) for groups in per_run]) for name in names
        },
        modules_ms={module: statistics.median(values) for module, values in module_ms.items()},
    )


def import_costs(env: dict[str, str], runs: int = 3) -> dict[str, Any]:
    """``python -X importtime -c "import app"``, by package, beside what the minimum's imports
    cost the same way."""
    app = _importtime(env, "import app", runs)
    low = _importtime(env, MINIMUM_IMPORTS, runs)
    costs = []
    for name, spent in app.groups.items():
        members = [
            (ms_, module) for module, ms_ in app.modules_ms.items() if _group_of(module) == name
        ]
        heaviest_ms, heaviest = max(members) if members else (0.0, "")
        costs.append(
            ImportCost(
                group=name,
                ms=round(spent, 1),
                beyond_minimum_ms=round(max(0.0, spent - low.groups.get(name, 0.0)), 1),
                heaviest=heaviest,
                heaviest_ms=round(heaviest_ms, 1),
            )
        )
    costs.sort(key=lambda cost: (cost.beyond_minimum_ms, cost.ms), reverse=True)
    return {
        "total_ms": round(app.total_ms, 1),
        "modules": app.modules,
        "minimum_total_ms": round(low.total_ms, 1),
        "minimum_modules": low.modules,
        "top": [cost.__dict__ for cost in costs[:10]],
    }
