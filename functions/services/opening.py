"""Opening a session (the officer's start and her own call): complete, or nothing left behind.

The order is what makes a start whole however often it is retried and wherever it fails:

==========  ==================================================================================
round trip  calls
==========  ==================================================================================
1           CreateMeetingWithAttendees ‖ SendMessage (the first escalation check) ‖ the register
            read, if any
2           TransactWriteItems: the session (with this attempt's id), its public code, the
            officer's live sessions
3           Publish (the page)
==========  ==================================================================================

- The first check is sent *before* the session is written, so no session can exist without one.
  If it cannot be sent, the start fails (503) and the meeting is ended: there is no session yet.
- The page is owed by the attempt that wrote the session. When the write's answer is lost and
  the AWS SDK's retry finds the session already there, the session carries this attempt's id, so
  the attempt knows the page is still its to send: exactly one page. A session written by an
  earlier attempt (a client retry after a crash) was paged by that attempt, or, if it died
  first, is paged by its first check one escalation delay later: late, never lost.
- A page that fails is resent by an ``alert`` check at once; if even that cannot be sent, the
  first check re-pages when it escalates.
- Every meeting is checked ``MEETING_CHECK_SECONDS`` after it starts (see
  :mod:`functions.services.meeting_events`), so one whose start failed before the session was
  written, or that a retry made, is ended even when this process dies or Chime hangs.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

from functions.config import Settings
from functions.domain import Conflict, DomainError, Forbidden, new_public_code

from .alerting import alert_for
from .budget import FALL_BACK_TO_999, Unavailable, executor
from .checks import alert_check, escalation_check
from .closing import MeetingCloser
from .ports import (
    AlertPublisher,
    CodeTaken,
    MeetingGateway,
    OfficerEntry,
    OfficerRegister,
    OutcomeUnknown,
    SessionRecord,
    SessionStore,
    TimerQueue,
    TransitionRefused,
)

__all__ = ["Opened", "SessionOpener"]

log = logging.getLogger(__name__)

_CREATE_RETRIES = 4

Build = Callable[[OfficerEntry | None, str, dict[str, Any]], SessionRecord]
"""``build(register_entry, public_code, meeting)``: the new session's record."""


@dataclass(frozen=True)
class Opened:
    """A session that exists, is paged (or will be by its checks) and has its first check.

    Attributes
    ----------
    record
        The session as stored.
    attendee
        The caller's Chime attendee in its meeting.
    written_now
        False when the session was already there (a retry of the same request): the caller may
        need to bring per-attempt secrets (her poll token) up to date.
    """

    record: SessionRecord
    attendee: dict[str, Any]
    written_now: bool


