"""Request and response models of the supervisors' report routes (``/reports/...``)."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel, ConfigDict, Field

from functions.domain.service_levels import ServiceMeasures

__all__ = [
    "PeriodQuery",
    "ServiceHourView",
    "ServiceReportView",
    "StaffingHourView",
    "StaffingQuery",
    "StaffingView",
    "StopRecordRow",
]


class _Request(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=False)


class _Response(BaseModel):
    model_config = ConfigDict(json_schema_serialization_defaults_required=True)


class PeriodQuery(_Request):
    """A force (the caller's own), optionally one area, and a period of days, inclusive.

    The days are in the report's time zone (``REPORT_TIME_ZONE``); ``from`` defaults to today
    and ``to`` to ``from`` (one day). A period covers at most 93 days.
    """

    force: str = Field(min_length=1, max_length=16)
    area: str | None = Field(default=None, min_length=1, max_length=64)
    first: date | None = Field(default=None, alias="from")
    last: date | None = Field(default=None, alias="to")


class StaffingQuery(_Request):
    """A force (the caller's own), optionally one area, and a day (default today)."""

    force: str = Field(min_length=1, max_length=16)
    area: str | None = Field(default=None, min_length=1, max_length=64)
    day: date | None = Field(default=None, alias="date")


class ServiceHourView(ServiceMeasures):
    """One hour's measures; ``hour`` is its start in the report's time zone."""

    hour: datetime


class ServiceReportView(_Response):
    """The period's measures in total and by hour, against the target, and the queue now.

    ``service_level`` is answered within ``target_seconds`` out of requests (0 to 1);
    ``goal`` is the share the control room aims for (``SERVICE_LEVEL_GOAL``).
    """

    force: str
    area: str | None
    first_day: date
    last_day: date
    time_zone: str
    target_seconds: int
    goal: float
    totals: ServiceMeasures
    hours: list[ServiceHourView]
    waiting_now: int
    """Requests in the queue now (the force's, or the area's and the force-wide ones)."""
    oldest_wait_seconds: float | None
    """How long the oldest of them has waited; None with an empty queue."""


class StaffingHourView(_Response):
    """One hour planned with Erlang C.

    ``sergeants_needed`` is the fewest that answer ``goal`` of the hour's ``arrivals`` within
    ``target_seconds``, given ``handling_seconds`` a call; ``expected_service_level`` and
    ``expected_wait_seconds`` are what the ``sergeants_on_duty`` now would give (a wait of None:
    too few, the queue would grow without end). ``handling_measured`` is false when no call of the
    hour was handled to its end, so the day's mean (or a typical 180 s) stands in.
    """

    hour: datetime
    arrivals: int
    period_seconds: float
    handling_seconds: float
    handling_measured: bool
    traffic_erlangs: float
    sergeants_on_duty: int
    sergeants_needed: int
    expected_service_level: float
    expected_wait_seconds: float | None
    expected_service_level_needed: float


class StaffingView(_Response):
    """A day's hours, planned for ``goal`` answered within ``target_seconds``."""

    force: str
    area: str | None
    day: date
    time_zone: str
    target_seconds: int
    goal: float
    sergeants_on_duty: int
    """Sergeants booked on duty now (the register's count)."""
    hours: list[StaffingHourView]


class StopRecordRow(_Response):
    """One row of ``GET /reports/stops.csv``, a CSV file with these columns in this order.

    Times are ISO 8601 in the report's time zone; an empty cell is a value not known (never
    answered, still live, no officer named). ``officer`` and ``sergeant`` are rank and shoulder
    number. A cell that a spreadsheet would run as a formula is prefixed with ``'``.
    """

    reference: str
    requested_at: datetime
    answered_at: datetime | None
    ended_at: datetime | None
    answer_seconds: float | None
    area: str | None
    channel: str
    officer: str | None
    sergeant: str | None
    outcome: str
    reason: str | None
    escalation_level: int
    attendance_requested_at: datetime | None
    decided_without_video: bool
