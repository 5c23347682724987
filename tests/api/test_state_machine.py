"""The domain decides every transition, on the way in too: through the HTTP API, over moto.

A sergeant may not decide about themselves however the call names the officer, and who sees a
request in the queue follows the configured escalation ladder, decided once on the server.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest

from functions.wiring import session_service, timer_service
from local.events import EventPump
from local.provision import Stack

from .helpers import call, pager_alerts, state_of
from .test_public import as_client, fresh_client


@pytest.mark.parametrize("outcome", ["verified", "not_verified"])
def test_a_sergeant_cannot_decide_her_call_about_themselves_by_naming_their_own_number(
    outcome: str, api: Any, tokens: dict[str, str], pump: EventPump
) -> None:
    # She calls the ops room and names no officer; the sergeant who takes it names themselves.
    _, _, started = as_client(api, fresh_client(), "POST", "/public/calls", {"force": "MET"})
    call_id = started["call_id"]
    sergeant = tokens["sergeant.central"]  # met-0118, shoulder number 118
    assert call(api, "POST", f"/sessions/{call_id}/claim", sergeant)[0] == 200
    before = state_of(api, sergeant, call_id)

    status, refused = call(
        api,
        "POST",
        f"/sessions/{call_id}/outcome",
        sergeant,
        {"outcome": outcome, "shoulder_number": "118", "reason": "it is me"},
    )

    assert status == 403 and refused["error"]["code"] == "forbidden", refused
    after = state_of(api, sergeant, call_id)
    assert after == before  # nothing changed: still claimed, no officer, no decision
    assert (after["state"], after["officer_id"]) == ("claimed", None)
    # Another officer's number is still decided as before.
    status, decided = call(
        api,
        "POST",
        f"/sessions/{call_id}/outcome",
        sergeant,
        {"outcome": "verified", "shoulder_number": "4521"},
    )
    assert (status, decided["officer_id"]) == (200, "met-4521")


@pytest.fixture
def force_first_ladder(monkeypatch: pytest.MonkeyPatch) -> None:
    """``ESCALATION_LADDER=force,inspector`` for the API and the timers, as Lambda would read it."""
    for service in (session_service(), timer_service()):
        ladder = replace(service.settings, escalation_ladder=("force", "inspector"))
        monkeypatch.setattr(service, "settings", ladder)


def queue_ids(api: Any, token: str) -> set[str]:
    status, body = call(api, "GET", "/queue", token)
    assert status == 200, body
    return {item["session_id"] for item in body["sessions"]}


def test_with_a_force_first_ladder_an_escalated_request_shows_to_every_sergeant_paged_for_it(
    api: Any,
    stack: Stack,
    tokens: dict[str, str],
    make_user: Any,
    pump: EventPump,
    force_first_ladder: None,
) -> None:
    officer = tokens["officer.north"]
    session_id = call(api, "POST", "/sessions", officer)[1]["session_id"]
    central, north = tokens["sergeant.central"], tokens["sergeant.north"]
    kent = make_user("kent-0042", roles=["sergeant"], force="KENT", area="CENTRAL")
    # Before any escalation only NORTH was paged, so only NORTH sees it.
    assert session_id in queue_ids(api, north)
    assert session_id not in queue_ids(api, central)

    # The first rung pages the whole force: CENTRAL's sergeant is paged and now sees it.
    central_pager = stack.user("sergeant.central").pager_queue_url or ""
    [paged] = pager_alerts(
        central_pager, session_id, expect=True, alert_type="verification.escalated"
    )
    assert (paged["area"], paged["escalation_level"]) == ("all", 1)
    seen_by_central = session_id in queue_ids(api, central)
    seen_by_north = session_id in queue_ids(api, north)
    seen_by_kent = session_id in queue_ids(api, kent)
    call(api, "POST", f"/sessions/{session_id}/cancel", officer)

    assert (seen_by_central, seen_by_north, seen_by_kent) == (True, True, False)
