"""Request and response models of the HTTP API (pydantic v2; unknown request fields rejected)."""

from __future__ import annotations

from typing import Any

from pydantic import ConfigDict, Field, StrictBool

from functions.domain import (
    AreaCode,
    ForceCode,
    IdentityCard,
    Location,
    OfficerId,
    OfficerStatus,
    Rank,
    ShoulderNumber,
    format_public_code,
)
from functions.domain.fields import PersonName
from functions.domain.model import Model
from functions.domain.states import Outcome, SessionState
from functions.services.officers import PAGER_PROTOCOLS
from functions.services.ports import OfficerEntry, SessionRecord

__all__ = [
    "ADVICE",
    "AuditTrail",
    "AuditView",
    "CallStarted",
    "ClaimResponse",
    "Decision",
    "DutyRequest",
    "DutyView",
    "ErrorDetail",
    "ErrorInfo",
    "ErrorResponse",
    "ImportCounts",
    "LiveSession",
    "LookupQuery",
    "LookupView",
    "OfficerRequest",
    "OfficerView",
    "OutcomeRequest",
    "PagerRequest",
    "PagerView",
    "PublicOfficer",
    "PublicView",
    "QueueItem",
    "QueueQuery",
    "QueueView",
    "SessionView",
    "StartRequest",
    "StartedSession",
    "officer_view",
    "session_view",
]


class _Request(Model):
    model_config = ConfigDict(extra="forbid", frozen=True)


class _Response(Model):
    # Every field is always in the JSON (``model_dump`` writes defaults too), so the schema
    # says so: docs/openapi.json marks them required and Schemathesis checks that they are.
    model_config = ConfigDict(json_schema_serialization_defaults_required=True)


class StartRequest(_Request):
    """``POST /sessions``."""

    location: Location | None = None
    note: str | None = Field(default=None, max_length=500)


class OutcomeRequest(_Request):
    """``POST /sessions/{id}/outcome``.

    ``shoulder_number`` only on her own call that names no serving officer: the officer the
    sergeant identified (required there for ``verified``). ``without_video``: the sergeant
    decided by voice and the identity card only, because the video failed (the session and its
    audit trail record it).
    """

    outcome: Outcome
    reason: str | None = Field(default=None, max_length=500)
    shoulder_number: str | None = Field(default=None, min_length=1, max_length=10)
    without_video: StrictBool = Field(
        default=False,
        description="The sergeant decided by voice and the identity card only, because the "
        "video failed.",
    )


class DutyRequest(_Request):
    """``PUT /me/duty``."""

    on_duty: StrictBool


class PagerRequest(_Request):
    """Where a sergeant's alerts go: an SNS protocol and endpoint."""

    protocol: str = Field(pattern=f"^({'|'.join(sorted(PAGER_PROTOCOLS))})$")
    endpoint: str = Field(min_length=1, max_length=2048)


class OfficerRequest(_Request):
    """``PUT /officers/{id}``: the register entry (duty and photo are kept, not sent).

    The use case validates the body (after checking the caller is an admin) with the domain's
    own field types, which these are; ``rank`` may be written as people write it (``"pc"``,
    ``"Detective Sergeant"``) and ``status`` in any case. ``officer_id``, if sent, must be the
    one in the path.
    """

    officer_id: OfficerId | None = None
    force: ForceCode
    shoulder_number: ShoulderNumber
    given_name: PersonName
    family_name: PersonName
    rank: Rank
    area: AreaCode
    status: OfficerStatus
    is_sergeant: bool
    pager: PagerRequest | None = None


class QueueQuery(_Request):
    """``GET /queue``'s query: with ``area``, that area's sessions plus force-wide ones."""

    area: str | None = Field(default=None, min_length=1, max_length=64)


class LookupQuery(_Request):
    """``GET /officers/lookup``'s query: the force and the shoulder number of the officer."""

    force: str = Field(min_length=1, max_length=16)
    shoulder: str = Field(min_length=1, max_length=16)


class SessionView(_Response):
    """A session as police users see it (never shown to the public)."""

    session_id: str
    state: str
    channel: str
    force: str
    area: str | None
    officer_id: str | None
    public_code: str
    reference: str
    created_at: str
    updated_at: str
    escalation_level: int
    claimed_by: str | None = None
    claimed_at: str | None = None
    decided_by: str | None = None
    decided_at: str | None = None
    outcome_reason: str | None = None
    decided_without_video: bool = Field(
        default=False,
        description="The outcome was decided by voice and the identity card only, because the "
        "video failed (false until there is an outcome).",
    )
    location: Location | None = None
    note: str | None = None
    meeting: dict[str, Any] | None = None
    advice: str | None = None
    attendance_requested_at: str | None = Field(
        default=None, description="When she asked for a uniformed officer to come."
    )
    attendance_sent_at: str | None = Field(
        default=None, description="When the control room said a uniformed officer was sent."
    )


ADVICE: dict[SessionState, str] = {
    SessionState.EXPIRED: "Nobody in the control room answered. Call 999 now and ask the "
    "control room to confirm the officer.",
    SessionState.DROPPED: "The call ended before the sergeant decided. Call 999 and ask the "
    "control room to confirm the officer.",
}
"""What the officer's app says, in plain words, when the system could not finish the job."""


class AuditView(_Response):
    """One entry of ``GET /sessions/{id}/audit``."""

    seq: str
    at: str
    from_state: str | None
    to_state: str
    actor: str
    reason: str | None
    without_video: bool = Field(
        default=False,
        description="On the transition into an outcome: the sergeant decided by voice and the "
        "identity card only, because the video failed. False on every other entry.",
    )


