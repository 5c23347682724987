"""Trim moto's DynamoDB streams once their records are delivered, as DynamoDB trims old ones.

DynamoDB keeps a stream record for 24 hours, then trims it: ``TRIM_HORIZON`` starts at the oldest
record still kept. moto keeps every record for ever, so the local stack's memory (and, before
:mod:`local.moto_fidelity` changed its transactions, every transaction's cost) grew with history.
Locally nobody needs a delivered record for long: the event pump reads the stream within a
second of each write. So the readers (the event pump) tell moto what they have delivered, over
moto's own port, and moto drops what every reader has delivered, keeping the last
:data:`RETAIN_DELIVERED` of those (so a test can still read back what was just delivered, as it
could in AWS) and every record not yet delivered::

    POST   /moto-api/dynamodb-streams/readers
           {"StreamArn": ..., "Reader": "<id>"}                      register: hold trimming here
           {"StreamArn": ..., "Reader": "<id>", "SequenceNumber": "<n>"}   delivered up to n
    DELETE /moto-api/dynamodb-streams/readers  {"StreamArn": ..., "Reader": "<id>"}    gone

Each answers ``{"TrimHorizon": "<oldest kept>", "Trimmed": <records dropped now>}``. A reader
that has not reported for :data:`READER_SECONDS` (a crashed pump) stops holding trimming back.
Sequence numbers stay those moto gave: moto numbers a record ``starting_sequence_number +
its index`` in the shard, so dropping ``k`` records from the front raises the shard's
``starting_sequence_number`` by ``k``. Reading before the horizon answers
``TrimmedDataAccessException``, as DynamoDB does.

Also like DynamoDB, a shard iterator that has been read with expires :data:`ITERATOR_SECONDS`
after it was issued (``ExpiredIteratorException``); moto kept every iterator it ever issued, one
more for each read. An iterator not yet read with does not expire, unlike DynamoDB's, so the
pump's current one survives a handler stopped at a breakpoint.

The server side is :func:`install_stream_trimming` (in moto's process, by
:func:`local.moto_fidelity.make_dynamodb_writes_atomic`); the client side, which the pump uses, is
:class:`DeliveryReporter`. Against a moto without the route (a plain ``moto_server``) the
reporter switches itself off after the first 404 and nothing is trimmed: the pump works the same.
"""

from __future__ import annotations

import json
import logging
import threading
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Callable
from typing import Any

__all__ = [
    "ITERATOR_SECONDS",
    "READERS_PATH",
    "READER_SECONDS",
    "RETAIN_DELIVERED",
    "DeliveryReporter",
    "install_stream_trimming",
    "trim",
]

READERS_PATH = "/moto-api/dynamodb-streams/readers"
RETAIN_DELIVERED = 100
"""Delivered records kept readable from ``TRIM_HORIZON`` (DynamoDB keeps 24 hours' worth)."""
READER_SECONDS = 15 * 60.0
"""A reader silent this long no longer holds trimming back (a shard iterator's lifetime)."""
ITERATOR_SECONDS = 15 * 60.0
"""DynamoDB Streams: "A shard iterator expires 15 minutes after it is returned to the
requester"."""
REPORT_TIMEOUT_SECONDS = 5.0

log = logging.getLogger("local.events")
_installed = False


def _readers(shard: Any) -> dict[str, tuple[int, float]]:
    """The shard's readers: id -> (last sequence number delivered, when last heard of)."""
    readers: dict[str, tuple[int, float]] | None = getattr(shard, "_delivery_readers", None)
    if readers is None:
        readers = {}
        shard._delivery_readers = readers
    return readers


def trim(shard: Any) -> int:
    """Drop the records every live reader has delivered, but the last :data:`RETAIN_DELIVERED`
    of them; the number dropped. Call under the write lock."""
    readers = _readers(shard)
    now = time.monotonic()
    for reader in [r for r, (_, heard) in readers.items() if now - heard > READER_SECONDS]:
        del readers[reader]
    if not readers:
        return 0  # nobody said what they delivered: keep everything, as moto does
    through = min(delivered for delivered, _ in readers.values()) - RETAIN_DELIVERED
    drop = int(min(len(shard.items), through - shard.starting_sequence_number + 1))
    if drop <= 0:
        return 0
    del shard.items[:drop]
    shard.starting_sequence_number += drop  # keeps every later record's sequence number
    return drop


