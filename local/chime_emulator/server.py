"""HTTP front of the emulator: the AWS REST-JSON surface and the ``/_emulator/`` control API."""

from __future__ import annotations

import contextlib
import json
import logging
import re
import socket
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs, urlsplit

from . import service_model
from .backend import DEFAULT_IDLE_TIMEOUT, DEFAULT_MAX_DURATION, OPERATIONS, ChimeBackend
from .events import EventBridgePublisher, EventLog, FanOut
from .faults import Fault
from .model import AdjustableClock, PlacementUrls
from .service_model import ChimeError

if TYPE_CHECKING:
    from .media.server import MediaServer

log = logging.getLogger("chime_emulator")

CONTROL_PREFIX = "/_emulator"
MEDIA_PREFIX = "/_media"  # the HTTP URLs of the meetings' MediaPlacement (see model.PlacementUrls)
_CREDENTIAL_REGION = re.compile(r"Credential=[^/]+/\d{8}/([a-z0-9-]+)/")
_PRESENCE = re.compile(rf"^{CONTROL_PREFIX}/meetings/([^/]+)/attendees/([^/]+)/(join|leave|drop)$")
_PRESENCE_WORDS = {"join": "joined", "leave": "left", "drop": "dropped"}
# Errors a caller may inject; each is modelled for every operation of the service.
INJECTABLE_ERRORS = (
    "ThrottlingException",
    "ServiceUnavailableException",
    "ServiceFailureException",
    "LimitExceededException",
    "ForbiddenException",
    "UnauthorizedException",
)


