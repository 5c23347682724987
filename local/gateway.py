"""The API's local gateway: the Chalice app behind a threaded HTTP server, as API Gateway serves it.

``chalice local`` is close to what ``make run`` needs, but differs from API Gateway in two ways
that matter under load and for the public routes' per-client rate limits:

* its server listens with :mod:`socketserver`'s default backlog of 5, so a burst of more
  simultaneous connections than that has some reset before a thread ever accepts them (API
  Gateway queues them and Lambda runs the requests side by side);
* it tells every route that the client is ``127.0.0.1``, so all clients share one rate limit.

This module keeps everything else of ``chalice local`` (its request handler, its local API
Gateway with the app's authorizer, its config of the stage, a thread per connection) and changes
only those two things: :class:`GatewayServer` listens with a backlog of :data:`LISTEN_BACKLOG`
and :class:`PeerAddressHandler` passes the socket's peer address to the route as
``requestContext.identity.sourceIp``. The tests' ``api`` fixture serves the app in-process with
:func:`create_server`; ``make run`` runs ``python -m local.gateway`` in a subprocess through
:class:`ApiServer`.
"""

from __future__ import annotations

import argparse
import contextlib
import ctypes
import logging
import os
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Mapping
from pathlib import Path
from types import FrameType
from typing import Any

from chalice.local import (
    ChaliceRequestHandler,
    ForbiddenError,
    LocalDevServer,
    LocalGatewayException,
    NotAuthorizedError,
    ThreadedHTTPServer,
)

__all__ = [
    "HOST",
    "LISTEN_BACKLOG",
    "ApiServer",
    "GatewayServer",
    "PeerAddressHandler",
    "StartupError",
    "create_server",
    "load_app",
    "main",
]

HOST = "127.0.0.1"
ROOT = Path(__file__).resolve().parents[1]
LISTEN_BACKLOG = 128
"""Connections the kernel queues before the server accepts them (the kernel caps it at
``net.core.somaxconn``): well above any burst the local stack is asked to take."""
API_START_SECONDS = 60.0
STOP_SECONDS = 10.0
_PR_SET_PDEATHSIG = 1
log = logging.getLogger("local.gateway")


class StartupError(Exception):
    """The stack (or its API) could not start; the message tells the user what to do."""


class PeerAddressHandler(ChaliceRequestHandler):
    """``chalice local``'s request handler, giving the route the client's real address.

    API Gateway puts the caller's address in ``requestContext.identity.sourceIp``; chalice local
    hardcodes ``127.0.0.1``. Each connection gets its own handler and with it its own local
    gateway and event converter, so setting the address on the converter is per connection:
    concurrent clients on 127.0.0.2, .3 ... stay different clients.
    """

    def _peer_handle(self) -> None:
        self.local_gateway.event_converter.LOCAL_SOURCE_IP = self.client_address[0]
        self._generic_handle()

    do_GET = do_PUT = do_POST = do_HEAD = do_DELETE = do_PATCH = do_OPTIONS = _peer_handle  # noqa: N815

    def _send_error_response(self, error: LocalGatewayException) -> None:
        """What chalice local's gateway answers by itself, as the deployed gateway answers it:
        in the API's error envelope (:data:`functions.http.envelope.GATEWAY_RESPONSES`)."""
        # Imported here: ``make run``'s parent process imports this module but never the app.
        from functions.http.envelope import gateway_answer

        status, headers, body = gateway_answer(_gateway_response_type(error), error.CODE)
        self._send_http_response(status, headers, body)


def _gateway_response_type(error: LocalGatewayException) -> str:
    """The API Gateway response type chalice local's exception stands for.

    chalice local raises a 403 ``UnauthorizedException`` for a path no route has (API Gateway's
    ``MISSING_AUTHENTICATION_TOKEN``), a 403 ``AccessDeniedException`` when the authorizer
    refuses, a 401 when the token is missing and a 500 when the authorizer answers nothing.
    """
    kind = error.headers.get("x-amzn-ErrorType")
    if isinstance(error, NotAuthorizedError):
        return "UNAUTHORIZED"
    if isinstance(error, ForbiddenError):
        return (
            "ACCESS_DENIED" if kind == "AccessDeniedException" else "MISSING_AUTHENTICATION_TOKEN"
        )
    return "AUTHORIZER_CONFIGURATION_ERROR" if error.CODE == 500 else "DEFAULT_4XX"


class GatewayServer(ThreadedHTTPServer):
    """``chalice local``'s threaded server (a daemon thread per connection) with a deep backlog.

    :class:`socketserver.TCPServer` passes ``request_queue_size`` to ``listen()`` when it binds,
    so the class attribute must be set before the server is built.
    """

    request_queue_size = LISTEN_BACKLOG
    daemon_threads = True


def create_server(app: Any, config: Any, host: str, port: int) -> LocalDevServer:
    """The app behind a :class:`GatewayServer` with :class:`PeerAddressHandler`, bound to
    ``host:port`` (port 0 for a free one) but not yet serving.

    Parameters
    ----------
    app
        The Chalice app object.
    config
        A ``chalice.config.Config`` for the stage.
    """
    from chalice.local import CustomLocalChalice, LocalChalice

    # What chalice.local.create_local_server does first: keep current_request per thread.
    CustomLocalChalice.__bases__ = (LocalChalice, app.__class__)
    app.__class__ = CustomLocalChalice
    return LocalDevServer(
        app, config, host, port, handler_cls=PeerAddressHandler, server_cls=GatewayServer
    )