class SessionOpener:
    """Creates a session's meeting, first check, record and page.

    Parameters
    ----------
    sessions, register, meetings, alerts, timers
        The ports.
    settings
        Media region and the escalation delay.
    """

    def __init__(
        self,
        *,
        sessions: SessionStore,
        register: OfficerRegister,
        meetings: MeetingGateway,
        alerts: AlertPublisher,
        timers: TimerQueue,
        settings: Settings,
    ) -> None:
        self.sessions = sessions
        self.register = register
        self.meetings = meetings
        self.alerts = alerts
        self.timers = timers
        self.settings = settings
        self.closer = MeetingCloser(meetings=meetings, timers=timers)

    def open(
        self,
        *,
        session_id: str,
        user: str,
        build: Build,
        entry: Callable[[], OfficerEntry | None],
        same_caller: Callable[[SessionRecord], bool],
    ) -> Opened:
        """Open session ``session_id`` for Chime user ``user``.

        Parameters
        ----------
        session_id
            Derived from the caller and their ``Idempotency-Key`` (or random without one), so a
            retry names the same session, and the ``ClientRequestToken`` of its meeting.
        user
            The caller's Chime ``ExternalUserId``.
        build
            Makes the record from the register entry, a public code and the meeting.
        entry
            Reads the register entry the record snapshots (run beside the meeting's creation).
        same_caller
            Whether an existing session with this id is the caller's own (a retry).

        Raises
        ------
        Unavailable
            Chime, SQS or DynamoDB failed after retries (the caller should call 999).
        Conflict
            The id belongs to a session that has ended, or to someone else.
        DomainError
            Whatever ``entry`` or ``build`` refuse (e.g. not in the register).
        """
        attempt = uuid.uuid4().hex
        first_check = executor().submit(
            self.timers.schedule,
            escalation_check(session_id, 0),
            self.settings.escalation_delay_seconds,
        )
        reading = executor().submit(entry)
        try:
            meeting, attendee = self.meetings.create_with_attendee(
                session_id=session_id,
                request_token=session_id,
                external_user_id=user,
                media_region=self.settings.media_region,
            )
        except Exception as exc:
            reading.cancel()
            log.exception("could not create the Chime meeting")
            raise Unavailable(FALL_BACK_TO_999) from exc
        try:
            first_check.result()
            current = reading.result()
        except DomainError:
            self.closer.close(session_id, meeting["MeetingId"])
            raise
        except Exception as exc:
            log.exception("could not schedule the first check or read the register")
            self.closer.close(session_id, meeting["MeetingId"])
            raise Unavailable(FALL_BACK_TO_999) from exc

        def record_for(found: OfficerEntry | None, code: str) -> SessionRecord:
            return replace(build(found, code, meeting), started_by=attempt)

        try:
            record = self._create_record(record_for, current)
        except FileExistsError:
            return self._existing(session_id, meeting, attendee, attempt, same_caller)
        except OutcomeUnknown as unknown:
            log.warning("no answer to the session write; reading it back", exc_info=True)
            record = self._landed(session_id, attempt, meeting["MeetingId"], unknown)
        except DomainError:
            self.closer.close(session_id, meeting["MeetingId"])
            raise
        except Exception as exc:
            log.exception("could not write the session")
            self.closer.close(session_id, meeting["MeetingId"])
            raise Unavailable(FALL_BACK_TO_999) from exc
        self._page(record)
        return Opened(record, attendee, written_now=True)

    def _landed(
        self, session_id: str, attempt: str, meeting_id: str, failure: Exception
    ) -> SessionRecord:
        """After a write that got no answer (every try's answer lost): did it land?

        Yes: carry on as if it had answered. No: end the meeting and fail. Unknown (the read
        fails too): fail, but leave the meeting to its check, which ends it only if no live
        session owns it (a session may have landed after all).
        """
        try:
            found = self.sessions.get(session_id)
        except Exception:
            log.exception("could not read back the session either")
            raise Unavailable(FALL_BACK_TO_999) from failure
        if found is not None and found.started_by == attempt:
            log.info("the session write landed although its answer was lost")
            return found
        self.closer.close(session_id, meeting_id)
        raise Unavailable(FALL_BACK_TO_999) from failure

    def _existing(
        self,
        session_id: str,
        meeting: dict[str, Any],
        attendee: dict[str, Any],
        attempt: str,
        same_caller: Callable[[SessionRecord], bool],
    ) -> Opened:
        """The session is there already: this attempt's own write, or an earlier request's."""
        existing = self.sessions.get(session_id)
        same_meeting = existing is not None and existing.session.meeting_id == meeting["MeetingId"]
        if not same_meeting:
            # The session's own meeting has ended, so Chime made this attempt a new one.
            self.closer.close(session_id, meeting["MeetingId"])
        if existing is None or not same_caller(existing):
            raise Conflict("That Idempotency-Key was already used.")
        if existing.session.is_terminal or not same_meeting:
            raise Conflict(
                f"That request already ended ({existing.session.state.value}). "
                "Start a new verification.",
                code="idempotency_key_used",
            )
        if existing.started_by == attempt:
            self._page(existing)  # our write landed but its answer was lost: the page is ours
        return Opened(existing, attendee, written_now=False)

    def _create_record(
        self,
        build: Callable[[OfficerEntry | None, str], SessionRecord],
        entry: OfficerEntry | None,
    ) -> SessionRecord:
        """Write a new session built by ``build(entry, public_code)``.

        Draws another public code if the one drawn is held by another session, and re-reads
        the officer's register entry if it changed under the snapshot (both rare, both bounded).
        """
        for _ in range(_CREATE_RETRIES):
            record = build(entry, new_public_code())
            try:
                self.sessions.create(
                    record, officer_revision=entry.revision if entry is not None else None
                )
                return record
            except CodeTaken:
                continue
            except TransitionRefused:
                if entry is None:
                    raise
                entry = self.register.get(entry.officer.officer_id)
                if entry is None:
                    raise Forbidden("That officer has just left the register.") from None
        raise Conflict("Could not create the session; try again.")

    def _page(self, record: SessionRecord) -> None:
        """Page the sergeants; if that fails, have the timers queue resend it at once."""
        try:
            self.alerts.publish(alert_for(record, "verification.requested"))
        except Exception:
            log.exception("could not page the sergeants; the check queue will resend it")
            try:
                self.timers.schedule(alert_check(record.session.session_id), 0)
            except Exception:
                # The first check is already on the queue: it re-pages when it escalates.
                log.exception("could not schedule the resend either")
