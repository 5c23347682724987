"""Her record after the stop: kept once with her key when the stop has ended, read by reference.

- :meth:`RecordService.keep_by_code` / :meth:`~RecordService.keep_for_call`: her page sends
  the key it made (:mod:`functions.domain.records`) once the stop or her own call has ended.
  The code or the call's token proves she was there, as for her live view; the first key wins,
  and the same key again (a retry) gets the same answer.
- :meth:`RecordService.read`: the record for the holder of its reference and key. A wrong key,
  an unknown reference, a malformed one and one past its retention all get the same ``404``,
  and every read counts against the ``record`` limit per client.
"""

from __future__ import annotations

import hmac
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime
from typing import Any

from functions.config import Settings
from functions.domain import Conflict, NotFound, ValidationFailed, normalise_reference
from functions.domain.records import (
    RecordDecider,
    RecordOfficer,
    key_hash,
    normalise_record_key,
    record_expires_at,
    record_of,
)
from functions.domain.states import TERMINAL_STATES

from .audit_port import AuditLog
from .ports import OfficerRegister, SessionRecord
from .public import PublicService
from .records_port import KeyAlreadySet, RecordStore, StoredRecord

__all__ = ["NO_RECORD", "RecordService", "record_view"]

NO_RECORD = "No record matches that reference and key. Check both, and try again."
_KEY_FORMAT = "Send the 26-character record key your page made (letters and digits)."


class RecordService:
    """Her records.

    Parameters
    ----------
    public
        Her side's service: the code lookup and her call's token check, with their limits.
    register
        Who decided, by rank and shoulder number.
    audit
        The audit trail: whether a uniformed officer was sent after her record was kept.
    records
        Where records are kept.
    settings
        ``record_retention_days`` and the ``record`` rate limit.
    clock
        Aware UTC now (injectable for tests).
    """

    def __init__(
        self,
        *,
        public: PublicService,
        register: OfficerRegister,
        audit: AuditLog,
        records: RecordStore,
        settings: Settings,
        clock: Callable[[], datetime],
    ) -> None:
        self.public = public
        self.register = register
        self.audit = audit
        self.records = records
        self.settings = settings
        self.clock = clock

    def keep_by_code(self, code: str, key: object, client: str) -> dict[str, Any]:
        """Keep her record of the stop behind ``code`` with ``key``, once it has ended."""
        canonical = _key(key)
        return self._keep(self.public.lookup(code, client), canonical)

    def keep_for_call(self, call_id: str, token: str, key: object, client: str) -> dict[str, Any]:
        """Keep her record of her own call with ``key``, once it has ended."""
        canonical = _key(key)
        self.public.limit("call_status", client)
        return self._keep(self.public.own_call(call_id, token), canonical)

    def read(self, reference: str, key: object, client: str) -> dict[str, Any]:
        """Her record, for the holder of ``reference`` and its ``key``."""
        return record_view(self.find(reference, key, client, "record"))

    def find(self, reference: str, key: object, client: str, route: str) -> StoredRecord:
        """The record kept under ``reference`` with ``key``, counted against ``route``'s limit.

        Raises
        ------
        RateLimited
            ``client`` has used up the route's limit (checked first, whatever it asks for).
        NotFound
            The same for a wrong key, an unknown or malformed reference and an expired record.
        """
        self.public.limit(route, client)
        canonical_reference = normalise_reference(reference)
        canonical_key = normalise_record_key(key)
        if canonical_reference is None or canonical_key is None:
            raise NotFound(NO_RECORD)
        wanted, now = key_hash(canonical_key), self.clock()
        for stored in self.records.for_reference(canonical_reference):
            if hmac.compare_digest(stored.key_hash, wanted) and stored.expires_at > now:
                return self._with_sent(stored)
        raise NotFound(NO_RECORD)

    def _with_sent(self, stored: StoredRecord) -> StoredRecord:
        """The record with when a uniformed officer was sent, if that came after it was kept.

        Her record is kept once, when the stop ends; she may ask for a uniformed officer later,
        and the control room say one was sent later still. The audit trail (kept beyond the
        session) has the time; only a record that was asked for and not yet sent looks there.
        """
        record = stored.record
        if record.uniformed_officer_requested_at is None or record.uniformed_officer_sent_at:
            return stored
        sent = next(
            (e.at for e in self.audit.history(stored.session_id) if e.kind == "attendance_sent"),
            None,
        )
        if sent is None:
            return stored
        return replace(stored, record=record.model_copy(update={"uniformed_officer_sent_at": sent}))

    def _keep(self, found: SessionRecord, canonical_key: str) -> dict[str, Any]:
        session = found.session
        if session.state not in TERMINAL_STATES:
            raise Conflict(
                "Your record can be kept once the check has ended.", code="stop_not_ended"
            )
        officer = found.officer
        decider = self.register.get(session.decided_by) if session.decided_by else None
        record = record_of(
            session,
            officer=RecordOfficer(
                rank=officer.rank.value,
                shoulder_number=officer.shoulder_number,
                display_name=officer.display_name,
            )
            if officer
            else None,
            decided_by=RecordDecider(
                rank=decider.officer.rank.value if decider else None,
                shoulder_number=decider.officer.shoulder_number if decider else None,
            ),
            attendance_requested_at=found.attendance_requested_at,
            attendance_sent_at=found.attendance_sent_at,
        )
        stored = StoredRecord(
            session_id=session.session_id,
            record=record,
            key_hash=key_hash(canonical_key),
            expires_at=record_expires_at(record.ended_at, self.settings.record_retention_days),
        )
        try:
            return record_view(self.records.put_once(stored))
        except KeyAlreadySet:
            raise Conflict(
                "This record already has a key, kept from another phone. If that was not you, "
                "call 101 and give your reference.",
                code="record_key_taken",
            ) from None


def _key(key: object) -> str:
    canonical = normalise_record_key(key)
    if canonical is None:
        raise ValidationFailed.for_field("key", _KEY_FORMAT)
    return canonical


def record_view(stored: StoredRecord) -> dict[str, Any]:
    """What her record shows: the record, until when it is kept, and her feedback if any."""
    feedback = stored.feedback
    return {
        **stored.record.model_dump(mode="json"),
        "kept_until": stored.expires_at.isoformat(),
        "feedback": {**feedback.feedback.model_dump(mode="json"), "left_at": feedback.left_at}
        if feedback
        else None,
    }