def session_view(record: SessionRecord) -> dict[str, Any]:
    """The JSON body for one session record.

    Built with ``model_construct``: every value comes from the domain's validated session, so
    validating it again only cost time on every read of a session (about 0.05 ms of a warm
    ``GET /sessions/{id}``, issue 17). The model still gives the body's shape and its OpenAPI
    schema, and the fuzz tests (tests/fuzz) check every body they get against that schema.
    """
    s = record.session
    return SessionView.model_construct(
        session_id=s.session_id,
        state=s.state.value,
        channel=s.channel.value,
        force=s.force,
        area=s.area,
        officer_id=s.officer_id,
        public_code=format_public_code(s.public_code),
        reference=s.reference,
        created_at=s.created_at.isoformat(),
        updated_at=s.updated_at.isoformat(),
        escalation_level=s.escalation_level,
        claimed_by=s.claimed_by,
        claimed_at=s.claimed_at.isoformat() if s.claimed_at else None,
        decided_by=s.decided_by,
        decided_at=s.decided_at.isoformat() if s.decided_at else None,
        outcome_reason=s.outcome_reason,
        decided_without_video=s.decided_without_video,
        location=s.location,
        note=s.note,
        meeting=record.meeting,
        advice=ADVICE.get(s.state),
        attendance_requested_at=record.attendance_requested_at,
        attendance_sent_at=record.attendance_sent_at,
    ).model_dump(mode="json")


class QueueItem(_Response):
    """One waiting session in ``GET /queue``."""

    session_id: str
    state: str
    channel: str
    force: str
    area: str | None
    rank: str | None
    shoulder_number: str | None
    display_name: str | None
    created_at: str
    waiting_seconds: int
    escalation_level: int


class NamedOfficer(_Response):
    """On her own call: the shoulder number she gave and whether such an officer serves."""

    shoulder_number: str | None
    found: bool
    message: str


class ClaimResponse(_Response):
    """``POST /sessions/{id}/claim``.

    ``named_officer`` is set on her own calls (``channel: public``) only.
    """

    session_id: str
    state: str
    channel: str
    meeting: dict[str, Any] | None
    attendee: dict[str, Any]
    officer: IdentityCard | None
    named_officer: NamedOfficer | None = None


class StartedSession(SessionView):
    """``POST /sessions``: the new session with the officer's own Chime attendee."""

    attendee: dict[str, Any]


class AuditTrail(_Response):
    """``GET /sessions/{id}/audit``: every transition, oldest first."""

    session_id: str
    entries: list[AuditView]


class QueueView(_Response):
    """``GET /queue``: the waiting sessions, oldest first."""

    sessions: list[QueueItem]


class DutyView(_Response):
    """``PUT /me/duty``."""

    on_duty: bool
    alerts_subscribed: bool


class LiveSession(_Response):
    """The looked-up officer's live session (shown to the caller's own force only)."""

    session_id: str
    state: str
    created_at: str
    claimed_by: str | None


class LookupView(_Response):
    """``GET /officers/lookup``: the identity card and any live session."""

    officer: IdentityCard
    live_session: LiveSession | None


class PagerView(_Response):
    """Where a sergeant's alerts go."""

    protocol: str
    endpoint: str


class OfficerView(_Response):
    """An officer's register entry as admins see it (``PUT /officers/{id}``, its photo)."""

    officer_id: str
    force: str
    shoulder_number: str
    given_name: str
    family_name: str
    rank: Rank
    area: str
    status: OfficerStatus
    is_sergeant: bool
    on_duty: bool
    display_name: str
    has_photo: bool
    pager: PagerView | None
    alerts_subscribed: bool


def officer_view(entry: OfficerEntry) -> dict[str, Any]:
    """The JSON body for one register entry (the photo key stays inside)."""
    officer = entry.officer
    return OfficerView(
        **officer.model_dump(exclude={"photo_key"}),
        display_name=officer.display_name,
        has_photo=officer.photo_key is not None,
        pager=PagerView(protocol=entry.pager.protocol, endpoint=entry.pager.endpoint)
        if entry.pager
        else None,
        alerts_subscribed=entry.subscription_arn is not None,
    ).model_dump(mode="json")


class ImportCounts(_Response):
    """``POST /officers/import``."""

    created: int
    updated: int


class PublicOfficer(_Response):
    """The officer on her view: what she can check against the person in front of her."""

    display_name: str
    rank: str
    shoulder_number: str
    force: str
    photo_url: str | None


class DecidedBy(_Response):
    """The sergeant who decided, by rank and shoulder number only."""

    rank: str | None
    shoulder_number: str | None


class Decision(_Response):
    """The control room's decision, once there is one."""

    outcome: Outcome
    decided_at: str | None
    decided_by: DecidedBy


class PublicView(_Response):
    """Her view (``GET /verify/{code}``, her call, attendance): exactly these keys, always."""

    state: str
    reference: str
    message: str
    officer: PublicOfficer | None
    decision: Decision | None
    attendance_requested_at: str | None
    attendance_sent_at: str | None
    updated_at: str


class CallStarted(_Response):
    """``POST /public/calls``: her Chime meeting and attendee, and the token to follow it."""

    call_id: str
    reference: str
    poll_token: str
    state: str
    meeting: dict[str, Any] | None
    attendee: dict[str, Any]


class ErrorDetail(Model):
    """One problem: the field (dotted, ``None`` for the whole body) and, for CSV, the row.

    Not a ``_Response``: ``row`` is only there on CSV imports, so it is not required.
    """

    field: str | None
    message: str
    row: int | None = None


class ErrorInfo(_Response):
    """What went wrong: a stable ``code``, a sentence for a person, and the details."""

    code: str
    message: str
    details: list[ErrorDetail]


class ErrorResponse(_Response):
    """The error envelope every 4xx and 5xx answer has."""

    error: ErrorInfo
