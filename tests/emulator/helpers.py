"""Small helpers shared by the emulator tests."""

from __future__ import annotations

import uuid
from typing import Any

import requests

REGION = "eu-west-2"


def new_meeting(chime: Any, **overrides: Any) -> dict[str, Any]:
    params: dict[str, Any] = {
        "ClientRequestToken": uuid.uuid4().hex,
        "MediaRegion": REGION,
        "ExternalMeetingId": f"session-{uuid.uuid4().hex[:8]}",
    }
    params.update(overrides)
    return chime.create_meeting(**params)["Meeting"]  # type: ignore[no-any-return]


def control(url: str, method: str, path: str, **body: Any) -> requests.Response:
    """Call the emulator's control API."""
    return requests.request(method, f"{url}/_emulator{path}", json=body or None, timeout=5)


def presence(url: str, meeting_id: str, attendee_id: str, verb: str) -> requests.Response:
    return control(url, "POST", f"/meetings/{meeting_id}/attendees/{attendee_id}/{verb}")
