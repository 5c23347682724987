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
from typing import Any

from functions.config import Settings
from functions.domain import (
    Conflict,
    Forbidden,
    IdentityCard,
    Location,
    NotFound,
    Officer,
    OfficerNotEligible,
    Principal,
    Role,
    SessionState,
    ValidationFailed,
    can_view,
    identity_card,
    new_reference,
    open_officer_session,
)
from functions.logging import logger

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
        self.opener = SessionOpener(
            sessions=sessions,
            register=register,
            meetings=meetings,
            alerts=alerts,
            timers=timers,
            settings=settings,
        )
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
        """Waiting sessions of the sergeant's force, oldest first."""
        if not principal.roles & {Role.SERGEANT, Role.OPERATOR}:
            raise Forbidden("Only sergeants and operators can see the queue.")
        return self.sessions.waiting(principal.force, area.upper() if area else None, limit=100)

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
        sergeant_id = self._sergeant_id(principal, "claim a session")
        now = self.clock()
        try:
            record = self.sessions.claim(session_id, sergeant_id, principal.force, now)
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
                try:
                    self.sessions.release(session_id, sergeant_id, record.session.version, now)
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
    ) -> SessionRecord:
        """Record the sergeant's outcome and end the meeting.

        On her own call that names no serving officer, ``shoulder_number`` says which officer the
        sergeant identified (from the register of the sergeant's force); it is required for
        ``verified`` there.

        Raises
        ------
        ValidationFailed
            ``outcome`` is not verified/not_verified, ``not_verified`` has no reason, or
            ``shoulder_number`` is missing, unknown, or given where the call names an officer.
        Forbidden, NotFound, Conflict, OfficerNotEligible
            As the domain decides.
        """
        sergeant_id = self._sergeant_id(principal, "record an outcome")
        target = _parse_outcome(outcome)
        reason = (reason or "").strip() or None
        if target is SessionState.NOT_VERIFIED and reason is None:
            raise ValidationFailed.for_field("reason", "Say why the officer was not verified.")
        identified = self._identify(principal, shoulder_number, target)
        now = self.clock()
        try:
            record = self.sessions.decide(
                session_id, sergeant_id, target, reason, now, identified=identified
            )
        except TransitionRefused as refused:
            current = refused.current
            if current is None:
                raise NotFound("No such session.") from None
            if (
                current.officer is None
                and identified is None
                and target is SessionState.VERIFIED
                and current.session.claimed_by == sergeant_id
            ):
                raise ValidationFailed.for_field(
                    "shoulder_number", "Give the shoulder number of the officer you verified."
                ) from None
            current.session.decide(principal, target, reason, now, officer=current.officer)
            if identified is not None and current.officer is not None:
                raise ValidationFailed.for_field(
                    "shoulder_number", "This call already names its officer; leave it out."
                ) from None
            if current.officer is None and target is SessionState.VERIFIED:
                raise ValidationFailed.for_field(
                    "shoulder_number", "Give the shoulder number of the officer you verified."
                ) from None
            raise Conflict("The session changed while you decided; try again.") from None
        self.closer.close(session_id, record.session.meeting_id)
        return record

    def _identify(
        self, principal: Principal, shoulder_number: str | None, target: SessionState
    ) -> Officer | None:
        if not shoulder_number:
            return None
        entry = self.register.by_shoulder(principal.force, shoulder_number.strip().upper())
        if entry is None:
            raise ValidationFailed.for_field(
                "shoulder_number", f"No officer {shoulder_number} serves in {principal.force}."
            )
        if target is SessionState.VERIFIED and not entry.officer.is_serving:
            raise OfficerNotEligible(
                f"Officer {entry.officer.shoulder_number} is {entry.officer.status.value} and "
                "cannot be verified.",
                code=f"officer_{entry.officer.status.value}"
                if entry.officer.status.value == "suspended"
                else "officer_not_serving",
            )
        return entry.officer

    def cancel(self, principal: Principal, session_id: str) -> SessionRecord:
        """Cancel the caller's own session before an outcome and end its meeting."""
        if not principal.has_role(Role.OFFICER) or principal.officer_id is None:
            raise Forbidden("Only the officer who started a verification can cancel it.")
        now = self.clock()
        try:
            record = self.sessions.cancel(session_id, principal.officer_id, now)
        except TransitionRefused as refused:
            current = refused.current
            if current is None or not can_view(principal, current.session):
                raise NotFound("No such session.") from None
            current.session.cancel(principal, now)
            raise Conflict("The session changed while you cancelled it; try again.") from None
        self.closer.close(session_id, record.session.meeting_id)
        return record

    # ------------------------------------------------------------------ helpers
    def card(self, record: SessionRecord, viewer_force: str) -> IdentityCard | None:
        """The identity card of the session's officer, with a fresh photo URL."""
        officer = record.officer
        if officer is None:
            return None
        photo_url = self.photos.url(officer.photo_key) if officer.photo_key else None
        return identity_card(officer, viewer_force=viewer_force, photo_url=photo_url)

    @staticmethod
    def _sergeant_id(principal: Principal, action: str) -> str:
        if not principal.has_role(Role.SERGEANT) or principal.officer_id is None:
            raise Forbidden(f"Only a sergeant can {action}.")
        return principal.officer_id


def _parse_outcome(outcome: str) -> SessionState:
    allowed = {SessionState.VERIFIED.value, SessionState.NOT_VERIFIED.value}
    if outcome not in allowed:
        raise ValidationFailed.for_field("outcome", "Must be 'verified' or 'not_verified'.")
    return SessionState(outcome)
