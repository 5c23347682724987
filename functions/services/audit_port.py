"""The port the audit trail is kept behind (:mod:`functions.adapters.audit_table` in AWS).

The trail is append-only: one entry per transition of a session (written from the sessions
stream), and one per export of the record of stops. The reports read it a day at a time.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

__all__ = ["AuditEntry", "AuditLog", "ExportEntry"]


@dataclass(frozen=True)
class AuditEntry:
    """One transition in the append-only audit trail (or her request for a uniformed officer).

    ``without_video`` is true only on the entry of the transition into an outcome that the
    sergeant decided by voice and the identity card alone, because the video failed.

    The fields after it describe the session the entry belongs to, as it stood, so that the
    control room's reports (:mod:`functions.services.reports`) read a day of the trail through
    one index and nothing else: ``created_at`` (when the request came, which also files the entry
    under its force's day), ``channel``, ``area``, ``reference``, ``escalation_level``, and the
    officer being verified as rank and shoulder number (``officer``, e.g. ``"PC 4127"``). An
    entry of ``kind`` ``"attendance"`` records that she asked for a uniformed officer, and one of
    ``kind`` ``"attendance_sent"`` that the control room sent one (``actor``: who said so); their
    ``from_state`` and ``to_state`` are both the session's state then.
    """

    session_id: str
    seq: str
    at: str
    force: str
    from_state: str | None
    to_state: str
    actor: str
    reason: str | None
    event_id: str
    without_video: bool = False
    created_at: str = ""
    channel: str = ""
    area: str | None = None
    reference: str | None = None
    escalation_level: int = 0
    officer: str | None = None
    kind: str = "transition"


@dataclass(frozen=True)
class ExportEntry:
    """A supervisor's export of the record of stops, itself kept in the audit trail.

    Attributes
    ----------
    export_id
        Unique per export.
    at
        When it was made (ISO 8601, UTC).
    force
        Whose stops.
    actor
        Who made it (the user id of the token).
    first_day, last_day
        The range of days exported, inclusive (ISO dates in the report's time zone).
    rows
        How many stops it held.
    """

    export_id: str
    at: str
    force: str
    actor: str
    first_day: str
    last_day: str
    rows: int


class AuditLog(Protocol):
    """The audit table: append once, read a session's history."""

    def append(self, entry: AuditEntry) -> bool:
        """Write ``entry`` unless one with its key exists; whether it was written."""
        ...

    def history(self, session_id: str) -> list[AuditEntry]: ...

    def for_day(self, force: str, day: str) -> list[AuditEntry]:
        """Every entry of the sessions ``force`` received on ``day`` (a UTC ISO date).

        One index query, so its cost follows that day's entries, never the trail's length. In
        order of ``created_at``, then session, then ``seq``.
        """
        ...

    def record_export(self, export: ExportEntry) -> None:
        """Append a supervisor's export of the record of stops."""
        ...

    def exports(self, force: str) -> list[ExportEntry]:
        """Every export of ``force``'s record of stops, oldest first."""
        ...
