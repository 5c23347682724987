"""``python -m bench.cost`` drives one verification end to end and counts what it costs: the
recorded AWS calls are the app's real ones (a meeting, the start's transaction, the page), every
event handler ran, and each cost line is there (no figure is asserted)."""

from __future__ import annotations

from bench.costing import table
from tests.bench.running import bench_json


def test_one_verification_is_recorded_and_costed() -> None:
    figures = bench_json("bench.cost", "--json")
    recorded = figures["recorded"]
    calls = recorded["calls"]
    assert calls["chime-sdk-meetings:CreateMeetingWithAttendees"] >= 1
    assert calls["dynamodb:TransactWriteItems"] >= 1
    assert calls["sns:Publish"] >= 1
    assert calls["chime-sdk-meetings:CreateAttendee"] >= 1  # the sergeant's seat
    assert not any(op.startswith("dynamodbstreams:") for op in calls)  # Lambda's, not the app's
    for handler in ("session_stream", "timers", "meeting_events"):
        assert recorded["invocations"][handler] >= 1, recorded["invocations"]
    assert recorded["by_function"]["session_stream"]["dynamodb:PutItem"] >= 1  # the audit trail
    assert set(recorded["routes"].values()) <= {200, 201}
    assert recorded["dead_letters"] == 0

    verification = figures["verification"]
    assert verification["dynamodb_wru"] > 0 and verification["dynamodb_rru"] > 0
    assert verification["chime_attendees_joined"] == 2
    assert verification["total_usd"] > 0
    assert verification["dominant"] in verification["usd"]
    assert figures["monthly"]["total_usd"] > figures["monthly"]["fixed_usd"] > 0
    assert figures["region"] == "eu-west-2" and figures["price_source"]
    assert "one verification" in table(figures)
