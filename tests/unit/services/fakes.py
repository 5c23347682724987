"""In-memory fakes of the service ports (:mod:`functions.services.ports`).

They are fakes of the outside world, not mocks of our code: each one keeps state and refuses
exactly where the real adapter (or AWS behind it) refuses, so a service that forgets a check
still gets caught. The conditions mirror:

- ``DynamoSessionStore``: every transition is a conditional write that raises
  ``TransitionRefused(current_or_None)`` when its condition does not hold; a start claims its
  public code (``CodeTaken`` while another session's claim lives) and times are stamped in the
  adapter's format;
- ``DynamoOfficerRegister``: ``save`` bumps the revision, keeps force + shoulder number unique
  and copies the officer into the snapshot of each live session, atomically;
- Chime SDK Meetings (as the local emulator implements it): ``ClientRequestToken`` and
  ``ExternalUserId`` are idempotency keys, deleting a meeting that is gone is not an error;
- SNS and S3: publish, subscribe, unsubscribe (gone is fine), put and presign;
- ``DynamoRateLimiter``: fixed windows of the clock's time, one counter item per client and
  window (``hits`` per route; ``lookups`` and ``misses`` for codes), every count atomic.

Every fake records its calls and can be told to fail its next calls: ``fake.fail("publish")``.
"""

from __future__ import annotations

import hashlib
import json
import threading
import time
import uuid
from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import datetime
from typing import Any

from functions.adapters.sessions_table import iso
from functions.domain import Conflict, Session, SessionState
from functions.domain.feedback import FeedbackEntry
from functions.domain.states import LIVE_STATES, WAITING_STATES
from functions.domain.transitions import Decision, Guard
from functions.services.ports import (
    Alert,
    CodeLookups,
    CodeTaken,
    OfficerEntry,
    Pager,
    SessionRecord,
    TransitionRefused,
)
from functions.services.records_port import (
    FeedbackAlreadyLeft,
    KeyAlreadySet,
    StandardsAlert,
    StoredFeedback,
    StoredRecord,
)

__all__ = [
    "ChimeNotFound",
    "FakeAlerts",
    "FakeMeetings",
    "FakeOfficerRegister",
    "FakePhotos",
    "FakeRateLimiter",
    "FakeRecords",
    "FakeSessionStore",
]


_S = SessionState
WAITING = WAITING_STATES
LIVE = LIVE_STATES


class _Port:
    """Call log and fault injection shared by the fakes."""

    def __init__(self, lock: threading.RLock | None = None) -> None:
        self.lock = lock or threading.RLock()
        self.calls: list[tuple[str, tuple[Any, ...]]] = []
        self._faults: dict[str, list[BaseException]] = {}

    def fail(self, operation: str, error: BaseException | None = None, times: int = 1) -> None:
        """Make the next ``times`` calls of ``operation`` raise ``error`` without any effect."""
        for _ in range(times):
            self._faults.setdefault(operation, []).append(
                error or RuntimeError(f"{operation}: the service is unavailable")
            )

    def called(self, operation: str) -> list[tuple[Any, ...]]:
        """The arguments of every call of ``operation``, in order."""
        with self.lock:
            return [args for name, args in self.calls if name == operation]

    def _enter(self, operation: str, *args: Any) -> None:
        with self.lock:
            self.calls.append((operation, args))
            pending = self._faults.get(operation)
            if pending:
                raise pending.pop(0)


