"""Session records the contract suites start from (an officer's session, her own call)."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from typing import Any

from functions.domain import (
    Officer,
    SessionState,
    new_public_code,
    new_reference,
    open_officer_session,
    open_public_session,
)
from functions.services.ports import SessionRecord
from tests.unit.services.builders import NOW, officer_caller, sergeant_caller

_S = SessionState


def officer_record(
    officer: Officer,
    session_id: str = "s-1",
    *,
    at: datetime = NOW,
    code: str | None = None,
    **extras: Any,
) -> SessionRecord:
    """The session ``officer`` starts at ``at``, with their snapshot, as a start writes it."""
    session = open_officer_session(
        officer_caller(officer.officer_id),
        officer,
        session_id=session_id,
        now=at,
        public_code=code or new_public_code(),
        reference=new_reference(at),
        meeting_id=f"m-{session_id}",
        location={"lat": 51.5007, "lon": -0.1246, "accuracy_m": 12.5},
        note="Stopped on Whitehall",
    )
    return SessionRecord(
        session,
        officer=officer,
        meeting={"MeetingId": f"m-{session_id}", "MediaRegion": "eu-west-2"},
        caller=officer.officer_id,
        started_by=f"start-{session_id}",
        **extras,
    )


def public_record(
    session_id: str = "p-1",
    *,
    at: datetime = NOW,
    officer: Officer | None = None,
    force: str = "MET",
    code: str | None = None,
) -> SessionRecord:
    """Her own call, naming ``officer`` (their area routes it) or nobody (no area)."""
    session = open_public_session(
        session_id=session_id,
        force=force,
        now=at,
        public_code=code or new_public_code(),
        reference=new_reference(at),
        officer=officer,
        meeting_id=f"m-{session_id}",
    )
    return SessionRecord(
        session,
        officer=officer,
        meeting={"MeetingId": f"m-{session_id}"},
        caller=f"public-{session_id}",
        named_shoulder_number=officer.shoulder_number if officer else "9999ZZ",
        poll_token_hash="0" * 64,
    )


def in_state(record: SessionRecord, state: SessionState, *, at: datetime = NOW) -> SessionRecord:
    """``record`` moved to ``state`` by the domain's own transitions (an officer's session;
    the sergeant is ``SERGEANT_ID``), to be written as it is with ``create``."""
    session = record.session
    officer_id = session.officer_id or ""
    sergeant = sergeant_caller()
    if state in {_S.CLAIMED, _S.VERIFIED, _S.NOT_VERIFIED, _S.DROPPED}:
        session = session.claim(sergeant, at)
    if state is _S.ESCALATED:
        session = session.escalate(at)
    elif state is _S.VERIFIED:
        session = session.decide(sergeant, _S.VERIFIED, None, at, record.officer)
    elif state is _S.NOT_VERIFIED:
        session = session.decide(sergeant, _S.NOT_VERIFIED, "no match", at, record.officer)
    elif state is _S.DROPPED:
        session = session.drop(at)
    elif state is _S.CANCELLED:
        session = session.cancel(officer_caller(officer_id), at)
    elif state is _S.EXPIRED:
        session = session.expire(at)
    assert session.state is state
    return replace(record, session=session)
