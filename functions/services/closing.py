"""Ending a session's meeting: now if Chime answers, later through the timers queue if not.

Once a session is decided, cancelled, expired or dropped its meeting must end: an officer or a
sergeant left in a live call after the outcome is a call nobody owns. ``DeleteMeeting`` is tried at
once, but a caller never waits long for it (the outcome already stands); if it fails or is slow, a
``meeting`` check on the timers queue deletes it, and SQS redelivers that check until it does (then
the dead-letter queue and its alarm).
"""

from __future__ import annotations

import logging
from concurrent.futures import TimeoutError as FutureTimeout

from .budget import executor
from .checks import MEETING_RETRY_SECONDS, meeting_check
from .ports import MeetingGateway, TimerQueue

__all__ = ["MeetingCloser"]

log = logging.getLogger(__name__)


class MeetingCloser:
    """Ends meetings without letting a slow Chime hold up the answer.

    Parameters
    ----------
    meetings, timers
        The ports.
    wait_seconds
        How long a request waits for ``DeleteMeeting`` before handing it to the timers queue.
    """

    def __init__(
        self, *, meetings: MeetingGateway, timers: TimerQueue, wait_seconds: float = 1.5
    ) -> None:
        self.meetings = meetings
        self.timers = timers
        self.wait_seconds = wait_seconds

    def close(self, session_id: str, meeting_id: str | None) -> None:
        """End ``meeting_id`` (of ``session_id``), now or through a retried check."""
        if not meeting_id:
            return
        deleting = executor().submit(self.meetings.delete, meeting_id)
        try:
            deleting.result(timeout=self.wait_seconds)
            return
        except FutureTimeout:
            log.warning("DeleteMeeting %s is slow; the timers queue will make sure", meeting_id)
        except Exception:
            log.exception("could not delete meeting %s; the timers queue will retry", meeting_id)
        self.retry_later(session_id, meeting_id)

    def retry_later(self, session_id: str, meeting_id: str) -> None:
        """Schedule the check that deletes ``meeting_id`` unless a live session owns it."""
        try:
            self.timers.schedule(meeting_check(session_id, meeting_id), MEETING_RETRY_SECONDS)
        except Exception:
            # Both Chime and SQS failed. The meeting's own MeetingStarted check (scheduled when it
            # began) may have run already; the last resort is that Chime ends a meeting five
            # minutes after everyone has left, and the apps leave on any final state.
            log.exception("could not schedule the retry of DeleteMeeting %s", meeting_id)