# ---------------------------------------------------------------------------- DynamoDB
class FakeOfficerRegister(_Port):
    """The officer register; shares its lock with the session store it is linked to."""

    def __init__(self) -> None:
        super().__init__()
        self.entries: dict[str, OfficerEntry] = {}
        self.sessions: FakeSessionStore | None = None

    def seed(self, entry: OfficerEntry) -> OfficerEntry:
        """Put an entry as an admin would (a new record), without logging a call."""
        return self._save(entry, expected_revision=None)

    def get(self, officer_id: str) -> OfficerEntry | None:
        self._enter("get", officer_id)
        with self.lock:
            return self.entries.get(officer_id)

    def by_shoulder(self, force: str, shoulder_number: str) -> OfficerEntry | None:
        self._enter("by_shoulder", force, shoulder_number)
        with self.lock:
            for entry in self.entries.values():
                if (entry.officer.force, entry.officer.shoulder_number) == (
                    force,
                    shoulder_number,
                ):
                    return entry
            return None

    def sergeants_on_duty(self, force: str, area: str | None = None) -> int:
        self._enter("sergeants_on_duty", force, area)
        with self.lock:
            return sum(
                1
                for entry in self.entries.values()
                if entry.officer.force == force
                and entry.officer.on_duty
                and entry.officer.is_sergeant
                and area in (None, entry.officer.area)
            )

    def save(self, entry: OfficerEntry, *, expected_revision: int | None) -> OfficerEntry:
        self._enter("save", entry.officer.officer_id, expected_revision)
        return self._save(entry, expected_revision=expected_revision)

    def _save(self, entry: OfficerEntry, *, expected_revision: int | None) -> OfficerEntry:
        officer = entry.officer
        with self.lock:
            previous = self.entries.get(officer.officer_id)
            # The real one reads the revision first: a stale write is refused as stale.
            if expected_revision is not None and (
                previous is None or previous.revision != expected_revision
            ):
                raise Conflict("The officer's record changed while it was being saved.")
            if any(
                other.officer.officer_id != officer.officer_id
                and (other.officer.force, other.officer.shoulder_number)
                == (officer.force, officer.shoulder_number)
                for other in self.entries.values()
            ):
                raise Conflict(
                    f"Shoulder number {officer.shoulder_number} already belongs to another "
                    f"officer of {officer.force}.",
                    details=[{"field": "shoulder_number", "message": "already in use"}],
                )
            if expected_revision is None and previous is not None:
                raise Conflict(f"Officer {officer.officer_id} already exists.")
            # The live sessions come from the stored entry, never from the caller's value.
            known = previous.live_sessions if previous is not None else frozenset()
            live = frozenset(s for s in known if self.sessions and self.sessions.is_live(s))
            saved = OfficerEntry(
                officer=officer,
                revision=(expected_revision or 0) + 1,
                live_sessions=live,
                pager=entry.pager,
                subscription_arn=entry.subscription_arn,
            )
            if self.sessions is not None:
                for session_id in live:
                    self.sessions.set_snapshot(session_id, officer)
            self.entries[officer.officer_id] = saved
            return saved