def install_stream_trimming(lock: threading.RLock) -> None:
    """In moto's process, before it serves: the readers route, trimmed reads, iterator expiry.

    ``lock`` is the DynamoDB write lock: a stream read must not see a shard half-trimmed, nor
    the records of a transaction that is about to be rolled back.
    """
    global _installed
    if _installed:
        return
    from moto.core.exceptions import JsonRESTError
    from moto.dynamodb.models.table import StreamShard
    from moto.dynamodbstreams.models import DynamoDBStreamsBackend, ShardIterator
    from moto.moto_api._internal import urls

    def get(self: Any, start: int, quantity: int) -> list[dict[str, Any]]:
        with lock:
            offset = start - self.starting_sequence_number
            if offset < 0:
                raise JsonRESTError(
                    "TrimmedDataAccessException",
                    f"Sequence number {start} is before the trim horizon "
                    f"{self.starting_sequence_number}",
                )
            return [record.to_json() for record in self.items[offset : offset + quantity]]

    setattr(StreamShard, "get", get)  # noqa: B010 - replacing a method moto defines

    issue = ShardIterator.__init__

    def stamped(self: Any, *args: Any, **kwargs: Any) -> None:
        issue(self, *args, **kwargs)
        self.issued_at = time.monotonic()

    setattr(ShardIterator, "__init__", stamped)  # noqa: B010

    def expire(backend: Any) -> None:
        # Iterators are issued in order, so the old ones are at the front of the dict. Only
        # used ones go: a reader's current iterator stays valid however long its handler takes
        # (a breakpoint in a handler must not cost the pump its place in the stream).
        now = time.monotonic()
        expired = []
        for arn, iterator in backend.shard_iterators.items():
            if now - getattr(iterator, "issued_at", now) < ITERATOR_SECONDS:
                break
            if getattr(iterator, "used", False):
                expired.append(arn)
        for arn in expired:
            del backend.shard_iterators[arn]

    get_shard_iterator = DynamoDBStreamsBackend.get_shard_iterator

    def issue_iterator(self: Any, *args: Any, **kwargs: Any) -> Any:
        with lock:
            expire(self)
            return get_shard_iterator(self, *args, **kwargs)

    def get_records(self: Any, iterator_arn: str, limit: int) -> dict[str, Any]:
        with lock:
            expire(self)
            iterator = self.shard_iterators.get(iterator_arn)
            if iterator is None:
                raise JsonRESTError(
                    "ExpiredIteratorException", "Iterator expired or was never issued."
                )
            result: dict[str, Any] = iterator.get(limit)
            iterator.used = True
            return result

    setattr(DynamoDBStreamsBackend, "get_shard_iterator", issue_iterator)  # noqa: B010
    setattr(DynamoDBStreamsBackend, "get_records", get_records)  # noqa: B010
    paths: dict[str, Any] = urls.url_paths  # moto builds its /moto-api app from this dict
    paths["{0}" + READERS_PATH + "$"] = _readers_route(lock)
    _installed = True


def _readers_route(lock: threading.RLock) -> Callable[[Any, str, Any], Any]:
    """moto's handler for :data:`READERS_PATH`: ``(request, url, headers) -> (status, headers,
    body)``."""

    def readers_route(request: Any, full_url: str, headers: Any) -> Any:
        try:
            body = json.loads(request.get_data() or b"{}")
            stream_arn = str(body["StreamArn"])
            reader = str(body["Reader"])
            delivered = body.get("SequenceNumber")
            shard = _shard(stream_arn)
        except (ValueError, KeyError, TypeError) as exc:
            return 400, {}, json.dumps({"message": f"bad request: {exc!r}"})
        if shard is None:
            return 404, {}, json.dumps({"message": f"no stream {stream_arn}"})
        with lock:
            readers = _readers(shard)
            if request.method == "DELETE":
                readers.pop(reader, None)
            else:
                # A new reader holds trimming at the horizon until it delivers something.
                held = readers.get(reader, (shard.starting_sequence_number - 1, 0.0))[0]
                if delivered is not None:
                    held = max(held, int(delivered))
                readers[reader] = (held, time.monotonic())
            trimmed = trim(shard)
            horizon = shard.starting_sequence_number
        return 200, {}, json.dumps({"TrimHorizon": str(horizon), "Trimmed": trimmed})

    return readers_route


def _shard(stream_arn: str) -> Any:
    """The stream shard of ``arn:aws:dynamodb:<region>:<account>:table/<name>/stream/<label>``."""
    from moto.dynamodb.models import dynamodb_backends

    _, _, _, region, account, resource = stream_arn.split(":", 5)
    name = resource.split("/")[1]
    table = dynamodb_backends[account][region].tables.get(name)
    return None if table is None else table.stream_shard


class DeliveryReporter:
    """The event pump's side: tells moto what one stream reader has delivered.

    Every call is best effort: moto not answering, or answering 404 (a moto without
    :func:`install_stream_trimming`), never stops delivery; after a 404 the reporter is off.

    Parameters
    ----------
    endpoint_url
        moto's URL.
    stream_arn
        The stream being read.
    """

    def __init__(self, endpoint_url: str, stream_arn: str) -> None:
        self.url = endpoint_url.rstrip("/") + READERS_PATH
        self.stream_arn = stream_arn
        self.reader = uuid.uuid4().hex
        self.enabled = True
        self.trim_horizon: str | None = None
        """The oldest record moto keeps, as of the last answer."""

    def register(self) -> None:
        """Hold trimming where the stream is now, before the first batch is delivered."""
        self._send("POST", {})

    def delivered(self, sequence_number: str) -> None:
        """Every record up to and including ``sequence_number`` is delivered (or given up)."""
        self._send("POST", {"SequenceNumber": sequence_number})

    def close(self) -> None:
        """This reader is gone: it holds nothing back any more."""
        self._send("DELETE", {})

    def _send(self, method: str, fields: dict[str, str]) -> None:
        if not self.enabled:
            return
        body = json.dumps({"StreamArn": self.stream_arn, "Reader": self.reader, **fields})
        request = urllib.request.Request(  # noqa: S310 - moto's loopback URL
            self.url,
            data=body.encode(),
            method=method,
            headers={"Content-Type": "application/json"},
        )
        try:
            with urllib.request.urlopen(request, timeout=REPORT_TIMEOUT_SECONDS) as answer:  # noqa: S310
                self.trim_horizon = json.loads(answer.read()).get("TrimHorizon")
        except urllib.error.HTTPError as exc:
            if exc.code == 404 and b"no stream" not in exc.read():
                self.enabled = False  # this moto does not trim: nothing to tell it
                log.info("moto does not trim streams (no %s); records are kept", READERS_PATH)
            else:
                log.debug("could not report delivery to moto: %s", exc)
        except (OSError, ValueError) as exc:  # moto busy or stopping: the next report catches up
            log.debug("could not report delivery to moto: %s", exc)
