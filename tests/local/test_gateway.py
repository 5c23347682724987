"""``make run``'s API gateway (local/gateway.py) serves requests side by side, queues a burst of
connections instead of resetting them, and gives each route the client's own address.

A small Chalice app stands in for the real one where a test needs a route that waits or echoes;
the command ``make run`` starts is checked against the real app. Nothing sleeps: threads meet on
events, and waits have deadlines.
"""

from __future__ import annotations

import http.client
import json
import os
import select
import socket
import sys
import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest
import requests
from chalice.app import Chalice
from chalice.config import Config

from local.gateway import ApiServer, create_server

WAIT = 20.0
"""Deadline for anything a test waits for (it normally takes milliseconds)."""
BURST = 100


class Served:
    """A gateway serving ``app`` on a free loopback port, in a thread."""

    def __init__(self, app: Chalice) -> None:
        self.server = create_server(app, Config(chalice_stage="local"), "127.0.0.1", 0)
        self.port = int(self.server.server.server_address[1])
        self.url = f"http://127.0.0.1:{self.port}"
        self._thread: threading.Thread | None = None

    def serve(self) -> None:
        self._thread = threading.Thread(target=self.server.server.serve_forever, daemon=True)
        self._thread.start()

    def close(self) -> None:
        if self._thread is not None:
            self.server.shutdown()
            self._thread.join(timeout=WAIT)
        self.server.server.server_close()


@pytest.fixture
def probe() -> Iterator[tuple[Served, threading.Event]]:
    """A gateway in front of an app whose ``/first`` says it started (the event yielded) and
    answers only once ``/second`` has arrived (or after ``WAIT``, saying it never did), ``/ip``
    echoes ``sourceIp`` and ``/ping`` is 200."""
    app = Chalice(app_name="gateway-probe")
    first_started = threading.Event()
    second_arrived = threading.Event()

    @app.route("/first")
    def first() -> dict[str, bool]:
        first_started.set()
        return {"saw_second": second_arrived.wait(WAIT)}

    @app.route("/second")
    def second() -> dict[str, bool]:
        second_arrived.set()
        return {"ok": True}

    @app.route("/ip")
    def ip() -> dict[str, Any]:
        assert app.current_request is not None
        return {"source_ip": app.current_request.context["identity"]["sourceIp"]}

    @app.route("/ping")
    def ping() -> dict[str, bool]:
        return {"ok": True}

    served = Served(app)
    try:
        yield served, first_started
    finally:
        served.close()


def test_a_request_is_answered_while_another_is_still_running(
    probe: tuple[Served, threading.Event],
) -> None:
    served, first_started = probe
    served.serve()
    answers: dict[str, Any] = {}

    def ask_first() -> None:
        answers["first"] = requests.get(f"{served.url}/first", timeout=WAIT * 2).json()

    first = threading.Thread(target=ask_first)
    first.start()
    assert first_started.wait(WAIT)
    # /first is running and waits for /second, which must get through meanwhile.
    assert requests.get(f"{served.url}/second", timeout=WAIT * 2).json() == {"ok": True}
    first.join(timeout=WAIT * 2)
    assert answers["first"] == {"saw_second": True}


def _wait_connected(clients: list[socket.socket], timeout: float) -> int:
    """Wait until the kernel has completed every client's handshake (a non-blocking connect
    becomes writable then); how many it completed by the deadline."""
    poller = select.poll()
    pending = {client.fileno(): client for client in clients}
    for fd in pending:
        poller.register(fd, select.POLLOUT)
    deadline = time.monotonic() + timeout
    while pending and (left := deadline - time.monotonic()) > 0:
        for fd, _ in poller.poll(left * 1000):
            client = pending.pop(fd)
            poller.unregister(fd)
            assert client.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR) == 0
    return len(clients) - len(pending)


def test_a_burst_of_connections_waits_to_be_served_instead_of_being_reset(
    probe: tuple[Served, threading.Event],
) -> None:
    served, _ = probe
    # While the server accepts nothing, a burst of connections arrives at once ...
    clients = [socket.socket() for _ in range(BURST)]
    try:
        for client in clients:
            client.setblocking(False)
            client.connect_ex(("127.0.0.1", served.port))
        # ... and the kernel completes and queues every one of them. With socketserver's
        # backlog of 5 it would hold 6 and drop the other handshakes, which is how clients of
        # `chalice local` came to be reset.
        assert _wait_connected(clients, WAIT) == BURST
        served.serve()
        statuses = []
        for client in clients:
            client.setblocking(True)
            client.settimeout(WAIT)
            client.sendall(b"GET /ping HTTP/1.1\r\nHost: gateway\r\nConnection: close\r\n\r\n")
            response = http.client.HTTPResponse(client)
            response.begin()
            statuses.append(response.status)
            response.close()
    finally:
        for client in clients:
            client.close()
    assert statuses == [200] * BURST


def test_each_client_is_seen_at_its_own_address(probe: tuple[Served, threading.Event]) -> None:
    served, _ = probe
    served.serve()
    seen = {}
    for address in ("127.0.0.2", "127.0.0.3"):
        connection = http.client.HTTPConnection(
            "127.0.0.1", served.port, timeout=WAIT, source_address=(address, 0)
        )
        try:
            connection.request("GET", "/ip")
            seen[address] = json.loads(connection.getresponse().read())["source_ip"]
        finally:
            connection.close()
    assert seen == {"127.0.0.2": "127.0.0.2", "127.0.0.3": "127.0.0.3"}


def test_make_runs_api_command_serves_the_app_with_its_authorizer_and_stops_on_sigterm() -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = int(sock.getsockname()[1])
    lines: list[str] = []
    serving = threading.Event()

    def collect(line: str) -> None:
        lines.append(line)
        if "Serving on" in line:
            serving.set()

    api = ApiServer(port, {**os.environ, "PYTHONUNBUFFERED": "1"}, collect)
    assert api.command[:3] == [sys.executable, "-m", "local.gateway"]
    api.start()
    try:
        assert serving.wait(WAIT), lines
        # GET /queue needs a Cognito token: the app's authorizer runs, as in API Gateway.
        assert requests.get(f"{api.url}/queue", timeout=WAIT).status_code == 401
        assert api.returncode is None
    finally:
        api.stop()  # SIGTERM; SIGKILL only if it had not exited in time
    assert api.returncode == 0, lines
    assert any('"GET /queue HTTP/1.1" 401' in line for line in lines), lines
    assert all(line.startswith("api   | ") for line in lines)
