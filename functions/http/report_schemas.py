"""The supervisors' report routes' queries, and the record of stops' row (``/reports/...``).

The JSON reports are the report service's own models (:class:`~functions.services.reports.
ServiceReport`, :class:`~functions.services.reports.StaffingReport`), sent as they are.
"""

from __future__ import annotations

from datetime import date, datetime

from pydantic import ConfigDict, Field

from functions.domain.model import Model

__all__ = ["PeriodQuery", "StaffingQuery", "StopRecordRow"]


class _Request(Model):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=False)


class _Response(Model):
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
    attendance_sent_at: datetime | None
    decided_without_video: bool
