"""Request and response models of the HTTP API (pydantic v2; unknown request fields rejected)."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StrictBool

from functions.domain import IdentityCard, Location, format_public_code
from functions.services.ports import SessionRecord

__all__ = [
    "ADVICE",
    "AuditView",
    "ClaimResponse",
    "DutyRequest",
    "OutcomeRequest",
    "QueueItem",
    "SessionView",
    "StartRequest",
    "session_view",
]


class _Request(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class StartRequest(_Request):
    """``POST /sessions``."""

    location: Location | None = None
    note: str | None = Field(default=None, max_length=500)


class OutcomeRequest(_Request):
    """``POST /sessions/{id}/outcome``.

    ``shoulder_number`` only on her own call that names no serving officer: the officer the
    sergeant identified (required there for ``verified``).
    """

    outcome: Literal["verified", "not_verified"]
    reason: str | None = Field(default=None, max_length=500)
    shoulder_number: str | None = Field(default=None, min_length=1, max_length=10)


class DutyRequest(_Request):
    """``PUT /me/duty``."""

    on_duty: StrictBool


class SessionView(BaseModel):
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
    location: Location | None = None
    note: str | None = None
    meeting: dict[str, Any] | None = None
    advice: str | None = None


ADVICE = {
    "expired": "Nobody in the control room answered. Call 999 now and ask the control room to "
    "confirm the officer.",
    "dropped": "The call ended before the sergeant decided. Call 999 and ask the control room to "
    "confirm the officer.",
}
"""What the officer's app says, in plain words, when the system could not finish the job."""


class AuditView(BaseModel):
    """One entry of ``GET /sessions/{id}/audit``."""

    seq: str
    at: str
    from_state: str | None
    to_state: str
    actor: str
    reason: str | None


def session_view(record: SessionRecord) -> dict[str, Any]:
    """The JSON body for one session record."""
    s = record.session
    return SessionView(
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
        location=s.location,
        note=s.note,
        meeting=record.meeting,
        advice=ADVICE.get(s.state.value),
    ).model_dump(mode="json")


class QueueItem(BaseModel):
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


class NamedOfficer(BaseModel):
    """On her own call: the shoulder number she gave and whether such an officer serves."""

    shoulder_number: str | None
    found: bool
    message: str


class ClaimResponse(BaseModel):
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
