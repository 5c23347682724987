"""Lose moto's answers on purpose: DynamoDB calls that commit but never answer, or answer late.

A call to AWS can succeed and still fail for its caller: the write commits, then the answer is
lost (a read timeout, a reset connection). botocore retries the same request, and the retry meets
its own earlier write (a conditional ``PutItem`` fails with ``ConditionalCheckFailedException``).
To prove the application survives that, tests and ``make run`` must be able to make moto commit a
call and then drop, or delay, its answer, on demand and over HTTP, while the application reaches
moto only through ``AWS_ENDPOINT_URL`` and never knows.

This module wraps the WSGI application of a started :class:`moto.server.ThreadedMotoServer` in a
middleware that serves a control path on moto's own port::

    POST   /_faults/dynamodb   {"operation": "PutItem", "table": "Sessions",
                                "mode": "drop_response", "count": 1}
    GET    /_faults/dynamodb   every fault set since the last DELETE, with remaining and fired
    DELETE /_faults/dynamodb   forget them all (and answer any call still being held)

Every other request passes through untouched; when no fault is armed that costs one string
comparison and one integer test. See ``docs/local-faults.md``.
"""

from __future__ import annotations

import contextlib
import functools
import io
import json
import logging
import socket
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from moto.server import ThreadedMotoServer
from werkzeug.serving import BaseWSGIServer

__all__ = [
    "CONTROL_PATH",
    "DynamoDBFaults",
    "FaultInjectingMotoServer",
    "install_moto_faults",
]

log = logging.getLogger("moto_faults")

CONTROL_PATH = "/_faults/dynamodb"
TARGET_PREFIX = "DynamoDB_20120810."  # X-Amz-Target of every DynamoDB (not Streams) call
MODES = ("drop_response", "hang")
MAX_HANG_MS = 10 * 60 * 1000  # a held call must end some day, even if nobody clears it
_FIELDS = {"operation", "table", "mode", "count", "hang_ms"}

Environ = dict[str, Any]
StartResponse = Callable[..., Any]
WSGIApp = Callable[[Environ, StartResponse], Iterable[bytes]]


class FaultRequestError(ValueError):
    """A bad request to the control path (answered with 400 and the message)."""


@dataclass
class DynamoDBFault:
    """One armed fault: what it matches, what it does, how often it still will.

    Attributes
    ----------
    id
        Its number, in the order faults were set.
    operation
        A DynamoDB operation name (``PutItem``, ``TransactWriteItems``, ...) or ``*`` for any.
    table
        If set, only calls naming this table match (for transactions and batches, any of their
        items naming it).
    mode
        ``drop_response``: moto executes the call, then the connection is closed without an
        answer. ``hang``: moto executes the call, then the answer waits ``hang_ms``.
    hang_ms
        The wait after executing; for ``drop_response`` an optional wait before the drop.
    remaining
        Matching calls it will still hit.
    fired
        Matching calls it has hit.
    """

    id: int
    operation: str
    table: str | None
    mode: str
    hang_ms: float
    remaining: int
    fired: int = 0
    # Set when the fault is cleared, so a call held by it answers at once instead of lingering.
    released: threading.Event = field(default_factory=threading.Event, repr=False)

    def matches(self, operation: str, tables: Callable[[], frozenset[str]]) -> bool:
        """Whether a call of ``operation`` naming ``tables()`` (parsed only if needed) matches."""
        if self.remaining <= 0 or self.operation not in ("*", operation):
            return False
        return self.table is None or self.table in tables()

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "operation": self.operation,
            "table": self.table,
            "mode": self.mode,
            "hang_ms": self.hang_ms,
            "remaining": self.remaining,
            "fired": self.fired,
        }