class FakeSessionStore(_Port):
    """The sessions table; linked to ``register`` as the real transactions link the tables."""

    def __init__(self, register: FakeOfficerRegister) -> None:
        super().__init__(register.lock)
        self.records: dict[str, SessionRecord] = {}
        self.codes: dict[str, str] = {}
        """The live claims of public codes (``code#<CODE>`` items): code -> session id."""
        self.register = register
        register.sessions = self
        self.before_create: Callable[[SessionRecord], None] | None = None
        """Runs at the start of ``create``: lets a test make the register move under it."""

    # ------------------------------------------------------------ helpers for tests and register
    def state(self, session_id: str) -> SessionState:
        return self.records[session_id].session.state

    def is_live(self, session_id: str) -> bool:
        record = self.records.get(session_id)
        return record is not None and record.session.state in LIVE

    def set_snapshot(self, session_id: str, officer: Any) -> None:
        self.records[session_id] = replace(self.records[session_id], officer=officer)

    def lapse_code(self, public_code: str) -> None:
        """Let a code's claim lapse, as TTL removes it once the retention period is over."""
        with self.lock:
            self.codes.pop(public_code, None)

    # ------------------------------------------------------------ the port
    def create(self, record: SessionRecord, *, officer_revision: int | None) -> None:
        session_id = record.session.session_id
        self._enter("create", session_id, officer_revision)
        if self.before_create is not None:
            self.before_create(record)
        with self.lock:
            if session_id in self.records:
                raise FileExistsError(session_id)
            code = record.session.public_code
            if code in self.codes:
                raise CodeTaken(code)
            officer_id = record.session.officer_id
            if officer_revision is not None and officer_id:
                # Only an officer's session joins their live sessions (her call naming nobody
                # has no register write, whatever revision comes with it).
                entry = self.register.entries.get(officer_id)
                if entry is None or entry.revision != officer_revision:
                    raise TransitionRefused(None)
                self.register.entries[officer_id] = replace(
                    entry,
                    revision=entry.revision + 1,
                    live_sessions=entry.live_sessions | {session_id},
                )
            self.codes[code] = session_id
            self.records[session_id] = record

    def get(self, session_id: str) -> SessionRecord | None:
        self._enter("get", session_id)
        with self.lock:
            return self.records.get(session_id)

    # Each transition passes exactly when the domain's guard admits the stored session, the
    # same guard the DynamoDB adapter turns into its condition (tests/contracts checks both).
    def claim(
        self, session_id: str, guard: Guard, sergeant_id: str, now: datetime
    ) -> SessionRecord:
        self._enter("claim", session_id, sergeant_id, guard.force)
        return self._update(
            session_id, guard, now, state=_S.CLAIMED, claimed_by=sergeant_id, claimed_at=now
        )

    def release(self, claimed: SessionRecord, guard: Guard, now: datetime) -> None:
        session_id = claimed.session.session_id
        self._enter("release", session_id, guard.claimed_by, guard.version)
        back = _S.ESCALATED if claimed.session.escalation_level > 0 else _S.REQUESTED
        self._update(session_id, guard, now, state=back, claimed_by=None, claimed_at=None)

    def decide(
        self, session_id: str, decision: Decision, sergeant_id: str, now: datetime
    ) -> SessionRecord:
        self._enter("decide", session_id, sergeant_id, decision.outcome, decision.reason)
        identified = decision.identified
        changes: dict[str, Any] = {
            "state": decision.outcome,
            "decided_by": sergeant_id,
            "decided_at": now,
            "decided_without_video": decision.without_video,
        }
        if decision.reason:
            changes["outcome_reason"] = decision.reason
        if identified is not None:
            changes["officer_id"] = identified.officer_id
        with self.lock:
            record = self._update(session_id, decision.guard, now, **changes)
            if identified is not None:
                record = replace(record, officer=identified)
                self.records[session_id] = record
        return record

    def by_code(self, public_code: str) -> SessionRecord | None:
        self._enter("by_code", public_code)
        with self.lock:
            found = [r for r in self.records.values() if r.session.public_code == public_code]
        return max(found, key=lambda r: r.session.created_at, default=None)

    def request_attendance(self, session_id: str, now: datetime) -> tuple[SessionRecord, bool]:
        self._enter("request_attendance", session_id)
        with self.lock:
            current = self.records.get(session_id)
            if current is None:
                raise TransitionRefused(None)
            if current.attendance_requested_at is not None:
                return current, False
            record = replace(current, attendance_requested_at=iso(now))
            self.records[session_id] = record
            return record, True

    def mark_attendance_sent(
        self, session_id: str, by: str, now: datetime
    ) -> tuple[SessionRecord, bool]:
        self._enter("mark_attendance_sent", session_id, by)
        with self.lock:
            current = self.records.get(session_id)
            if current is None:
                raise TransitionRefused(None)
            if current.attendance_requested_at is None:
                raise TransitionRefused(current)
            if current.attendance_sent_at is not None:
                return current, False
            record = replace(current, attendance_sent_at=iso(now), attendance_sent_by=by)
            self.records[session_id] = record
            return record, True

    def cancel(self, session_id: str, guard: Guard, now: datetime) -> SessionRecord:
        self._enter("cancel", session_id, guard.owner)
        return self._update(session_id, guard, now, state=_S.CANCELLED)

    def escalate(self, session_id: str, guard: Guard, now: datetime) -> SessionRecord:
        level = guard.escalation_level or 0
        self._enter("escalate", session_id, level)
        return self._update(session_id, guard, now, state=_S.ESCALATED, escalation_level=level + 1)

    def expire(self, session_id: str, guard: Guard, reason: str, now: datetime) -> SessionRecord:
        self._enter("expire", session_id, reason)
        return self._update(session_id, guard, now, state=_S.EXPIRED)

    def drop(self, session_id: str, guard: Guard, reason: str, now: datetime) -> SessionRecord:
        self._enter("drop", session_id, reason)
        return self._update(session_id, guard, now, state=_S.DROPPED)

    def mark_escalation_paged(self, session_id: str, level: int) -> None:
        self._enter("mark_escalation_paged", session_id, level)
        self._set_existing(session_id, escalation_paged=level)

    def replace_poll_token(self, session_id: str, token_hash: str) -> SessionRecord:
        self._enter("replace_poll_token", session_id)
        return self._set_existing(session_id, poll_token_hash=token_hash)

    def _set_existing(self, session_id: str, **changes: Any) -> SessionRecord:
        with self.lock:
            current = self.records.get(session_id)
            if current is None:
                raise TransitionRefused(None)  # never creates one
            record = replace(current, **changes)
            self.records[session_id] = record
            return record

    def record_presence(
        self, session_id: str, meeting_id: str, user: str, presence: str, at_ms: int
    ) -> SessionRecord | None:
        self._enter("record_presence", session_id, meeting_id, user, presence, at_ms)
        with self.lock:
            current = self.records.get(session_id)
            if current is None or current.session.meeting_id != meeting_id:
                return None
            seen = current.presence.get(user)
            if seen is not None and seen["at"] >= at_ms:
                return None  # only a strictly newer event changes anything
            record = replace(
                current, presence={**current.presence, user: {"state": presence, "at": at_ms}}
            )
            self.records[session_id] = record
            return record

    def waiting(self, force: str, area: str | None, limit: int) -> list[SessionRecord]:
        self._enter("waiting", force, area, limit)
        with self.lock:
            found = [
                r
                for r in self.records.values()
                if r.session.state in WAITING
                and r.session.force == force
                and (not area or r.session.area in (area, None))
            ]
        found.sort(key=lambda r: (r.session.created_at, r.session.session_id))
        return found[:limit]

    def latest_for_officer(self, officer_id: str) -> SessionRecord | None:
        self._enter("latest_for_officer", officer_id)
        with self.lock:
            mine = [r for r in self.records.values() if r.session.officer_id == officer_id]
        return max(mine, key=lambda r: r.session.created_at, default=None)

    def _update(
        self, session_id: str, guard: Guard, now: datetime, **changes: Any
    ) -> SessionRecord:
        with self.lock:
            current = self.records.get(session_id)
            if current is None or not _admits(guard, current):
                raise TransitionRefused(current)
            data = current.session.model_dump()
            data.update(changes, updated_at=now, version=current.session.version + 1)
            record = replace(current, session=Session.model_validate(data))
            self.records[session_id] = record
            return record


