"""Meeting lifecycle events, delivered to EventBridge the way the real service does.

Amazon Chime SDK sends ``source: aws.chime`` / ``detail-type: Chime Meeting State Change`` events to
the account's default event bus. Here they go, in order and off the request thread, to whatever
EventBridge endpoint the emulator was given (moto's, locally) with ``PutEvents``.
"""

from __future__ import annotations

import json
import logging
import queue
import threading
from collections import deque
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

SOURCE = "aws.chime"
DETAIL_TYPE = "Chime Meeting State Change"

log = logging.getLogger("chime_emulator.events")


class EventLog:
    """Keeps the most recent events in memory for the control API (``GET /_emulator/events``)."""

    def __init__(self, limit: int = 1000) -> None:
        self._events: deque[dict[str, Any]] = deque(maxlen=limit)
        self._lock = threading.Condition()

    def emit(self, event_type: str, detail: dict[str, Any], region: str) -> None:
        with self._lock:
            self._events.append({"region": region, "detail": detail})
            self._lock.notify_all()

    def wait_for(
        self, predicate: Callable[[list[dict[str, Any]]], bool], timeout: float
    ) -> list[dict[str, Any]]:
        """Block until ``predicate(recent events)`` holds, or ``timeout`` seconds pass.

        Returns the events it last saw, so a caller can assert on them either way; woken by
        each new event, never by polling.
        """
        with self._lock:
            self._lock.wait_for(lambda: predicate(list(self._events)), timeout)
            return list(self._events)

    def recent(self) -> list[dict[str, Any]]:
        with self._lock:
            return list(self._events)

    def clear(self) -> None:
        with self._lock:
            self._events.clear()


class EventBridgePublisher:
    """Publishes events to an EventBridge endpoint from one background thread.

    One thread keeps the order of events (``AttendeeJoined`` before ``AttendeeLeft``) and keeps
    the API's latency free of the publish. A failed publish is logged, not retried forever: the
    real service's delivery is also best-effort from the caller's point of view.

    Parameters
    ----------
    endpoint_url
        EventBridge endpoint, e.g. moto server's ``http://127.0.0.1:5000``.
    bus_name
        Event bus to put events on (AWS uses ``default``).
    account_id
        Account written in the envelope's ``account`` field.
    """

    def __init__(self, endpoint_url: str, bus_name: str = "default", account_id: str = "") -> None:
        self.endpoint_url = endpoint_url
        self.bus_name = bus_name
        self.account_id = account_id
        self._queue: queue.Queue[tuple[str, dict[str, Any], str] | None] = queue.Queue()
        self._clients: dict[str, Any] = {}
        self._thread = threading.Thread(target=self._run, name="chime-events", daemon=True)
        self._thread.start()

    def emit(self, event_type: str, detail: dict[str, Any], region: str) -> None:
        self._queue.put((event_type, detail, region))

    def flush(self) -> None:
        """Block until every event emitted so far has been handed to EventBridge."""
        self._queue.join()

    def close(self) -> None:
        self._queue.put(None)
        self._thread.join(timeout=5)

    def _client(self, region: str) -> Any:
        if region not in self._clients:
            import boto3  # only the event publisher needs boto3; keep the import off the hot path

            self._clients[region] = boto3.client(
                "events",
                region_name=region,
                endpoint_url=self.endpoint_url,
                aws_access_key_id="testing",
                aws_secret_access_key="testing",  # noqa: S106 - a local endpoint takes any key
            )
        return self._clients[region]

    def _run(self) -> None:
        while True:
            item = self._queue.get()
            try:
                if item is None:
                    return
                event_type, detail, region = item
                entry = {
                    "Source": SOURCE,
                    "DetailType": DETAIL_TYPE,
                    "Detail": json.dumps(detail, separators=(",", ":")),
                    "EventBusName": self.bus_name,
                    "Time": datetime.now(UTC),
                    "Resources": [],
                }
                result = self._client(region).put_events(Entries=[entry])
                if result.get("FailedEntryCount"):
                    log.warning("EventBridge refused %s: %s", event_type, result["Entries"])
            except Exception:  # a broken bus must not kill the publisher thread
                log.exception("could not publish a Chime event to %s", self.endpoint_url)
            finally:
                self._queue.task_done()


class FanOut:
    """Sends each event to several sinks (the log and, when configured, EventBridge)."""

    def __init__(self, *sinks: Any) -> None:
        self.sinks = list(sinks)

    def emit(self, event_type: str, detail: dict[str, Any], region: str) -> None:
        for sink in self.sinks:
            sink.emit(event_type, detail, region)
