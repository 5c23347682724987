"""The stream's service-level metrics: what each entry counts, and the EMF the handler prints.

:func:`~functions.events.metrics.measures` is pure and tested on entries alone. The handler is
then run on stream events as Lambda sends them, with the audit trail an in-memory fake (in this
test's thread only, as in test_batch_responses.py), and its stdout read back as EMF: each newly
written entry is counted once, by force, and a redelivered batch (its entries already written)
prints nothing. The forces are the test's own, so that EMF from the session's event pump,
should it be running, is not mistaken for this test's.
"""

from __future__ import annotations

import json
import subprocess
import sys
import threading
import warnings
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from functions.events import handlers
from functions.events.metrics import METRIC_NAMES, Measure, StreamMetrics, measures
from functions.services.audit import AuditService
from functions.services.audit_port import AuditEntry
from tests.unit.services.fake_audit import FakeAuditLog

ROOT = Path(__file__).resolve().parents[3]
STREAM_ARN = "arn:aws:dynamodb:eu-west-2:123456789012:table/sessions/stream/2026-12-03T00:00:00.000"
REQUESTED_AT = "2026-12-03T09:00:00.000000Z"

ENTRY = AuditEntry(
    session_id="s-1",
    seq="000001",
    at=REQUESTED_AT,
    force="MET",
    from_state=None,
    to_state="requested",
    actor="officer-1",
    reason=None,
    event_id="e-1",
    created_at=REQUESTED_AT,
    channel="officer",
)


def entry(from_state: str | None, to_state: str, **changes: Any) -> AuditEntry:
    return replace(ENTRY, from_state=from_state, to_state=to_state, **changes)


def counted(found: list[Measure]) -> dict[str, float]:
    return {m.name: m.value for m in found}


# -- the mapping ------------------------------------------------------------------------------


def test_the_app_does_not_import_the_metrics_and_the_mapping_needs_no_powertools() -> None:
    # aws_lambda_powertools' own __init__ imports its Metrics with its Logger, so the app has
    # that module anyway; what must stay out of the API's import is this module, and the
    # mapping must run without Powertools at all.
    code = (
        "import sys, app; assert 'functions.events.metrics' not in sys.modules; "
        "[m.pop(k) for m in [sys.modules] for k in list(m) if k.startswith('functions.events.')]; "
        "import functions.events.metrics"
    )
    subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT)
    pure = (
        "import sys, functions.events.metrics; "
        "assert not any(m.startswith('aws_lambda_powertools') for m in sys.modules)"
    )
    subprocess.run([sys.executable, "-c", pure], check=True, cwd=ROOT)


@pytest.mark.parametrize(
    ("from_state", "to_state", "changes", "expected"),
    [
        (None, "requested", {"channel": "officer"}, {"Requests": 1, "OfficerRequests": 1}),
        (None, "requested", {"channel": "public"}, {"Requests": 1, "PublicRequests": 1}),
        (None, "requested", {"channel": ""}, {"Requests": 1}),
        ("requested", "escalated", {}, {"Escalations": 1}),
        ("escalated", "escalated", {}, {"Escalations": 1}),
        ("claimed", "escalated", {}, {}),  # released back into the queue: not an escalation
        ("claimed", "requested", {}, {}),  # released back into the queue
        (
            "requested",
            "claimed",
            {"at": "2026-12-03T09:00:12.500000Z"},
            {"Answered": 1, "AnswerTime": 12.5, "AnsweredWithinTarget": 1},
        ),
        (
            "escalated",
            "claimed",
            {"at": "2026-12-03T09:00:30.000000Z"},
            {"Answered": 1, "AnswerTime": 30.0, "AnsweredWithinTarget": 1},
        ),
        (
            "escalated",
            "claimed",
            {"at": "2026-12-03T09:01:05.000000Z"},
            {"Answered": 1, "AnswerTime": 65.0},
        ),
        ("requested", "claimed", {"at": ""}, {"Answered": 1}),  # no time: counted, not timed
        ("requested", "expired", {}, {"Abandoned": 1, "Expired": 1}),
        ("escalated", "expired", {}, {"Abandoned": 1, "Expired": 1}),
        ("requested", "cancelled", {}, {"Abandoned": 1}),
        ("claimed", "cancelled", {}, {}),  # answered, then cancelled: not abandoned
        ("claimed", "verified", {}, {"Verified": 1}),
        ("claimed", "not_verified", {}, {"NotVerified": 1}),
        ("claimed", "dropped", {}, {"Dropped": 1}),
        ("claimed", "claimed", {"kind": "attendance"}, {"AttendanceRequests": 1}),
        ("requested", "requested", {"kind": "attendance"}, {"AttendanceRequests": 1}),
    ],
)
def test_each_transition_counts_its_metrics(
    from_state: str | None, to_state: str, changes: dict[str, Any], expected: dict[str, float]
) -> None:
    found = measures(entry(from_state, to_state, **changes), 30)

    assert counted(found) == expected
    assert len(found) == len(expected)
    assert {m.name for m in found} <= set(METRIC_NAMES)
    for m in found:
        assert m.unit == ("Seconds" if m.name == "AnswerTime" else "Count")


def test_an_answer_before_its_request_is_timed_as_zero() -> None:
    found = measures(entry("requested", "claimed", at="2026-12-03T08:59:59.000000Z"), 30)

    assert counted(found)["AnswerTime"] == 0.0


def test_nothing_added_flushes_nothing_and_warns_nothing(
    capsys: pytest.CaptureFixture[str],
) -> None:
    metrics = StreamMetrics(target_seconds=30)
    metrics.add(entry("claimed", "requested"))  # a release: measures nothing

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        metrics.flush()

    assert not metrics
    assert capsys.readouterr().out == ""


