"""The demo month that ``make run`` writes: labelled, ended, and what the reports then show.

It goes through the audit trail's own service (the stream handler's path) into the in-memory fake
of the audit log, and the report service reads it back, as on the local stack.
"""

from __future__ import annotations

from collections import Counter
from datetime import UTC, date, datetime, timedelta

from functions.domain import Principal, Role
from functions.services.audit import AuditService
from functions.services.reports import ReportService
from local.demo_history import LABEL, seed_history
from tests.unit.services.builders import officer, sergeant_officer
from tests.unit.services.fake_audit import FakeAuditLog
from tests.unit.services.fakes import FakeOfficerRegister, FakeSessionStore

NOW = datetime(2026, 12, 3, 9, 30, tzinfo=UTC)
SUPERVISOR = Principal(user_id="inspector", roles=frozenset({Role.SUPERVISOR}), force="MET")


def seeded() -> tuple[FakeAuditLog, int]:
    log = FakeAuditLog()
    stops = seed_history(
        audit=AuditService(log=log),
        officers=[officer(), officer(officer_id="met-2002", shoulder_number="2002")],
        sergeants=[sergeant_officer()],
        force="MET",
        today=NOW,
    )
    return log, stops


def reports(log: FakeAuditLog) -> ReportService:
    register = FakeOfficerRegister()
    return ReportService(
        audit=log,
        register=register,
        sessions=FakeSessionStore(register),
        time_zone="Europe/London",
        target_seconds=30,
        goal=0.8,
        clock=lambda: NOW,
    )


def test_every_demo_stop_is_labelled_and_has_ended() -> None:
    log, stops = seeded()
    entries = list(log.entries.values())
    by_session = Counter(e.session_id for e in entries)

    assert len(by_session) == stops > 300
    assert all(e.event_id.startswith("demo-history-") for e in entries)
    assert all(e.reason and e.reason.startswith(LABEL) for e in entries if e.kind == "transition")
    ended = {e.session_id for e in entries if e.to_state in {"verified", "not_verified",
             "cancelled", "expired", "dropped"}}  # fmt: skip
    assert ended == set(by_session)


def test_the_month_is_the_same_on_every_run() -> None:
    first, _ = seeded()
    second, _ = seeded()

    assert first.entries == second.entries


def test_the_reports_then_show_a_full_month_and_today() -> None:
    log, stops = seeded()
    service = reports(log)

    month = service.service(SUPERVISOR, "MET", None, date(2026, 11, 3), date(2026, 12, 3))
    today = service.service(SUPERVISOR, "MET", None, date(2026, 12, 3), date(2026, 12, 3))

    assert month.totals.requests == stops
    assert 0.6 < (month.totals.service_level or 0) < 0.95
    assert month.totals.abandoned > 0 and month.totals.attendance_requests > 0
    assert month.totals.public_requests > 0 and month.totals.escalations
    assert all(s.requested_at < NOW - timedelta(minutes=15) for s in service._stops(
        "MET", None, date(2026, 12, 3), date(2026, 12, 3)))  # fmt: skip
    assert today.totals.requests > 0
    staffing = service.staffing(SUPERVISOR, "MET", None, date(2026, 12, 2))
    assert sum(h.arrivals for h in staffing.hours) > 0
    assert max(h.sergeants_needed for h in staffing.hours) >= 1
