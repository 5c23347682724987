"""Her side: check the officer with her code, call the ops room, ask for a uniformed officer.

Everything here answers people who are not logged in, so every use case is rate-limited per
client first, shows an exact allow-list of fields, and answers "not found" the same way for a code
that never existed, one that expired and one that is malformed.

Her code has two limits in one window per client (one counter item, see
:meth:`PublicService.lookup`): wrong codes, the guess limit (``RATE_LIMIT_VERIFY``, 30 an hour),
and all lookups, the follow limit (``RATE_LIMIT_VERIFY_FOLLOW``, 720 an hour), because her page
follows her stop live by asking again every few seconds.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import re
import secrets
import uuid
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any, ClassVar

from pydantic import ConfigDict, ValidationError

from functions.config import Settings
from functions.domain import (
    DomainError,
    Location,
    NotFound,
    SessionState,
    ValidationFailed,
    new_reference,
    normalise_public_code,
    open_public_session,
)
from functions.domain.fields import ForceCode, ShoulderNumber
from functions.domain.model import Model
from functions.domain.sessions import TERMINAL_STATES

from .alerting import alert_for
from .opening import SessionOpener
from .ports import (
    AlertPublisher,
    MeetingGateway,
    OfficerEntry,
    OfficerRegister,
    PhotoStore,
    RateLimiter,
    SessionRecord,
    SessionStore,
    TransitionRefused,
)

__all__ = ["PUBLIC_VIEW_KEYS", "PublicService", "RateLimited", "StartedCall"]

log = logging.getLogger(__name__)

PUBLIC_VIEW_KEYS = frozenset(
    {
        "state",
        "reference",
        "message",
        "officer",
        "decision",
        "attendance_requested_at",
        "attendance_sent_at",
        "updated_at",
    }
)
"""Exactly what her view shows, in every state (values are null where they do not apply)."""

NOT_FOUND = (
    "No live check has that code. Check the code with the officer, and if you are worried, "
    "call 999."
)
_CALL_ID = re.compile(r"[0-9a-f]{32}")

_S = SessionState
MESSAGES: dict[SessionState, str] = {
    _S.REQUESTED: "The control room has been asked to confirm this officer. Please wait; stay "
    "where other people can see you.",
    _S.ESCALATED: "The control room has been asked again and more widely. If nobody answers "
    "soon, call 999.",
    _S.CLAIMED: "A sergeant in the control room is on the video call now.",
    _S.VERIFIED: "The control room has confirmed this is a police officer on duty.",
    _S.NOT_VERIFIED: "The control room could NOT confirm this person is a police officer. "
    "Call 999 now.",
    _S.CANCELLED: "This check was cancelled before the control room decided. If you are "
    "worried, call 999.",
    _S.EXPIRED: "Nobody in the control room answered. Call 999 and ask them to confirm the "
    "officer.",
    _S.DROPPED: "The call ended before the control room decided. Call 999 and ask them to "
    "confirm the officer.",
}
"""What her page says in each state (a test checks every state has its words)."""


class RateLimited(DomainError):  # noqa: N818 - named for what the caller sees
    """Too many requests from this client: 429 with ``Retry-After``."""

    http_status: ClassVar[int] = 429
    default_code: ClassVar[str] = "rate_limited"

    def __init__(self, retry_after: int) -> None:
        super().__init__(f"Too many requests. Try again in {retry_after} seconds.")
        self.headers = {"Retry-After": str(retry_after)}


class CallRequest(Model):
    """``POST /public/calls``: the force she is calling, optionally who stopped her."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    force: ForceCode
    shoulder_number: ShoulderNumber | None = None
    location: Location | None = None