class DynamoDBFaults:
    """WSGI middleware in front of moto: the ``/_faults/dynamodb`` control path and the faults.

    Parameters
    ----------
    app
        moto's WSGI application (``DomainDispatcherApplication``).

    Notes
    -----
    A dropped answer needs the connection itself: werkzeug's development server, which
    :class:`~moto.server.ThreadedMotoServer` runs, puts it in the environ as ``werkzeug.socket``.
    The middleware shuts it down and raises :class:`ConnectionAbortedError`, which werkzeug treats
    as a client that went away: it writes nothing and logs nothing, and the client reads an end of
    stream where the status line should be.
    """

    def __init__(self, app: WSGIApp) -> None:
        self.app = app
        self._lock = threading.Lock()
        self._faults: list[DynamoDBFault] = []
        self._armed = 0  # sum of remaining counts; read without the lock on the fast path
        self._next_id = 1

    # ------------------------------------------------------------------ control
    def add(
        self,
        operation: str,
        mode: str,
        *,
        table: str | None = None,
        count: int = 1,
        hang_ms: float = 0,
    ) -> DynamoDBFault:
        """Arm a fault for the next ``count`` matching calls (the control path's POST)."""
        with self._lock:
            fault = DynamoDBFault(self._next_id, operation, table, mode, hang_ms, count)
            self._next_id += 1
            self._faults.append(fault)
            self._armed += count
        return fault

    def faults(self) -> list[dict[str, Any]]:
        """Every fault set since the last :meth:`clear`, spent ones with ``remaining`` 0."""
        with self._lock:
            return [fault.to_json() for fault in self._faults]

    def clear(self) -> None:
        """Forget every fault, and let any call a ``hang`` is holding answer now."""
        with self._lock:
            for fault in self._faults:
                fault.released.set()
            self._faults.clear()
            self._armed = 0

    def _take(self, operation: str, tables: Callable[[], frozenset[str]]) -> DynamoDBFault | None:
        with self._lock:
            for fault in self._faults:
                if fault.matches(operation, tables):
                    fault.remaining -= 1
                    fault.fired += 1
                    self._armed -= 1
                    return fault
        return None

    # ------------------------------------------------------------------ WSGI
    def __call__(self, environ: Environ, start_response: StartResponse) -> Iterable[bytes]:
        if environ.get("PATH_INFO") == CONTROL_PATH:
            return self._control(environ, start_response)
        if not self._armed:
            return self.app(environ, start_response)
        target = str(environ.get("HTTP_X_AMZ_TARGET", ""))
        if environ.get("REQUEST_METHOD") != "POST" or not target.startswith(TARGET_PREFIX):
            return self.app(environ, start_response)
        body = _read_body(environ)
        operation = target.removeprefix(TARGET_PREFIX)
        fault = self._take(operation, functools.cache(lambda: tables_named(body)))
        if fault is None:
            return self.app(environ, start_response)
        return self._commit_then_fail(fault, operation, environ, start_response)

    def _commit_then_fail(
        self,
        fault: DynamoDBFault,
        operation: str,
        environ: Environ,
        start_response: StartResponse,
    ) -> Iterable[bytes]:
        # Run moto to the end first, so the call has committed before anything is lost.
        answer: list[Any] = []
        chunks: list[bytes] = []

        def capture(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
            answer[:] = [status, headers]
            return chunks.append

        result = self.app(environ, capture)
        try:
            chunks.extend(result)
        finally:
            close = getattr(result, "close", None)
            if close is not None:
                close()
        if fault.hang_ms:
            log.warning("fault %d: holding the answer to %s", fault.id, operation)
            # The wait is the injected latency itself; clearing the faults ends it early.
            fault.released.wait(fault.hang_ms / 1000)
        if fault.mode == "drop_response":
            log.warning("fault %d: dropping the answer to %s", fault.id, operation)
            _drop_connection(environ)
        start_response(*answer)
        return chunks

    def _control(self, environ: Environ, start_response: StartResponse) -> Iterable[bytes]:
        method = environ.get("REQUEST_METHOD")
        status, payload = "200 OK", None
        try:
            if method == "POST":
                self.add(**parse_fault(_read_body(environ)))
                status = "201 Created"
            elif method == "DELETE":
                self.clear()
            elif method != "GET":
                status = "405 Method Not Allowed"
                payload = _error("MethodNotAllowed", f"{CONTROL_PATH} takes GET, POST or DELETE")
        except FaultRequestError as exc:
            status, payload = "400 Bad Request", _error("BadRequest", str(exc))
        data = json.dumps(payload or {"faults": self.faults()}).encode()
        start_response(
            status, [("Content-Type", "application/json"), ("Content-Length", str(len(data)))]
        )
        return [data]


def _error(code: str, message: str) -> dict[str, Any]:
    return {"error": {"code": code, "message": message}}


def _read_body(environ: Environ) -> bytes:
    """Read the request body and put it back, so moto reads the same bytes after us."""
    stream = environ["wsgi.input"]
    if environ.get("wsgi.input_terminated"):  # chunked: werkzeug ends the stream itself
        body = stream.read()
    else:
        body = stream.read(int(environ.get("CONTENT_LENGTH") or 0))
    environ["wsgi.input"] = io.BytesIO(body)
    return bytes(body)


def _drop_connection(environ: Environ) -> None:
    connection = environ.get("werkzeug.socket")
    if not isinstance(connection, socket.socket):
        raise RuntimeError("drop_response needs werkzeug's development server (werkzeug.socket)")
    # FIN now: the client reads end of stream. If it has gone already, its answer is lost anyway.
    with contextlib.suppress(OSError):
        connection.shutdown(socket.SHUT_RDWR)
    # werkzeug's request handler treats a ConnectionError as a dropped connection: no answer,
    # no 500, no traceback.
    raise ConnectionAbortedError("answer dropped on purpose (local/moto_faults.py)")


def tables_named(body: bytes) -> frozenset[str]:
    """The tables a DynamoDB request names: ``TableName``, batch keys, transaction items.

    Parameters
    ----------
    body
        The JSON request body.

    Returns
    -------
    frozenset of str
        Table names; an ARN (which DynamoDB accepts as a name) counts as its table's name.
    """
    try:
        request = json.loads(body or b"{}")
    except ValueError:
        return frozenset()
    if not isinstance(request, dict):
        return frozenset()
    names: list[Any] = [request.get("TableName")]
    if isinstance(request.get("RequestItems"), dict):  # BatchWriteItem, BatchGetItem
        names.extend(request["RequestItems"])
    for item in request.get("TransactItems") or []:  # {Put|Update|Delete|ConditionCheck|Get: {}}
        if isinstance(item, dict):
            names.extend(a.get("TableName") for a in item.values() if isinstance(a, dict))
    return frozenset(name.rsplit(":table/", 1)[-1] for name in names if isinstance(name, str))


@functools.cache
def dynamodb_operations() -> frozenset[str]:
    """Operation names of botocore's bundled DynamoDB model (loaded once, on first use)."""
    import botocore.session

    model = botocore.session.get_session().get_service_model("dynamodb")
    return frozenset(model.operation_names)


def parse_fault(body: bytes) -> dict[str, Any]:
    """Check a POST body and return :meth:`DynamoDBFaults.add`'s keyword arguments.

    Raises
    ------
    FaultRequestError
        With a message naming the offending field.
    """
    try:
        request = json.loads(body)
    except ValueError as exc:
        raise FaultRequestError(f"The body must be JSON: {exc}") from None
    if not isinstance(request, dict):
        raise FaultRequestError("The body must be a JSON object")
    unknown = sorted(set(request) - _FIELDS)
    if unknown:  # a misspelt "tabel" must not silently widen the fault to every table
        raise FaultRequestError(
            f"Unknown fields {unknown}; a fault takes {', '.join(sorted(_FIELDS))}"
        )
    operation = request.get("operation")
    if operation != "*" and operation not in dynamodb_operations():
        raise FaultRequestError(
            "operation must be '*' or a DynamoDB operation such as PutItem or TransactWriteItems"
        )
    table = request.get("table")
    if table is not None and (not isinstance(table, str) or not table):
        raise FaultRequestError("table must be a table name")
    mode = request.get("mode")
    if mode not in MODES:
        raise FaultRequestError(f"mode must be one of {', '.join(MODES)}")
    count = request.get("count", 1)
    if isinstance(count, bool) or not isinstance(count, int) or count < 1:
        raise FaultRequestError("count must be an integer >= 1")
    hang_ms = request.get("hang_ms", 0)
    if isinstance(hang_ms, bool) or not isinstance(hang_ms, int | float):
        raise FaultRequestError("hang_ms must be a number of milliseconds")
    if not 0 <= hang_ms <= MAX_HANG_MS:
        raise FaultRequestError(f"hang_ms must be between 0 and {MAX_HANG_MS}")
    if mode == "hang" and not hang_ms:
        raise FaultRequestError("mode hang needs hang_ms > 0")
    return {
        "operation": operation,
        "mode": mode,
        "table": table,
        "count": count,
        "hang_ms": hang_ms,
    }


def install_moto_faults(server: ThreadedMotoServer) -> DynamoDBFaults:
    """Put the fault middleware in front of a started moto server (idempotent).

    Parameters
    ----------
    server
        A :class:`~moto.server.ThreadedMotoServer` after ``start()``.

    Returns
    -------
    DynamoDBFaults
        The middleware, for callers in the same process; over HTTP use ``/_faults/dynamodb``.

    Raises
    ------
    RuntimeError
        If the server has not started (moto builds its werkzeug server in ``start()``).
    """
    # ThreadedMotoServer keeps its werkzeug server private and offers no hook for the app;
    # werkzeug's BaseWSGIServer.app is public and read afresh for every request.
    wsgi_server = getattr(server, "_server", None)
    if not isinstance(wsgi_server, BaseWSGIServer):
        raise RuntimeError("start() the moto server before installing the fault hook")
    if not isinstance(wsgi_server.app, DynamoDBFaults):
        wsgi_server.app = DynamoDBFaults(wsgi_server.app)
    return wsgi_server.app


class FaultInjectingMotoServer(ThreadedMotoServer):
    """A :class:`~moto.server.ThreadedMotoServer` that serves ``/_faults/dynamodb`` too."""

    faults: DynamoDBFaults | None = None

    def start(self) -> None:
        super().start()
        self.faults = install_moto_faults(self)
