"""The verification session: its fields, and the transitions it makes on itself.

The states and which transitions connect them are in :mod:`functions.domain.states`; what must
hold before a transition is written (who may make it, about whom) is in
:mod:`functions.domain.transitions`.

Every transition returns a *new* :class:`Session` with ``version`` incremented by one and
``updated_at = now``; ``self`` is never changed.
"""

from collections.abc import Mapping
from datetime import datetime
from enum import StrEnum
from types import MappingProxyType
from typing import Annotated, Any, Self

from pydantic import (
    AwareDatetime,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
    model_validator,
)
from pydantic_core import PydanticCustomError

from functions.domain.codes import PublicCode, Reference
from functions.domain.errors import Conflict, Forbidden, ValidationFailed
from functions.domain.fields import (
    AreaCode,
    ForceCode,
    OfficerId,
    ShortText,
    require_aware,
)
from functions.domain.model import Model
from functions.domain.officers import Officer, OfficerStatus
from functions.domain.roles import Principal, Role
from functions.domain.states import (
    ALLOWED_TRANSITIONS,
    OUTCOME_STATES,
    TERMINAL_STATES,
    WAITING_STATES,
    SessionState,
    expected_states_for,
)
from functions.domain.transitions import (
    parse_outcome,
    parse_reason,
    refuse_verified,
)

__all__ = [
    "ALLOWED_TRANSITIONS",
    "OUTCOME_STATES",
    "TERMINAL_STATES",
    "WAITING_STATES",
    "Channel",
    "Location",
    "Session",
    "SessionState",
    "authorise_attendance_sent",
    "can_view",
    "expected_states_for",
]


class Channel(StrEnum):
    """Who started the call: the officer from their app, or the member of the public herself."""

    OFFICER = "officer"
    PUBLIC = "public"


_S = SessionState

_DESCRIBE: Mapping[SessionState, str] = MappingProxyType(
    {
        _S.REQUESTED: "still waiting for a sergeant",
        _S.ESCALATED: "still waiting for a sergeant",
        _S.CLAIMED: "already claimed by a sergeant",
        _S.VERIFIED: "already verified",
        _S.NOT_VERIFIED: "already marked not verified",
        _S.CANCELLED: "already cancelled",
        _S.EXPIRED: "already expired",
        _S.DROPPED: "already ended (the call dropped)",
    }
)

NOTE_MAX_LENGTH = 500


def _number_input(value: object) -> object:
    # Lax float parsing would turn true into 1.0 and "51.5" into 51.5; a coordinate must be a
    # JSON number (or a Decimal read back from DynamoDB).
    if isinstance(value, bool | str):
        raise PydanticCustomError("number", "must be a number")
    return value


_Number = Annotated[float, BeforeValidator(_number_input)]


class Location(Model):
    """Where the stop happened, as reported by the device.

    Attributes
    ----------
    lat, lon
        WGS84 degrees.
    accuracy_m
        Reported accuracy radius in metres, if known.
    """

    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)

    lat: _Number = Field(ge=-90, le=90)
    lon: _Number = Field(ge=-180, le=180)
    accuracy_m: _Number | None = Field(default=None, ge=0, le=10_000)


_SessionId = Annotated[
    str, StringConstraints(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_-]+$")
]
_MeetingId = Annotated[str, StringConstraints(min_length=1, max_length=128)]