def _admits(guard: Guard, record: SessionRecord) -> bool:
    session = record.session
    return guard.admits(
        state=session.state,
        force=session.force,
        officer_id=session.officer_id,
        claimed_by=session.claimed_by,
        officer=record.officer,
        escalation_level=session.escalation_level,
        version=session.version,
    )


# ---------------------------------------------------------------------------- Chime
class ChimeNotFound(Exception):  # noqa: N818 - the AWS error's name
    """``NotFoundException``: the meeting does not exist (any more)."""


class FakeMeetings(_Port):
    """Chime SDK Meetings with the idempotency AWS gives it."""

    def __init__(self) -> None:
        super().__init__()
        self.meetings: dict[str, dict[str, Any]] = {}
        self.attendees: dict[str, dict[str, dict[str, Any]]] = {}  # meeting -> user -> attendee
        self.tokens: dict[str, str] = {}  # ClientRequestToken -> MeetingId, while it lives

    def create_with_attendee(
        self, *, session_id: str, request_token: str, external_user_id: str, media_region: str
    ) -> tuple[dict[str, Any], dict[str, Any]]:
        self._enter("create_with_attendee", session_id, request_token, external_user_id)
        with self.lock:
            meeting_id = self.tokens.get(request_token, "")
            if meeting_id in self.meetings:
                if self.meetings[meeting_id]["ExternalMeetingId"] != session_id:
                    raise RuntimeError("ConflictException: token used for a different meeting")
            else:
                meeting_id = str(uuid.uuid4())
                self.meetings[meeting_id] = {
                    "MeetingId": meeting_id,
                    "ExternalMeetingId": session_id,
                    "MediaRegion": media_region,
                    "MediaPlacement": {"AudioHostUrl": f"{meeting_id}.k.m1.ew2.app.chime.aws"},
                }
                self.attendees[meeting_id] = {}
                self.tokens[request_token] = meeting_id
            return dict(self.meetings[meeting_id]), self._attendee(meeting_id, external_user_id)

    def add_attendee(self, meeting_id: str, external_user_id: str) -> dict[str, Any]:
        self._enter("add_attendee", meeting_id, external_user_id)
        with self.lock:
            if meeting_id not in self.meetings:
                raise ChimeNotFound(meeting_id)
            return self._attendee(meeting_id, external_user_id)

    def delete(self, meeting_id: str) -> None:
        self._enter("delete", meeting_id)
        with self.lock:
            self.meetings.pop(meeting_id, None)  # already gone is fine
            self.attendees.pop(meeting_id, None)
            self.tokens = {t: m for t, m in self.tokens.items() if m != meeting_id}

    def _attendee(self, meeting_id: str, external_user_id: str) -> dict[str, Any]:
        # ExternalUserId is the idempotency key within a meeting.
        known = self.attendees[meeting_id]
        if external_user_id not in known:
            known[external_user_id] = {
                "AttendeeId": str(uuid.uuid4()),
                "ExternalUserId": external_user_id,
                "JoinToken": uuid.uuid4().hex,
            }
        return dict(known[external_user_id])


