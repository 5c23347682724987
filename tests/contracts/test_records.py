"""Her records' contract, for ``FakeRecords`` and ``DynamoRecords`` alike: one record per
session under its reference, the first key wins, the same key again returns what was kept."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from functions.adapters.records_table import DynamoRecords
from functions.domain import SessionState
from functions.domain.feedback import Feedback, FeedbackEntry, Verdict
from functions.domain.records import HerRecord, RecordDecider, RecordOfficer, key_hash
from functions.resources import AUDIT, RECORDS, Table
from functions.services.records_port import (
    FeedbackAlreadyLeft,
    KeyAlreadySet,
    RecordStore,
    StoredFeedback,
    StoredRecord,
)
from tests.unit.services.fakes import FakeRecords

ENDED = datetime(2026, 9, 1, 21, 31, 30, tzinfo=UTC)


@pytest.fixture(params=["fake", "dynamodb"])
def records(request: pytest.FixtureRequest) -> RecordStore:
    if request.param == "fake":
        return FakeRecords()
    new_table: Callable[[Table], str] = request.getfixturevalue("new_table")
    dynamodb: Any = request.getfixturevalue("dynamodb")
    return DynamoRecords(dynamodb, new_table(RECORDS), new_table(AUDIT))


def stored(session_id: str, key: str, reference: str = "SC-260901-5B8QG") -> StoredRecord:
    record = HerRecord(
        reference=reference,
        started_at=ENDED - timedelta(seconds=90),
        ended_at=ENDED,
        force="MET",
        channel="officer",
        officer=RecordOfficer(rank="PC", shoulder_number="4521", display_name="PC Amara Okafor"),
        outcome=SessionState.VERIFIED,
        decided_by=RecordDecider(rank="PS", shoulder_number="118"),
        decided_at=ENDED,
    )
    return StoredRecord(session_id, record, key_hash(key), ENDED + timedelta(days=90))


def test_a_record_is_kept_once_and_read_back_whole(records: RecordStore) -> None:
    kept = stored("a" * 32, "K" * 26)

    assert records.put_once(kept) == kept
    assert records.for_reference("SC-260901-5B8QG") == [kept]
    assert records.for_reference("SC-260901-22222") == []


def test_the_same_key_again_returns_what_was_kept_and_another_key_is_refused(
    records: RecordStore,
) -> None:
    first = stored("a" * 32, "K" * 26)
    records.put_once(first)

    later = stored("a" * 32, "K" * 26)
    assert records.put_once(later) == first
    with pytest.raises(KeyAlreadySet):
        records.put_once(stored("a" * 32, "M" * 26))
    assert records.for_reference("SC-260901-5B8QG") == [first]


def test_two_sessions_sharing_a_reference_keep_a_record_each(records: RecordStore) -> None:
    one, other = stored("a" * 32, "K" * 26), stored("b" * 32, "M" * 26)
    records.put_once(one)
    records.put_once(other)

    assert sorted(records.for_reference("SC-260901-5B8QG"), key=lambda r: r.session_id) == [
        one,
        other,
    ]


def test_a_record_with_nothing_optional_reads_back_the_same(records: RecordStore) -> None:
    bare = stored("c" * 32, "K" * 26)
    bare = StoredRecord(
        bare.session_id,
        bare.record.model_copy(
            update={
                "officer": None,
                "decided_by": None,
                "decided_at": None,
                "outcome": SessionState.CANCELLED,
            }
        ),
        bare.key_hash,
        bare.expires_at,
    )
    records.put_once(bare)
    assert records.for_reference("SC-260901-5B8QG") == [bare]


def feedback_on(
    record: StoredRecord, left_at: datetime, verdict: Verdict = Verdict.SOMETHING_WRONG
) -> FeedbackEntry:
    return FeedbackEntry(
        session_id=record.session_id,
        reference=record.record.reference,
        force=record.record.force,
        officer="PC 4521",
        feedback=Feedback(verdict=verdict, text="He would not say why.\nThen he left."),
        left_at=left_at,
    )


def test_feedback_is_kept_once_beside_its_record_and_read_with_it(records: RecordStore) -> None:
    kept = stored("a" * 32, "K" * 26)
    records.put_once(kept)
    entry = feedback_on(kept, ENDED + timedelta(minutes=5))

    assert records.leave_feedback(entry, kept.expires_at) == StoredFeedback(entry, alerted=False)
    assert records.for_reference("SC-260901-5B8QG") == [
        StoredRecord(kept.session_id, kept.record, kept.key_hash, kept.expires_at, entry)
    ]
    # Sent again later (her page retrying): what was kept, not a second entry.
    retry = feedback_on(kept, ENDED + timedelta(minutes=6))
    assert records.leave_feedback(retry, kept.expires_at) == StoredFeedback(entry, alerted=False)
    with pytest.raises(FeedbackAlreadyLeft):
        records.leave_feedback(
            feedback_on(kept, ENDED + timedelta(minutes=7), Verdict.FINE), kept.expires_at
        )
    assert records.feedback_between("MET", ENDED, ENDED + timedelta(days=1)) == [entry]


def test_the_alert_is_noted_once_sent(records: RecordStore) -> None:
    kept = stored("a" * 32, "K" * 26)
    records.put_once(kept)
    entry = feedback_on(kept, ENDED + timedelta(minutes=5))
    records.leave_feedback(entry, kept.expires_at)

    records.mark_alerted(entry, ENDED + timedelta(minutes=6))
    assert records.leave_feedback(entry, kept.expires_at) == StoredFeedback(entry, alerted=True)


def test_feedback_is_listed_by_force_and_period_oldest_first(records: RecordStore) -> None:
    first, second = stored("a" * 32, "K" * 26), stored("b" * 32, "M" * 26, "SC-260901-22222")
    for record in (first, second):
        records.put_once(record)
    late = feedback_on(second, ENDED + timedelta(hours=2))
    early = feedback_on(first, ENDED + timedelta(hours=1))
    for entry in (late, early):
        records.leave_feedback(entry, ENDED + timedelta(days=90))

    day = ENDED.replace(hour=0, minute=0, second=0)
    assert records.feedback_between("MET", day, day + timedelta(days=1)) == [early, late]
    # The end is not included; the start is.
    assert records.feedback_between("MET", day, early.left_at) == []
    assert records.feedback_between("MET", early.left_at, late.left_at) == [early]
    assert records.feedback_between("WMP", day, day + timedelta(days=1)) == []
