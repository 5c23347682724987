"""Browser fixtures: Debian's Chromium driven by Playwright, the built site, axe-core in the page.

The site is ``web/dist`` (built by ``make web``, which ``make test`` runs first) served by
:class:`local.web.WebServer` with a ``config.json`` pointing at the test stack: the API on its
threaded local gateway, Cognito on moto, the Chime emulator. Screenshots and axe reports go to
``test-artifacts/e2e`` (or ``$E2E_ARTIFACTS``).
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from local.chime_emulator import ChimeEmulator
from local.harness import CHROMIUM_ARGS
from local.login import ROOT
from local.provision import Stack
from local.web import DEMO_FORCES, WebServer, local_config, missing_build_message
from tests.conftest import REGION, Api, free_port

WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
CHROMIUM_CANDIDATES = ("/usr/bin/chromium", "/usr/bin/chromium-browser")
AXE = ROOT / "web" / "node_modules" / "axe-core" / "axe.min.js"


def chromium_path() -> str:
    configured = os.environ.get("CHROMIUM")
    for candidate in ([configured] if configured else []) + list(CHROMIUM_CANDIDATES):
        if candidate and Path(candidate).is_file():
            return candidate
    found = shutil.which("chromium")
    if found:
        return found
    pytest.fail(
        "Chromium is not installed: `make test` installs Debian's package (apt-get install "
        "chromium); or set CHROMIUM=/path/to/chromium",
        pytrace=False,
    )


@pytest.fixture(scope="session")
def artifacts() -> Path:
    path = Path(os.environ.get("E2E_ARTIFACTS", ROOT / "test-artifacts" / "e2e"))
    path.mkdir(parents=True, exist_ok=True)
    return path


@pytest.fixture(scope="session")
def site(stack: Stack, api: Api, pump: Any, app_chime: ChimeEmulator) -> Iterator[WebServer]:
    """The three faces, configured for the test stack (the event pump runs behind them).

    The CSP lets the pages' Chime SDK reach the app's emulator: its HTTP front and its media
    side's signaling WebSocket (deployed, ``*.chime.aws``).
    """
    problem = missing_build_message()
    if problem:
        pytest.fail(problem, pytrace=False)
    port = free_port()
    config = local_config(
        api_url=api.url,
        region=REGION,
        user_pool_id=stack.user_pool_id,
        client_id=stack.user_pool_client_id,
        cognito_endpoint=stack.aws_endpoint_url,
        public_url=f"http://127.0.0.1:{port}/",
        forces=DEMO_FORCES,
    )
    assert app_chime.media is not None, "the app's Chime emulator runs without its media side"
    server = WebServer(config, port=port, media=[app_chime.url, app_chime.media.url]).start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def browser(playwright_driver: Any) -> Iterator[Any]:
    launched = playwright_driver.chromium.launch(
        executable_path=chromium_path(), headless=True, args=CHROMIUM_ARGS
    )
    yield launched
    launched.close()


PHONE = {
    "viewport": {"width": 360, "height": 780},
    "device_scale_factor": 2,
    "is_mobile": True,
    "has_touch": True,
}
DESK = {"viewport": {"width": 1366, "height": 900}}


@pytest.fixture(autouse=True)
def queue_of_earlier_tests_has_ended(stack: Stack, pump: Any) -> None:
    """Start each browser test on an empty queue: the API tests before it leave requests that
    the short test ladder (2 s a rung) ends within seconds, and the console lists every one."""
    from functions.domain.states import WAITING_STATES
    from tests.api.helpers import live_sessions_by_id

    waiting = {state.value for state in WAITING_STATES}
    pump.wait_for(
        lambda: not any(s["state"] in waiting for s in live_sessions_by_id(stack).values()),
        timeout=90,
        what="the earlier tests' requests to end",
    )


@pytest.fixture
def contexts(
    browser: Any, artifacts: Path, request: pytest.FixtureRequest
) -> Iterator[dict[str, Any]]:
    """Three separate browsers' worth of state: the officer's phone, the console, her phone.

    Console errors and failed page scripts are collected; a test fails if any page threw.
    """
    made: dict[str, Any] = {}
    errors: list[str] = []
    for name, options in {"officer": PHONE, "console": DESK, "her": PHONE}.items():
        context = browser.new_context(
            **options,
            permissions=["camera", "microphone"],
            locale="en-GB",
            timezone_id="Europe/London",
        )
        context.set_default_timeout(15_000)
        page = context.new_page()
        page.on("pageerror", lambda exc, name=name: errors.append(f"{name}: {exc}"))
        made[name] = page
    yield made
    for page in made.values():
        page.context.close()
    assert errors == [], f"scripts threw in the pages: {errors}"


def run_axe(page: Any, artifacts: Path, label: str) -> list[dict[str, Any]]:
    """axe-core's serious and critical WCAG 2.x A/AA violations on the page as it is now."""
    # Evaluated over the DevTools protocol, which the pages' CSP (script-src 'self') rightly
    # does not cover; an injected <script> tag would be refused.
    page.evaluate(AXE.read_text())
    result: dict[str, Any] = page.evaluate(
        """async (tags) => await axe.run(document, {
            runOnly: {type: "tag", values: tags}, resultTypes: ["violations"],
        })""",
        WCAG_TAGS,
    )
    (artifacts / f"axe-{label}.json").write_text(json.dumps(result["violations"], indent=2))
    return [
        {
            "id": v["id"],
            "impact": v["impact"],
            "help": v["help"],
            "nodes": [n["target"] for n in v["nodes"]],
        }
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]
