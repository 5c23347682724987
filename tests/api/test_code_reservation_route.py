"""A public code's claim (the ``code#<CODE>`` item in the sessions table) is not a session.

The claim shares the sessions table and its key, so ``/sessions/code%23<CODE>`` names it.
Whether the gateway hands the route the id decoded (``code#<CODE>``) or as sent, every route
must answer 404 in the error envelope, as for any session that does not exist: never a 5xx
from reading the claim as a session, and never a write to the claim.
"""

from __future__ import annotations

from typing import Any

import pytest

from .helpers import call


def not_found(answer: tuple[int, Any]) -> None:
    status, body = answer
    assert status == 404, body
    assert set(body) == {"error"}, body
    assert body["error"]["code"] == "not_found"
    assert set(body["error"]) == {"code", "message", "details"}


@pytest.mark.parametrize("role", ["sergeant.central", "officer.central"])
def test_a_code_that_nobody_holds_is_not_a_session(
    tokens: dict[str, str], api: Any, role: str
) -> None:
    not_found(call(api, "GET", "/sessions/code%23ABCDEF", tokens[role]))


def test_the_claim_of_a_live_session_s_code_is_not_a_session(
    api: Any, tokens: dict[str, str]
) -> None:
    officer, sergeant = tokens["officer.central"], tokens["sergeant.central"]
    status, started = call(api, "POST", "/sessions", officer)
    assert status == 201, started
    session_id, code = started["session_id"], started["public_code"].replace("-", "")
    claim = f"/sessions/code%23{code}"

    for token in (sergeant, officer):
        not_found(call(api, "GET", claim, token))
    not_found(call(api, "POST", f"{claim}/claim", sergeant))
    not_found(call(api, "POST", f"{claim}/outcome", sergeant, {"outcome": "verified"}))
    not_found(call(api, "POST", f"{claim}/cancel", officer))

    status, session = call(api, "GET", f"/sessions/{session_id}", sergeant)
    assert status == 200 and session["state"] == "requested"
    assert session["public_code"] == started["public_code"]
    status, cancelled = call(api, "POST", f"/sessions/{session_id}/cancel", officer)
    assert status == 200 and cancelled["state"] == "cancelled"
