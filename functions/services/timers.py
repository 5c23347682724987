"""Delayed checks: the escalation ladder, the alert that could not be sent, the drop grace, and
the check that no meeting outlives its session.

Every check is idempotent and safe to deliver late or twice: it reads the session, and each
transition it makes is conditional on the state the check expects. A claim or a cancel therefore
turns any pending check into a no-op. A check that fails (SNS down) raises, so the queue delivers
it again, and after a bounded number of tries it lands in the dead-letter queue, where an alarm
(and locally a log line) says so.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime
from typing import Any

from functions.config import Settings
from functions.domain import SessionState
from functions.domain.states import WAITING_STATES, Transition
from functions.domain.transitions import Guard

from .alerting import alert_for
from .checks import alert_check, drop_check, escalation_check, meeting_check
from .closing import MeetingCloser
from .ports import (
    AlertPublisher,
    MeetingGateway,
    SessionRecord,
    SessionStore,
    TimerQueue,
    TransitionRefused,
)

__all__ = ["TimerService", "alert_check", "drop_check", "escalation_check", "meeting_check"]

log = logging.getLogger(__name__)
_EXPIRE = Guard(Transition.EXPIRE)
_DROP = Guard(Transition.DROP)
NOBODY_ANSWERED = "nobody answered"


class TimerService:
    """Handles the timers queue.

    Parameters
    ----------
    sessions, meetings, alerts, timers
        The ports.
    settings
        ``escalation_ladder``, ``escalation_delay_seconds``, ``drop_grace_seconds``.
    clock
        The current time (timezone-aware).
    """

    def __init__(
        self,
        *,
        sessions: SessionStore,
        meetings: MeetingGateway,
        alerts: AlertPublisher,
        timers: TimerQueue,
        settings: Settings,
        clock: Callable[[], datetime],
    ) -> None:
        self.sessions = sessions
        self.meetings = meetings
        self.alerts = alerts
        self.timers = timers
        self.settings = settings
        self.clock = clock
        self.closer = MeetingCloser(meetings=meetings, timers=timers)

    def handle(self, message: dict[str, Any]) -> None:
        """Run one check. Raises if it must be tried again (the queue will redeliver it)."""
        kind = message.get("kind")
        session_id = str(message.get("session_id", ""))
        if kind == "escalation":
            self._escalation(session_id, int(message["level"]), bool(message.get("recheck")))
        elif kind == "alert":
            self._first_alert(session_id)
        elif kind == "drop":
            self._drop(session_id, str(message["user"]), int(message["since"]))
        elif kind == "meeting":
            self._meeting(session_id, str(message["meeting_id"]))
        else:
            raise ValueError(f"unknown timer message {message!r}")

    # ------------------------------------------------------------------ escalation
    def _escalation(self, session_id: str, level: int, recheck: bool) -> None:
        record = self.sessions.get(session_id)
        if record is None and level == 0 and not recheck:
            # Sent before the session write: the start may still be running (a slow call, a
            # retry). Look once more when it has surely answered; no session then means the
            # start failed and there is nothing to escalate.
            self.timers.schedule(
                escalation_check(session_id, 0, recheck=True), self.settings.meeting_check_seconds
            )
            return
        if record is None or record.session.state not in WAITING_STATES:
            return  # claimed, cancelled or decided since: nothing to do
        current = record.session.escalation_level
        ladder = self.settings.escalation_ladder
        if current > level + 1 or (current == level + 1 and level >= len(ladder)):
            return  # a late duplicate of a check that already ran
        if level >= len(ladder):
            self._expire(session_id)
            return
        if current == level:
            try:
                record = self.sessions.escalate(
                    session_id, Guard(Transition.ESCALATE, escalation_level=level), self.clock()
                )
            except TransitionRefused as refused:
                if refused.current is None or refused.current.session.state not in WAITING_STATES:
                    return
                if refused.current.session.escalation_level != level + 1:
                    return
                record = refused.current
        elif record.escalation_paged == level + 1:
            return  # a second copy of this check (a start's retry sent one too): already done
        # current == level + 1 and not yet marked: this check is being redelivered after
        # escalating but before paging or scheduling. Finish those (a duplicate page beats a
        # lost one), then mark the rung done, last, so a failure before it is retried whole.
        rung = ladder[level]
        self.alerts.publish(alert_for(record, "verification.escalated", rung))
        self.timers.schedule(
            escalation_check(session_id, level + 1), self.settings.escalation_delay_seconds
        )
        self.sessions.mark_escalation_paged(session_id, level + 1)
        log.info("escalated %s to %s (level %d)", session_id, rung, level + 1)

    def _expire(self, session_id: str) -> None:
        try:
            record = self.sessions.expire(session_id, _EXPIRE, NOBODY_ANSWERED, self.clock())
        except TransitionRefused:
            return  # claimed or cancelled at the last moment
        self._end(record)
        self.alerts.publish(alert_for(record, "verification.expired", "force"))
        log.warning("session %s expired: nobody answered", session_id)

    def _first_alert(self, session_id: str) -> None:
        record = self.sessions.get(session_id)
        if record is None or record.session.state not in WAITING_STATES:
            return
        if record.session.escalation_level == 0:
            self.alerts.publish(alert_for(record, "verification.requested"))

    # ------------------------------------------------------------------ drop grace
    def _drop(self, session_id: str, user: str, since_ms: int) -> None:
        record = self.sessions.get(session_id)
        if record is None or record.session.is_terminal:
            return
        seen = record.presence.get(user, {})
        if seen.get("state") == "joined" or int(seen.get("at", 0)) > since_ms:
            return  # they came back
        reason = "the officer left the call and did not come back"
        try:
            if record.session.state is SessionState.CLAIMED:
                record = self.sessions.drop(session_id, _DROP, reason, self.clock())
            else:
                record = self.sessions.expire(session_id, _EXPIRE, reason, self.clock())
        except TransitionRefused:
            return
        self._end(record)
        log.warning("session %s ended: %s", session_id, reason)

    # ------------------------------------------------------------------ meetings
    def _meeting(self, session_id: str, meeting_id: str) -> None:
        record = self.sessions.get(session_id)
        if (
            record is not None
            and not record.session.is_terminal
            and record.session.meeting_id == meeting_id
        ):
            return  # a live session owns it
        # No session (its start failed), a final one, or a meeting the session does not know (a
        # retry's): end it. A failure raises, so the queue tries again, then dead-letters it.
        self.meetings.delete(meeting_id)
        log.info("ended meeting %s: no live session owns it", meeting_id)

    def _end(self, record: SessionRecord) -> None:
        self.closer.close(record.session.session_id, record.session.meeting_id)
