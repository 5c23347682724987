"""Ports: what the use cases need from the outside world, as ``typing.Protocol`` s.

Adapters in :mod:`functions.adapters` implement them over the AWS SDK; unit tests implement them
with in-memory fakes. The use cases never import the AWS SDK.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol

from functions.domain import Officer, Session
from functions.domain.transitions import Decision, Guard
from functions.services.budget import Deadline

__all__ = [
    "Alert",
    "AlertPublisher",
    "CodeLookups",
    "CodeTaken",
    "Idempotency",
    "MeetingGateway",
    "OfficerEntry",
    "OfficerRegister",
    "OutcomeUnknown",
    "Pager",
    "PhotoStore",
    "RateLimiter",
    "SessionRecord",
    "SessionStore",
    "TimerQueue",
    "TransitionRefused",
]


@dataclass(frozen=True)
class SessionRecord:
    """A session as stored: the domain session plus what travels with it.

    Attributes
    ----------
    session
        The domain session.
    officer
        Snapshot of the officer's register entry, kept current by every register write (so the
        card a sergeant sees, and the "verified on a suspended officer" check, read one item).
    meeting
        The Chime ``Meeting`` object exactly as AWS returned it.
    presence
        Who is in the call: ``{external_user_id: {"state": joined|left|dropped, "at": ms}}``,
        from Chime meeting events.
    caller
        The Chime ``ExternalUserId`` of whoever started the call (the officer, or her).
    named_shoulder_number
        On her own call: the shoulder number she gave, whether or not such an officer serves.
    attendance_requested_at
        When she asked for a uniformed officer to come (once).
    attendance_sent_at, attendance_sent_by
        When the control room said a uniformed officer was sent, and who said so (once).
    poll_token_hash
        SHA-256 of the token she follows her own call with (the token itself is never stored).
    started_by
        The id of the start attempt that wrote the session: the attempt that owes its page
        (see :mod:`functions.services.opening`).
    escalation_paged
        The last escalation level whose page went out and whose next check is queued: a second
        copy of a check finds its rung done and does nothing.
    """

    session: Session
    officer: Officer | None
    meeting: dict[str, Any] | None
    presence: dict[str, dict[str, Any]] = field(default_factory=dict)
    caller: str | None = None
    named_shoulder_number: str | None = None
    attendance_requested_at: str | None = None
    attendance_sent_at: str | None = None
    attendance_sent_by: str | None = None
    poll_token_hash: str | None = None
    started_by: str | None = None
    escalation_paged: int | None = None


class TransitionRefused(Exception):  # noqa: N818 - a refusal, not a fault
    """A conditional write did not match; ``current`` is the item as it was (None if absent)."""

    def __init__(self, current: SessionRecord | None) -> None:
        super().__init__("the session was not in the expected state")
        self.current = current


class CodeTaken(Exception):  # noqa: N818 - a refusal, not a fault
    """Another session holds that public code; draw another."""


class OutcomeUnknown(Exception):  # noqa: N818 - a state of knowledge, not a fault
    """A write was sent but no answer came back (every try timed out or lost its connection):
    it may have landed. The caller reads it back before it decides anything."""


class SessionStore(Protocol):
    """The sessions table. Every state change is one conditional write."""

    def create(self, record: SessionRecord, *, officer_revision: int | None) -> None:
        """Write a new session; with ``officer_revision``, only if the register entry is unchanged.

        Raises ``FileExistsError`` if the id exists, ``TransitionRefused(None)`` if the register
        entry changed since it was read (the caller re-reads and retries), and
        :class:`OutcomeUnknown` if no answer came back.
        """
        ...

    def get(self, session_id: str) -> SessionRecord | None: ...

    # Each transition is written only if the stored session passes the domain's guard
    # (functions.domain.transitions); otherwise TransitionRefused carries the session as it was.
    def claim(
        self, session_id: str, guard: Guard, sergeant_id: str, now: datetime
    ) -> SessionRecord:
        """-> ``claimed`` by ``sergeant_id``."""
        ...

    def release(self, claimed: SessionRecord, guard: Guard, now: datetime) -> None:
        """Undo ``claimed``'s claim (its attendee could not be made): back in the queue."""
        ...

    def decide(
        self, session_id: str, decision: Decision, sergeant_id: str, now: datetime
    ) -> SessionRecord:
        """-> the decision's outcome; an officer the sergeant identified on her call that named
        none is written with it (their snapshot and ``officer_id``), and so is
        ``decided_without_video`` (the decision's ``without_video``)."""
        ...

    def cancel(self, session_id: str, guard: Guard, now: datetime) -> SessionRecord:
        """-> ``cancelled`` by its officer (``guard.owner``)."""
        ...

    def escalate(self, session_id: str, guard: Guard, now: datetime) -> SessionRecord:
        """-> ``escalated`` one level above ``guard.escalation_level``."""
        ...

    def expire(self, session_id: str, guard: Guard, reason: str, now: datetime) -> SessionRecord:
        """-> ``expired``."""
        ...

    def drop(self, session_id: str, guard: Guard, reason: str, now: datetime) -> SessionRecord:
        """-> ``dropped``."""
        ...

    def by_code(self, public_code: str) -> SessionRecord | None:
        """The session whose public code this is (canonical form), if any."""
        ...

    def request_attendance(self, session_id: str, now: datetime) -> tuple[SessionRecord, bool]:
        """Mark that she asked for a uniformed officer; whether this call was the first ask."""
        ...

    def mark_attendance_sent(
        self, session_id: str, by: str, now: datetime
    ) -> tuple[SessionRecord, bool]:
        """Mark that a uniformed officer was sent, once she has asked; whether this was the
        first time (a second mark keeps the first time and who).

        Raises
        ------
        TransitionRefused
            She has not asked (``current`` is the record), or there is no such session (None).
        """
        ...

    def mark_escalation_paged(self, session_id: str, level: int) -> None:
        """Remember that escalation ``level`` was paged and its next check queued."""
        ...

    def replace_poll_token(self, session_id: str, token_hash: str) -> SessionRecord:
        """Set her call's poll token hash (a retried call whose first answer was lost)."""
        ...

    def record_presence(
        self, session_id: str, meeting_id: str, user: str, presence: str, at_ms: int
    ) -> SessionRecord | None:
        """Record a join/leave/drop unless a newer one is already recorded; the new record or
        None."""
        ...

    def waiting(self, force: str, area: str | None, limit: int) -> list[SessionRecord]:
        """The force's waiting sessions, oldest first (optionally one area plus force-wide)."""
        ...

    def latest_for_officer(self, officer_id: str) -> SessionRecord | None: ...