# ---------------------------------------------------------------------------- SNS and S3
class FakeAlerts(_Port):
    """The alerts topic: what was published and who is subscribed."""

    def __init__(self) -> None:
        super().__init__()
        self.published: list[Alert] = []
        self.subscriptions: dict[str, tuple[Pager, str, tuple[str, ...]]] = {}

    def publish(self, alert: Alert) -> str:
        self._enter("publish", alert.session_id)
        with self.lock:
            self.published.append(alert)
            return f"message-{len(self.published)}"

    def subscribe(self, pager: Pager, *, force: str, areas: Sequence[str]) -> str:
        self._enter("subscribe", pager, force, tuple(areas))
        with self.lock:
            # Like SNS: the same endpoint on the same topic is the same subscription.
            for arn, (existing, _, _) in self.subscriptions.items():
                if existing == pager:
                    return arn
            arn = f"arn:aws:sns:eu-west-2:000000000000:alerts:{uuid.uuid4()}"
            self.subscriptions[arn] = (pager, force, tuple(areas))
            return arn

    def unsubscribe(self, subscription_arn: str) -> None:
        self._enter("unsubscribe", subscription_arn)
        with self.lock:
            self.subscriptions.pop(subscription_arn, None)  # gone already is fine


class FakeTimers(_Port):
    """The timers queue: what was scheduled, with its delay; tests deliver them by hand.

    As ``SqsTimers`` on SQS: a message is its JSON body (a later change to the caller's dict
    changes nothing, and a value JSON cannot carry fails the call), and its delay is clamped to
    SQS's 0 to 900 seconds. :meth:`visible` is what a receive would get now by ``clock``;
    :meth:`take` delivers everything, due or not.
    """

    MAX_DELAY_SECONDS = 900  # SQS's ceiling for DelaySeconds

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        super().__init__()
        self.clock = clock
        self.scheduled: list[tuple[dict[str, Any], int]] = []
        self._visible_at: list[float] = []

    def schedule(self, message: dict[str, Any], delay_seconds: int) -> None:
        self._enter("schedule", message, delay_seconds)
        body = json.loads(json.dumps(message, separators=(",", ":")))
        delay = max(0, min(self.MAX_DELAY_SECONDS, delay_seconds))
        with self.lock:
            self.scheduled.append((body, delay))
            self._visible_at.append(self.clock() + delay)

    def visible(self) -> list[dict[str, Any]]:
        """The messages whose delay is over (copies: as a receive parses each body anew)."""
        with self.lock:
            now = self.clock()
            return [
                json.loads(json.dumps(message))
                for (message, _), at in zip(self.scheduled, self._visible_at, strict=True)
                if at <= now
            ]

    def take(self) -> list[dict[str, Any]]:
        """Everything scheduled so far (as the queue would deliver it), emptying the queue."""
        with self.lock:
            due, self.scheduled, self._visible_at = [m for m, _ in self.scheduled], [], []
            return due


class FakePhotos(_Port):
    """The photo bucket: content-addressed keys and (locally signed) URLs."""

    def __init__(self) -> None:
        super().__init__()
        self.objects: dict[str, tuple[bytes, str]] = {}

    def put(self, officer_id: str, content: bytes, content_type: str) -> str:
        self._enter("put", officer_id, content_type)
        extension = {"image/jpeg": "jpg", "image/png": "png"}[content_type]
        key = f"photos/{officer_id}/{hashlib.sha256(content).hexdigest()[:20]}.{extension}"
        with self.lock:
            self.objects[key] = (content, content_type)
        return key

    def url(self, key: str) -> str:
        self._enter("url", key)
        return f"https://photos.test/{key}?X-Amz-Expires=300"


