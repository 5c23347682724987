"""Her feedback on a stop, the officer's view of it, and the supervisors' list.

- :meth:`FeedbackService.leave`: with her reference and record key, "this was fine" or
  "something was wrong", optional text and a way to reach her. Kept once (the same feedback
  again is her page retrying and gets the same answer; different feedback is ``409``), and the
  force's professional-standards contact is alerted on the standards topic. If the alert fails,
  the feedback is kept and her retry sends the alert (it is marked sent only once published).
- :meth:`FeedbackService.status`: the officer of the stop sees whether she kept her record and
  left feedback, never what it says.
- :meth:`FeedbackService.report`: a supervisor lists their own force's feedback by date, from the
  audit trail, so it outlives her record's retention.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from pydantic import ValidationError

from functions.domain import Conflict, Principal, ValidationFailed
from functions.domain.feedback import Feedback, FeedbackEntry

from .records import RecordService, record_view
from .records_port import FeedbackAlreadyLeft, RecordStore, StandardsAlert, StandardsAlerts
from .reports import check_period, require_supervisor
from .sessions import SessionService

__all__ = ["FeedbackService"]


class FeedbackService:
    """Her feedback.

    Parameters
    ----------
    records
        Her records (finding one by reference and key, with the per-client limits).
    store
        Where records and feedback are kept.
    alerts
        The professional-standards topic.
    sessions
        The sessions, as their officer and the control room may read them.
    time_zone
        The IANA zone of the supervisors' days (``REPORT_TIME_ZONE``).
    clock
        Aware UTC now (injectable for tests).
    """

    def __init__(
        self,
        *,
        records: RecordService,
        store: RecordStore,
        alerts: StandardsAlerts,
        sessions: SessionService,
        time_zone: str,
        clock: Callable[[], datetime],
    ) -> None:
        self.records = records
        self.store = store
        self.alerts = alerts
        self.sessions = sessions
        self.zone = ZoneInfo(time_zone)
        self.clock = clock

    def leave(self, reference: str, key: object, body: object, client: str) -> dict[str, Any]:
        """Keep her feedback on the stop of ``reference`` and alert the force's standards contact.

        Returns
        -------
        dict
            Her record, with the feedback as kept.

        Raises
        ------
        ValidationFailed
            A bad body (checked first: nothing is counted or written), naming the field.
        RateLimited, NotFound
            As for reading her record, counted against the ``feedback`` limit.
        Conflict
            ``feedback_already_left``: other feedback was kept on this stop before.
        """
        try:
            feedback = Feedback.model_validate(body)
        except ValidationError as exc:
            raise ValidationFailed.from_pydantic(exc) from exc
        found = self.records.find(reference, key, client, "feedback")
        record = found.record
        named = record.officer
        officer = f"{named.rank} {named.shoulder_number}" if named else None
        entry = FeedbackEntry(
            session_id=found.session_id,
            reference=record.reference,
            force=record.force,
            officer=officer,
            feedback=feedback,
            left_at=self.clock(),
        )
        try:
            kept = self.store.leave_feedback(entry, found.expires_at)
        except FeedbackAlreadyLeft:
            raise Conflict(
                "You have already left feedback on this stop, and it cannot be changed. To add "
                "something, call 101 and give your reference.",
                code="feedback_already_left",
            ) from None
        if not kept.alerted:
            self.alerts.publish(_alert(kept.entry))
            self.store.mark_alerted(kept.entry, self.clock())
        return record_view(replace(found, feedback=kept.entry))

    def status(self, principal: Principal, session_id: str) -> dict[str, Any]:
        """Whether she kept her record of the stop and left feedback (never what it says).

        Raises
        ------
        NotFound
            A session the caller may not see, as ``GET /sessions/{id}`` answers.
        """
        session, now = self.sessions.get(principal, session_id).session, self.clock()
        kept = [
            stored
            for stored in self.store.for_reference(session.reference)
            if stored.session_id == session_id and stored.expires_at > now
        ]
        return {
            "reference": session.reference,
            "record_kept": bool(kept),
            "feedback_left": any(stored.feedback for stored in kept),
        }

    def report(self, principal: Principal, force: str, first: date, last: date) -> dict[str, Any]:
        """Her feedback on ``force``'s stops left from ``first`` to ``last`` (the zone's days),
        newest first.

        Raises
        ------
        Forbidden
            The caller is not a supervisor of ``force``.
        ValidationFailed
            The period is backwards or too long.
        """
        require_supervisor(principal, force)
        check_period(first, last)
        start = datetime.combine(first, time(), self.zone)
        end = datetime.combine(last + timedelta(days=1), time(), self.zone)
        entries = self.store.feedback_between(principal.force, start, end)
        return {
            "force": principal.force,
            "first": first.isoformat(),
            "last": last.isoformat(),
            "feedback": [
                {
                    "reference": entry.reference,
                    "left_at": entry.left_at.isoformat(),
                    "officer": entry.officer,
                    **entry.feedback.model_dump(mode="json"),
                }
                for entry in reversed(entries)
            ],
        }


def _alert(entry: FeedbackEntry) -> StandardsAlert:
    return StandardsAlert(
        force=entry.force,
        reference=entry.reference,
        verdict=entry.feedback.verdict.value,
        left_at=entry.model_dump(mode="json")["left_at"],  # as her record and the list show it
        officer=entry.officer,
        has_text=entry.feedback.text is not None,
        has_contact=entry.feedback.contact is not None,
    )
