"""``python -m bench.reports`` runs end to end, and a report reads the same items whatever the
history: the equality fails if a report scanned (or queried) beyond its own days."""

from __future__ import annotations

from bench.reports import table
from tests.bench.running import bench_json

TINY = ("--days-small", "2", "--days-large", "5", "--runs", "1", "--json")


def test_a_report_reads_the_same_items_with_more_history() -> None:
    figures = bench_json("bench.reports", *TINY, timeout=90)
    reports = figures["reports"]
    assert reports["history_days"] == [2, 5]
    assert reports["audit_items"][1] > reports["audit_items"][0]
    assert reports["target_stops"] == 40
    for name in ("service", "staffing", "record_of_stops", "one_query"):
        row = reports[name]
        assert {"small_median_ms", "large_median_ms", "ratio", "queries"} <= set(row)
        small, large = row["items_read"]
        assert small == large > 0, name
        assert row["queries"][0] == row["queries"][1], name
    assert figures["seeding_seconds"] >= 0
    assert "REPORTS vs HISTORY" in table(figures)
