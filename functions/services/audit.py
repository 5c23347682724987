"""The append-only audit trail: one entry per transition, from the sessions table's stream.

The service sees a stream record as an :class:`ItemChange` of plain Python values; reading the
record off the stream (and its images out of DynamoDB's attribute-value JSON) is the event
handler's job (:mod:`functions.events.records`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from functions.domain import NotFound, Principal, Role
from functions.domain.states import OUTCOME_STATES

from .audit_port import AuditEntry, AuditLog

__all__ = ["AuditService", "ItemChange", "entry_from_change"]

_OUTCOMES = frozenset(state.value for state in OUTCOME_STATES)


@dataclass(frozen=True)
class ItemChange:
    """One change to an item of the sessions table, as its stream reports it.

    Attributes
    ----------
    event_id
        The stream record's ``eventID`` (the same for a redelivered record).
    event_name
        ``INSERT``, ``MODIFY`` or ``REMOVE``.
    new, old
        The item after and before the change, as Python values (numbers as ``Decimal``); empty
        when the record has no such image.
    """

    event_id: str
    event_name: str
    new: Mapping[str, Any] = field(default_factory=dict)
    old: Mapping[str, Any] = field(default_factory=dict)


def entry_from_change(change: ItemChange) -> AuditEntry | None:
    """The audit entry a change describes, or None if it is not a transition.

    A transition is an INSERT, or a MODIFY whose ``version`` moved (presence updates and
    snapshot refreshes do not move it). The key is the session and its new version, so a
    redelivered record maps to the same entry. Her request for a uniformed officer moves no
    version, so its entry (``kind`` ``"attendance"``) takes the version's seq with an ``a``
    after it, which sorts between that transition and the next; the control room's word that a
    uniformed officer was sent (``"attendance_sent"``) takes a ``b``.
    """
    if change.event_name not in ("INSERT", "MODIFY"):
        return None
    new, old = change.new, change.old
    if "state" not in new:
        return None  # not a session (a code claim)
    if old and old.get("version") == new.get("version"):
        if new.get("attendance_requested_at") and not old.get("attendance_requested_at"):
            return _entry(change, kind="attendance")
        if new.get("attendance_sent_at") and not old.get("attendance_sent_at"):
            return _entry(change, kind="attendance_sent")
        return None  # not a transition
    return _entry(change)


_SEQ_SUFFIX = {"attendance": "a", "attendance_sent": "b"}
"""Entries that move no version sort after the transition they follow: asked, then sent."""


def _entry(change: ItemChange, kind: str = "transition") -> AuditEntry:
    new, old = change.new, change.old
    attendance = kind == "attendance"
    sent = kind == "attendance_sent"
    from_state = str(old["state"]) if old else None
    to_state = str(new["state"])
    # The decision's own entry says whether it was made without video; later entries (none
    # today: an outcome is final) would not repeat it.
    into_outcome = kind == "transition" and to_state in _OUTCOMES and from_state not in _OUTCOMES
    officer = new.get("officer") or {}
    return AuditEntry(
        session_id=str(new["session_id"]),
        seq=f"{int(new['version']):06d}" + _SEQ_SUFFIX.get(kind, ""),
        at=str(
            new["attendance_requested_at"]
            if attendance
            else new["attendance_sent_at"]
            if sent
            else new.get("updated_at", "")
        ),
        force=str(new.get("force", "")),
        from_state=from_state,
        to_state=to_state,
        actor="public"
        if attendance
        else str(new["attendance_sent_by"])
        if sent
        else str(new.get("changed_by") or "system"),
        reason="attendance requested"
        if attendance
        else "uniformed officer sent"
        if sent
        else (str(new["change_reason"]) if new.get("change_reason") else None),
        event_id=change.event_id,
        without_video=into_outcome and new.get("decided_without_video") is True,
        created_at=str(new.get("created_at", "")),
        channel=str(new.get("channel", "")),
        area=str(new["area"]) if new.get("area") else None,
        reference=str(new["reference"]) if new.get("reference") else None,
        escalation_level=int(new.get("escalation_level") or 0),
        officer=_rank_and_number(officer, new.get("named_shoulder_number")),
        kind=kind,
    )


def _rank_and_number(officer: Mapping[str, Any], named: object) -> str | None:
    # The register's snapshot names the officer; her own call may name only a shoulder number.
    if officer.get("shoulder_number"):
        return f"{officer.get('rank', '')} {officer['shoulder_number']}".strip()
    return str(named) if named else None


class AuditService:
    """Writes and reads the audit trail.

    Parameters
    ----------
    log
        The audit table.
    """

    def __init__(self, *, log: AuditLog) -> None:
        self.log = log

    def record(self, change: ItemChange) -> bool:
        """Append the entry for one change (idempotent); whether anything was written."""
        entry = entry_from_change(change)
        return self.log.append(entry) if entry else False

    def history(self, principal: Principal, session_id: str) -> list[AuditEntry]:
        """A session's trail for sergeants, operators and admins of its force.

        The trail outlives the session (which leaves the live table by TTL), so the force is
        read from the trail itself.
        """
        if not principal.roles & {Role.SERGEANT, Role.OPERATOR, Role.ADMIN}:
            raise NotFound("No such session.")
        entries = self.log.history(session_id)
        if not entries or entries[0].force != principal.force:
            raise NotFound("No such session.")
        return entries
