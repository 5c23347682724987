"""Her record's routes: the key she keeps it with, and what she reads back."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import ConfigDict, Field

from functions.domain.feedback import Feedback, Verdict
from functions.domain.model import Model
from functions.domain.records import HerRecord

__all__ = [
    "FeedbackList",
    "FeedbackRow",
    "FeedbackView",
    "KeepRecord",
    "LeaveFeedback",
    "RecordView",
    "SessionRecordStatus",
]


class _Response(Model):
    model_config = ConfigDict(json_schema_serialization_defaults_required=True)


class KeepRecord(Model):
    """The record key her page made: 26 Crockford base32 characters (dashes allowed)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    key: str = Field(min_length=1, max_length=64)


class LeaveFeedback(Feedback):
    """Her feedback: a verdict, optional text (up to 2,000 characters) and an optional way to
    contact her (up to 200). Both are kept as plain text: controls removed, never HTML."""


class FeedbackView(_Response):
    """Her feedback as kept."""

    verdict: Verdict
    text: str | None
    contact: str | None
    left_at: datetime


class RecordView(HerRecord):
    """Her record: exactly these fields; no photo, no location, no internal ids."""

    model_config = ConfigDict(json_schema_serialization_defaults_required=True)

    kept_until: datetime
    feedback: FeedbackView | None = None


class SessionRecordStatus(_Response):
    """For the officer of the stop: whether she kept her record and left feedback (never what
    it says)."""

    reference: str
    record_kept: bool
    feedback_left: bool


class FeedbackRow(_Response):
    """One piece of feedback, for the force's supervisors. ``officer`` is rank and shoulder
    number. The text is plain text: show it as text, never as HTML."""

    reference: str
    left_at: datetime
    officer: str | None
    verdict: Verdict
    text: str | None
    contact: str | None


class FeedbackList(_Response):
    """Her feedback on a force's stops over a period (days in ``REPORT_TIME_ZONE``), newest
    first."""

    force: str
    first: date
    last: date
    feedback: list[FeedbackRow]