@dataclass(frozen=True)
class Pager:
    """Where a sergeant's alerts go: an SNS protocol and endpoint (``sms``/``+4477...``)."""

    protocol: str
    endpoint: str


@dataclass(frozen=True)
class OfficerEntry:
    """An officer's register entry with its bookkeeping.

    Attributes
    ----------
    officer
        The domain value.
    revision
        Bumped by every write; the condition of the next one.
    live_sessions
        Sessions started by this officer that may still be live (their snapshots are updated
        with every register write).
    pager, subscription_arn
        A sergeant's alert endpoint and, while on duty, their SNS subscription.
    """

    officer: Officer
    revision: int = 0
    live_sessions: frozenset[str] = field(default_factory=frozenset)
    pager: Pager | None = None
    subscription_arn: str | None = None


class OfficerRegister(Protocol):
    """The officer register."""

    def get(self, officer_id: str) -> OfficerEntry | None: ...

    def by_shoulder(self, force: str, shoulder_number: str) -> OfficerEntry | None: ...

    def sergeants_on_duty(self, force: str, area: str | None = None) -> int:
        """How many sergeants of ``force`` (and ``area``, if given) are booked on duty now."""
        ...

    def save(self, entry: OfficerEntry, *, expected_revision: int | None) -> OfficerEntry:
        """Write ``entry`` if the stored revision is still ``expected_revision`` (None: new).

        Copies the officer into the snapshot of each live session in the same transaction and
        keeps the force + shoulder number unique. Raises ``Conflict`` when the revision moved or
        the shoulder number is taken.
        """
        ...


