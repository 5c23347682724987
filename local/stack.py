"""``make run``: the whole local stack on loopback, with demo data.

1. moto in server mode (DynamoDB, SNS, SQS, EventBridge, S3, Cognito) and the Chime SDK Meetings
   emulator, whose meeting events go to moto's EventBridge;
2. the application's resources and the demo force (:mod:`local.provision`);
3. the API itself behind :mod:`local.gateway` (``chalice local``'s gateway, threaded, with a
   deep listen backlog and each client's own address), configured only through its environment:
   the standard ``AWS_ENDPOINT_URL*`` variables plus the caller's own settings (e.g.
   ``ESCALATION_DELAY_SECONDS``, ``MEDIA_REGION``);
4. the event handlers (:mod:`local.events`): in this process, with the API's environment, the
   Timers and MeetingEvents queues and the sessions stream are delivered to the app's Lambda
   handlers as Lambda's event-source mappings would (the gateway serves only HTTP);
5. ``stack.json`` in the state directory (``.local`` or ``$SAFE_CONNECTION_STATE_DIR``) for
   clients, :mod:`local.login` and the tests (with ``pid``, this process, where moto runs);
6. a banner with the URLs, the demo logins and a curl walk-through, then each sergeant's and the
   duty inspector's pager alerts, the event deliveries and the API's request log as they happen.

Ctrl-C or SIGTERM stops everything and exits 0; a failure to start exits non-zero.
"""

from __future__ import annotations

import json
import logging
import os
import signal
import socket
import sys
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from types import FrameType
from typing import TYPE_CHECKING, Any

from .banner import READY_LINE, banner, event_lines, walk_through
from .chime_emulator import ChimeEmulator
from .gateway import API_START_SECONDS, HOST, STOP_SECONDS, ApiServer, StartupError
from .login import ROOT, state_dir
from .web import DEMO_FORCES, WebServer, local_config, missing_build_message

if TYPE_CHECKING:
    from .events import EventPump
    from .provision import Stack

__all__ = [
    "READY_LINE",
    "ApiServer",
    "PagerWatch",
    "Ports",
    "app_environment",
    "banner",
    "event_lines",
    "format_alert",
    "main",
    "start_event_pump",
    "walk_through",
]

PREFIX = "safe-connection"
"""Printed once everything answers; the tests wait for it."""
SIGNAL_CHECK_SECONDS = 0.2
PAGER_WAIT_SECONDS = 1
"""SQS long-poll wait: short, so that stopping never waits long for a pager thread."""

