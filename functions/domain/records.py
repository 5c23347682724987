"""Her record of a stop: what she may read afterwards with her reference and her record key.

The key is hers alone. Her page makes it (``crypto.getRandomValues``: 26 characters of Crockford
base32, 130 bits) and sends it once the stop has ended; only its SHA-256 is kept. Because the
page makes it, a retry over a poor connection sends the same key and gets the same answer, and no
plaintext key is ever stored or logged by the service. docs/security.md ("Her record key") gives
the threat model and its numbers.

What the record shows is an exact allow-list (:data:`RECORD_FIELDS`): no photo, no location, no
internal ids.
"""

from __future__ import annotations

import hashlib
import re
from datetime import datetime, timedelta

from .model import Model
from .sessions import Session
from .states import TERMINAL_STATES, SessionState

__all__ = [
    "RECORD_FIELDS",
    "RECORD_KEY_LENGTH",
    "HerRecord",
    "RecordOfficer",
    "key_hash",
    "normalise_record_key",
    "record_expires_at",
    "record_of",
]

RECORD_KEY_LENGTH = 26
"""Characters of a record key: 26 x 5 bits = 130 bits from her phone's CSPRNG."""

_CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
_KEY_RE = re.compile(f"[{_CROCKFORD}]{{{RECORD_KEY_LENGTH}}}")
_SEPARATORS = re.compile(r"[\s-]+")
# Crockford base32 reads the letters people confuse as the digits they look like.
_READ_AS = str.maketrans({"I": "1", "L": "1", "O": "0"})


def normalise_record_key(text: object) -> str | None:
    """A record key as typed or saved (any case, dashes and spaces anywhere), canonical.

    Returns
    -------
    str or None
        The 26 canonical characters, or ``None`` if ``text`` is not a well-formed key.
    """
    if not isinstance(text, str) or len(text) > 64:
        return None
    canonical = _SEPARATORS.sub("", text).upper().translate(_READ_AS)
    return canonical if _KEY_RE.fullmatch(canonical) else None


def key_hash(canonical_key: str) -> str:
    """What is kept of a key. A 130-bit random key needs no slow hash: nobody can search it."""
    return hashlib.sha256(canonical_key.encode("ascii")).hexdigest()


class RecordOfficer(Model):
    """The officer as her record names them."""

    rank: str
    shoulder_number: str
    display_name: str


class RecordDecider(Model):
    """Who decided, as her record names them."""

    rank: str | None = None
    shoulder_number: str | None = None


class HerRecord(Model):
    """What she may read afterwards: exactly :data:`RECORD_FIELDS`."""

    reference: str
    started_at: datetime
    ended_at: datetime
    force: str
    channel: str
    outcome: SessionState
    # Defaults because a stored item leaves out what is None (functions.adapters.dynamo).
    officer: RecordOfficer | None = None
    decided_by: RecordDecider | None = None
    decided_at: datetime | None = None
    uniformed_officer_requested_at: str | None = None
    uniformed_officer_sent_at: str | None = None


RECORD_FIELDS = frozenset(HerRecord.model_fields)
"""Everything her record shows."""


def record_expires_at(ended_at: datetime, retention_days: int) -> datetime:
    """When her record is gone from the live tables (``RECORD_RETENTION_DAYS`` after the end),
    to the whole second, as the table's TTL attribute keeps it."""
    return (ended_at + timedelta(days=retention_days)).replace(microsecond=0)


def record_of(
    session: Session,
    officer: RecordOfficer | None,
    decided_by: RecordDecider | None,
    attendance_requested_at: str | None,
    attendance_sent_at: str | None = None,
) -> HerRecord:
    """Her record of an ended session.

    Raises
    ------
    ValueError
        If the session has not ended: a record is written once, of a final state.
    """
    if session.state not in TERMINAL_STATES:
        raise ValueError(f"session {session.session_id} has not ended ({session.state})")
    decided = session.state in (SessionState.VERIFIED, SessionState.NOT_VERIFIED)
    return HerRecord(
        reference=session.reference,
        started_at=session.created_at,
        ended_at=session.decided_at or session.updated_at,
        force=session.force,
        channel=session.channel.value,
        officer=officer,
        outcome=session.state,
        decided_by=decided_by if decided else None,
        decided_at=session.decided_at if decided else None,
        uniformed_officer_requested_at=attendance_requested_at,
        uniformed_officer_sent_at=attendance_sent_at,
    )
