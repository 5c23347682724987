"""A sergeant decides by voice and the identity card when the video fails, and it is recorded.

Through the API over HTTP on moto and the app's Chime emulator, with the event pump delivering
the sessions stream to the audit trail: ``without_video: true`` on the outcome is kept on the
session (``decided_without_video``), shown wherever the session is, and written on the audit
entry of the decision; left out, it is false; anything but a JSON boolean is a 400 that names
the field and writes nothing. The outcome still costs its two AWS calls.
"""

from __future__ import annotations

from typing import Any

import pytest

from local.events import EventPump

from .helpers import aws_calls, call


def claimed_session(api: Any, tokens: dict[str, str]) -> str:
    status, started = call(api, "POST", "/sessions", tokens["officer.central"])
    assert status == 201, started
    assert started["decided_without_video"] is False  # no outcome yet
    session_id: str = started["session_id"]
    status, claimed = call(api, "POST", f"/sessions/{session_id}/claim", tokens["sergeant.central"])
    assert status == 200, claimed
    return session_id


def audit_trail(
    api: Any, pump: EventPump, token: str, session_id: str, entries: int
) -> list[dict[str, Any]]:
    """The session's audit entries, once the stream has delivered ``entries`` of them."""

    def trail() -> list[dict[str, Any]]:
        status, body = call(api, "GET", f"/sessions/{session_id}/audit", token)
        return body["entries"] if status == 200 else []

    found: list[dict[str, Any]] = pump.wait_for(
        lambda: len(t := trail()) >= entries and t, timeout=20, what=f"{entries} audit entries"
    )
    return found


@pytest.mark.parametrize(
    ("outcome", "reason"), [("verified", None), ("not_verified", "Voice does not match")]
)
def test_a_decision_by_voice_and_card_is_recorded_shown_and_audited_as_without_video(
    api: Any, tokens: dict[str, str], pump: EventPump, outcome: str, reason: str | None
) -> None:
    officer, sergeant = tokens["officer.central"], tokens["sergeant.central"]
    session_id = claimed_session(api, tokens)
    body: dict[str, Any] = {"outcome": outcome, "without_video": True}
    if reason:
        body["reason"] = reason

    with aws_calls() as made:
        status, decided = call(api, "POST", f"/sessions/{session_id}/outcome", sergeant, body)

    assert status == 200, decided
    assert sorted(made) == ["chime-sdk-meetings:DeleteMeeting", "dynamodb:UpdateItem"]
    assert (decided["state"], decided["decided_by"]) == (outcome, "met-0118")
    assert decided["decided_without_video"] is True
    for token in (officer, sergeant, tokens["operator"]):
        status, seen = call(api, "GET", f"/sessions/{session_id}", token)
        assert status == 200 and seen["decided_without_video"] is True

    entries = audit_trail(api, pump, sergeant, session_id, entries=3)
    assert [(e["from_state"], e["to_state"], e["without_video"]) for e in entries] == [
        (None, "requested", False),
        ("requested", "claimed", False),
        ("claimed", outcome, True),
    ]
    assert entries[2]["actor"] == "met-0118"


def test_left_out_the_decision_was_made_with_video(
    api: Any, tokens: dict[str, str], pump: EventPump
) -> None:
    sergeant = tokens["sergeant.central"]
    session_id = claimed_session(api, tokens)

    status, decided = call(
        api, "POST", f"/sessions/{session_id}/outcome", sergeant, {"outcome": "verified"}
    )

    assert status == 200, decided
    assert decided["decided_without_video"] is False
    entries = audit_trail(api, pump, sergeant, session_id, entries=3)
    assert [e["without_video"] for e in entries] == [False, False, False]


def test_false_is_the_same_as_left_out(api: Any, tokens: dict[str, str]) -> None:
    session_id = claimed_session(api, tokens)

    status, decided = call(
        api,
        "POST",
        f"/sessions/{session_id}/outcome",
        tokens["sergeant.central"],
        {"outcome": "verified", "without_video": False},
    )

    assert status == 200 and decided["decided_without_video"] is False


@pytest.mark.parametrize("sent", ["true", 1, 0, "yes", None, [], {}])
def test_anything_but_a_boolean_is_a_400_naming_the_field_and_writes_nothing(
    api: Any, tokens: dict[str, str], sent: Any
) -> None:
    sergeant = tokens["sergeant.central"]
    session_id = claimed_session(api, tokens)
    status, before = call(api, "GET", f"/sessions/{session_id}", sergeant)
    assert status == 200

    status, refused = call(
        api,
        "POST",
        f"/sessions/{session_id}/outcome",
        sergeant,
        {"outcome": "verified", "without_video": sent},
    )

    assert status == 400, refused
    assert refused["error"]["code"] == "validation_error"
    assert [d["field"] for d in refused["error"]["details"]] == ["without_video"]
    status, after = call(api, "GET", f"/sessions/{session_id}", sergeant)
    assert status == 200 and after == before  # still claimed, unchanged: nothing written
    assert after["state"] == "claimed" and after["decided_by"] is None
    # The sergeant can still decide, with the field written right.
    status, decided = call(
        api,
        "POST",
        f"/sessions/{session_id}/outcome",
        sergeant,
        {"outcome": "verified", "without_video": True},
    )
    assert status == 200 and decided["decided_without_video"] is True
