"""The audit entry a sessions-stream record describes: decided without video, and nothing else.

The stream's images are DynamoDB attribute values, built here with boto3's own serializer from
the items the sessions table holds.
"""

from __future__ import annotations

from typing import Any

import pytest
from boto3.dynamodb.types import TypeSerializer

from functions.events.records import entry_from_stream_record

_serializer = TypeSerializer()


def image(**item: Any) -> dict[str, Any]:
    base = {"session_id": "s-1", "force": "MET", "updated_at": "2026-11-23T09:01:30Z"}
    return {k: _serializer.serialize(v) for k, v in (base | item).items()}


def modify(old: dict[str, Any], new: dict[str, Any]) -> dict[str, Any]:
    return {
        "eventID": "event-3",
        "eventName": "MODIFY",
        "dynamodb": {"OldImage": image(**old), "NewImage": image(**new)},
    }


CLAIMED = {"state": "claimed", "version": 2, "decided_without_video": False}


@pytest.mark.parametrize("outcome", ["verified", "not_verified"])
def test_the_entry_of_an_outcome_decided_without_video_says_so(outcome: str) -> None:
    decided = {
        "state": outcome,
        "version": 3,
        "decided_without_video": True,
        "changed_by": "met-0118",
        "change_reason": "video failed; voice and card match",
    }

    entry = entry_from_stream_record(modify(CLAIMED, decided))

    assert entry is not None
    assert (entry.from_state, entry.to_state, entry.actor) == ("claimed", outcome, "met-0118")
    assert entry.without_video is True


def test_an_outcome_decided_with_video_is_not_marked() -> None:
    decided = {"state": "verified", "version": 3, "decided_without_video": False}

    entry = entry_from_stream_record(modify(CLAIMED, decided))

    assert entry is not None and entry.without_video is False


def test_an_item_written_before_the_field_existed_was_decided_with_video() -> None:
    entry = entry_from_stream_record(
        modify({"state": "claimed", "version": 2}, {"state": "verified", "version": 3})
    )

    assert entry is not None and entry.without_video is False


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ({"state": "requested", "version": 1}, {"state": "claimed", "version": 2}),
        ({"state": "claimed", "version": 2}, {"state": "dropped", "version": 3}),
        ({"state": "claimed", "version": 2}, {"state": "cancelled", "version": 3}),
        # A later transition of a decided session (none exists today) would not repeat it.
        ({"state": "verified", "version": 3}, {"state": "verified", "version": 4}),
    ],
)
def test_no_other_transition_is_marked_whatever_the_item_says(
    old: dict[str, Any], new: dict[str, Any]
) -> None:
    entry = entry_from_stream_record(
        modify(old | {"decided_without_video": True}, new | {"decided_without_video": True})
    )

    assert entry is not None and entry.without_video is False


def test_a_string_is_not_taken_for_true() -> None:
    decided = {"state": "verified", "version": 3, "decided_without_video": "true"}

    entry = entry_from_stream_record(modify(CLAIMED, decided))

    assert entry is not None and entry.without_video is False
