"""The report service's days and hours: local time, the days the clocks change, and the scope.

Entries go into the in-memory fake of the audit log (the same contract as the audit table, run
through both in tests/contracts), as the stream handler would append them.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from functions.domain import Forbidden, Principal, Role, ValidationFailed
from functions.services.audit_port import AuditEntry
from functions.services.reports import ReportService
from tests.unit.services.fake_audit import FakeAuditLog
from tests.unit.services.fakes import FakeOfficerRegister, FakeSessionStore

SUPERVISOR = Principal(user_id="insp", roles=frozenset({Role.SUPERVISOR}), force="MET")


def sortable(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def answered(log: FakeAuditLog, session_id: str, requested: datetime, wait: float) -> None:
    """A request answered after ``wait`` seconds and verified a minute later."""
    common = {
        "force": "MET",
        "created_at": sortable(requested),
        "channel": "officer",
        "area": "CENTRAL",
        "reference": f"SC-{session_id}",
        "event_id": session_id,
    }
    steps = [
        (None, "requested", requested, "met-1"),
        ("requested", "claimed", requested + timedelta(seconds=wait), "met-9"),
        ("claimed", "verified", requested + timedelta(seconds=wait + 60), "met-9"),
    ]
    for seq, (before, after, at, actor) in enumerate(steps, start=1):
        log.append(
            AuditEntry(session_id=session_id, seq=f"{seq:06d}", at=at.isoformat(),
                       from_state=before, to_state=after, actor=actor, reason=None, **common)
        )  # fmt: skip


def service(log: FakeAuditLog, now: datetime) -> ReportService:
    register = FakeOfficerRegister()
    return ReportService(
        audit=log, register=register, sessions=FakeSessionStore(register),
        time_zone="Europe/London", target_seconds=30, goal=0.8, clock=lambda: now,
    )  # fmt: skip


@pytest.mark.parametrize(
    ("day", "hours", "first", "last"),
    [
        (date(2026, 3, 29), 23, "2026-03-29T00:00:00+00:00", "2026-03-29T23:00:00+01:00"),
        (date(2026, 10, 25), 25, "2026-10-25T00:00:00+01:00", "2026-10-25T23:00:00+00:00"),
        (date(2026, 6, 15), 24, "2026-06-15T00:00:00+01:00", "2026-06-15T23:00:00+01:00"),
    ],
)
def test_a_day_has_the_local_hours_of_the_day_the_clocks_change_or_not(
    day: date, hours: int, first: str, last: str
) -> None:
    report = service(FakeAuditLog(), datetime(2026, 12, 1, tzinfo=UTC)).service(
        SUPERVISOR, "MET", None, day, day
    )

    assert len(report.hours) == hours
    assert (report.hours[0].hour.isoformat(), report.hours[-1].hour.isoformat()) == (first, last)


def test_a_london_day_in_summer_reads_both_utc_days_it_overlaps() -> None:
    log = FakeAuditLog()
    answered(log, "before-midnight", datetime(2026, 6, 14, 23, 30, tzinfo=UTC), 10)  # 00:30 BST
    answered(log, "late", datetime(2026, 6, 15, 22, 59, tzinfo=UTC), 40)  # 23:59 BST on the 15th
    answered(log, "next-day", datetime(2026, 6, 15, 23, 1, tzinfo=UTC), 5)  # 00:01 on the 16th
    answered(log, "day-before", datetime(2026, 6, 14, 22, 59, tzinfo=UTC), 5)  # the 14th

    report = service(log, datetime(2026, 12, 1, tzinfo=UTC)).service(
        SUPERVISOR, "MET", None, date(2026, 6, 15), date(2026, 6, 15)
    )

    assert report.totals.requests == 2
    assert report.totals.answered_within_target == 1
    by_hour = {h.hour.hour: h.requests for h in report.hours}
    assert (by_hour[0], by_hour[23]) == (1, 1)


def test_a_request_answered_after_midnight_counts_on_the_day_it_came() -> None:
    log = FakeAuditLog()
    answered(log, "s-1", datetime(2026, 1, 10, 23, 59, 50, tzinfo=UTC), 20)

    reports = service(log, datetime(2026, 12, 1, tzinfo=UTC))
    tenth = reports.service(SUPERVISOR, "MET", None, date(2026, 1, 10), date(2026, 1, 10))
    eleventh = reports.service(SUPERVISOR, "MET", None, date(2026, 1, 11), date(2026, 1, 11))

    assert (tenth.totals.requests, tenth.totals.answered) == (1, 1)
    assert tenth.totals.answer_seconds_median == 20
    assert eleventh.totals.requests == 0


def test_only_a_supervisor_of_the_force_and_only_a_period_of_93_days() -> None:
    reports = service(FakeAuditLog(), datetime(2026, 12, 1, tzinfo=UTC))
    sergeant = Principal(user_id="s", roles=frozenset({Role.SERGEANT}), force="MET")
    day = date(2026, 6, 1)

    with pytest.raises(Forbidden):
        reports.service(sergeant, "MET", None, day, day)
    with pytest.raises(Forbidden):
        reports.staffing(SUPERVISOR, "GMP", None, day)
    with pytest.raises(ValidationFailed) as refused:
        reports.record_of_stops(SUPERVISOR, "MET", day, day + timedelta(days=93))
    assert refused.value.details[0]["field"] == "to"
    reports.record_of_stops(SUPERVISOR, "met", day, day + timedelta(days=92))  # 93 days is fine
