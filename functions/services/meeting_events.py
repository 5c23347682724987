"""Chime meeting events: who joined and left, what to do when the call ends early, and a check on
every meeting the app starts.

Every ``MeetingStarted`` schedules a ``meeting`` check for ``MEETING_CHECK_SECONDS`` later, when the
start that made the meeting has surely answered: a meeting that no live session owns by then (its
start failed part-way, or a retry made it) is ended. Someone joining the meeting of a session that
is already final ends it at once.

Events arrive out of order and more than once. Presence is recorded per attendee only if the event
is newer than what is stored, and every transition is conditional, so replaying or reordering
events converges on the same final state.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from datetime import datetime
from typing import Any

from functions.config import Settings
from functions.domain import SessionState
from functions.domain.states import Transition
from functions.domain.transitions import Guard

from .checks import drop_check, meeting_check
from .closing import MeetingCloser
from .ports import MeetingGateway, SessionStore, TimerQueue, TransitionRefused

__all__ = ["MeetingEventService"]

log = logging.getLogger(__name__)
_PRESENCE = {
    "chime:AttendeeJoined": "joined",
    "chime:AttendeeLeft": "left",
    "chime:AttendeeDropped": "dropped",
}
CALL_ENDED = "the call ended before an outcome"
_SESSION_ID = re.compile(r"[0-9a-f]{32}")
"""Every session id (a UUID's hex): the meetings the app made, never another use of Chime."""


class MeetingEventService:
    """Handles ``Chime Meeting State Change`` events.

    Parameters
    ----------
    sessions, meetings, timers
        The ports.
    settings
        ``drop_grace_seconds``.
    clock
        The current time.
    """

    def __init__(
        self,
        *,
        sessions: SessionStore,
        meetings: MeetingGateway,
        timers: TimerQueue,
        settings: Settings,
        clock: Callable[[], datetime],
    ) -> None:
        self.sessions = sessions
        self.meetings = meetings
        self.timers = timers
        self.settings = settings
        self.clock = clock
        self.closer = MeetingCloser(meetings=meetings, timers=timers)

    def handle(self, event: dict[str, Any]) -> None:
        """Apply one EventBridge event (``detail`` as Chime documents it)."""
        detail = event.get("detail") or {}
        kind = detail.get("eventType")
        session_id = detail.get("externalMeetingId")
        meeting_id = detail.get("meetingId")
        if not session_id or not meeting_id:
            log.info("ignoring a meeting event without ids: %s", kind)
            return
        if kind in _PRESENCE:
            self._presence(session_id, meeting_id, detail, _PRESENCE[kind])
        elif kind == "chime:MeetingStarted" and _SESSION_ID.fullmatch(session_id):
            self.timers.schedule(
                meeting_check(session_id, meeting_id), self.settings.meeting_check_seconds
            )
        elif kind == "chime:MeetingEnded":
            self._ended(session_id, meeting_id)

    def _presence(
        self, session_id: str, meeting_id: str, detail: dict[str, Any], presence: str
    ) -> None:
        user = detail.get("externalUserId")
        at_ms = int(detail.get("timestamp", 0))
        if not user:
            return
        record = self.sessions.record_presence(session_id, meeting_id, user, presence, at_ms)
        if record is None:
            return  # stale, duplicate, or not this session's meeting (its check ends that one)
        if record.session.is_terminal:
            if presence == "joined":
                # Someone is in the call of a session that has ended: its DeleteMeeting failed.
                self.closer.close(session_id, meeting_id)
            return
        if presence == "joined":
            return
        if user == (record.caller or record.session.officer_id):
            # Give whoever started the call (the officer, or her) the grace period to come back
            # before the call counts as dropped.
            self.timers.schedule(
                drop_check(session_id, user, at_ms), self.settings.drop_grace_seconds
            )

    def _ended(self, session_id: str, meeting_id: str) -> None:
        record = self.sessions.get(session_id)
        if record is None or record.session.meeting_id != meeting_id or record.session.is_terminal:
            return  # our own DeleteMeeting after an outcome, or another meeting
        try:
            if record.session.state is SessionState.CLAIMED:
                self.sessions.drop(session_id, Guard(Transition.DROP), CALL_ENDED, self.clock())
            else:
                self.sessions.expire(session_id, Guard(Transition.EXPIRE), CALL_ENDED, self.clock())
        except TransitionRefused:
            return
        log.warning("session %s: %s", session_id, CALL_ENDED)
