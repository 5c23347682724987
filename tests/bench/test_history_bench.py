"""``python -m bench.history`` runs end to end at tiny sizes: every route answers as it should
and makes the same AWS calls with more history in the tables (no timing is asserted)."""

from __future__ import annotations

from bench.history import ROUTES, table
from tests.bench.running import bench_json

TINY = ("--small", "2", "--large", "20", "--runs", "2", "--json")
EXPECTED = {"POST /sessions": 201, "GET /sessions/{id}": 200, "GET /queue": 200}
KEYS = {
    "small_median_ms",
    "large_median_ms",
    "ratio",
    "small_own_median_ms",
    "large_own_median_ms",
    "own_ratio",
    "calls",
    "same_calls",
}


def test_the_live_path_makes_the_same_calls_with_more_history() -> None:
    figures = bench_json("bench.history", *TINY, timeout=90)
    history = figures["history"]
    assert history["sessions"] == [2, 20]
    assert history["table_items"][1] > history["table_items"][0]
    assert set(history["routes"]) == set(ROUTES) == set(EXPECTED)
    for route, row in history["routes"].items():
        assert set(row) >= KEYS, route
        assert row["statuses"] == [[EXPECTED[route]], [EXPECTED[route]]], route
        small, large = row["calls"]
        assert small == large and len(small) == 1 and small[0], route
        assert row["same_calls"], route
    assert figures["seeding_seconds"] >= 0
    assert "LIVE PATH vs HISTORY" in table(figures)
