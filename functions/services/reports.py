"""The control room's reports for supervisors: service level, staffing, and the record of stops.

Every figure comes from the audit trail, one index query per day of requests
(:meth:`~functions.services.audit_port.AuditLog.for_day`), so a report costs what its own days hold
and never grows with the rest of the history; the days of a period are read side by side. The
days and hours are the report's time zone's (``REPORT_TIME_ZONE``); the trail files entries by
UTC day, so a local day reads the one or two UTC days it overlaps and keeps its own requests.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from pydantic import ConfigDict

from functions.domain import Forbidden, Principal, Role, ValidationFailed
from functions.domain.erlang import Staffing, staffing
from functions.domain.model import Model
from functions.domain.service_levels import (
    HourOfService,
    ServiceMeasures,
    StopSummary,
    measure,
    summarise,
)

from .audit_port import AuditLog, ExportEntry
from .budget import executor
from .ports import OfficerEntry, OfficerRegister, SessionStore

__all__ = [
    "MAX_REPORT_DAYS",
    "TYPICAL_HANDLING_SECONDS",
    "HourOfStaffing",
    "ReportService",
    "ServiceReport",
    "StaffingReport",
    "StopRow",
    "check_period",
    "require_supervisor",
]

MAX_REPORT_DAYS = 93
"""The longest period one report or export covers (a quarter): one query per day."""

TYPICAL_HANDLING_SECONDS = 180.0
"""The handling time the staffing model assumes for a day with no call handled to its end yet
(a typical three-minute verification call)."""

_HOUR = timedelta(hours=1)


class _Report(Model):
    # Every field is always in the JSON, so the generated schema marks them all required.
    model_config = ConfigDict(frozen=True, json_schema_serialization_defaults_required=True)


class ServiceReport(_Report):
    """``GET /reports/service``: the period's measures in total and by hour, against the target,
    and the live queue now.

    ``service_level`` is answered within ``target_seconds`` out of requests (0 to 1); ``goal`` is
    the share the control room aims for (``SERVICE_LEVEL_GOAL``). ``waiting_now`` and
    ``oldest_wait_seconds`` are the queue at the time of the report (the force's, or the area's
    and the force-wide ones); the wait is None with an empty queue.
    """

    force: str
    area: str | None
    first_day: date
    last_day: date
    time_zone: str
    target_seconds: int
    goal: float
    totals: ServiceMeasures
    hours: list[HourOfService]
    waiting_now: int
    oldest_wait_seconds: float | None


class HourOfStaffing(Staffing):
    """One hour planned with Erlang C (:class:`~functions.domain.erlang.Staffing`), from its
    start ``hour`` in the report's time zone.

    ``handling_measured`` is false when no call of the hour was handled to its end, so the day's
    mean (or a typical 180 s) stands in.
    """

    hour: datetime
    handling_measured: bool


class StaffingReport(_Report):
    """``GET /reports/staffing``: a day's hours, planned for ``goal`` of the requests answered
    within ``target_seconds``, against the ``sergeants_on_duty`` now (the register's count)."""

    force: str
    area: str | None
    day: date
    time_zone: str
    target_seconds: int
    goal: float
    sergeants_on_duty: int
    hours: list[HourOfStaffing]


@dataclass(frozen=True)
class StopRow:
    """One row of the record of stops, with the sergeant named as rank and shoulder number."""

    stop: StopSummary
    sergeant: str | None


class ReportService:
    """The supervisors' reports.

    Parameters
    ----------
    audit
        The audit trail.
    register
        The officer register (sergeants on duty; the sergeant's rank and number in the record).
    sessions
        The live sessions (the queue's oldest wait now).
    time_zone
        The IANA zone of the reports' days and hours.
    target_seconds, goal
        The service-level target and the share of requests to answer within it.
    clock
        Now, timezone-aware.
    """

    def __init__(
        self,
        *,
        audit: AuditLog,
        register: OfficerRegister,
        sessions: SessionStore,
        time_zone: str,
        target_seconds: int,
        goal: float,
        clock: Callable[[], datetime],
    ) -> None:
        self.audit = audit
        self.register = register
        self.sessions = sessions
        self.zone = ZoneInfo(time_zone)
        self.target_seconds = target_seconds
        self.goal = goal
        self.clock = clock

    # ------------------------------------------------------------------ reports
    def service(
        self, principal: Principal, force: str, area: str | None, first: date, last: date
    ) -> ServiceReport:
        """Service level, answer times, abandonment and outcomes, in total and by hour."""
        require_supervisor(principal, force)
        check_period(first, last)
        now = self.clock()
        waiting = executor().submit(self.sessions.waiting, principal.force, area, 1000)
        stops = self._stops(principal.force, area, first, last)
        live = waiting.result()
        return ServiceReport(
            force=principal.force,
            area=area,
            first_day=first,
            last_day=last,
            time_zone=self.zone.key,
            target_seconds=self.target_seconds,
            goal=self.goal,
            totals=measure(stops, self.target_seconds, now),
            hours=[
                HourOfService(hour=hour, **dict(measure(group, self.target_seconds, now)))
                for hour, group in self._by_hour(stops, first, last)
            ],
            waiting_now=len(live),
            oldest_wait_seconds=max(
                (r.session.waiting_seconds(now) for r in live if area in (None, r.session.area)),
                default=None,
            ),
        )

    def staffing(
        self, principal: Principal, force: str, area: str | None, day: date
    ) -> StaffingReport:
        """For each hour of ``day``: arrivals, handling time, and the sergeants Erlang C needs."""
        require_supervisor(principal, force)
        on_duty = executor().submit(self.register.sergeants_on_duty, principal.force, area)
        stops = self._stops(principal.force, area, day, day)
        day_handling = [h for s in stops if (h := s.handling_seconds) is not None]
        fallback = (
            sum(day_handling) / len(day_handling) if day_handling else TYPICAL_HANDLING_SECONDS
        )
        sergeants = on_duty.result()
        hours = []
        for hour, group in self._by_hour(stops, day, day):
            handled = [h for s in group if (h := s.handling_seconds) is not None]
            planned = staffing(
                arrivals=len(group),
                period_seconds=3600,
                handling_seconds=sum(handled) / len(handled) if handled else fallback,
                sergeants_on_duty=sergeants,
                target_seconds=self.target_seconds,
                goal=self.goal,
            )
            hours.append(
                HourOfStaffing(hour=hour, handling_measured=bool(handled), **dict(planned))
            )
        return StaffingReport(
            force=principal.force,
            area=area,
            day=day,
            time_zone=self.zone.key,
            target_seconds=self.target_seconds,
            goal=self.goal,
            sergeants_on_duty=sergeants,
            hours=hours,
        )

    def record_of_stops(
        self, principal: Principal, force: str, first: date, last: date
    ) -> list[StopRow]:
        """Every stop of the period, oldest first; the export itself goes in the audit trail.

        The export is recorded before its rows are returned, so no record leaves unrecorded.
        """
        require_supervisor(principal, force)
        check_period(first, last)
        stops = self._stops(principal.force, None, first, last)
        sergeant_ids = sorted({s.sergeant for s in stops if s.sergeant})
        entries = dict(
            zip(sergeant_ids, executor().map(self.register.get, sergeant_ids), strict=True)
        )
        self.audit.record_export(
            ExportEntry(
                export_id=uuid.uuid4().hex,
                at=self.clock().astimezone(UTC).isoformat().replace("+00:00", "Z"),
                force=principal.force,
                actor=principal.user_id,
                first_day=first.isoformat(),
                last_day=last.isoformat(),
                rows=len(stops),
            )
        )
        return [StopRow(s, _rank_and_number(entries.get(s.sergeant or ""))) for s in stops]

    # ------------------------------------------------------------------ reading
    def _stops(self, force: str, area: str | None, first: date, last: date) -> list[StopSummary]:
        """The requests of ``first``..``last`` (local days), optionally of one area."""
        start, end = self._local_midnight(first), self._local_midnight(last + timedelta(days=1))
        days = _utc_days(start, end)
        stops: list[StopSummary] = []
        for entries in executor().map(lambda day: self.audit.for_day(force, day), days):
            stops.extend(summarise(entries))
        return [
            s for s in stops if start <= s.requested_at < end and (area is None or s.area == area)
        ]

    def _local_midnight(self, day: date) -> datetime:
        return datetime(day.year, day.month, day.day, tzinfo=self.zone).astimezone(UTC)

    def _by_hour(
        self, stops: Sequence[StopSummary], first: date, last: date
    ) -> Iterator[tuple[datetime, list[StopSummary]]]:
        """Each local hour of the period (23 or 25 on the days the clocks change), with the
        requests that came in it."""
        start, end = self._local_midnight(first), self._local_midnight(last + timedelta(days=1))
        buckets: dict[datetime, list[StopSummary]] = {}
        for stop in stops:
            offset = (stop.requested_at - start) // _HOUR
            buckets.setdefault(start + offset * _HOUR, []).append(stop)
        hour = start
        while hour < end:
            yield hour.astimezone(self.zone), buckets.get(hour, [])
            hour += _HOUR


def require_supervisor(principal: Principal, force: str) -> None:
    """Refuse anyone but a supervisor of ``force`` (403)."""
    if not principal.has_role(Role.SUPERVISOR):
        raise Forbidden("Only control-room supervisors can see these reports.")
    if not principal.in_force(force):
        raise Forbidden(f"You can only see the reports of {principal.force}.")


def check_period(first: date, last: date) -> None:
    """Refuse a backwards period or one longer than :data:`MAX_REPORT_DAYS` (400, ``to``)."""
    if last < first:
        raise ValidationFailed.for_field("to", "The period must end on or after its first day.")
    if (last - first).days + 1 > MAX_REPORT_DAYS:
        raise ValidationFailed.for_field(
            "to", f"A report covers at most {MAX_REPORT_DAYS} days; ask for a shorter period."
        )


def _utc_days(start: datetime, end: datetime) -> list[str]:
    """The UTC dates that ``[start, end)`` overlaps, as ISO strings."""
    days, day = [], start.date()
    while day <= (end - timedelta(microseconds=1)).date():
        days.append(day.isoformat())
        day += timedelta(days=1)
    return days


def _rank_and_number(entry: OfficerEntry | None) -> str | None:
    if entry is None:
        return None
    return f"{entry.officer.rank.value} {entry.officer.shoulder_number}"
