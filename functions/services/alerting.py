"""What a page to the control room says, and to whom (the ``area`` its filters match)."""

from __future__ import annotations

from collections.abc import Sequence

from functions.domain import Session

from .ports import Alert, SessionRecord

__all__ = ["FORCE_WIDE", "INSPECTOR", "alert_for", "pages_area"]

FORCE_WIDE = "all"
"""The ``area`` of an alert for every sergeant of the force (every sergeant's filter has it)."""

INSPECTOR = "inspector"
"""The ``area`` of an alert for the force's duty inspector (their own subscription's filter)."""


def alert_for(record: SessionRecord, alert_type: str, rung: str | None = None) -> Alert:
    """The alert for ``record``.

    Parameters
    ----------
    record
        The session (with its officer snapshot).
    alert_type
        ``verification.requested``, ``verification.escalated`` or ``verification.expired``.
    rung
        For escalations: ``area`` (the session's area again), ``force`` (everyone in the force)
        or ``inspector``. ``None`` means the session's own area.
    """
    session = record.session
    area = session.area or FORCE_WIDE
    if rung == "force":
        area = FORCE_WIDE
    elif rung == "inspector":
        area = INSPECTOR
    return Alert(
        type=alert_type,
        session_id=session.session_id,
        force=session.force,
        area=area,
        channel=session.channel.value,
        rank=record.officer.rank.value if record.officer else None,
        shoulder_number=record.officer.shoulder_number if record.officer else None,
        reference=session.reference,
        created_at=session.created_at.isoformat(),
        escalation_level=session.escalation_level,
    )


def pages_area(session: Session, area: str, ladder: Sequence[str]) -> bool:
    """Whether the sergeants of ``area`` have been paged for ``session`` so far.

    The same rule as :func:`alert_for`, read the other way: its first page goes to its area (or
    force-wide when it has none), and each escalation to the next rung of ``ladder``; once a
    ``force`` rung is reached, every sergeant of the force has been paged. The queue shows a
    sergeant exactly the requests they were paged for, whatever the ladder.
    """
    if session.area is None or session.area == area:
        return True
    return "force" in ladder[: session.escalation_level]
