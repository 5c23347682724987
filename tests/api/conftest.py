"""API-test fixtures: the event pump that plays Lambda's event sources, and the invariants.

The pump delivers the timers queue, Chime meeting events and the sessions stream to the app's
own handlers, as in AWS. After each test no meeting may be left without a live session; after the
whole run, every request must have ended or be on a call (nothing lost, nothing orphaned).
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import pytest
import requests

from local.events import EventPump
from local.provision import Stack

from .helpers import live_sessions_by_id

LIVE = {"requested", "escalated", "claimed"}


@pytest.fixture(scope="session")
def pump(stack: Stack) -> Iterator[EventPump]:
    with EventPump.for_stack(stack, starting_position="LATEST", retry_delay_seconds=0) as running:
        yield running
        # Let every pending check fire: each waiting request must reach an end by itself.
        running.wait_idle(timeout=120)
        _assert_nothing_lost(stack)


@pytest.fixture(autouse=True)
def no_orphan_meetings(pump: EventPump, stack: Stack) -> Iterator[None]:
    yield
    _assert_no_orphan_meetings(stack)


def _meetings(stack: Stack) -> list[dict[str, Any]]:
    response = requests.get(f"{stack.chime_endpoint_url}/_emulator/meetings", timeout=5)
    meetings: list[dict[str, Any]] = response.json()["Meetings"]
    return meetings


def _assert_no_orphan_meetings(stack: Stack, deadline: float = 10.0) -> None:
    """Every live meeting belongs to a live session (allowing a timer a moment to clean up)."""
    stop = time.monotonic() + deadline
    while True:
        sessions = live_sessions_by_id(stack)
        orphans = [
            m["MeetingId"]
            for m in _meetings(stack)
            if sessions.get(m["ExternalMeetingId"], {}).get("state") not in LIVE
        ]
        if not orphans or time.monotonic() > stop:
            assert orphans == [], f"meetings without a live session: {orphans}"
            return
        time.sleep(0.2)  # polling the condition above, with its deadline


def _assert_nothing_lost(stack: Stack) -> None:
    sessions = live_sessions_by_id(stack)
    waiting = [sid for sid, s in sessions.items() if s["state"] in ("requested", "escalated")]
    assert waiting == [], f"requests that never ended: {waiting}"
    live_meetings = {m["ExternalMeetingId"] for m in _meetings(stack)}
    unheard = [
        sid for sid, s in sessions.items() if s["state"] == "claimed" and sid not in live_meetings
    ]
    assert unheard == [], f"claimed sessions whose call is gone: {unheard}"
    _assert_no_orphan_meetings(stack)
