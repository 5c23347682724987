"""The port her records are kept behind (:mod:`functions.adapters.records_table` in AWS).

Her records live in a table of their own, keyed by reference and session, so that their
retention (``RECORD_RETENTION_DAYS``, 90 by default) is not the live session's (30 days), and a
reference shared by two sessions (references are short, for the phone) keeps both apart.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from functions.domain.feedback import FeedbackEntry
from functions.domain.records import HerRecord

__all__ = [
    "FeedbackAlreadyLeft",
    "KeyAlreadySet",
    "RecordStore",
    "StandardsAlert",
    "StandardsAlerts",
    "StoredFeedback",
    "StoredRecord",
]


@dataclass(frozen=True)
class StoredRecord:
    """One record as kept: the session it is of, the key's hash, and when it is gone."""

    session_id: str
    record: HerRecord
    key_hash: str
    expires_at: datetime
    feedback: FeedbackEntry | None = None


@dataclass(frozen=True)
class StoredFeedback:
    """Her feedback as kept, and whether the professional-standards alert has gone."""

    entry: FeedbackEntry
    alerted: bool


class FeedbackAlreadyLeft(Exception):  # noqa: N818 - a refusal, not a fault
    """Different feedback was left on this stop before: feedback is kept once, never changed."""


class KeyAlreadySet(Exception):  # noqa: N818 - a refusal, not a fault
    """The session's record already has a different key: it was set from another phone."""


class RecordStore(Protocol):
    """Her records, written once and read by reference."""

    def put_once(self, stored: StoredRecord) -> StoredRecord:
        """Keep ``stored`` unless its session already has a record.

        The same key again (her page retrying) returns the record kept, unchanged.

        Raises
        ------
        KeyAlreadySet
            The session's record has another key.
        """
        ...

    def for_reference(self, reference: str) -> list[StoredRecord]:
        """Every record kept under ``reference`` (one, nearly always), expired or not, each
        with her feedback if she left some."""
        ...

    def leave_feedback(self, entry: FeedbackEntry, expires_at: datetime) -> StoredFeedback:
        """Keep ``entry`` beside its record (gone at ``expires_at``, with the record) and in the
        force's audit trail (kept), both or neither.

        The same feedback again (her page retrying) returns what was kept, unchanged.

        Raises
        ------
        FeedbackAlreadyLeft
            Different feedback was left on the stop before.
        """
        ...

    def mark_alerted(self, entry: FeedbackEntry, at: datetime) -> None:
        """Note that the professional-standards alert for ``entry`` was published ``at``."""
        ...

    def feedback_between(self, force: str, start: datetime, end: datetime) -> list[FeedbackEntry]:
        """The audit trail's feedback on ``force``'s stops, left in ``[start, end)``, oldest
        first; kept beyond her record's retention."""
        ...


@dataclass(frozen=True)
class StandardsAlert:
    """The professional-standards contact's alert that she left feedback.

    It names the stop and the verdict, never her text or how to contact her: the alert may go by
    email, and the text is read in the console, behind sign-in.
    """

    force: str
    reference: str
    verdict: str
    left_at: str
    officer: str | None
    has_text: bool
    has_contact: bool
    type: str = "feedback.left"

    def body(self) -> dict[str, object]:
        """The message's JSON body."""
        return {
            "type": self.type,
            "force": self.force,
            "reference": self.reference,
            "verdict": self.verdict,
            "left_at": self.left_at,
            "officer": self.officer,
            "has_text": self.has_text,
            "has_contact": self.has_contact,
        }


class StandardsAlerts(Protocol):
    """SNS: the force's professional-standards contact (subscriptions filter on ``force``)."""

    def publish(self, alert: StandardsAlert) -> str:
        """Publish ``alert``; returns the message id."""
        ...
