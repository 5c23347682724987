"""Builders for the domain unit tests: officers, principals and sessions in any state.

Sessions are always driven to a state through the public transitions, never constructed in it,
so the tests exercise the same paths production does.
"""

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from functions.domain import (
    Officer,
    Principal,
    Session,
    SessionState,
    open_officer_session,
    open_public_session,
)

NOW = datetime(2023, 11, 26, 22, 15, tzinfo=UTC)

OFFICER_ID = "met-1001"
SERGEANT_ID = "met-2001"


def _officer(**overrides: Any) -> Officer:
    data: dict[str, Any] = {
        "officer_id": OFFICER_ID,
        "force": "MET",
        "shoulder_number": "1234AB",
        "given_name": "Jane",
        "family_name": "Smith",
        "rank": "PC",
        "area": "CENTRAL",
        "status": "serving",
        "is_sergeant": False,
        "on_duty": True,
        "photo_key": "photos/met-1001.jpg",
    }
    data.update(overrides)
    return Officer.model_validate(data)


def _principal(**overrides: Any) -> Principal:
    data: dict[str, Any] = {
        "user_id": "cognito-sub-officer",
        "roles": ["officer"],
        "force": "MET",
        "area": "CENTRAL",
        "officer_id": OFFICER_ID,
    }
    data.update(overrides)
    return Principal.model_validate(data)


@pytest.fixture
def now() -> datetime:
    """A fixed, timezone-aware 'now' (the domain never reads the clock)."""
    return NOW


@pytest.fixture
def make_officer() -> Callable[..., Officer]:
    """Build a serving, on-duty MET constable with a photo; override any field."""
    return _officer


@pytest.fixture
def officer() -> Officer:
    """The officer the sessions are about."""
    return _officer()


@pytest.fixture
def officer_principal() -> Principal:
    """The officer as an authenticated caller."""
    return _principal()


@pytest.fixture
def sergeant() -> Principal:
    """A MET sergeant (also holds the officer role, as real sergeants do)."""
    return _principal(
        user_id="cognito-sub-sergeant", roles=["sergeant", "officer"], officer_id=SERGEANT_ID
    )


@pytest.fixture
def make_principal() -> Callable[..., Principal]:
    """Build a principal; defaults to the MET officer."""
    return _principal


@pytest.fixture
def new_session(officer: Officer, officer_principal: Principal) -> Session:
    """A freshly requested officer-channel session at version 1."""
    return open_officer_session(
        officer_principal,
        officer,
        session_id="sess-1",
        now=NOW,
        public_code="ABCD-EFGH",
        reference="SC-231126-7K3P9",
    )


@pytest.fixture
def new_public_session() -> Session:
    """A public-channel session in which she named no officer."""
    return open_public_session(
        session_id="sess-pub",
        force="MET",
        now=NOW,
        public_code="WXYZ2345",
        reference="SC-231126-ABCDE",
    )


@pytest.fixture
def session_in(
    new_session: Session, sergeant: Principal, officer_principal: Principal, officer: Officer
) -> Callable[[SessionState], Session]:
    """Return a function driving the standard session into the given state."""

    def drive(state: SessionState) -> Session:
        later = NOW + timedelta(seconds=30)
        match state:
            case SessionState.REQUESTED:
                return new_session
            case SessionState.ESCALATED:
                return new_session.escalate(later)
            case SessionState.CLAIMED:
                return new_session.claim(sergeant, later)
            case SessionState.VERIFIED:
                return drive(SessionState.CLAIMED).decide(
                    sergeant, "verified", None, later, officer
                )
            case SessionState.NOT_VERIFIED:
                return drive(SessionState.CLAIMED).decide(
                    sergeant, "not_verified", "face does not match photo", later, officer
                )
            case SessionState.CANCELLED:
                return new_session.cancel(officer_principal, later)
            case SessionState.EXPIRED:
                return new_session.expire(later)
            case SessionState.DROPPED:
                return drive(SessionState.CLAIMED).drop(later)
        raise AssertionError(state)  # pragma: no cover

    return drive


@pytest.fixture
def apply(
    sergeant: Principal, officer_principal: Principal, officer: Officer
) -> Callable[[Session, SessionState, datetime], Session]:
    """Return a function performing the transition to ``target`` the way its actor would."""

    def do(session: Session, target: SessionState, at: datetime) -> Session:
        match target:
            case SessionState.ESCALATED:
                return session.escalate(at)
            case SessionState.CLAIMED:
                return session.claim(sergeant, at)
            case SessionState.VERIFIED:
                return session.decide(sergeant, "verified", None, at, officer)
            case SessionState.NOT_VERIFIED:
                return session.decide(sergeant, "not_verified", "no match", at, officer)
            case SessionState.CANCELLED:
                return session.cancel(officer_principal, at)
            case SessionState.EXPIRED:
                return session.expire(at)
            case SessionState.DROPPED:
                return session.drop(at)
        raise AssertionError(target)  # pragma: no cover

    return do
