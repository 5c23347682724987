"""``python -m bench.lambda_burst`` at its smallest size: each session paged, checked, claimed once.

It asserts no figure (speed lives in ``make bench``), only that the burst did what a burst must:
every start answered 201, every session has a page in a sergeant's queue and an escalation check
handled by the timers handler (the event pump runs throughout), and every session was claimed by
exactly one sergeant while the other got 409. A 2 s escalation delay keeps the run short: the
checks are due while the claims are still being made.
"""

from __future__ import annotations

from tests.bench.running import bench_json


def test_a_small_burst_pages_checks_and_claims_every_session_once() -> None:
    burst = bench_json(
        "bench.lambda_burst",
        *("--officers", "3", "--sergeants", "2", "--escalation-delay", "2", "--json"),
    )["burst"]
    assert burst["start_statuses"] == {"201": 3}
    assert burst["sessions_without_page"] == 0
    assert burst["sessions_without_check"] == 0
    assert burst["sessions_claimed_not_once"] == 0
    assert (burst["claims_won"], burst["claims_lost"]) == (3, 3)
    assert burst["dead_letters"] == 0
    assert burst["escalation_delay_s"] == 2
    assert set(burst["start_ms"]) == set(burst["alert_ms"]) == {"p50", "p95", "max"}