@dataclass(frozen=True)
class StartedCall:
    """Her call: the record, her Chime attendee and the token she follows the call with."""

    record: SessionRecord
    attendee: dict[str, Any]
    poll_token: str


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class PublicService:
    """Her side of Safe Connection.

    Parameters
    ----------
    sessions, register, meetings, alerts, photos, limiter
        The ports.
    opener
        The start flow (over the same ports) that the officer's start shares: it creates her
        call's meeting, first check, record and page.
    settings
        Rate limits, code lifetime, media region.
    clock
        The current time.
    """

    def __init__(
        self,
        *,
        sessions: SessionStore,
        register: OfficerRegister,
        meetings: MeetingGateway,
        alerts: AlertPublisher,
        photos: PhotoStore,
        limiter: RateLimiter,
        opener: SessionOpener,
        settings: Settings,
        clock: Callable[[], datetime],
    ) -> None:
        self.sessions = sessions
        self.register = register
        self.meetings = meetings
        self.alerts = alerts
        self.photos = photos
        self.limiter = limiter
        self.opener = opener
        self.settings = settings
        self.clock = clock

    # ------------------------------------------------------------------ limits
    def limit(self, route: str, client: str) -> None:
        """Count a request from ``client``; raise :class:`RateLimited` past the route's limit."""
        requests, window = self.settings.rate_limit(route)
        retry_after = self.limiter.hit(route, client or "unknown", requests, window)
        if retry_after:
            raise RateLimited(retry_after)

    def lookup(self, code: str, client: str) -> SessionRecord:
        """The session behind ``code``, counted against ``client``'s guess and follow limits.

        One write counts the lookup and reads the window's wrong codes, so the found path costs
        one rate-limit call; only a wrong code costs a second (counting the miss).

        Raises
        ------
        RateLimited
            ``client`` has used up its wrong codes (checked *before* the code is looked up, so
            past the limit even a real code gets ``429``: the answer says nothing about codes),
            or has looked up more codes than the follow limit allows.
        NotFound
            Unknown, malformed or expired code (counted as a miss).
        """
        guesses, window = self.settings.rate_limit("verify")
        who = client or "unknown"
        counts = self.limiter.count_lookup(who, window)
        if counts.misses >= guesses or counts.lookups > self.settings.verify_follow_limit:
            raise RateLimited(counts.retry_after)
        try:
            return self._by_code(code)
        except NotFound:
            self.limiter.count_miss(who, window)
            raise

    # ------------------------------------------------------------------ her code
    def verify(self, code: str, client: str) -> dict[str, Any]:
        """Her live view of the session behind ``code`` (her page asks again every few seconds).

        Raises
        ------
        RateLimited
            Past the guess or the follow limit (see :meth:`lookup`).
        NotFound
            Unknown, malformed or expired code.
        """
        return self.view(self.lookup(code, client))

    def attendance_by_code(self, code: str, client: str) -> dict[str, Any]:
        """Ask for a uniformed officer from her verify view.

        Counted against the attendance limit and, as a lookup of her code, against the guess
        and follow limits: a wrong code here is a miss like one on ``GET /verify/{code}``.
        """
        self.limit("attendance", client)
        return self._attendance(self.lookup(code, client))

    def _by_code(self, code: str) -> SessionRecord:
        canonical = normalise_public_code(code)
        record = self.sessions.by_code(canonical) if canonical else None
        if record is None or self._expired(record):
            raise NotFound(NOT_FOUND)
        return record

    def _expired(self, record: SessionRecord) -> bool:
        session = record.session
        if session.state not in TERMINAL_STATES:
            return False
        ended = session.decided_at or session.updated_at
        return self.clock() - ended > timedelta(hours=self.settings.public_code_hours)

    # ------------------------------------------------------------------ her own call
    def start_call(
        self, request: dict[str, Any], client: str, idempotency_key: str | None = None
    ) -> StartedCall:
        """Her own video call to the ops room (the no-phone fallback).

        Raises
        ------
        ValidationFailed
            Bad ``force``, ``shoulder_number`` or ``location`` (nothing is created).
        Unavailable
            Chime, DynamoDB or SQS failed; she is told to call 999 and nothing is left.
        Conflict
            Her ``Idempotency-Key`` names a call that has ended.
        """
        self.limit("public_call", client)
        try:
            call = CallRequest.model_validate(request)
        except ValidationError as exc:
            raise ValidationFailed.from_pydantic(exc) from exc
        session_id = (
            uuid.uuid5(uuid.NAMESPACE_URL, f"public\n{client}\n{idempotency_key}").hex
            if idempotency_key
            else uuid.uuid4().hex
        )
        caller = f"public-{session_id[:16]}"
        token = secrets.token_urlsafe(32)
        now = self.clock()

        def build(
            current: OfficerEntry | None, code: str, meeting: dict[str, Any]
        ) -> SessionRecord:
            session = open_public_session(
                session_id=session_id,
                force=call.force,
                now=now,
                public_code=code,
                reference=new_reference(now),
                officer=current.officer if current else None,
                meeting_id=meeting["MeetingId"],
                location=call.location,
            )
            return SessionRecord(
                session=session,
                officer=current.officer if current else None,
                meeting=meeting,
                caller=caller,
                named_shoulder_number=call.shoulder_number,
                poll_token_hash=_hash(token),
            )

        shoulder = call.shoulder_number
        opened = self.opener.open(
            session_id=session_id,
            user=caller,
            build=build,
            entry=lambda: self.register.by_shoulder(call.force, shoulder) if shoulder else None,
            same_caller=lambda existing: existing.caller == caller,
        )
        record = opened.record
        if not opened.written_now and record.poll_token_hash != _hash(token):
            # A retry of a call whose first answer never reached her: the token she was sent
            # then is lost, so this answer's token replaces it.
            record = self.sessions.replace_poll_token(session_id, _hash(token))
        return StartedCall(record=record, attendee=opened.attendee, poll_token=token)

    def call_status(self, call_id: str, token: str, client: str) -> dict[str, Any]:
        """Her view of her own call, for the holder of its token."""
        self.limit("call_status", client)
        return self.view(self.own_call(call_id, token))

    def call_attendance(self, call_id: str, token: str, client: str) -> dict[str, Any]:
        """Ask for a uniformed officer from her own call."""
        self.limit("attendance", client)
        return self._attendance(self.own_call(call_id, token))

    def own_call(self, call_id: str, token: str) -> SessionRecord:
        """Her own call, for the holder of its token (``NotFound`` otherwise, the same for all)."""
        missing = NotFound("No such call.")
        if not _CALL_ID.fullmatch(call_id) or not token or len(token) > 256:
            raise missing
        record = self.sessions.get(call_id)
        if record is None or not record.poll_token_hash:
            raise missing
        if not hmac.compare_digest(record.poll_token_hash, _hash(token)):
            raise missing
        return record

    # ------------------------------------------------------------------ attendance
    def _attendance(self, record: SessionRecord) -> dict[str, Any]:
        try:
            record, first = self.sessions.request_attendance(
                record.session.session_id, self.clock()
            )
        except TransitionRefused:
            raise NotFound(NOT_FOUND) from None
        if first:
            location = record.session.location
            self.alerts.publish(
                replace(
                    alert_for(record, "attendance.requested"),
                    location=location.model_dump(mode="json") if location else None,
                )
            )
        return self.view(record)

    # ------------------------------------------------------------------ the view
    def view(self, record: SessionRecord) -> dict[str, Any]:
        """Exactly :data:`PUBLIC_VIEW_KEYS`: no ids, no location, no notes, nobody else."""
        session = record.session
        officer = record.officer
        shown_officer = None
        if officer is not None:
            shown_officer = {
                "display_name": officer.display_name,
                "rank": officer.rank.value,
                "shoulder_number": officer.shoulder_number,
                "force": officer.force,
                "photo_url": self.photos.url(officer.photo_key) if officer.photo_key else None,
            }
        decision = None
        if session.state in (SessionState.VERIFIED, SessionState.NOT_VERIFIED):
            sergeant = self.register.get(session.decided_by or "")
            decision = {
                "outcome": session.state.value,
                "decided_at": session.decided_at.isoformat() if session.decided_at else None,
                "decided_by": {
                    "rank": sergeant.officer.rank.value if sergeant else None,
                    "shoulder_number": sergeant.officer.shoulder_number if sergeant else None,
                },
            }
        view = {
            "state": session.state.value,
            "reference": session.reference,
            "message": MESSAGES[session.state],
            "officer": shown_officer,
            "decision": decision,
            "attendance_requested_at": record.attendance_requested_at,
            "attendance_sent_at": record.attendance_sent_at,
            "updated_at": session.updated_at.isoformat(),
        }
        assert view.keys() == PUBLIC_VIEW_KEYS
        return view
