"""Record the AWS calls boto3 clients make: service, operation, API parameters, thread and when.

botocore emits ``provide-client-params`` with the caller's own parameters before it validates
or serialises them, and ``after-call`` with the same request context once the answer is parsed;
the two give each call's parameters and interval. ``before-call`` marks the calls that are really
sent: presigning a URL (``generate_presigned_url``) emits ``provide-client-params`` too, but makes
no call. Nothing of the application is changed.
"""

from __future__ import annotations

import copy
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

import boto3.session
from botocore import xform_name

if TYPE_CHECKING:
    from bench.replay import Call

__all__ = ["Recorder"]

_ID = "safe-connection-bench"


class Recorder:
    """Hooks on boto3 clients; :meth:`window` collects the calls made while it is open."""

    def __init__(self) -> None:
        self._calls: list[Call] | None = None
        self._lock = threading.Lock()
        self._clients: list[Any] = []
        self._sent_indexes: set[int] = set()

    def attach(self, client: Any) -> None:
        """Record ``client``'s calls (while a window is open)."""
        client.meta.events.register("provide-client-params", self._started, unique_id=_ID)
        client.meta.events.register("before-call", self._sent, unique_id=_ID + "-sent")
        client.meta.events.register("after-call", self._ended, unique_id=_ID + "-end")
        self._clients.append(client)

    def detach_all(self) -> None:
        for client in self._clients:
            client.meta.events.unregister("provide-client-params", unique_id=_ID)
            client.meta.events.unregister("before-call", unique_id=_ID + "-sent")
            client.meta.events.unregister("after-call", unique_id=_ID + "-end")
        self._clients.clear()

    def attach_to_new_clients(self) -> None:
        """Attach to every client any ``boto3.session.Session`` builds from now on (how the
        application's lazily built clients are reached without touching the application)."""
        original = boto3.session.Session.client
        recorder = self

        def client(session: Any, *args: Any, **kwargs: Any) -> Any:
            made = original(session, *args, **kwargs)
            recorder.attach(made)
            return made

        boto3.session.Session.client = client  # type: ignore[method-assign,assignment]

    @contextmanager
    def window(self) -> Iterator[list[Call]]:
        """Collect the calls sent (on any thread) until the block ends, in start order."""
        calls: list[Call] = []
        seen: list[Call] = []
        with self._lock:
            self._calls, self._sent_indexes = seen, set()
        try:
            yield calls
        finally:
            with self._lock:
                calls.extend(c for i, c in enumerate(seen) if i in self._sent_indexes)
                self._calls = None

    def _started(
        self, params: dict[str, Any], model: Any, context: dict[str, Any], **_: Any
    ) -> None:
        with self._lock:
            if self._calls is None:
                return
            context["bench_call"] = self._calls
            context["bench_index"] = len(self._calls)
            self._calls.append(
                {
                    "service": model.service_model.service_name,
                    "operation": model.name,
                    "method": xform_name(model.name),
                    "thread": "main"
                    if threading.current_thread() is threading.main_thread()
                    else "pool",
                    "params": copy.deepcopy(params),
                    "started": time.perf_counter(),
                    "ended": float("nan"),
                }
            )

    def _sent(self, context: dict[str, Any], **_: Any) -> None:
        with self._lock:
            if self._calls is not None and context.get("bench_call") is self._calls:
                self._sent_indexes.add(context["bench_index"])

    @staticmethod
    def _ended(context: dict[str, Any], **_: Any) -> None:
        calls = context.get("bench_call")
        if calls is not None:
            calls[context["bench_index"]]["ended"] = time.perf_counter()
