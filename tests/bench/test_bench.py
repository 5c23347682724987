"""``make bench``: the replay is faithful, and the script runs end to end and prints its figures.

The figures themselves are not asserted (speed targets live in the benchmark, not in tests); the
end-to-end run is the smallest one (one process per cold side, two warm rounds).
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING, Any

from bench.replay import execute, instantiate, plan, stages_of
from bench.report import table
from bench.stopwatch import union
from tests.bench.running import bench_json

if TYPE_CHECKING:
    from bench.replay import Call


def call(operation: str, started: float, ended: float, **params: Any) -> Call:
    return {
        "service": "svc",
        "operation": operation,
        "method": operation.lower(),
        "thread": "main",
        "params": params,
        "started": started,
        "ended": ended,
    }


def test_calls_that_overlapped_are_one_stage() -> None:
    calls = [
        call("Publish", 5.0, 6.0),
        call("GetItem", 0.0, 1.0),
        call("CreateMeeting", 0.1, 2.0),
        call("Transact", 2.5, 3.0),
        call("Send", 5.5, 7.0),
    ]

    stages = stages_of(calls)

    assert [[c["operation"] for c in stage] for stage in stages] == [
        ["GetItem", "CreateMeeting"],
        ["Transact"],
        ["Publish", "Send"],
    ]


def test_overlapping_intervals_count_once() -> None:
    assert union([(0.0, 2.0), (1.0, 3.0), (5.0, 6.0), (5.5, 5.7)]) == 4.0


class FakeClient:
    """Answers like boto3 would, and remembers what it was asked."""

    def __init__(self) -> None:
        self.asked: list[tuple[str, dict[str, Any]]] = []

    def create(self, **params: Any) -> dict[str, Any]:
        self.asked.append(("create", params))
        return {"Meeting": {"MeetingId": "new-meeting"}}

    def read(self, **params: Any) -> dict[str, Any]:
        self.asked.append(("read", params))
        return {"Item": {"revision": {"N": "8"}}}

    def write(self, **params: Any) -> dict[str, Any]:
        self.asked.append(("write", params))
        return {}


def test_a_replay_gets_fresh_ids_and_carries_over_what_it_read() -> None:
    recorded = plan(
        [
            call("Create", 0.0, 1.0, Token="old-session"),
            {**call("Read", 0.0, 1.0, Key="officer"), "thread": "pool"},
            call(
                "Write",
                2.0,
                3.0,
                Item={"id": "old-session", "meeting": "old-meeting", "url": "x/old-meeting/y"},
                Values={":rev": {"N": "7"}, ":one": {"N": "7"}},
            ),
        ],
        [
            {
                "operation": "Create",
                "path": ["Meeting", "MeetingId"],
                "token": "old-meeting",
                "suffix": None,
            },
            {
                "operation": "Read",
                "path": ["Item", "revision", "N"],
                "token": "7",
                "suffix": [":rev", "N"],
            },
        ],
    )
    client = FakeClient()

    with ThreadPoolExecutor(max_workers=2) as pool:
        captured = execute(
            instantiate(recorded, {"old-session": "new-session"}), {"svc": client}, pool
        )

    assert captured == {"old-meeting": "new-meeting", "7": "8"}
    asked = dict(client.asked)
    assert asked["create"] == {"Token": "new-session"}
    assert asked["write"] == {
        "Item": {"id": "new-session", "meeting": "new-meeting", "url": "x/new-meeting/y"},
        "Values": {":rev": {"N": "8"}, ":one": {"N": "7"}},  # only the revision was read
    }
    assert recorded["stages"][1][0]["params"]["Item"]["id"] == "old-session"  # plan reusable


SMALLEST = ("--runs", "1", "--requests", "2", "--warmup", "0", "--no-importtime", "--json")


def test_make_bench_runs_and_prints_its_figures() -> None:
    figures = bench_json("bench", *SMALLEST)
    assert sorted(figures["cold"]["recorded_calls"]) == [
        "chime-sdk-meetings:CreateMeetingWithAttendees",
        "dynamodb:GetItem",
        "dynamodb:TransactWriteItems",
        "sns:Publish",
        "sqs:SendMessage",
    ]
    # Three round trips: the meeting, the first check and the register read side by side.
    first, *then = figures["cold"]["calls"].split(" → ")
    assert set(first.split(" ‖ ")) == {"GetItem", "CreateMeetingWithAttendees", "SendMessage"}
    assert then == ["TransactWriteItems", "Publish"]
    assert figures["cold"]["app"]["total_ms"] > figures["cold"]["app"]["import_ms"] > 0
    assert figures["cold"]["minimum"]["total_ms"] > 0
    assert set(figures["warm"]["routes"]) == {
        "POST /sessions",
        "GET /sessions/{id}",
        "POST /sessions/{id}/claim",
    }
    assert figures["warm"]["routes"]["POST /sessions/{id}/claim"]["calls"] == (
        "UpdateItem → CreateAttendee"  # presigning the photo URL is not a call
    )
    for route in figures["warm"]["routes"].values():
        # Answered at once from a recording, a request takes its own code's time only: well
        # under a request that waits for moto's answers.
        assert 0 < route["own_at_once_median_ms"] < route["app_median_ms"]
    after_wait = figures["warm"]["after_wait"]
    assert after_wait["wait_ms"] == 10
    assert after_wait["back_to_back_us"] > 0 and after_wait["after_wait_us"] > 0
    printed = table(figures)
    assert "COLD START" in printed
    assert "WARM REQUESTS" in printed
    assert "ratio app / minimum" in printed
    assert "answered at once" in printed
