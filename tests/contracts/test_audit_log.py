"""The audit trail's contract, for ``FakeAuditLog`` and ``DynamoAuditLog`` alike.

Append-only: one entry per ``(session_id, seq)``, written once (a redelivered stream record
changes nothing), and a session's history in ``seq`` order.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import replace
from typing import Any

import pytest

from functions.adapters.audit_table import DynamoAuditLog
from functions.resources import AUDIT, Table
from functions.services.audit_port import AuditEntry, AuditLog, ExportEntry
from tests.unit.services.fake_audit import FakeAuditLog


@pytest.fixture(params=["fake", "dynamodb"])
def log(request: pytest.FixtureRequest) -> AuditLog:
    if request.param == "fake":
        return FakeAuditLog()
    new_table: Callable[[Table], str] = request.getfixturevalue("new_table")
    dynamodb: Any = request.getfixturevalue("dynamodb")
    return DynamoAuditLog(dynamodb, new_table(AUDIT))


def entry(seq: int, session_id: str = "s-1", **changes: Any) -> AuditEntry:
    base = AuditEntry(
        session_id=session_id,
        seq=f"{seq:06d}",
        at=f"2026-11-23T09:00:{seq:02d}Z",
        force="MET",
        from_state="requested" if seq > 1 else None,
        to_state="claimed" if seq > 1 else "requested",
        actor="met-2001" if seq > 1 else "met-1001",
        reason="claimed" if seq > 1 else None,
        event_id=f"event-{seq}",
    )
    return replace(base, **changes)


def test_an_entry_reads_back_exactly_as_it_was_appended(log: AuditLog) -> None:
    first = entry(1)  # no from_state, no reason
    second = entry(2, reason="Zoë's call: «dropped» 📵", actor="system")

    assert log.append(first) is True
    assert log.append(second) is True

    assert log.history("s-1") == [first, second]


def test_an_outcome_decided_without_video_reads_back_so(log: AuditLog) -> None:
    decided = entry(
        3, from_state="claimed", to_state="verified", reason="verified", without_video=True
    )

    assert log.append(entry(2)) is True
    assert log.append(decided) is True

    assert log.history("s-1") == [entry(2), decided]
    assert [e.without_video for e in log.history("s-1")] == [False, True]


def test_append_is_once_per_session_and_seq_and_a_second_one_changes_nothing(
    log: AuditLog,
) -> None:
    original = entry(1)
    assert log.append(original) is True

    assert log.append(original) is False  # the same stream record, redelivered
    assert log.append(replace(original, to_state="cancelled", event_id="other")) is False

    assert log.history("s-1") == [original]


def test_the_same_seq_in_another_session_is_another_entry(log: AuditLog) -> None:
    assert log.append(entry(1, "s-1")) is True
    assert log.append(entry(1, "s-10")) is True

    assert log.history("s-1") == [entry(1, "s-1")]
    assert log.history("s-10") == [entry(1, "s-10")]


def test_history_is_in_seq_order_whatever_the_order_of_appends(log: AuditLog) -> None:
    for seq in (3, 1, 12, 2):  # a stream delivers shards' records out of order
        log.append(entry(seq))

    assert [e.seq for e in log.history("s-1")] == ["000001", "000002", "000003", "000012"]


def test_an_unknown_session_has_no_history(log: AuditLog) -> None:
    log.append(entry(1, "s-1"))

    assert log.history("s-2") == []


def test_concurrent_appends_of_one_entry_write_it_once(log: AuditLog) -> None:
    results: list[bool] = []
    lock = threading.Lock()

    def append() -> None:
        written = log.append(entry(1))
        with lock:
            results.append(written)

    threads = [threading.Thread(target=append) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(results) == [False] * 7 + [True]
    assert log.history("s-1") == [entry(1)]


def on_day(seq: int, session_id: str, created_at: str, force: str = "MET") -> AuditEntry:
    return entry(seq, session_id, created_at=created_at, force=force, channel="officer")


def test_for_day_returns_a_forces_entries_of_sessions_requested_that_day_grouped(
    log: AuditLog,
) -> None:
    late = on_day(1, "s-late", "2026-06-15T23:59:59.000000Z")
    early, early_claim = (
        on_day(1, "s-early", "2026-06-15T00:00:00.000000Z"),
        on_day(2, "s-early", "2026-06-15T00:00:00.000000Z"),
    )
    for appended in (
        late,
        early_claim,
        early,
        on_day(1, "s-before", "2026-06-14T23:59:59.999999Z"),
        on_day(1, "s-after", "2026-06-16T00:00:00.000000Z"),
        on_day(1, "s-gmp", "2026-06-15T12:00:00.000000Z", force="GMP"),
        entry(1, "s-old"),  # written before entries carried their request's time
    ):
        log.append(appended)

    assert log.for_day("MET", "2026-06-15") == [early, early_claim, late]
    assert log.for_day("MET", "2026-06-17") == []


def test_exports_are_kept_apart_from_every_session_and_read_back(log: AuditLog) -> None:
    first = ExportEntry("e1", "2026-06-15T10:00:00Z", "MET", "insp", "2026-06-01", "2026-06-14", 7)
    second = replace(first, export_id="e2", at="2026-06-15T11:00:00Z", rows=0)
    log.record_export(second)
    log.record_export(first)
    log.append(on_day(1, "s-1", "2026-06-15T09:00:00.000000Z"))

    assert log.exports("MET") == [first, second]
    assert log.exports("GMP") == []
    assert [e.session_id for e in log.for_day("MET", "2026-06-15")] == ["s-1"]
