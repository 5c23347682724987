"""The messages of the timers queue: one per delayed check (handled by ``TimerService``)."""

from __future__ import annotations

from typing import Any

__all__ = [
    "MEETING_RETRY_SECONDS",
    "alert_check",
    "drop_check",
    "escalation_check",
    "meeting_check",
]

MEETING_RETRY_SECONDS = 5
"""When a ``meeting`` check retries a ``DeleteMeeting`` that failed."""


def escalation_check(session_id: str, level: int, *, recheck: bool = False) -> dict[str, Any]:
    """The message of the check due when a session has waited at ``level`` for one delay.

    The first one (level 0) is sent before the session is written, so that no session can exist
    without it; ``recheck`` marks its second look when the session was not there yet.
    """
    message: dict[str, Any] = {"kind": "escalation", "session_id": session_id, "level": level}
    if recheck:
        message["recheck"] = True
    return message


def meeting_check(session_id: str, meeting_id: str) -> dict[str, Any]:
    """The message that ends ``meeting_id`` unless the live session ``session_id`` owns it."""
    return {"kind": "meeting", "session_id": session_id, "meeting_id": meeting_id}


def alert_check(session_id: str) -> dict[str, Any]:
    """The message that (re)sends the first alert when publishing it at start failed."""
    return {"kind": "alert", "session_id": session_id}


def drop_check(session_id: str, user: str, since_ms: int) -> dict[str, Any]:
    """The message due when ``user`` left at ``since_ms`` and has had the grace period."""
    return {"kind": "drop", "session_id": session_id, "user": user, "since": since_ms}
