"""Use cases of the verification session: start, read, cancel, queue, claim, decide.

Each use case makes the fewest AWS calls its job allows and runs independent calls together:

========  ====================================================================  ============
use case  AWS calls                                                             round trips
========  ====================================================================  ============
start     register GetItem ‖ CreateMeetingWithAttendees ‖ SendMessage (the      3
          first escalation check); TransactWriteItems; Publish
claim     UpdateItem (conditional); CreateAttendee                              2
decide    UpdateItem (conditional); DeleteMeeting                               2
cancel    UpdateItem (conditional); DeleteMeeting                               2
========  ====================================================================  ============

Start reads the officer register (in parallel with Chime) because the identity card and the
refusal of ``verified`` for a suspended officer must come from the register, not from a token
that may be an hour old; that read is what lets claim and decide avoid any read at all. Why the
start is ordered as it is, and how a retried or half-failed start is made whole, is in
:mod:`functions.services.opening`.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, NoReturn

from functions.config import Settings
from functions.domain import (
    Conflict,
    Forbidden,
    IdentityCard,
    Location,
    NotFound,
    Officer,
    Principal,
    Role,
    SessionState,
    ValidationFailed,
    can_view,
    identity_card,
    new_reference,
    open_officer_session,
)
from functions.domain.sessions import authorise_attendance_sent
from functions.domain.states import Transition
from functions.domain.transitions import (
    Decision,
    Guard,
    authorise_cancel,
    authorise_claim,
    authorise_decision,
)
from functions.logging import logger

from .alerting import pages_area
from .budget import FALL_BACK_TO_999, Unavailable
from .closing import MeetingCloser
from .opening import SessionOpener
from .ports import (
    AlertPublisher,
    MeetingGateway,
    OfficerEntry,
    OfficerRegister,
    PhotoStore,
    SessionRecord,
    SessionStore,
    TimerQueue,
    TransitionRefused,
)

__all__ = ["FALL_BACK_TO_999", "Claimed", "SessionService", "Started", "Unavailable"]

log = logging.getLogger(__name__)

_IDEMPOTENCY_NAMESPACE = uuid.UUID("6f1c7f6e-3b5a-4d2e-9a8f-5c1d2e3f4a5b")
_QUEUE_LIMIT = 100


@dataclass(frozen=True)
class Started:
    """What ``POST /sessions`` returns: the record and the officer's Chime attendee."""

    record: SessionRecord
    attendee: dict[str, Any]


@dataclass(frozen=True)
class Claimed:
    """What ``POST /sessions/{id}/claim`` returns."""

    record: SessionRecord
    attendee: dict[str, Any]
    card: IdentityCard | None


def utcnow() -> datetime:
    return datetime.now(UTC)