class FakeRateLimiter(_Port):
    """The rate-limits table: counters per key ``<route>#<client>#<window_start>``.

    Parameters
    ----------
    clock
        The service's clock (the windows are fixed slices of its epoch seconds).
    """

    def __init__(self, clock: Callable[[], datetime]) -> None:
        super().__init__()
        self.clock = clock
        self.items: dict[str, dict[str, int]] = {}

    def hit(self, route: str, client: str, limit: int, window_seconds: int) -> int:
        self._enter("hit", route, client, limit, window_seconds)
        counters, retry_after = self._add(route, client, "hits", window_seconds)
        return 0 if counters["hits"] <= limit else retry_after

    def count_lookup(self, client: str, window_seconds: int) -> CodeLookups:
        self._enter("count_lookup", client, window_seconds)
        return self._lookups(*self._add("verify", client, "lookups", window_seconds))

    def count_miss(self, client: str, window_seconds: int) -> CodeLookups:
        self._enter("count_miss", client, window_seconds)
        return self._lookups(*self._add("verify", client, "misses", window_seconds))

    def _add(
        self, route: str, client: str, counter: str, window_seconds: int
    ) -> tuple[dict[str, int], int]:
        now = int(self.clock().timestamp())
        window_start = now - now % window_seconds
        with self.lock:
            counters = self.items.setdefault(f"{route}#{client}#{window_start}", {})
            counters[counter] = counters.get(counter, 0) + 1
            return dict(counters), max(1, window_start + window_seconds - now)

    @staticmethod
    def _lookups(counters: dict[str, int], retry_after: int) -> CodeLookups:
        return CodeLookups(
            lookups=counters.get("lookups", 0),
            misses=counters.get("misses", 0),
            retry_after=retry_after,
        )


# ---------------------------------------------------------------------------- her records
class FakeRecords(_Port):
    """``DynamoRecords``: one record per session, under its reference; the first key wins."""

    def __init__(self) -> None:
        super().__init__()
        self.kept: dict[tuple[str, str], StoredRecord] = {}
        self.feedback: dict[str, tuple[FeedbackEntry, bool]] = {}  # beside the record
        self.trail: list[FeedbackEntry] = []  # the audit trail's copy, kept

    def put_once(self, stored: StoredRecord) -> StoredRecord:
        self._enter("put_once", stored)
        with self.lock:
            key = (stored.record.reference, stored.session_id)
            existing = self.kept.setdefault(key, stored)
            if existing.key_hash != stored.key_hash:
                raise KeyAlreadySet(stored.session_id)
            return existing

    def for_reference(self, reference: str) -> list[StoredRecord]:
        self._enter("for_reference", reference)
        with self.lock:
            return [
                replace(kept, feedback=self.feedback.get(kept.session_id, (None,))[0])
                for (ref, _), kept in sorted(self.kept.items())
                if ref == reference
            ]

    def leave_feedback(self, entry: FeedbackEntry, expires_at: datetime) -> StoredFeedback:
        self._enter("leave_feedback", entry)
        with self.lock:
            existing, alerted = self.feedback.setdefault(entry.session_id, (entry, False))
            if not existing.same_as(entry):
                raise FeedbackAlreadyLeft(entry.session_id)
            if existing is entry:
                self.trail.append(entry)
            return StoredFeedback(entry=existing, alerted=alerted)

    def mark_alerted(self, entry: FeedbackEntry, at: datetime) -> None:
        self._enter("mark_alerted", entry)
        with self.lock:
            if entry.session_id in self.feedback:
                self.feedback[entry.session_id] = (self.feedback[entry.session_id][0], True)

    def feedback_between(self, force: str, start: datetime, end: datetime) -> list[FeedbackEntry]:
        self._enter("feedback_between", force)
        with self.lock:
            return sorted(
                (e for e in self.trail if e.force == force and start <= e.left_at < end),
                key=lambda e: (e.left_at, e.session_id),
            )


class FakeStandards(_Port):
    """``SnsStandards``: what was published, in order (``fail("publish")`` as SNS failing)."""

    def __init__(self) -> None:
        super().__init__()
        self.published: list[StandardsAlert] = []

    def publish(self, alert: StandardsAlert) -> str:
        self._enter("publish", alert)
        self.published.append(alert)
        return f"message-{len(self.published)}"
