"""Her records' contract, for ``FakeRecords`` and ``DynamoRecords`` alike: one record per
session under its reference, the first key wins, the same key again returns what was kept."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from functions.adapters.records_table import DynamoRecords
from functions.domain import SessionState
from functions.domain.records import HerRecord, RecordDecider, RecordOfficer, key_hash
from functions.resources import RECORDS, Table
from functions.services.records_port import KeyAlreadySet, RecordStore, StoredRecord
from tests.unit.services.fakes import FakeRecords

ENDED = datetime(2026, 9, 1, 21, 31, 30, tzinfo=UTC)


@pytest.fixture(params=["fake", "dynamodb"])
def records(request: pytest.FixtureRequest) -> RecordStore:
    if request.param == "fake":
        return FakeRecords()
    new_table: Callable[[Table], str] = request.getfixturevalue("new_table")
    dynamodb: Any = request.getfixturevalue("dynamodb")
    return DynamoRecords(dynamodb, new_table(RECORDS))


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
