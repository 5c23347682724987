"""What must hold for each transition: decided here, before the write; enforced by the write.

A transition is decided in two halves, both by the domain:

1. **Before the write**, from who is asking and what they ask (``authorise_*``): the role, the
   outcome and its reason, and "nobody decides about themselves", including the officer a
   sergeant identifies on her call. These raise the precise refusal at once.
2. **In the write**, about the stored session (a :class:`Guard`): the states the transition may
   start from (:data:`~functions.domain.states.MOVES`), the force, who claimed it, whose it is,
   whether the officer is serving. The adapter turns the guard into one conditional write, so
   no read is needed first; an in-memory store evaluates the very same guard with
   :meth:`Guard.admits`. When the write is refused, the stored session explains why
   (:class:`~functions.domain.sessions.Session` ``.claim``, ``.decide``, ``.cancel``).
"""

from __future__ import annotations

from dataclasses import dataclass

from functions.domain.errors import Forbidden, OfficerNotEligible, ValidationFailed
from functions.domain.officers import Officer, OfficerStatus
from functions.domain.roles import Principal
from functions.domain.states import MOVES, OUTCOME_STATES, SessionState, Transition

__all__ = [
    "REASON_MAX_LENGTH",
    "Decision",
    "Guard",
    "authorise_cancel",
    "authorise_claim",
    "authorise_decision",
    "parse_outcome",
    "parse_reason",
    "refuse_verified",
]

REASON_MAX_LENGTH = 500


@dataclass(frozen=True)
class Guard:
    """What the stored session must be for a transition's write to apply.

    Attributes
    ----------
    transition
        Which transition; its ``sources`` are the states the session must be in.
    force
        The session's force must be this.
    not_about
        The session must not be about this officer (no ``officer_id``, or another one).
    owner
        The session's ``officer_id`` must be this.
    claimed_by
        The session must have been claimed by this sergeant.
    serving
        The session's officer snapshot must say ``serving``.
    unnamed
        The session must have no officer yet (her call named nobody who serves).
    escalation_level, version
        The session must be at this escalation level / version.
    """

    transition: Transition
    force: str | None = None
    not_about: str | None = None
    owner: str | None = None
    claimed_by: str | None = None
    serving: bool = False
    unnamed: bool = False
    escalation_level: int | None = None
    version: int | None = None

    @property
    def sources(self) -> frozenset[SessionState]:
        """The states the transition may start from."""
        return MOVES[self.transition].sources

    def admits(
        self,
        *,
        state: SessionState,
        force: str,
        officer_id: str | None,
        claimed_by: str | None,
        officer: Officer | None,
        escalation_level: int,
        version: int,
    ) -> bool:
        """Whether a stored session with these values passes (what the conditional write asks)."""
        return (
            state in self.sources
            and (self.force is None or force == self.force)
            and (self.not_about is None or officer_id != self.not_about)
            and (self.owner is None or officer_id == self.owner)
            and (self.claimed_by is None or claimed_by == self.claimed_by)
            and (not self.serving or (officer is not None and officer.is_serving))
            and (not self.unnamed or officer is None)
            and (self.escalation_level is None or escalation_level == self.escalation_level)
            and (self.version is None or version == self.version)
        )


@dataclass(frozen=True)
class Decision:
    """A sergeant's outcome, checked before it is written.

    Attributes
    ----------
    outcome
        ``verified`` or ``not_verified``.
    reason
        Stripped; ``None`` when blank.
    identified
        On her call that named nobody: the officer the sergeant identified.
    guard
        What the stored session must be for the decision to be written.
    without_video
        The sergeant decided by voice and the identity card only, because the video failed;
        the session and its audit entry record it.
    """

    outcome: SessionState
    reason: str | None
    identified: Officer | None
    guard: Guard
    without_video: bool = False


def authorise_claim(principal: Principal) -> Guard:
    """A sergeant's claim: the guard of the write, or the refusal.

    Raises
    ------
    Forbidden
        Not a sergeant with an officer record.
    """
    sergeant_id = _sergeant(principal, "claim")
    return Guard(Transition.CLAIM, force=principal.force, not_about=sergeant_id)


def authorise_decision(
    principal: Principal,
    outcome: str,
    reason: str | None,
    identified: Officer | None,
    *,
    without_video: bool = False,
) -> Decision:
    """A sergeant's outcome, with the officer they identified on her call (if any).

    ``without_video``: the sergeant decided by voice and the identity card only, because the
    video failed (either outcome may be so decided).

    Raises
    ------
    Forbidden
        Not a sergeant, or the officer identified is the sergeant themselves.
    ValidationFailed
        Unknown ``outcome``, a missing or too long ``reason``.
    OfficerNotEligible
        ``verified`` for an identified officer who is suspended or no longer serving.
    """
    sergeant_id = _sergeant(principal, "record an outcome for")
    target = parse_outcome(outcome)
    clean = parse_reason(reason, required=target is SessionState.NOT_VERIFIED)
    if identified is not None:
        if identified.officer_id == sergeant_id:
            raise Forbidden("You cannot verify yourself: another sergeant must take this call.")
        if target is SessionState.VERIFIED and not identified.is_serving:
            raise refuse_verified(identified)
    checks = Guard(
        Transition.DECIDE,
        force=principal.force,
        claimed_by=sergeant_id,
        not_about=sergeant_id,
        serving=target is SessionState.VERIFIED and identified is None,
        unnamed=identified is not None,
    )
    return Decision(
        outcome=target,
        reason=clean,
        identified=identified,
        guard=checks,
        without_video=without_video,
    )


def authorise_cancel(principal: Principal) -> Guard:
    """The officer's cancel of their own session.

    Raises
    ------
    Forbidden
        Not an officer with an officer record.
    """
    if not principal.is_officer or principal.officer_id is None:
        raise Forbidden("Only the officer who started a verification can cancel it.")
    return Guard(Transition.CANCEL, owner=principal.officer_id)


def parse_outcome(outcome: SessionState | str) -> SessionState:
    """``verified`` or ``not_verified`` (any case), or a refusal naming the ``outcome`` field."""
    value = outcome.strip().lower() if isinstance(outcome, str) else outcome
    if value not in {s.value for s in OUTCOME_STATES}:
        raise ValidationFailed.for_field("outcome", "The outcome must be verified or not_verified.")
    return SessionState(value)


def parse_reason(reason: str | None, *, required: bool) -> str | None:
    """The stripped reason; required (non-blank) for ``not_verified``, at most 500 characters."""
    text = reason.strip() if reason is not None else ""
    if required and not text:
        raise ValidationFailed.for_field(
            "reason", "Give a reason when the officer is not verified."
        )
    if len(text) > REASON_MAX_LENGTH:
        raise ValidationFailed.for_field("reason", "The reason must be at most 500 characters.")
    return text or None


def refuse_verified(officer: Officer) -> OfficerNotEligible:
    """The refusal of ``verified`` for an officer who is not serving."""
    if officer.status is OfficerStatus.SUSPENDED:
        return OfficerNotEligible(
            "This officer is suspended and cannot be verified. Record not_verified instead.",
            code="officer_suspended",
        )
    return OfficerNotEligible(
        "This person is no longer a serving officer and cannot be verified. "
        "Record not_verified instead.",
        code="officer_not_serving",
    )


def _sergeant(principal: Principal, action: str) -> str:
    if not principal.is_sergeant or principal.officer_id is None:
        raise Forbidden(f"Only a sergeant can {action} a verification session.")
    return principal.officer_id
