"""Delayed checks: the escalation ladder, the alert that could not be sent, the drop grace.

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

from .alerting import alert_for
from .ports import (
    AlertPublisher,
    MeetingGateway,
    SessionRecord,
    SessionStore,
    TimerQueue,
    TransitionRefused,
)

__all__ = ["TimerService", "alert_check", "drop_check", "escalation_check"]

log = logging.getLogger(__name__)
_WAITING = (SessionState.REQUESTED, SessionState.ESCALATED)
NOBODY_ANSWERED = "nobody answered"


def escalation_check(session_id: str, level: int) -> dict[str, Any]:
    """The message of the check due when a session has waited at ``level`` for one delay."""
    return {"kind": "escalation", "session_id": session_id, "level": level}


def alert_check(session_id: str) -> dict[str, Any]:
    """The message that (re)sends the first alert when publishing it at start failed."""
    return {"kind": "alert", "session_id": session_id}


def drop_check(session_id: str, user: str, since_ms: int) -> dict[str, Any]:
    """The message due when ``user`` left at ``since_ms`` and has had the grace period."""
    return {"kind": "drop", "session_id": session_id, "user": user, "since": since_ms}


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

    def handle(self, message: dict[str, Any]) -> None:
        """Run one check. Raises if it must be tried again (the queue will redeliver it)."""
        kind = message.get("kind")
        session_id = str(message.get("session_id", ""))
        if kind == "escalation":
            self._escalation(session_id, int(message["level"]))
        elif kind == "alert":
            self._first_alert(session_id)
        elif kind == "drop":
            self._drop(session_id, str(message["user"]), int(message["since"]))
        else:
            raise ValueError(f"unknown timer message {message!r}")

    # ------------------------------------------------------------------ escalation
    def _escalation(self, session_id: str, level: int) -> None:
        record = self.sessions.get(session_id)
        if record is None or record.session.state not in _WAITING:
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
                record = self.sessions.escalate(session_id, level, self.clock())
            except TransitionRefused as refused:
                if refused.current is None or refused.current.session.state not in _WAITING:
                    return
                if refused.current.session.escalation_level != level + 1:
                    return
                record = refused.current
        # current == level + 1 here means this check is being redelivered after escalating but
        # before paging or scheduling: finish those (a duplicate page beats a lost one).
        rung = ladder[level]
        self.alerts.publish(alert_for(record, "verification.escalated", rung))
        self.timers.schedule(
            escalation_check(session_id, level + 1), self.settings.escalation_delay_seconds
        )
        log.info("escalated %s to %s (level %d)", session_id, rung, level + 1)

    def _expire(self, session_id: str) -> None:
        try:
            record = self.sessions.expire(session_id, NOBODY_ANSWERED, self.clock())
        except TransitionRefused:
            return  # claimed or cancelled at the last moment
        self._end(record)
        self.alerts.publish(alert_for(record, "verification.expired", "force"))
        log.warning("session %s expired: nobody answered", session_id)

    def _first_alert(self, session_id: str) -> None:
        record = self.sessions.get(session_id)
        if record is None or record.session.state not in _WAITING:
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
                record = self.sessions.drop(session_id, reason, self.clock())
            else:
                record = self.sessions.expire(session_id, reason, self.clock())
        except TransitionRefused:
            return
        self._end(record)
        log.warning("session %s ended: %s", session_id, reason)

    def _end(self, record: SessionRecord) -> None:
        if record.session.meeting_id:
            try:
                self.meetings.delete(record.session.meeting_id)
            except Exception:
                log.exception("could not delete meeting %s", record.session.meeting_id)
