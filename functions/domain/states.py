"""The session's states and transitions: the one list the rest of the code derives from.

::

                ┌──────────── cancelled (officer)
    requested ──┼─ claimed ──┬─ verified
       │        │            ├─ not_verified (with reason)
       │        │            ├─ dropped (call ended before an outcome)
       │        │            └─ cancelled (officer, before an outcome)
       │        └──────────── expired (nobody answered in time)
       └─ escalated (same transitions as requested, including escalating again)

:data:`MOVES` names every transition with the states it leaves and reaches; the product diagram
(:data:`ALLOWED_TRANSITIONS`), the groups of states and the states a conditional write must find
(:func:`expected_states_for`) are all derived from it. The DynamoDB adapter's conditions, the
in-memory fakes, the timers and the web pages' generated constants use these, never a copy.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from types import MappingProxyType

__all__ = [
    "ALLOWED_TRANSITIONS",
    "LIVE_STATES",
    "MOVES",
    "OUTCOME_STATES",
    "TERMINAL_STATES",
    "WAITING_STATES",
    "Move",
    "Outcome",
    "SessionState",
    "Transition",
    "expected_states_for",
]


class SessionState(StrEnum):
    """States of a verification session (the lower-case words of the product diagram)."""

    REQUESTED = "requested"
    ESCALATED = "escalated"
    CLAIMED = "claimed"
    VERIFIED = "verified"
    NOT_VERIFIED = "not_verified"
    CANCELLED = "cancelled"
    EXPIRED = "expired"
    DROPPED = "dropped"


class Outcome(StrEnum):
    """The outcomes a sergeant may record: the two :class:`SessionState` s of that name (a type
    for request and response models; :data:`OUTCOME_STATES` is the same pair as states)."""

    VERIFIED = SessionState.VERIFIED.value
    NOT_VERIFIED = SessionState.NOT_VERIFIED.value


class Transition(StrEnum):
    """Every write that changes a session's state."""

    CLAIM = "claim"
    RELEASE = "release"
    DECIDE = "decide"
    CANCEL = "cancel"
    ESCALATE = "escalate"
    EXPIRE = "expire"
    DROP = "drop"


@dataclass(frozen=True)
class Move:
    """A transition: the states it may start from and the states it may end in.

    Attributes
    ----------
    sources, targets
        The states.
    compensation
        Undoes another transition's write when the call that had to follow it failed; not a
        step of the product diagram.
    """

    sources: frozenset[SessionState]
    targets: frozenset[SessionState]
    compensation: bool = False


_S = SessionState

WAITING_STATES: frozenset[SessionState] = frozenset({_S.REQUESTED, _S.ESCALATED})
"""In the sergeants' queue."""

LIVE_STATES: frozenset[SessionState] = WAITING_STATES | {_S.CLAIMED}
"""Not ended: waiting, or on the call with a sergeant."""

OUTCOME_STATES: frozenset[SessionState] = frozenset({_S.VERIFIED, _S.NOT_VERIFIED})
"""The outcomes a sergeant may record."""

MOVES: Mapping[Transition, Move] = MappingProxyType(
    {
        Transition.CLAIM: Move(WAITING_STATES, frozenset({_S.CLAIMED})),
        # The sergeant could not be joined to the call: back in the queue, as it was.
        Transition.RELEASE: Move(frozenset({_S.CLAIMED}), WAITING_STATES, compensation=True),
        Transition.DECIDE: Move(frozenset({_S.CLAIMED}), OUTCOME_STATES),
        Transition.CANCEL: Move(LIVE_STATES, frozenset({_S.CANCELLED})),
        # "Same transitions as requested": escalating again, one rung wider each time.
        Transition.ESCALATE: Move(WAITING_STATES, frozenset({_S.ESCALATED})),
        Transition.EXPIRE: Move(WAITING_STATES, frozenset({_S.EXPIRED})),
        Transition.DROP: Move(frozenset({_S.CLAIMED}), frozenset({_S.DROPPED})),
    }
)
"""Every transition, by name."""

ALLOWED_TRANSITIONS: Mapping[SessionState, frozenset[SessionState]] = MappingProxyType(
    {
        state: frozenset(
            target
            for move in MOVES.values()
            if not move.compensation and state in move.sources
            for target in move.targets
        )
        for state in SessionState
    }
)
"""For each state, the states the product diagram lets a session move to next."""

TERMINAL_STATES: frozenset[SessionState] = frozenset(
    state for state, nexts in ALLOWED_TRANSITIONS.items() if not nexts
)
"""States with no way out: verified, not_verified, cancelled, expired, dropped."""

_EXPECTED: Mapping[SessionState, frozenset[SessionState]] = MappingProxyType(
    {
        target: frozenset(src for src, nexts in ALLOWED_TRANSITIONS.items() if target in nexts)
        for target in SessionState
    }
)


def expected_states_for(target: SessionState) -> frozenset[SessionState]:
    """The states from which the product diagram reaches ``target`` (empty for ``requested``,
    which is only ever created)."""
    return _EXPECTED[target]