class ControlError(Exception):
    """A bad request to the control API (not an AWS error: plain JSON, no error-type header)."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    protocol_version = "HTTP/1.1"  # keep-alive: botocore pools connections

    def do_GET(self) -> None:
        self._dispatch()

    def do_POST(self) -> None:
        self._dispatch()

    def do_PUT(self) -> None:
        self._dispatch()

    def do_DELETE(self) -> None:
        self._dispatch()

    def do_OPTIONS(self) -> None:
        # Only the browser-facing /_media/ URLs are called from pages (CORS preflight).
        self._send_json(204, None, _media_cors(self.headers.get("Origin")))

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - base signature
        log.debug("%s - %s", self.address_string(), format % args)

    # ------------------------------------------------------------------
    def _dispatch(self) -> None:
        started = time.perf_counter()
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        parts = urlsplit(self.path)
        query = parse_qs(parts.query, keep_blank_values=True)
        if parts.path.startswith(CONTROL_PREFIX + "/") or parts.path == CONTROL_PREFIX:
            self._control(parts.path, body)
            return
        if parts.path.startswith(MEDIA_PREFIX + "/"):
            self._media_front(parts.path, body)
            return
        request_id = str(uuid.uuid4())
        name = "?"
        fault: Fault | None = None
        try:
            route, path_params = service_model.match(self.command, parts.path, query)
            name = route.name
            fault = self.server.backend.faults.take(name)
            self._fault_before(fault, name)
            params = service_model.parse_input(
                route, path_params, query, dict(self.headers.items()), body
            )
            service_model.validate(route.operation.input_shape, params)
            handler = OPERATIONS.get(name)
            if handler is None:
                raise ChimeError(
                    "NotImplementedException", f"{name} is not implemented by the emulator"
                )
            result: Any = handler(self.server.backend, params, self._region())
            status, headers = route.status, {"x-amzn-RequestId": request_id}
        except ChimeError as exc:
            status = exc.status
            code = exc.error_type.removesuffix("Exception")
            headers = {
                "x-amzn-ErrorType": f"{exc.error_type}:http://internal.amazon.com/coral/"
                "com.amazonaws.chime/",
                "x-amzn-RequestId": request_id,
                **exc.headers,
            }
            result = {"Code": code, "Message": exc.message, "RequestId": request_id}
        outcome: object = status
        if fault is not None and self._fault_after(fault):
            outcome = "answer dropped"
        else:
            try:
                self._send_json(status, result, headers)
            except (BrokenPipeError, ConnectionResetError):
                # The caller gave up (a read timeout past latency_after_ms): nobody to answer.
                self.close_connection = True
                outcome = f"{status}, caller gone"
        log.info(
            "%s %s -> %s (%.1f ms)",
            name,
            parts.path,
            outcome,
            (time.perf_counter() - started) * 1000,
        )

    def _fault_before(self, fault: Fault | None, operation: str) -> None:
        if fault is None:
            return
        if fault.latency:
            # The injected latency itself, not synchronisation; clearing the faults cuts it short.
            self.server.backend.faults.wait(fault.latency)
        if fault.error:
            headers = {"Retry-After": "1"} if fault.error == "ServiceUnavailableException" else {}
            raise ChimeError(fault.error, f"Injected fault for {operation}", headers)

    def _fault_after(self, fault: Fault) -> bool:
        """Act out what a fault does once the operation has run; True if the answer is lost."""
        if fault.latency_after:
            self.server.backend.faults.wait(fault.latency_after)
        if not fault.drop_response:
            return False
        # Close without a status line: the caller reads end of stream, as when a connection is
        # lost after the service committed the call.
        self.close_connection = True
        with contextlib.suppress(OSError):  # already gone: the answer is lost all the same
            self.connection.shutdown(socket.SHUT_RDWR)
        return True

    def _region(self) -> str:
        found = _CREDENTIAL_REGION.search(self.headers.get("Authorization", ""))
        return found.group(1) if found else self.server.default_region

    def _send_json(self, status: int, payload: Any, headers: dict[str, str] | None = None) -> None:
        data = b"" if status == 204 else json.dumps(payload).encode()
        self.send_response(status)
        if data:
            self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        self.end_headers()
        if data:
            self.wfile.write(data)

    # ------------------------------------------------------------------ browser-facing URLs
    def _media_front(self, path: str, body: bytes) -> None:
        """The placement's HTTP URLs that the SDK calls from the page.

        ``client-events`` takes the SDK's meeting events (EventIngestionUrl) and keeps only a
        count; ``turn_sessions`` (TurnControlUrl, asked only by older SDKs) names no TURN
        server, so the SDK gathers host candidates as it does with protocol 3's JOIN_ACK.
        """
        cors = _media_cors(self.headers.get("Origin"))
        if path == f"{MEDIA_PREFIX}/client-events" and self.command == "POST":
            self.server.client_events += 1
            status, answer = 200, {}
        elif path == f"{MEDIA_PREFIX}/turn_sessions" and self.command == "POST":
            status, answer = 200, {"username": "", "password": "", "ttl": 0, "uris": []}
        else:
            status, answer = 404, {"error": {"code": "NotFound", "message": path}}
        try:
            self._send_json(status, answer, cors)
        except (BrokenPipeError, ConnectionResetError):
            # A page that closed while its SDK was posting events: nobody is left to answer.
            self.close_connection = True

    # ------------------------------------------------------------------ control API
    def _control(self, path: str, body: bytes) -> None:
        try:
            payload = json.loads(body) if body.strip() else {}
            if not isinstance(payload, dict):
                raise ControlError(400, "The body must be a JSON object")
            status, result = self._control_route(path, payload)
        except ValueError as exc:
            status, result = 400, {"error": {"code": "BadRequest", "message": str(exc)}}
        except ControlError as exc:
            status, result = exc.status, {"error": {"code": "BadRequest", "message": exc.message}}
        except ChimeError as exc:
            status = exc.status
            result = {"error": {"code": exc.error_type, "message": exc.message}}
        self._send_json(status, result)

    def _control_route(self, path: str, payload: dict[str, Any]) -> tuple[int, Any]:
        server = self.server
        backend = server.backend
        method = self.command
        sub = path.removeprefix(CONTROL_PREFIX)
        if (method, sub) == ("GET", "/health"):
            return 200, {"status": "ok"}
        if (method, sub) == ("GET", "/meetings"):
            return 200, {"Meetings": backend.snapshot()}
        if (method, sub) == ("GET", "/media"):
            media = server.media
            if media is None:
                raise ControlError(404, "The emulator runs without its media side (--no-media)")
            return 200, {"Meetings": media.snapshot(), "ClientEventBatches": server.client_events}
        presence = _PRESENCE.match(path)
        if presence and method == "POST":
            meeting_id, attendee_id, verb = presence.groups()
            attendee = backend.set_presence(meeting_id, attendee_id, _PRESENCE_WORDS[verb])
            return 200, {"AttendeeId": attendee.attendee_id, "Presence": attendee.presence}
        if sub == "/faults":
            if method == "GET":
                return 200, {"Faults": backend.faults.pending()}
            if method == "DELETE":
                backend.faults.clear()
                return 200, {"Faults": {}}
            if method == "POST":
                return 201, self._add_fault(payload)
        if (method, sub) == ("POST", "/clock/advance"):
            seconds = _number(payload, "seconds", minimum=0)
            server.clock.advance(seconds)
            return 200, {"ended": backend.sweep()}
        if (method, sub) == ("GET", "/config"):
            return 200, server.config()
        if (method, sub) == ("PUT", "/config"):
            if "idle_timeout_seconds" in payload:
                backend.idle_timeout = _number(payload, "idle_timeout_seconds", minimum=0)
            if "max_duration_seconds" in payload:
                backend.max_duration = _number(payload, "max_duration_seconds", minimum=0)
            return 200, server.config()
        if (method, sub) == ("GET", "/events"):
            return 200, {"Events": server.event_log.recent()}
        if (method, sub) == ("POST", "/reset"):
            backend.reset()
            backend.idle_timeout, backend.max_duration = server.initial_periods
            server.clock.reset()
            server.event_log.clear()
            return 200, {"status": "reset"}
        raise ControlError(404, f"No control route {method} {path}")

    def _add_fault(self, payload: dict[str, Any]) -> dict[str, Any]:
        operation = payload.get("operation")
        known = service_model.service_model().operation_names
        if operation != "*" and operation not in known:
            raise ControlError(400, f"operation must be '*' or one of {', '.join(known)}")
        error = payload.get("error")
        if error is not None and error not in INJECTABLE_ERRORS:
            raise ControlError(400, f"error must be one of {', '.join(INJECTABLE_ERRORS)}")
        latency_ms = _number(payload, "latency_ms", minimum=0, default=0)
        latency_after_ms = _number(payload, "latency_after_ms", minimum=0, default=0)
        drop_response = payload.get("drop_response", False)
        if not isinstance(drop_response, bool):
            raise ControlError(400, "drop_response must be true or false")
        if error is not None and (drop_response or latency_after_ms):
            # An injected error replaces the operation, so nothing commits before the answer.
            raise ControlError(
                400,
                "error cannot be combined with drop_response or latency_after_ms: with an error "
                "the operation does not run",
            )
        if error is None and not (latency_ms or latency_after_ms or drop_response):
            raise ControlError(
                400, "give an error, a latency_ms, a latency_after_ms or drop_response: true"
            )
        count = int(_number(payload, "count", minimum=1, default=1))
        fault = Fault(error, latency_ms / 1000, latency_after_ms / 1000, drop_response, count)
        self.server.backend.faults.add(str(operation), fault)
        return {"Faults": self.server.backend.faults.pending()}


def _media_cors(origin: str | None) -> dict[str, str]:
    """CORS for the browser-facing URLs: any page of this machine may call them."""
    return {
        "Access-Control-Allow-Origin": origin or "*",
        "Access-Control-Allow-Methods": "POST, OPTIONS",
        "Access-Control-Allow-Headers": "Authorization, Content-Type, X-Chime-Auth-Token",
        "Access-Control-Max-Age": "600",
        "Vary": "Origin",
    }


def _number(
    payload: dict[str, Any], key: str, *, minimum: float, default: float | None = None
) -> float:
    value = payload.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int | float) or value < minimum:
        raise ControlError(400, f"{key} must be a number >= {minimum}")
    return float(value)


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(
        self,
        address: tuple[str, int],
        backend: ChimeBackend,
        clock: AdjustableClock,
        event_log: EventLog,
        default_region: str,
    ) -> None:
        super().__init__(address, _Handler)
        self.backend = backend
        self.clock = clock
        self.event_log = event_log
        self.default_region = default_region
        self.initial_periods = (backend.idle_timeout, backend.max_duration)
        self.client_events = 0  # SDK event batches posted to the EventIngestionUrl
        self.media: MediaServer | None = None  # the media side, when it runs

    def config(self) -> dict[str, Any]:
        return {
            "idle_timeout_seconds": self.backend.idle_timeout,
            "max_duration_seconds": self.backend.max_duration,
        }


class ChimeEmulator:
    """A running Chime SDK Meetings emulator.

    Parameters
    ----------
    host, port
        Where to listen; port 0 picks a free port (see :attr:`url` once started).
    eventbridge_endpoint
        If given, meeting events are put on ``event_bus`` at this EventBridge endpoint.
    idle_timeout, max_duration
        Lifecycle periods in seconds (AWS: 300 and 86400).
    sweep_interval
        How often, in seconds, the background sweeper ends timed-out meetings.
    media, media_port
        Serve the media side too (Chime SDK signaling and a WebRTC relay, see
        :mod:`.media`) on ``media_port`` (0 picks a free one). Without it, the placement URLs
        are shaped like AWS's and lead nowhere.

    Examples
    --------
    >>> with ChimeEmulator() as emulator:  # doctest: +SKIP
    ...     boto3.client("chime-sdk-meetings", endpoint_url=emulator.url).create_meeting(...)
    """

    def __init__(
        self,
        host: str = "127.0.0.1",
        port: int = 0,
        *,
        eventbridge_endpoint: str | None = None,
        event_bus: str = "default",
        idle_timeout: float = DEFAULT_IDLE_TIMEOUT,
        max_duration: float = DEFAULT_MAX_DURATION,
        sweep_interval: float = 1.0,
        default_region: str = "us-east-1",
        media: bool = True,
        media_port: int = 0,
    ) -> None:
        self.clock = AdjustableClock()
        self.event_log = EventLog()
        self.publisher = (
            EventBridgePublisher(eventbridge_endpoint, event_bus) if eventbridge_endpoint else None
        )
        sinks: list[Any] = [self.event_log] + ([self.publisher] if self.publisher else [])
        self.backend = ChimeBackend(
            FanOut(*sinks), self.clock, idle_timeout=idle_timeout, max_duration=max_duration
        )
        self._server = _Server(
            (host, port), self.backend, self.clock, self.event_log, default_region
        )
        self.media: MediaServer | None = None
        if media:
            from .media.server import MediaServer  # aiortc and PyAV load only with the media side

            self.media = MediaServer(self.backend, host, media_port)
            self._server.media = self.media
            self.backend.placement = PlacementUrls(http=self.url, media=self.media.url)
            self.backend.events.sinks.append(self.media)  # type: ignore[attr-defined]
        self._sweep_interval = sweep_interval
        self._stopping = threading.Event()
        self._threads: list[threading.Thread] = []

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    def start(self) -> ChimeEmulator:
        """Serve in background threads and return at once."""
        serve = threading.Thread(
            target=self._server.serve_forever, name="chime-emulator", daemon=True
        )
        sweep = threading.Thread(target=self._sweep_forever, name="chime-sweeper", daemon=True)
        self._threads = [serve, sweep]
        for thread in self._threads:
            thread.start()
        if self.media is not None:
            self.media.start()
        return self

    def serve_forever(self) -> None:
        """Serve on the calling thread until interrupted (the command-line entry point)."""
        sweeper = threading.Thread(target=self._sweep_forever, name="chime-sweeper", daemon=True)
        sweeper.start()
        if self.media is not None:
            self.media.start()
        try:
            self._server.serve_forever()
        finally:
            self.stop()

    def flush_events(self) -> None:
        """Wait until every event emitted so far has reached EventBridge."""
        if self.publisher:
            self.publisher.flush()

    def stop(self) -> None:
        """Stop serving, end the sweeper and the publisher, and free the port."""
        self._stopping.set()
        if self.media is not None:
            self.media.close()
        self._server.shutdown()
        self._server.server_close()
        if self.publisher:
            self.publisher.close()
        for thread in self._threads:
            thread.join(timeout=5)

    def _sweep_forever(self) -> None:
        while not self._stopping.wait(self._sweep_interval):
            try:
                self.backend.sweep()
            except Exception:  # keep sweeping whatever one sweep hit
                log.exception("sweep failed")

    def __enter__(self) -> ChimeEmulator:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
