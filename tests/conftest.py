"""Shared fixtures: a real moto server and a real Chime emulator, both over HTTP on loopback.

Every test talks to these exactly as deployed code talks to AWS; nothing is patched in-process.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import boto3
import pytest
import requests
from botocore.config import Config
from moto.server import ThreadedMotoServer

from local.chime_emulator import ChimeEmulator
from local.moto_fidelity import make_dynamodb_writes_atomic

REGION = "eu-west-2"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="session", autouse=True)
def aws_credentials() -> None:
    """Fake credentials and a region so no test can ever reach a real account."""
    os.environ.update(
        AWS_ACCESS_KEY_ID="testing",
        AWS_SECRET_ACCESS_KEY="testing",
        AWS_SESSION_TOKEN="testing",
        AWS_DEFAULT_REGION=REGION,
        AWS_REGION=REGION,
    )
    for key in ("AWS_PROFILE", "AWS_ENDPOINT_URL"):
        os.environ.pop(key, None)


@pytest.fixture(scope="session")
def moto_url() -> Iterator[str]:
    """moto in server mode: DynamoDB, SNS, SQS, EventBridge, S3, Cognito over real HTTP."""
    from local.moto_faults import install_moto_faults

    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # one line per request is noise
    make_dynamodb_writes_atomic()  # as atomic as DynamoDB: see local/moto_fidelity.py
    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    install_moto_faults(server)  # POST /_faults/dynamodb loses answers: docs/local-faults.md
    yield f"http://127.0.0.1:{port}"
    server.stop()


@pytest.fixture(scope="session")
def emulator(moto_url: str) -> Iterator[ChimeEmulator]:
    """The Chime SDK Meetings emulator, publishing meeting events to moto's EventBridge."""
    with ChimeEmulator(eventbridge_endpoint=moto_url, default_region=REGION) as running:
        yield running


@pytest.fixture
def chime_url(emulator: ChimeEmulator) -> str:
    """A clean emulator for each test (meetings, faults, clock and event log reset)."""
    requests.post(f"{emulator.url}/_emulator/reset", timeout=5).raise_for_status()
    return emulator.url


def chime_client(url: str, **config: Any) -> Any:
    return boto3.client(
        "chime-sdk-meetings",
        endpoint_url=url,
        region_name=REGION,
        config=Config(**config) if config else None,
    )


@pytest.fixture
def chime(chime_url: str) -> Any:
    """An unmodified boto3 Chime SDK Meetings client pointed at the emulator."""
    return chime_client(chime_url, retries={"mode": "standard", "total_max_attempts": 1})


@pytest.fixture(scope="session")
def app_chime(moto_url: str) -> Iterator[ChimeEmulator]:
    """The application's own Chime emulator, media side included (so every meeting in it is the
    app's, which the orphan checks rely on): the browser tests join its meetings for real and
    read its event log and relay."""
    with ChimeEmulator(eventbridge_endpoint=moto_url, default_region=REGION) as running:
        yield running


@pytest.fixture(scope="session")
def stack(moto_url: str, app_chime: ChimeEmulator) -> Iterator[Any]:
    """The whole application's resources on moto, seeded with the demo force.

    The application has its own Chime emulator (:func:`app_chime`) and short timers (escalation
    every 2 s, drop grace 1 s). It is configured only through its environment, the way Lambda
    configures it.
    """
    from functions import wiring
    from functions.adapters import aws
    from local.demo import seed_demo
    from local.provision import create_resources

    created = create_resources(moto_url, app_chime.url, REGION, prefix=f"t{uuid.uuid4().hex[:6]}")
    seed_demo(created)
    saved = dict(os.environ)
    os.environ.update(created.app_environment())
    os.environ.update(ESCALATION_DELAY_SECONDS="2", DROP_GRACE_SECONDS="1")
    aws.reset_clients()
    wiring.reset()
    yield created
    os.environ.clear()
    os.environ.update(saved)
    aws.reset_clients()
    wiring.reset()


@pytest.fixture(scope="session")
def pump(stack: Any) -> Iterator[Any]:
    """Lambda's event sources for the app: the timers queue, Chime meeting events, the stream.

    At the end of the run every pending check is let fire, and then every request must have
    ended or be on a call, and no meeting may be left without a live session.
    """
    from local.events import EventPump
    from tests.invariants import assert_nothing_lost

    with EventPump.for_stack(stack, starting_position="LATEST", retry_delay_seconds=0) as running:
        yield running
        running.wait_idle(timeout=120)
        assert_nothing_lost(stack, running)


@dataclass(frozen=True)
class Api:
    """Where the API listens: the Chalice app behind `make run`'s local gateway."""

    url: str


@pytest.fixture(scope="session")
def api(stack: Any) -> Iterator[Api]:
    """The Chalice app served over real HTTP on loopback by ``make run``'s gateway.

    It runs in this process so tests can count the AWS calls its clients make, but requests
    reach it over a socket exactly as ``make run`` serves them (:mod:`local.gateway`: threaded,
    authorizer included, and the socket's peer address as the source IP, as API Gateway gives
    it, so clients on 127.0.0.2, .3 ... are different clients).
    """
    from chalice.config import Config

    from app import app
    from local.gateway import create_server

    server = create_server(app, Config(chalice_stage="local"), "127.0.0.1", 0)
    port = server.server.server_address[1]
    thread = threading.Thread(target=server.server.serve_forever, daemon=True)
    thread.start()
    yield Api(f"http://127.0.0.1:{port}")
    server.shutdown()
    server.server.server_close()
    thread.join(timeout=5)


@pytest.fixture(scope="session")
def tokens(stack: Any) -> dict[str, str]:
    """An ID token for every demo user, from moto's Cognito."""
    from local.provision import login

    return {user.username: login(stack, user.username) for user in stack.users}


@pytest.fixture(scope="session")
def make_user(stack: Any) -> Any:
    """Create a Cognito login outside the demo data and return a factory of ID tokens."""
    from local.provision import login

    cognito = boto3.client("cognito-idp", endpoint_url=stack.aws_endpoint_url, region_name=REGION)

    def make(
        officer_id: str, *, roles: list[str], force: str = "MET", area: str = "CENTRAL"
    ) -> str:
        username = f"user-{uuid.uuid4().hex[:8]}"
        cognito.admin_create_user(
            UserPoolId=stack.user_pool_id,
            Username=username,
            MessageAction="SUPPRESS",
            UserAttributes=[
                {"Name": "custom:force", "Value": force},
                {"Name": "custom:area", "Value": area},
                {"Name": "custom:officer_id", "Value": officer_id},
            ],
        )
        password = "Test-Password-2026!"
        cognito.admin_set_user_password(
            UserPoolId=stack.user_pool_id, Username=username, Password=password, Permanent=True
        )
        for role in roles:
            cognito.admin_add_user_to_group(
                UserPoolId=stack.user_pool_id, Username=username, GroupName=role
            )
        return login(stack, username, password)

    return make


@pytest.fixture(scope="session")
def playwright_driver() -> Iterator[Any]:
    """Playwright's driver, once for the whole run: every browser of every test is launched from
    it (the browser tests in tests/e2e and the SDK harness in tests/emulator). A second
    ``sync_playwright()`` in the same run is refused, because the first keeps its event loop
    running on the main thread."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as driver:
        yield driver