class MeetingGateway(Protocol):
    """Amazon Chime SDK Meetings."""

    def create_with_attendee(
        self, *, session_id: str, request_token: str, external_user_id: str, media_region: str
    ) -> tuple[dict[str, Any], dict[str, Any]]:
        """One ``CreateMeetingWithAttendees`` call; returns ``(Meeting, Attendee)``."""
        ...

    def add_attendee(self, meeting_id: str, external_user_id: str) -> dict[str, Any]: ...

    def delete(self, meeting_id: str) -> None:
        """Delete a meeting; one that is already gone is not an error."""
        ...


@dataclass(frozen=True)
class Alert:
    """A page to sergeants: JSON body plus the attributes subscriptions filter on."""

    type: str
    session_id: str
    force: str
    area: str
    channel: str
    rank: str | None
    shoulder_number: str | None
    reference: str
    created_at: str
    escalation_level: int = 0
    location: dict[str, Any] | None = None

    def body(self) -> dict[str, Any]:
        extra = {"location": self.location} if self.location else {}
        return {
            **extra,
            "type": self.type,
            "session_id": self.session_id,
            "force": self.force,
            "area": self.area,
            "channel": self.channel,
            "rank": self.rank,
            "shoulder_number": self.shoulder_number,
            "reference": self.reference,
            "created_at": self.created_at,
            "escalation_level": self.escalation_level,
        }


class AlertPublisher(Protocol):
    """SNS: page sergeants and manage their subscriptions."""

    def publish(self, alert: Alert) -> str: ...

    def subscribe(self, pager: Pager, *, force: str, areas: Sequence[str]) -> str: ...

    def unsubscribe(self, subscription_arn: str) -> None: ...


class TimerQueue(Protocol):
    """Delayed checks (SQS ``DelaySeconds``): one message per pending check."""

    def schedule(self, message: dict[str, Any], delay_seconds: int) -> None: ...


@dataclass(frozen=True)
class CodeLookups:
    """One client's lookups of public codes in the current fixed window.

    Attributes
    ----------
    lookups
        Codes looked up so far in the window, the one being counted included (her page
        following her stop, and every guess).
    misses
        Wrong codes so far in the window: lookups that answered ``404`` (unknown, malformed or
        expired).
    retry_after
        Seconds until the window ends (at least 1): the ``Retry-After`` of a refusal.
    """

    lookups: int
    misses: int
    retry_after: int


class RateLimiter(Protocol):
    """Per-client counters for the public routes, in fixed windows."""

    def hit(self, route: str, client: str, limit: int, window_seconds: int) -> int:
        """Count one request; return 0 if allowed, else the seconds until the window ends."""
        ...

    def count_lookup(self, client: str, window_seconds: int) -> CodeLookups:
        """Count one lookup of a public code by ``client``.

        One atomic write that also reads the window's misses, so the normal (found) path costs
        one call.

        Parameters
        ----------
        client
            Who is looking (the source IP).
        window_seconds
            Length of the fixed window the counters live in.

        Returns
        -------
        CodeLookups
            The counts after this lookup: ``lookups`` includes it, ``misses`` is as it stands.
        """
        ...

    def count_miss(self, client: str, window_seconds: int) -> CodeLookups:
        """Count one wrong code (a lookup that answered ``404``) by ``client``.

        Parameters
        ----------
        client
            Who looked (the source IP).
        window_seconds
            Length of the fixed window, the same as the lookup's.

        Returns
        -------
        CodeLookups
            The counts after this miss.
        """
        ...


class PhotoStore(Protocol):
    """The private photo bucket."""

    def put(self, officer_id: str, content: bytes, content_type: str) -> str: ...

    def url(self, key: str) -> str: ...


class Idempotency(Protocol):
    """``Idempotency-Key``: a request runs at most once per key; every retry gets its answer."""

    def run(
        self,
        key: str,
        payload: dict[str, Any],
        produce: Callable[[], dict[str, Any]],
        deadline: Deadline,
    ) -> dict[str, Any]:
        """``produce()``'s answer on the first call with ``key``; the stored answer after.

        A retry while the first call is still running waits for its answer until ``deadline``.
        A ``produce`` that raises leaves the key free, so the retry runs it again.

        Raises
        ------
        Conflict
            ``idempotency_key_reused``: the key came with another ``payload`` (compared as
            JSON); ``idempotency_in_progress``: the first call is still running at
            ``deadline``.
        Unavailable
            The store cannot be read or written.
        """
        ...