def load_app(project_dir: Path, stage: str) -> tuple[Any, Any]:
    """The app of ``project_dir/app.py`` and the config of ``stage``, as ``chalice local`` loads
    them: ``.chalice/config.json``, the stage's environment variables, the vendor directory on
    the path, and the routes checked as ``chalice deploy`` would check them.
    """
    from chalice.cli.factory import CLIFactory
    from chalice.deploy.validate import validate_routes

    os.environ["AWS_CHALICE_CLI_MODE"] = "true"  # as every chalice command sets it
    factory = CLIFactory(str(project_dir), environ=os.environ)
    config = factory.create_config_obj(chalice_stage_name=stage)
    app = config.chalice_app
    validate_routes(app.routes)
    return app, config


def _serve(host: str, port: int, stage: str) -> None:
    os.chdir(ROOT)
    app, config = load_app(ROOT, stage)
    server = create_server(app, config, host, port)
    try:
        server.serve_forever()  # prints "Serving on http://host:port", as chalice local does
    finally:
        server.server.server_close()


def _exit_on_term(signum: int, frame: FrameType | None) -> None:
    raise SystemExit(0)  # unwinds serve_forever, which closes the listening socket


def main(argv: list[str] | None = None) -> int:
    """``python -m local.gateway --host 127.0.0.1 --port 8000 --stage local``: serve until
    SIGTERM or Ctrl-C."""
    parser = argparse.ArgumentParser(
        prog="python -m local.gateway",
        description="Serve the Chalice app of app.py as API Gateway would (threaded).",
    )
    parser.add_argument("--host", default=HOST)
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--stage", default="local")
    args = parser.parse_args(argv)
    # chalice local's logging: the app's log lines on stdout, as in Lambda.
    logging.basicConfig(stream=sys.stdout, level=logging.INFO, format="%(message)s")
    signal.signal(signal.SIGTERM, _exit_on_term)
    with contextlib.suppress(KeyboardInterrupt):  # Ctrl-C when run by hand: a quiet stop
        _serve(args.host, args.port, args.stage)
    return 0


class ApiServer:
    """``python -m local.gateway`` in a subprocess, its output passed through with ``api |``.

    Parameters
    ----------
    port
        Loopback port to serve on.
    env
        The application's complete environment.
    write
        Where output lines go (the stack's stdout).
    """

    def __init__(self, port: int, env: Mapping[str, str], write: Callable[[str], None]) -> None:
        self.port = port
        self.url = f"http://{HOST}:{port}"
        self._env = dict(env)
        self._write = write
        self._process: subprocess.Popen[str] | None = None
        self._reader: threading.Thread | None = None
        self.exited = threading.Event()

    @property
    def command(self) -> list[str]:
        """This virtualenv's Python serving the ``local`` stage through this module."""
        return [
            sys.executable, "-m", "local.gateway", "--host", HOST,
            "--port", str(self.port), "--stage", "local",
        ]  # fmt: skip

    def start(self) -> None:
        """Start the subprocess (in its own session: Ctrl-C reaches only the stack, which then
        stops it cleanly)."""
        self._process = subprocess.Popen(  # noqa: S603 - fixed argv, our own interpreter
            self.command,
            cwd=ROOT,
            env=self._env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            bufsize=1,
            start_new_session=True,
            preexec_fn=_die_with(os.getpid()) if sys.platform == "linux" else None,
        )
        self._reader = threading.Thread(target=self._pump, name="api-output", daemon=True)
        self._reader.start()

    def _pump(self) -> None:
        assert self._process is not None
        assert self._process.stdout is not None
        for line in self._process.stdout:
            self._write(f"api   | {line.rstrip()}")
        self._process.wait()
        self.exited.set()

    @property
    def returncode(self) -> int | None:
        """The exit status once it has ended."""
        return None if self._process is None else self._process.poll()

    def wait_ready(self, deadline: float) -> None:
        """Poll until the API answers HTTP (``GET /queue`` with no token is a 401).

        Raises
        ------
        StartupError
            If it exits first or does not answer before ``deadline`` (a ``time.monotonic()``).
        """
        while True:
            if self.exited.is_set():
                raise StartupError(
                    f"the API exited with status {self.returncode} before it served "
                    "(its output is above, prefixed `api |`)."
                )
            status = _http_status(f"{self.url}/queue")
            if status is not None:
                if status != 401:
                    log.warning("GET /queue without a token answered %s (expected 401)", status)
                return
            if time.monotonic() > deadline:
                raise StartupError(
                    f"the API did not answer on {self.url} within {API_START_SECONDS:.0f}s"
                    " (its output is above, prefixed `api |`)."
                )
            self.exited.wait(0.2)  # poll interval; wakes at once if it dies

    def stop(self) -> None:
        """Terminate it (SIGTERM, then SIGKILL after a grace period) and wait for it."""
        process = self._process
        if process is None:
            return
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=STOP_SECONDS)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        if self._reader is not None:
            self._reader.join(timeout=STOP_SECONDS)


def _die_with(parent: int) -> Callable[[], None]:
    """Linux, in the forked child: have the kernel SIGTERM it when the stack dies, even by
    ``kill -9`` (Ctrl-C and SIGTERM stop it properly; this is only for the untidy cases)."""

    def arrange() -> None:
        try:
            ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)
        except (OSError, AttributeError):
            return
        if os.getppid() != parent:  # the stack died before prctl took effect
            os._exit(1)

    return arrange


def _http_status(url: str) -> int | None:
    """The HTTP status of ``GET url``, or ``None`` if nothing answers yet."""
    try:
        with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 - our loopback URL
            return int(response.status)
    except urllib.error.HTTPError as exc:
        return int(exc.code)
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return None


if __name__ == "__main__":
    sys.exit(main())