# Caller variables that must never reach the local app: a real account's credentials or profile,
# and per-service endpoints that would override AWS_ENDPOINT_URL and bypass moto.
_UNSAFE_PREFIXES = ("AWS_ENDPOINT_URL",)
_UNSAFE = frozenset(
    {"AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN"}
)
FAKE_CREDENTIALS = {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing"}
log = logging.getLogger("local.stack")


@dataclass(frozen=True)
class Ports:
    """The loopback ports of the stack."""

    moto: int
    chime: int
    api: int
    web: int = 8080
    media: int = 4568

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> Ports:
        """``MOTO_PORT`` (5000), ``CHIME_PORT`` (4567), ``CHIME_MEDIA_PORT`` (4568),
        ``API_PORT`` (8000), ``WEB_PORT`` (8080)."""
        return cls(
            moto=_port(env, "MOTO_PORT", 5000),
            chime=_port(env, "CHIME_PORT", 4567),
            api=_port(env, "API_PORT", 8000),
            web=_port(env, "WEB_PORT", 8080),
            media=_port(env, "CHIME_MEDIA_PORT", 4568),
        )


def _port(env: Mapping[str, str], variable: str, default: int) -> int:
    value = env.get(variable, "").strip() or str(default)
    try:
        port = int(value)
    except ValueError:
        raise StartupError(f"{variable} must be a port number, got {value!r}") from None
    if not 1 <= port <= 65535:
        raise StartupError(f"{variable} must be between 1 and 65535, got {port}")
    return port


def check_free(port: int, what: str, variable: str) -> None:
    """Refuse to start, clearly, if something already listens on ``port``."""
    with socket.socket() as sock:
        if sock.connect_ex((HOST, port)) == 0:
            raise StartupError(
                f"Port {port} on {HOST} is already in use, so the {what} cannot start.\n"
                f"Stop whatever is using it (is another `make run` still going?) or pick another "
                f"port: {variable}=<port> make run"
            )


def start_moto(port: int) -> Any:
    """moto in server mode on loopback (all services, state in memory)."""
    from local.moto_faults import FaultInjectingMotoServer as ThreadedMotoServer

    from .moto_fidelity import make_dynamodb_writes_atomic

    make_dynamodb_writes_atomic()  # one winner per conditional write, as in DynamoDB
    server = ThreadedMotoServer(ip_address=HOST, port=port, verbose=False)
    server.start()
    return server


def app_environment(caller: Mapping[str, str], stack_env: Mapping[str, str]) -> dict[str, str]:
    """The API's environment: the caller's, minus anything that could reach a real account or
    bypass moto, plus the stack's resources and fake credentials."""
    env = {
        key: value
        for key, value in caller.items()
        if key not in _UNSAFE and not key.startswith(_UNSAFE_PREFIXES)
    }
    env.update(stack_env)
    env.update(FAKE_CREDENTIALS)
    env["PYTHONUNBUFFERED"] = "1"  # request log lines as they happen
    return env


def format_alert(username: str, envelope: Mapping[str, Any]) -> str:
    """One pager line for an SNS envelope (as delivered to SQS) carrying an alert, e.g.
    ``PAGER sergeant.central  08:50:12  VERIFICATION REQUESTED  PC 4521  MET/CENTRAL  ref
    SC-261123-7K3P9  session 1a2b...`` (escalations add ``(LEVEL n)``; calls from the public say
    ``PUBLIC CALL``).
    """
    try:
        alert = json.loads(envelope.get("Message", ""))
    except (TypeError, ValueError):
        alert = None
    if not isinstance(alert, dict):
        return f"PAGER {username}  {_clock(envelope.get('Timestamp'))}  {envelope.get('Message')!r}"
    headline = str(alert.get("type", "alert")).replace(".", " ").replace("_", " ").upper()
    if alert.get("type") == "feedback.left":  # her feedback, to the standards contact
        verdict = str(alert.get("verdict", "-")).replace("_", " ")
        return (
            f"PAGER {username}  {_clock(envelope.get('Timestamp'))}  {headline}  {verdict}  "
            f"{alert.get('officer') or '-'}  {alert.get('force', '-')}  ref "
            f"{alert.get('reference', '-')}  (her text: in the console)"
        )
    level = alert.get("escalation_level") or 0
    if level:
        headline += f" (LEVEL {level})"
    who = " ".join(str(alert[k]) for k in ("rank", "shoulder_number") if alert.get(k))
    if alert.get("channel") == "public":
        who = f"PUBLIC CALL{' about ' + who if who else ''}"
    where = "/".join(str(alert[k]) for k in ("force", "area") if alert.get(k))
    return (
        f"PAGER {username}  {_clock(envelope.get('Timestamp'))}  {headline}  {who or '-'}  "
        f"{where}  ref {alert.get('reference', '-')}  session {alert.get('session_id', '-')}"
    )


def _clock(timestamp: Any) -> str:
    """``HH:MM:SS`` local time of an SNS timestamp (now, if there is none)."""
    try:
        moment = datetime.fromisoformat(str(timestamp).replace("Z", "+00:00")).astimezone()
    except ValueError:
        moment = datetime.now().astimezone()
    return moment.strftime("%H:%M:%S")


class PagerWatch:
    """Long-polls each sergeant's SQS pager queue and prints every alert as it arrives.

    Parameters
    ----------
    sqs
        A boto3 SQS client on moto.
    pagers
        Username to pager queue URL.
    write
        Where the lines go.
    """

    def __init__(self, sqs: Any, pagers: Mapping[str, str], write: Callable[[str], None]) -> None:
        self._sqs = sqs
        self._stop = threading.Event()
        self._write = write
        self._threads = [
            threading.Thread(
                target=self._watch, args=(username, url), name=f"pager-{username}", daemon=True
            )
            for username, url in pagers.items()
        ]

    def start(self) -> None:
        """Start one polling thread per pager."""
        for thread in self._threads:
            thread.start()

    def stop(self) -> None:
        """Stop polling (each thread ends after its current long poll)."""
        self._stop.set()
        for thread in self._threads:
            thread.join(timeout=PAGER_WAIT_SECONDS + STOP_SECONDS)

    def _watch(self, username: str, queue_url: str) -> None:
        while not self._stop.is_set():
            try:
                response = self._sqs.receive_message(
                    QueueUrl=queue_url,
                    MaxNumberOfMessages=10,
                    WaitTimeSeconds=PAGER_WAIT_SECONDS,
                )
                for message in response.get("Messages", []):
                    try:
                        envelope = json.loads(message["Body"])
                    except ValueError:
                        envelope = {"Message": message["Body"]}
                    self._write(format_alert(username, envelope))
                    self._sqs.delete_message(
                        QueueUrl=queue_url, ReceiptHandle=message["ReceiptHandle"]
                    )
            except Exception as exc:
                if self._stop.is_set():
                    return
                self._write(f"PAGER {username}  could not read the pager queue: {exc}")
                self._stop.wait(1.0)  # back off, then try again


def start_event_pump(stack: Stack, env: Mapping[str, str]) -> EventPump:
    """Deliver the stack's queues and stream to the app's handlers, in this process.

    The handlers run here, not in the API's process, so this process takes the API's
    environment first (``env``: the stack's resources, the endpoint variables, fake
    credentials); the handlers are imported after that. A handler that does not exist yet is
    left out (its messages wait in their queue) and reported by :func:`event_lines`.

    Raises
    ------
    StartupError
        If a handler module exists but cannot be imported.
    """
    from .events import EventPump

    os.environ.clear()
    os.environ.update(env)
    pump = EventPump.for_stack(stack)
    try:
        return pump.start(require_all=False)
    except Exception as exc:
        log.exception("importing the event handlers failed")
        raise StartupError(
            f"the event handlers could not be imported ({type(exc).__name__}: {exc}); "
            "the traceback is above."
        ) from exc


class _Output:
    """Line-at-a-time writes to stdout from many threads."""

    def __init__(self) -> None:
        self._lock = threading.Lock()

    def __call__(self, line: str) -> None:
        with self._lock:
            sys.stdout.write(line + "\n")
            sys.stdout.flush()


class _TaggedFormatter(logging.Formatter):
    """``chime | 08:50:12 CreateMeeting ...``: the same ``tag |`` style as the API's lines."""

    TAGS = {"chime_emulator": "chime", "local.events": "event", "functions": "event"}
    """``functions.*`` logs in this process come from the event handlers the pump runs."""

    def format(self, record: logging.LogRecord) -> str:
        tag = self.TAGS.get(record.name) or self.TAGS.get(record.name.split(".")[0], record.name)
        return f"{tag:<5} | {super().format(record)}"


def _configure_logging() -> None:
    handler = logging.StreamHandler(sys.stdout)
    handler.setFormatter(_TaggedFormatter("%(asctime)s %(message)s", datefmt="%H:%M:%S"))
    logging.basicConfig(level=logging.WARNING, handlers=[handler])
    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # moto: a line per call is noise
    logging.getLogger("chime_emulator").setLevel(logging.INFO)  # the Chime request log
    logging.getLogger("local.events").setLevel(logging.INFO)  # one line per delivered batch


class _Stop(BaseException):
    """Raised in the main thread by SIGINT or SIGTERM: stop everything, exit 0."""


def _raise_stop(signum: int, frame: FrameType | None) -> None:
    raise _Stop(signum)


def run() -> int:
    """Bring the stack up, serve until SIGINT or SIGTERM, tear it down; the exit status."""
    write = _Output()
    for variable in _UNSAFE:  # this process talks only to moto, with fake credentials
        os.environ.pop(variable, None)
    os.environ.update(FAKE_CREDENTIALS)
    region = os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION") or "eu-west-2"
    state = state_dir()
    default_state = ROOT / ".local"
    stack_file = state / "stack.json"
    moto: Any = None
    emulator: ChimeEmulator | None = None
    api: ApiServer | None = None
    pagers: PagerWatch | None = None
    pump: EventPump | None = None
    web: WebServer | None = None
    try:
        ports = Ports.from_env(os.environ)
        check_free(ports.moto, "moto server", "MOTO_PORT")
        check_free(ports.chime, "Chime SDK Meetings emulator", "CHIME_PORT")
        check_free(ports.media, "Chime emulator's media side (signaling)", "CHIME_MEDIA_PORT")
        check_free(ports.api, "API", "API_PORT")
        check_free(ports.web, "web site", "WEB_PORT")
        unbuilt = missing_build_message()
        if unbuilt:
            raise StartupError(unbuilt)
        from .demo_history import DemoHistory, history_days  # imports the application's code

        try:
            days = history_days(os.environ)
        except ValueError as refused:
            raise StartupError(str(refused)) from None
        write(
            f"Starting moto on :{ports.moto} and the Chime SDK Meetings emulator on :{ports.chime}"
            f" (media :{ports.media})"
        )
        moto = start_moto(ports.moto)
        moto_url = f"http://{HOST}:{ports.moto}"
        emulator = ChimeEmulator(
            HOST,
            ports.chime,
            eventbridge_endpoint=moto_url,
            default_region=region,
            media_port=ports.media,
        ).start()
        write("Creating the resources and the demo force on moto ...")
        from .demo import seed_demo  # imports the application's code
        from .provision import create_resources

        stack = seed_demo(create_resources(moto_url, emulator.url, region, prefix=PREFIX))
        history = DemoHistory(stack, write, days)  # written while the API and the pump start
        env = app_environment(os.environ, stack.app_environment())
        api = ApiServer(ports.api, env, write)
        stack.api_url = api.url
        write(f"Starting the API: {' '.join(api.command)}")
        api.start()
        api.wait_ready(time.monotonic() + API_START_SECONDS)
        write("Starting event delivery to the app's handlers (SQS, EventBridge, DynamoDB stream)")
        pump = start_event_pump(stack, env)
        web = WebServer(
            local_config(
                api_url=api.url,
                region=region,
                user_pool_id=stack.user_pool_id,
                client_id=stack.user_pool_client_id,
                cognito_endpoint=moto_url,
                public_url=f"http://{HOST}:{ports.web}/",
                forces=DEMO_FORCES,
            ),
            host=HOST,
            port=ports.web,
            media=[emulator.url, f"ws://{HOST}:{ports.media}"],
        ).start()
        state.mkdir(parents=True, exist_ok=True)
        # ``pid``: this process, where moto runs (what `python -m bench.burst` measures).
        described = {**json.loads(stack.to_json()), "pid": os.getpid()}
        stack_file.write_text(json.dumps(described, indent=2) + "\n")

        import boto3

        sqs = boto3.client("sqs", endpoint_url=moto_url, region_name=region)
        watched = {u.username: u.pager_queue_url for u in stack.users if u.pager_queue_url}
        watched["inspector"] = stack.inspector_pager_queue_url
        watched["standards"] = stack.standards_queue_url
        pagers = PagerWatch(sqs, watched, write)
        pagers.start()
        history.wait()
        write(
            banner(
                json.loads(stack.to_json()),
                emulator.url,
                state,
                default_state,
                event_lines(pump),
                web_url=web.url,
                media_url=emulator.media.url if emulator.media else None,
            )
        )
        # Until Ctrl-C / SIGTERM raises _Stop here, or the API dies. The timeout matters: a
        # signal delivered to another thread runs its Python handler only once this thread
        # wakes up, and an untimed wait would never wake.
        while not api.exited.wait(timeout=SIGNAL_CHECK_SECONDS):
            pass
        write(f"The API (local gateway) stopped unexpectedly with status {api.returncode}.")
        return 1
    except _Stop:
        return 0
    except StartupError as exc:
        write(f"Could not start the local stack: {exc}")
        return 1
    finally:
        for signum in (signal.SIGINT, signal.SIGTERM):  # a second Ctrl-C must not cut teardown
            signal.signal(signum, signal.SIG_IGN)
        if moto is not None:
            write("Stopping the local stack ...")
        if web is not None:
            web.stop()
        if api is not None:
            api.stop()
        if pump is not None:
            pump.stop()
        if pagers is not None:
            pagers.stop()
        if emulator is not None:
            emulator.stop()
        if moto is not None:
            moto.stop()
            stack_file.unlink(missing_ok=True)
            write("Stopped.")


def main() -> None:
    """``python -m local.stack``: run until Ctrl-C or SIGTERM; exit 0 after a clean stop."""
    _configure_logging()
    signal.signal(signal.SIGINT, _raise_stop)
    signal.signal(signal.SIGTERM, _raise_stop)
    sys.exit(run())


if __name__ == "__main__":
    main()