class SessionService:
    """The verification session's use cases.

    Parameters
    ----------
    sessions, register, meetings, alerts, photos, timers
        The ports (see :mod:`functions.services.ports`).
    opener
        The start flow (over the same ports), shared with her own call
        (:class:`~functions.services.public.PublicService`).
    settings
        Media region and other configuration.
    clock
        Returns the current time (timezone-aware); injectable for tests.
    """

    def __init__(
        self,
        *,
        sessions: SessionStore,
        register: OfficerRegister,
        meetings: MeetingGateway,
        alerts: AlertPublisher,
        photos: PhotoStore,
        timers: TimerQueue,
        opener: SessionOpener,
        settings: Settings,
        clock: Callable[[], datetime] = utcnow,
    ) -> None:
        self.timers = timers
        self.sessions = sessions
        self.register = register
        self.meetings = meetings
        self.alerts = alerts
        self.photos = photos
        self.settings = settings
        self.clock = clock
        self.opener = opener
        self.closer = MeetingCloser(meetings=meetings, timers=timers)

    # ------------------------------------------------------------------ start
    def start(
        self,
        principal: Principal,
        *,
        location: Location | None = None,
        note: str | None = None,
        idempotency_key: str | None = None,
    ) -> Started:
        """Start a verification for the calling officer.

        Creates the meeting with the officer as its first attendee, writes the session (with a
        snapshot of the officer's register entry) and pages the sergeants of their area.

        Raises
        ------
        Forbidden
            The caller is not an officer, or is not in the register.
        Unavailable
            Chime, DynamoDB or SNS failed after retries; nothing is left behind.
        """
        if not principal.has_role(Role.OFFICER) or principal.officer_id is None:
            raise Forbidden("Only an officer can start a verification.")
        officer_id = principal.officer_id
        session_id = (
            uuid.uuid5(_IDEMPOTENCY_NAMESPACE, f"{officer_id}\n{idempotency_key}").hex
            if idempotency_key
            else uuid.uuid4().hex
        )
        logger.set_correlation_id(session_id)  # every later line of this request names it
        now = self.clock()

        def build(entry: OfficerEntry | None, code: str, meeting: dict[str, Any]) -> SessionRecord:
            if entry is None:
                raise Forbidden(
                    "You are not in the officer register, so the control room cannot verify "
                    "you. Call 999 and ask the control room to confirm your identity."
                )
            session = open_officer_session(
                principal,
                entry.officer,
                session_id=session_id,
                now=now,
                public_code=code,
                reference=new_reference(now),
                meeting_id=meeting["MeetingId"],
                location=location,
                note=note,
            )
            return SessionRecord(
                session=session, officer=entry.officer, meeting=meeting, caller=session.officer_id
            )

        opened = self.opener.open(
            session_id=session_id,
            user=officer_id,
            build=build,
            entry=lambda: self.register.get(officer_id),
            same_caller=lambda existing: existing.session.officer_id == officer_id,
        )
        return Started(opened.record, opened.attendee)

    # ------------------------------------------------------------------ reads
    def get(self, principal: Principal, session_id: str) -> SessionRecord:
        """Read a session the caller may see (others' sessions are reported as not found)."""
        record = self.sessions.get(session_id)
        if record is None or not can_view(principal, record.session):
            raise NotFound("No such session.")
        return record

    def queue(self, principal: Principal, area: str | None = None) -> list[SessionRecord]:
        """Waiting sessions of the caller's force, oldest first.

        A sergeant sees the requests they were paged for (their area's, force-wide ones, and
        those the escalation ladder has widened to the whole force); ``area`` shows what the
        sergeants of that area were paged for; an operator without it sees the whole force.
        """
        if not principal.roles & {Role.SERGEANT, Role.OPERATOR}:
            raise Forbidden("Only sergeants and operators can see the queue.")
        waiting = self.sessions.waiting(principal.force, None, limit=_QUEUE_LIMIT)
        seen_from = area.upper() if area else principal.area if principal.is_sergeant else None
        if seen_from is None:
            return waiting
        ladder = self.settings.escalation_ladder
        return [r for r in waiting if pages_area(r.session, seen_from, ladder)]

    # ------------------------------------------------------------------ transitions
    def claim(self, principal: Principal, session_id: str) -> Claimed:
        """Take a waiting session and join its meeting.

        Raises
        ------
        Forbidden, NotFound, Conflict
            As the domain decides: not a sergeant, another force, their own session, already
            claimed or finished.
        Unavailable
            Chime failed; the claim is undone so another sergeant can take it.
        """
        guard = authorise_claim(principal)
        sergeant_id = principal.officer_id or ""
        now = self.clock()
        try:
            record = self.sessions.claim(session_id, guard, sergeant_id, now)
        except TransitionRefused as refused:
            current = refused.current
            if current is None:
                raise NotFound("No such session.") from None
            if (
                current.session.state is SessionState.CLAIMED
                and current.session.claimed_by == sergeant_id
            ):
                record = current  # the same sergeant again (a retry): give them their seat back
            else:
                current.session.claim(principal, now)  # raises the precise refusal
                raise Conflict("The session changed while you claimed it; try again.") from None
        meeting_id = record.session.meeting_id or ""
        try:
            attendee = self.meetings.add_attendee(meeting_id, sergeant_id)
        except Exception as exc:
            log.exception("could not add the sergeant to the meeting; releasing the claim")
            if record.session.claimed_at == now:
                undo = Guard(
                    Transition.RELEASE, claimed_by=sergeant_id, version=record.session.version
                )
                try:
                    self.sessions.release(record, undo, now)
                except Exception:
                    # Still claimed by this sergeant, who can claim again to get a seat.
                    log.exception("could not release the claim")
            raise Unavailable(
                "Could not join you to the call. The session is back in the queue; try again."
            ) from exc
        return Claimed(record, attendee, self.card(record, principal.force))

    def decide(
        self,
        principal: Principal,
        session_id: str,
        outcome: str,
        reason: str | None,
        shoulder_number: str | None = None,
        *,
        without_video: bool = False,
    ) -> SessionRecord:
        """Record the sergeant's outcome and end the meeting.

        On her own call that names no serving officer, ``shoulder_number`` says which officer the
        sergeant identified (from the register of the sergeant's force); it is required for
        ``verified`` there. ``without_video``: the sergeant decided by voice and the identity
        card only, because the video failed (recorded on the session and in its audit entry).

        Raises
        ------
        ValidationFailed
            ``outcome`` is not verified/not_verified, ``not_verified`` has no reason, or
            ``shoulder_number`` is missing, unknown, or given where the call names an officer.
        Forbidden, NotFound, Conflict, OfficerNotEligible
            As the domain decides.
        """
        identified = self._identified(principal, shoulder_number)
        decision = authorise_decision(
            principal, outcome, reason, identified, without_video=without_video
        )
        sergeant_id = principal.officer_id or ""
        now = self.clock()
        try:
            record = self.sessions.decide(session_id, decision, sergeant_id, now)
        except TransitionRefused as refused:
            if refused.current is None:
                raise NotFound("No such session.") from None
            self._explain_refused(refused.current, decision, principal, now)
        self.closer.close(session_id, record.session.meeting_id)
        return record

    @staticmethod
    def _explain_refused(
        current: SessionRecord, decision: Decision, principal: Principal, now: datetime
    ) -> NoReturn:
        """Why the stored session did not pass the decision's guard, in the caller's words."""
        verified = decision.outcome is SessionState.VERIFIED
        unnamed = current.officer is None
        mine = current.session.claimed_by == principal.officer_id
        if unnamed and decision.identified is None and verified and mine:
            raise ValidationFailed.for_field(
                "shoulder_number", "Give the shoulder number of the officer you verified."
            )
        # Not claimed (by them), another force, about themselves, not serving, ended: the
        # session says which.
        current.session.decide(
            principal,
            decision.outcome,
            decision.reason,
            now,
            officer=current.officer,
            without_video=decision.without_video,
        )
        if decision.identified is not None and not unnamed:
            raise ValidationFailed.for_field(
                "shoulder_number", "This call already names its officer; leave it out."
            )
        raise Conflict("The session changed while you decided; try again.")

    def _identified(self, principal: Principal, shoulder_number: str | None) -> Officer | None:
        """The officer a sergeant names on her call (from their force's register), if any."""
        if not shoulder_number or not principal.is_sergeant:
            return None
        entry = self.register.by_shoulder(principal.force, shoulder_number.strip().upper())
        if entry is None:
            raise ValidationFailed.for_field(
                "shoulder_number", f"No officer {shoulder_number} serves in {principal.force}."
            )
        return entry.officer

    def cancel(self, principal: Principal, session_id: str) -> SessionRecord:
        """Cancel the caller's own session before an outcome and end its meeting."""
        guard = authorise_cancel(principal)
        now = self.clock()
        try:
            record = self.sessions.cancel(session_id, guard, now)
        except TransitionRefused as refused:
            current = refused.current
            if current is None or not can_view(principal, current.session):
                raise NotFound("No such session.") from None
            current.session.cancel(principal, now)
            raise Conflict("The session changed while you cancelled it; try again.") from None
        self.closer.close(session_id, record.session.meeting_id)
        return record

    def send_attendance(self, principal: Principal, session_id: str) -> SessionRecord:
        """Say that a uniformed officer was sent to her, once she has asked (once; a second
        say keeps the first time and who).

        Raises
        ------
        NotFound
            A session the caller may not see.
        Forbidden
            Not the control room of the session's force, or the caller's own stop.
        Conflict
            ``attendance_not_requested``: she has not asked for a uniformed officer.
        """
        session = self.get(principal, session_id).session
        by = authorise_attendance_sent(principal, session)
        try:
            record, _ = self.sessions.mark_attendance_sent(session_id, by, self.clock())
        except TransitionRefused as refused:
            if refused.current is None:
                raise NotFound("No such session.") from None
            raise Conflict(
                "She has not asked for a uniformed officer.", code="attendance_not_requested"
            ) from None
        return record

    # ------------------------------------------------------------------ helpers
    def card(self, record: SessionRecord, viewer_force: str) -> IdentityCard | None:
        """The identity card of the session's officer, with a fresh photo URL."""
        officer = record.officer
        if officer is None:
            return None
        photo_url = self.photos.url(officer.photo_key) if officer.photo_key else None
        return identity_card(officer, viewer_force=viewer_force, photo_url=photo_url)