# -- the handler's EMF ------------------------------------------------------------------------


def image(force: str, session_id: str, state: str, version: int, updated_at: str) -> dict[str, Any]:
    return {
        "session_id": {"S": session_id},
        "force": {"S": force},
        "state": {"S": state},
        "version": {"N": str(version)},
        "channel": {"S": "public"},
        "created_at": {"S": REQUESTED_AT},
        "updated_at": {"S": updated_at},
    }


def record(sequence: str, new: dict[str, Any], old: dict[str, Any] | None = None) -> dict[str, Any]:
    stream: dict[str, Any] = {
        "Keys": {"session_id": new["session_id"]},
        "NewImage": new,
        "SequenceNumber": sequence,
        "StreamViewType": "NEW_AND_OLD_IMAGES",
    }
    if old is not None:
        stream["OldImage"] = old
    return {
        "eventID": f"event-{sequence}",
        "eventName": "MODIFY" if old is not None else "INSERT",
        "eventVersion": "1.1",
        "eventSource": "aws:dynamodb",
        "awsRegion": "eu-west-2",
        "dynamodb": stream,
        "eventSourceARN": STREAM_ARN,
    }


def emf(out: str, forces: set[str]) -> dict[str, dict[str, Any]]:
    """The EMF blobs on stdout for ``forces``, by force (one blob each)."""
    blobs: dict[str, dict[str, Any]] = {}
    for line in out.splitlines():
        try:
            blob = json.loads(line)
        except ValueError:
            continue
        if isinstance(blob, dict) and "_aws" in blob and blob.get("force") in forces:
            # Powertools writes every metric's values as a list, even one value.
            assert blob["force"] not in blobs, "one blob per force and batch"
            blobs[blob["force"]] = blob
    return blobs


@pytest.fixture
def trail(monkeypatch: pytest.MonkeyPatch) -> FakeAuditLog:
    """The handler's audit service, on an in-memory trail, in this thread only."""
    log = FakeAuditLog()
    service = AuditService(log=log)
    original = handlers.audit_service
    here = threading.get_ident()
    monkeypatch.setattr(
        handlers,
        "audit_service",
        lambda: service if threading.get_ident() == here else original(),
    )
    return log


def test_the_handler_prints_each_new_entry_s_metrics_once_as_emf(
    trail: FakeAuditLog, capsys: pytest.CaptureFixture[str]
) -> None:
    a, b = "TEST-A", "TEST-B"
    at = {n: f"2026-12-03T09:00:{n:02d}.000000Z" for n in (0, 12, 40, 50)}
    event = {
        "Records": [
            record("100", image(a, "s-1", "requested", 1, at[0])),
            record(
                "200", image(a, "s-1", "claimed", 2, at[12]), image(a, "s-1", "requested", 1, at[0])
            ),
            record(
                "300", image(a, "s-1", "verified", 3, at[50]), image(a, "s-1", "claimed", 2, at[12])
            ),
            record("400", image(b, "s-2", "requested", 1, at[0])),
            record(
                "500", image(b, "s-2", "claimed", 2, at[40]), image(b, "s-2", "requested", 1, at[0])
            ),
        ]
    }
    capsys.readouterr()

    assert handlers.session_stream(event, None) == {"batchItemFailures": []}

    blobs = emf(capsys.readouterr().out, {a, b})
    assert set(blobs) == {a, b}
    for blob in blobs.values():
        (directive,) = blob["_aws"]["CloudWatchMetrics"]
        assert directive["Namespace"] == "SafeConnection"
        assert directive["Dimensions"] == [["force", "service"]]
        assert blob["service"] == "safe-connection"
        units = {m["Name"]: m["Unit"] for m in directive["Metrics"]}
        assert units["AnswerTime"] == "Seconds"
        assert {u for n, u in units.items() if n != "AnswerTime"} == {"Count"}
    values = {
        force: {m["Name"]: blob[m["Name"]] for m in blob["_aws"]["CloudWatchMetrics"][0]["Metrics"]}
        for force, blob in blobs.items()
    }
    assert values[a] == {
        "Requests": [1.0],
        "PublicRequests": [1.0],
        "Answered": [1.0],
        "AnswerTime": [12.0],
        "AnsweredWithinTarget": [1.0],
        "Verified": [1.0],
    }
    assert values[b] == {
        "Requests": [1.0],
        "PublicRequests": [1.0],
        "Answered": [1.0],
        "AnswerTime": [40.0],
    }
    assert len(trail.entries) == 5

    # Lambda delivers the batch again: every entry is already written, so nothing is counted.
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert handlers.session_stream(event, None) == {"batchItemFailures": []}

    assert emf(capsys.readouterr().out, {a, b}) == {}
    assert len(trail.entries) == 5


def test_counts_are_summed_and_answer_times_kept_one_by_one(
    trail: FakeAuditLog, capsys: pytest.CaptureFixture[str]
) -> None:
    force = "TEST-C"
    claims = [
        record(
            f"{n}00",
            image(force, f"s-{n}", "claimed", 2, f"2026-12-03T09:00:{10 * n:02d}.000000Z"),
            image(force, f"s-{n}", "requested", 1, REQUESTED_AT),
        )
        for n in (1, 2, 4)
    ]
    capsys.readouterr()

    handlers.session_stream({"Records": claims}, None)

    blob = emf(capsys.readouterr().out, {force})[force]
    assert blob["Answered"] == [3.0]
    assert blob["AnsweredWithinTarget"] == [2.0]  # 10 s and 20 s, not 40 s
    assert blob["AnswerTime"] == [10.0, 20.0, 40.0]
