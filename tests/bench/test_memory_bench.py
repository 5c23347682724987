"""``python -m bench.memory`` runs end to end at its smallest size: the figures have their shape
and a recommendation among the sizes measured (no timing is asserted)."""

from __future__ import annotations

from pathlib import Path

from bench.memory import table
from tests.bench.running import bench_json

TINY = ("--sizes", "512", "--runs", "1", "--requests", "1", "--warmup", "1", "--json")
ROUTES = {"POST /sessions", "GET /sessions/{id}", "POST /sessions/{id}/claim"}


def test_one_size_is_measured_or_modelled_and_recommended() -> None:
    figures = bench_json("bench.memory", *TINY)
    [row] = figures["sizes"].values()
    assert set(figures["sizes"]) == {"512"}
    assert row["cpu_share"] == round(512 / 1769, 3)
    assert set(row["warm"]) == ROUTES
    assert all(route["wall_ms"] > 0 for route in row["warm"].values())
    assert row["cold_ms"] > 0 and row["model"]["cold_ms"] > 0
    assert row["gb_seconds_per_verification"] > 0
    if figures["measured"]:
        assert figures["why_not_measured"] is None and row["cold_cpu_ms"] > 0
        assert not Path(figures["cgroup"]).exists()  # the group is removed after the run
    else:
        assert figures["why_not_measured"]
        assert "NOT MEASURED" in table(figures)
    assert figures["recommendation"]["size_mb"] == 512
    assert figures["configured_mb"] >= 128


def test_without_a_cgroup_controller_it_says_why(tmp_path: Path) -> None:
    from bench.memory import CpuGroup

    why = CpuGroup.create(tmp_path)

    assert isinstance(why, str) and "no cgroup v1 cpu controller" in why
