"""What a replay of each measured route must change or carry over to succeed.

``POST /sessions`` writes a new session id and claims a new public code (both conditional on
being new), takes the meeting id from Chime's answer and the officer's ``revision`` from the
register read (the transaction is conditional on it). A replay draws a fresh id and code before
its clock starts and carries the other two over from its own responses (:mod:`bench.replay`).
``GET /sessions/{id}`` and ``POST /sessions/{id}/claim`` are replayed on a session (and its
meeting) that a replayed start made.
"""

from __future__ import annotations

import secrets
import uuid
from typing import TYPE_CHECKING, Any

from functions.domain.codes import CODE_ALPHABET, CODE_LENGTH

from .replay import plan, walk

if TYPE_CHECKING:
    from .replay import Call, Capture, Plan

__all__ = ["describe", "recorded_ids", "start_fresh", "start_plan"]


def recorded_ids(body: dict[str, Any]) -> tuple[str, str, str]:
    """``(session_id, public_code, meeting_id)`` of a ``POST /sessions`` answer, as stored."""
    return (
        body["session_id"],
        body["public_code"].replace("-", ""),
        body["meeting"]["MeetingId"],
    )


def start_plan(calls: list[Call], body: dict[str, Any]) -> Plan:
    """The replay plan of ``POST /sessions`` from its recorded calls and its answer."""
    _, _, meeting_id = recorded_ids(body)
    captures: list[Capture] = [
        {
            "operation": "CreateMeetingWithAttendees",
            "path": ["Meeting", "MeetingId"],
            "token": meeting_id,
            "suffix": None,
        }
    ]
    revisions = {
        leaf
        for call in calls
        for path, leaf in walk(call["params"])
        if path[-2:] == [":rev", "N"] and isinstance(leaf, str)
    }
    if revisions:
        captures.append(
            {
                "operation": "GetItem",
                "path": ["Item", "revision", "N"],
                "token": revisions.pop(),
                "suffix": [":rev", "N"],
            }
        )
    return plan(calls, captures)


def start_fresh(body: dict[str, Any]) -> dict[str, str]:
    """New values for what must be unique in a replayed start: the session id and the code."""
    session_id, code, _ = recorded_ids(body)
    new_code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
    return {session_id: uuid.uuid4().hex, code: new_code}


def describe(recorded: Plan) -> str:
    """``GetItem ‖ CreateMeetingWithAttendees → TransactWriteItems → …``"""
    return " → ".join(
        " ‖ ".join(call["operation"] for call in stage) for stage in recorded["stages"]
    )
