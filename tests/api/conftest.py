"""API-test fixtures: the event pump that plays Lambda's event sources, and the invariants.

The pump delivers the timers queue, Chime meeting events and the sessions stream to the app's
own handlers, as in AWS. After each test no meeting may be left without a live session; after the
whole run, every request must have ended or be on a call (nothing lost, nothing orphaned).
"""

from __future__ import annotations

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
        _assert_nothing_lost(stack, running)


@pytest.fixture(autouse=True)
def no_orphan_meetings(pump: EventPump, stack: Stack) -> Iterator[None]:
    yield
    _assert_no_orphan_meetings(stack, pump)


def _meetings(stack: Stack) -> list[dict[str, Any]]:
    response = requests.get(f"{stack.chime_endpoint_url}/_emulator/meetings", timeout=5)
    meetings: list[dict[str, Any]] = response.json()["Meetings"]
    return meetings


def _orphans(stack: Stack) -> list[str]:
    sessions = live_sessions_by_id(stack)
    return [
        m["MeetingId"]
        for m in _meetings(stack)
        if sessions.get(m["ExternalMeetingId"], {}).get("state") not in LIVE
    ]


def _assert_no_orphan_meetings(stack: Stack, pump: EventPump, deadline: float = 10.0) -> None:
    """Every live meeting belongs to a live session.

    A timer that has just expired a session deletes its meeting a moment later in the pump, so
    this waits (re-checking after each batch the pump handles) up to ``deadline``.
    """
    try:
        pump.wait_for(lambda: not _orphans(stack), deadline, "no meeting without a session")
    except TimeoutError:
        assert _orphans(stack) == [], "meetings without a live session"


def _assert_nothing_lost(stack: Stack, pump: EventPump) -> None:
    sessions = live_sessions_by_id(stack)
    waiting = [sid for sid, s in sessions.items() if s["state"] in ("requested", "escalated")]
    assert waiting == [], f"requests that never ended: {waiting}"
    live_meetings = {m["ExternalMeetingId"] for m in _meetings(stack)}
    unheard = [
        sid for sid, s in sessions.items() if s["state"] == "claimed" and sid not in live_meetings
    ]
    assert unheard == [], f"claimed sessions whose call is gone: {unheard}"
    _assert_no_orphan_meetings(stack, pump)
