"""The invariants every test run must keep: no meeting without a live session, nothing lost.

Shared by the API tests (after each test) and the whole run (after the event pump has let every
pending timer fire), whichever tests made the sessions: API calls or the browsers in tests/e2e.
"""

from __future__ import annotations

from typing import Any

import requests

from functions.domain.states import LIVE_STATES, WAITING_STATES, SessionState
from local.events import EventPump
from local.provision import Stack
from tests.api.helpers import live_sessions_by_id

LIVE = {state.value for state in LIVE_STATES}


def meetings(stack: Stack) -> list[dict[str, Any]]:
    response = requests.get(f"{stack.chime_endpoint_url}/_emulator/meetings", timeout=5)
    found: list[dict[str, Any]] = response.json()["Meetings"]
    return found


def orphans(stack: Stack) -> list[str]:
    sessions = live_sessions_by_id(stack)
    return [
        m["MeetingId"]
        for m in meetings(stack)
        if sessions.get(m["ExternalMeetingId"], {}).get("state") not in LIVE
    ]


def assert_no_orphan_meetings(stack: Stack, pump: EventPump, deadline: float = 10.0) -> None:
    """Every live meeting belongs to a live session.

    A timer that has just expired a session deletes its meeting a moment later in the pump, so
    this waits (re-checking after each batch the pump handles) up to ``deadline``.
    """
    try:
        pump.wait_for(lambda: not orphans(stack), deadline, "no meeting without a session")
    except TimeoutError:
        assert orphans(stack) == [], "meetings without a live session"


def assert_nothing_lost(stack: Stack, pump: EventPump) -> None:
    sessions = live_sessions_by_id(stack)
    waiting = [
        sid for sid, s in sessions.items() if s["state"] in {w.value for w in WAITING_STATES}
    ]
    assert waiting == [], f"requests that never ended: {waiting}"
    live_meetings = {m["ExternalMeetingId"] for m in meetings(stack)}
    unheard = [
        sid
        for sid, s in sessions.items()
        if s["state"] == SessionState.CLAIMED and sid not in live_meetings
    ]
    assert unheard == [], f"claimed sessions whose call is gone: {unheard}"
    assert_no_orphan_meetings(stack, pump)
