"""The append-only audit trail: one entry per transition, from the sessions table's stream."""

from __future__ import annotations

from typing import Any

from boto3.dynamodb.types import TypeDeserializer

from functions.domain import NotFound, Principal, Role
from functions.domain.states import OUTCOME_STATES

from .ports import AuditEntry, AuditLog

__all__ = ["AuditService", "entry_from_stream_record"]

_deserializer = TypeDeserializer()
_OUTCOMES = frozenset(state.value for state in OUTCOME_STATES)


def _image(raw: dict[str, Any] | None) -> dict[str, Any]:
    return {k: _deserializer.deserialize(v) for k, v in (raw or {}).items()}


def entry_from_stream_record(record: dict[str, Any]) -> AuditEntry | None:
    """The audit entry a stream record describes, or None if it is not a transition.

    A transition is an INSERT, or a MODIFY whose ``version`` moved (presence updates and
    snapshot refreshes do not move it). The key is the session and its new version, so a
    redelivered record maps to the same entry.
    """
    if record.get("eventName") not in ("INSERT", "MODIFY"):
        return None
    change = record.get("dynamodb") or {}
    new, old = _image(change.get("NewImage")), _image(change.get("OldImage"))
    if "state" not in new or (old and old.get("version") == new.get("version")):
        return None  # not a session (a code claim), or not a transition
    from_state = str(old["state"]) if old else None
    to_state = str(new["state"])
    # The decision's own entry says whether it was made without video; later entries (none
    # today: an outcome is final) would not repeat it.
    into_outcome = to_state in _OUTCOMES and from_state not in _OUTCOMES
    return AuditEntry(
        session_id=str(new["session_id"]),
        seq=f"{int(new['version']):06d}",
        at=str(new.get("updated_at", "")),
        force=str(new.get("force", "")),
        from_state=from_state,
        to_state=to_state,
        actor=str(new.get("changed_by") or "system"),
        reason=str(new["change_reason"]) if new.get("change_reason") else None,
        event_id=str(record.get("eventID", "")),
        without_video=into_outcome and new.get("decided_without_video") is True,
    )


class AuditService:
    """Writes and reads the audit trail.

    Parameters
    ----------
    log
        The audit table.
    """

    def __init__(self, *, log: AuditLog) -> None:
        self.log = log

    def record(self, stream_record: dict[str, Any]) -> bool:
        """Append the entry for one stream record (idempotent); whether anything was written."""
        entry = entry_from_stream_record(stream_record)
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
