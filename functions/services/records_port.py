"""The port her records are kept behind (:mod:`functions.adapters.records_table` in AWS).

Her records live in a table of their own, keyed by reference and session, so that their
retention (``RECORD_RETENTION_DAYS``, 90 by default) is not the live session's (30 days), and a
reference shared by two sessions (references are short, for the phone) keeps both apart.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from functions.domain.records import HerRecord

__all__ = ["KeyAlreadySet", "RecordStore", "StoredRecord"]


@dataclass(frozen=True)
class StoredRecord:
    """One record as kept: the session it is of, the key's hash, and when it is gone."""

    session_id: str
    record: HerRecord
    key_hash: str
    expires_at: datetime


class KeyAlreadySet(Exception):  # noqa: N818 - a refusal, not a fault
    """The session's record already has a different key: it was set from another phone."""


class RecordStore(Protocol):
    """Her records, written once and read by reference."""

    def put_once(self, stored: StoredRecord) -> StoredRecord:
        """Keep ``stored`` unless its session already has a record.

        The same key again (her page retrying) returns the record kept, unchanged.

        Raises
        ------
        KeyAlreadySet
            The session's record has another key.
        """
        ...

    def for_reference(self, reference: str) -> list[StoredRecord]:
        """Every record kept under ``reference`` (one, nearly always), expired or not."""
        ...