class Session(Model):
    """One request to confirm one officer's identity.

    Attributes
    ----------
    session_id
        Primary key (URL-safe).
    channel
        ``officer`` (officer started it) or ``public`` (she called the ops room herself).
    state
        Current :class:`SessionState`.
    force, area
        Whose queue it is in. ``area`` is ``None`` only for a public call where no area is known,
        which the alerting treats as force-wide.
    officer_id
        The officer being verified; ``None`` for a public call that names no officer.
    created_at, updated_at
        Timezone-aware; ``updated_at`` is the time of the last transition.
    public_code, reference
        Her code for ``GET /verify/{code}`` (canonical, 8 characters) and her reference.
    meeting_id
        The Chime meeting id, once created.
    location, note
        From the officer; internal only, never shown to the public.
    claimed_by, claimed_at
        The sergeant's officer id and when they claimed.
    decided_by, decided_at, outcome_reason
        Who recorded the outcome, when, and why (required for ``not_verified``).
    decided_without_video
        The sergeant decided by voice and the identity card only, because the video failed.
        Only ever true with an outcome.
    escalation_level
        How many times the request has been escalated (0 = never).
    version
        Optimistic-concurrency counter: 1 when created, +1 on every transition.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    session_id: _SessionId
    channel: Channel
    state: SessionState = SessionState.REQUESTED
    force: ForceCode
    area: AreaCode | None
    officer_id: OfficerId | None
    created_at: AwareDatetime
    updated_at: AwareDatetime
    public_code: PublicCode
    reference: Reference
    meeting_id: _MeetingId | None = None
    location: Location | None = None
    note: ShortText | None = None
    claimed_by: OfficerId | None = None
    claimed_at: AwareDatetime | None = None
    decided_by: OfficerId | None = None
    decided_at: AwareDatetime | None = None
    outcome_reason: ShortText | None = None
    decided_without_video: bool = False
    escalation_level: int = Field(default=0, ge=0)
    version: int = Field(default=1, ge=1)

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        # Reject records that no sequence of transitions could have produced, so corrupt data
        # read back from the table fails loudly instead of being shown to a sergeant.
        if self.channel is Channel.OFFICER and self.officer_id is None:
            raise ValueError("an officer session must name its officer_id")
        if (self.claimed_by is None) != (self.claimed_at is None):
            raise ValueError("claimed_by and claimed_at go together")
        if (self.decided_by is None) != (self.decided_at is None):
            raise ValueError("decided_by and decided_at go together")
        if self.state in WAITING_STATES and self.claimed_by is not None:
            raise ValueError(f"a {self.state} session cannot have been claimed")
        if self.state is _S.ESCALATED and self.escalation_level < 1:
            raise ValueError("an escalated session has escalation_level >= 1")
        if self.state in {_S.CLAIMED, _S.DROPPED, *OUTCOME_STATES} and self.claimed_by is None:
            raise ValueError(f"a {self.state} session must have been claimed")
        if (self.state in OUTCOME_STATES) != (self.decided_by is not None):
            raise ValueError("decided_by is set exactly when there is an outcome")
        if self.state is _S.NOT_VERIFIED and not self.outcome_reason:
            raise ValueError("a not_verified session needs an outcome_reason")
        if self.decided_without_video and self.state not in OUTCOME_STATES:
            raise ValueError("only an outcome can have been decided without video")
        return self

    # ----------------------------------------------------------------- queries

    @property
    def is_terminal(self) -> bool:
        """Whether no further transition is possible."""
        return self.state in TERMINAL_STATES

    @property
    def is_waiting(self) -> bool:
        """Whether the session is in the sergeants' queue (requested or escalated)."""
        return self.state in WAITING_STATES

    def waiting_seconds(self, now: datetime) -> float:
        """Seconds since the session was created (never negative, to absorb clock skew)."""
        require_aware(now)
        return max(0.0, (now - self.created_at).total_seconds())

    # ------------------------------------------------------------- transitions

    def claim(self, principal: Principal, now: datetime) -> "Session":
        """Let a sergeant take the session.

        Parameters
        ----------
        principal
            Must be a sergeant with an officer id, in the session's force, and not the officer
            the session is about.
        now
            Time of the claim (timezone-aware).

        Returns
        -------
        Session
            In state ``claimed`` with ``claimed_by``/``claimed_at`` set.

        Raises
        ------
        Forbidden
            Not a sergeant, other force, or the session is about the sergeant themselves.
        Conflict
            The session is no longer waiting (already claimed, cancelled, expired ...).
        """
        sergeant_id = self._require_sergeant(principal, "claim")
        if self.officer_id == sergeant_id:
            raise Forbidden("You cannot claim a verification about yourself.")
        if self.state is _S.CLAIMED:
            who = "You have" if self.claimed_by == sergeant_id else "Another sergeant has"
            raise Conflict(f"{who} already claimed this session.", details=self._state_detail())
        return self._move(_S.CLAIMED, now, "claim", claimed_by=sergeant_id, claimed_at=now)

    def decide(
        self,
        principal: Principal,
        outcome: SessionState | str,
        reason: str | None,
        now: datetime,
        officer: Officer | None,
        *,
        without_video: bool = False,
    ) -> "Session":
        """Record the claiming sergeant's outcome.

        Parameters
        ----------
        principal
            Must be the sergeant who claimed the session.
        outcome
            ``"verified"`` or ``"not_verified"``.
        reason
            Why; required (non-blank) for ``not_verified``, optional for ``verified``.
        now
            Time of the decision (timezone-aware).
        officer
            The register entry of the officer being verified, freshly read. Required for
            ``verified``. For a public call that named no officer (``officer_id is None``), the
            officer the sergeant identified on the call; a ``verified`` outcome then records
            their ``officer_id`` on the session.
        without_video
            The sergeant decided by voice and the identity card only, because the video failed
            (``decided_without_video``).

        Returns
        -------
        Session
            In the outcome state with ``decided_by``, ``decided_at``, ``outcome_reason`` and
            ``decided_without_video`` set.

        Raises
        ------
        Forbidden
            Not a sergeant of the force, not the claiming sergeant, or deciding about themselves.
        ValidationFailed
            Unknown outcome (field ``outcome``), missing/too long reason (field ``reason``), or
            ``verified`` with no officer (field ``officer_id``).
        Conflict
            The session is not claimed (not yet, or already decided/cancelled/dropped).
        OfficerNotEligible
            ``verified`` for an officer who is suspended or no longer serving.
        ValueError
            ``officer`` is not the session's officer (a programming error in the caller).
        """
        sergeant_id = self._require_sergeant(principal, "record an outcome for")
        target = parse_outcome(outcome)
        clean_reason = parse_reason(reason, required=target is _S.NOT_VERIFIED)
        if target not in ALLOWED_TRANSITIONS[self.state]:
            raise self._conflict("record an outcome")
        if self.claimed_by != sergeant_id:
            raise Forbidden("Only the sergeant who claimed this session can record its outcome.")
        if officer is not None and self.officer_id not in (None, officer.officer_id):
            raise ValueError("officer does not match the session's officer_id")
        subject_id = self.officer_id or (officer.officer_id if officer else None)
        if subject_id == sergeant_id:
            raise Forbidden("You cannot verify yourself.")
        changes: dict[str, Any] = {
            "decided_by": sergeant_id,
            "decided_at": now,
            "outcome_reason": clean_reason,
            "decided_without_video": without_video,
        }
        if target is _S.VERIFIED:
            if officer is None:
                raise ValidationFailed.for_field(
                    "officer_id", "Say which officer you are confirming."
                )
            if officer.status is not OfficerStatus.SERVING:
                raise refuse_verified(officer)
            changes["officer_id"] = officer.officer_id
        return self._move(target, now, "record an outcome", **changes)

    def cancel(self, principal: Principal, now: datetime) -> "Session":
        """Cancel at the request of the officer who started it, before an outcome.

        Raises
        ------
        Forbidden
            The caller is not the officer the session belongs to.
        Conflict
            There is already an outcome, or the session has ended.
        """
        # Officer ids are unique across forces, so owning the record is the whole test.
        if not (principal.is_officer and principal.is_officer_record(self.officer_id)):
            raise Forbidden("Only the officer who started this session can cancel it.")
        return self._move(_S.CANCELLED, now, "cancel")

    def escalate(self, now: datetime) -> "Session":
        """Escalate: nobody has claimed it yet, so re-alert wider (``escalation_level`` + 1).

        Raises
        ------
        Conflict
            The session is no longer waiting (the timer fired late).
        """
        return self._move(_S.ESCALATED, now, "escalate", escalation_level=self.escalation_level + 1)

    def expire(self, now: datetime) -> "Session":
        """Expire: nobody answered in time.

        Raises
        ------
        Conflict
            The session is no longer waiting.
        """
        return self._move(_S.EXPIRED, now, "expire")

    def drop(self, now: datetime) -> "Session":
        """Drop: the call ended after the claim but before an outcome.

        Raises
        ------
        Conflict
            The session is not claimed.
        """
        return self._move(_S.DROPPED, now, "end")

    # ---------------------------------------------------------------- helpers

    def _require_sergeant(self, principal: Principal, action: str) -> str:
        if not principal.is_sergeant or principal.officer_id is None:
            raise Forbidden(f"Only a sergeant can {action} a verification session.")
        if principal.force != self.force:
            raise Forbidden(f"You cannot {action} a session of another force.")
        return principal.officer_id

    def _state_detail(self) -> list[dict[str, str]]:
        return [{"field": "state", "message": f"the session is {self.state.value}"}]

    def _conflict(self, action: str) -> Conflict:
        return Conflict(
            f"Cannot {action}: the session is {_DESCRIBE[self.state]}.",
            details=self._state_detail(),
        )

    def _move(self, target: SessionState, now: datetime, action: str, **changes: Any) -> "Session":
        if target not in ALLOWED_TRANSITIONS[self.state]:
            raise self._conflict(action)
        require_aware(now)
        data = dict(self)
        data.update(changes)
        data.update(state=target, updated_at=now, version=self.version + 1)
        # Re-validate rather than model_copy so the invariants above hold for every new value.
        return Session.model_validate(data)


def can_view(principal: Principal, session: Session) -> bool:
    """Return whether ``principal`` may read ``session`` (``GET /sessions/{id}``).

    The officer the session is about may see it; sergeants, operators and admins may see every
    session of their own force. Nobody sees another force's sessions.
    """
    if not principal.in_force(session.force):
        return False
    if principal.is_officer and principal.is_officer_record(session.officer_id):
        return True
    return bool(principal.roles & {Role.SERGEANT, Role.OPERATOR, Role.ADMIN})


def authorise_attendance_sent(principal: Principal, session: Session) -> str:
    """Who says a uniformed officer was sent to her: a sergeant or operator of the session's
    force, never the officer the session is about (nobody decides about themselves).

    Returns
    -------
    str
        Who to record as having sent them (the officer id, or the user id of an operator with no
        officer record).

    Raises
    ------
    Forbidden
        Anyone else.
    """
    if not principal.roles & {Role.SERGEANT, Role.OPERATOR} or not principal.in_force(
        session.force
    ):
        raise Forbidden("Only the control room of the force can say a uniformed officer was sent.")
    if principal.is_officer_record(session.officer_id):
        raise Forbidden("You cannot say that help was sent to your own stop.")
    return principal.officer_id or principal.user_id
