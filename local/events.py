"""Deliver queued messages and stream records to the app's Lambda handlers, as AWS would.

``chalice local`` serves only HTTP. In AWS, Lambda *event-source mappings* poll the SQS queues
(the Timers queue, and the MeetingEvents queue that the EventBridge rule on ``aws.chime`` feeds)
and the sessions table's DynamoDB stream, and invoke the handlers with batches. This module does
the same against moto, in threads of the calling process, so ``make run`` and the tests run the
very handlers that are deployed, with the very event shapes Lambda builds:

SQS (one poller thread per queue)
    Long-polls the queue, invokes the handler with up to ``batch_size`` messages as Lambda's
    ``{"Records": [{"messageId", "receiptHandle", "body", "attributes", "messageAttributes",
    "md5OfBody", "eventSource": "aws:sqs", "eventSourceARN", "awsRegion"}]}``, and deletes only
    the messages that were handled: a ``{"batchItemFailures": [{"itemIdentifier": messageId}]}``
    answer keeps those messages, an exception (or an invalid answer) keeps the whole batch.
    A kept message becomes visible again after ``retry_delay_seconds`` (Lambda waits for the
    queue's visibility timeout; locally that would be a minute), and once it has been received
    the queue's ``maxReceiveCount`` times, SQS (moto) moves it to the dead-letter queue.
Dead-letter queues (one watcher thread each)
    Every message that lands there is logged as ``DEAD LETTER <source>: <body>``, remembered in
    :attr:`EventPump.dead_letters` and deleted.
DynamoDB stream (one thread per stream)
    Reads each shard in order from ``TRIM_HORIZON`` (or ``LATEST`` at start), invokes the
    handler with up to ``batch_size`` records as Lambda's ``{"Records": [{"eventID",
    "eventName", "eventVersion": "1.1", "eventSource": "aws:dynamodb", "awsRegion", "dynamodb":
    {...}, "eventSourceARN"}]}`` and, on failure, retries the batch (from the first reported
    ``itemIdentifier`` sequence number when the handler answers ``batchItemFailures``, as with
    ``ReportBatchItemFailures``) up to ``max_attempts`` times; then it logs ``DEAD LETTER
    <source>: ...`` for each record it gives up on, and moves on. After each batch it tells
    moto how far it has delivered (:class:`local.moto_streams.DeliveryReporter`), so that moto
    can trim what every reader has delivered, as DynamoDB trims records after 24 hours; a moto
    that cannot trim is simply not told again.

Handlers are named by import path (``"functions.events.handlers:timers"``) or given as callables
(:mod:`local.invocation`), and are imported when the pump starts (:meth:`EventPump.start`), so
the pump works before the handlers exist and reports which one is missing.

Tests wait on conditions, never on fixed sleeps: :meth:`EventPump.wait_idle` returns once every
queue is empty (nothing visible, in flight or delayed, nothing in a dead-letter queue waiting to
be reported), every stream has been read to its end and no handler is running;
:meth:`EventPump.wait_for` returns once a predicate holds.
"""

from __future__ import annotations

import base64
import json
import logging
import threading
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from types import TracebackType
from typing import TYPE_CHECKING, Any, Literal, TypeVar, cast

import boto3
from botocore.config import Config

from .invocation import (
    BatchFailedError,
    Handler,
    HandlerMissingError,
    HandlerRef,
    LocalContext,
    failed_identifiers,
    lambda_value,
    resolve_handler,
)
from .moto_streams import DeliveryReporter

if TYPE_CHECKING:
    from .provision import Stack

__all__ = [
    "DEFAULT_HANDLERS",
    "DeadLetter",
    "EventPump",
    "Handler",
    "HandlerMissingError",
    "LocalContext",
    "QueueSource",
    "StreamSource",
    "resolve_handler",
]

DEFAULT_HANDLERS: dict[str, str] = {
    "timers": "functions.events.handlers:timers",
    "meeting_events": "functions.events.handlers:meeting_events",
    "session_stream": "functions.events.handlers:session_stream",
}
"""The application's handlers, by the source :meth:`EventPump.for_stack` delivers to them."""

MAX_SQS_BATCH = 10
"""What one ``ReceiveMessage`` can return (Lambda's default SQS batch size too)."""
STOP_SECONDS = 10.0
IDLE_RECHECK_SECONDS = 0.25
"""How often :meth:`EventPump.wait_idle` and :meth:`EventPump.wait_for` look again at state that
changes without the pump noticing (a delayed message becoming due, a table written by a test)."""
ERROR_BACKOFF_SECONDS = 1.0

log = logging.getLogger("local.events")
T = TypeVar("T")


@dataclass(frozen=True)
class QueueSource:
    """An SQS queue delivered to a handler (an SQS event-source mapping).

    Attributes
    ----------
    name
        What log lines and dead letters call it (``timers``).
    queue_url
        The queue.
    handler
        The handler or its import path.
    dlq_url
        Its dead-letter queue, watched and reported; ``None`` for none.
    batch_size
        At most this many messages per invocation (1-10).
    """

    name: str
    queue_url: str
    handler: HandlerRef
    dlq_url: str | None = None
    batch_size: int = MAX_SQS_BATCH

    def __post_init__(self) -> None:
        if not 1 <= self.batch_size <= MAX_SQS_BATCH:
            raise ValueError(f"{self.name}: batch_size must be 1-{MAX_SQS_BATCH}")


@dataclass(frozen=True)
class StreamSource:
    """A DynamoDB stream delivered to a handler (a stream event-source mapping).

    Attributes
    ----------
    name
        What log lines and dead letters call it (``session_stream``).
    stream_arn
        The table's ``LatestStreamArn``.
    handler
        The handler or its import path.
    batch_size
        At most this many records per invocation (Lambda's default is 100).
    starting_position
        ``TRIM_HORIZON`` (every record still in the stream) or ``LATEST`` (only records written
        after the pump started).
    max_attempts
        Invocations of one batch before its failed records are given up on (dead-lettered).
    """

    name: str
    stream_arn: str
    handler: HandlerRef
    batch_size: int = 100
    starting_position: Literal["TRIM_HORIZON", "LATEST"] = "TRIM_HORIZON"
    max_attempts: int = 3

    def __post_init__(self) -> None:
        if not 1 <= self.batch_size <= 1000:
            raise ValueError(f"{self.name}: batch_size must be 1-1000")
        if self.max_attempts < 1:
            raise ValueError(f"{self.name}: max_attempts must be at least 1")


Source = QueueSource | StreamSource


@dataclass(frozen=True)
class DeadLetter:
    """A message or stream record that was given up on.

    Attributes
    ----------
    source
        The source's name.
    body
        The SQS message body, or the stream record as JSON.
    identifier
        The SQS message id, or the record's sequence number.
    """

    source: str
    body: str
    identifier: str


def _receive_count(message: Mapping[str, Any]) -> str:
    """How many times SQS has handed this message out (``"1"`` the first time)."""
    return str(message.get("Attributes", {}).get("ApproximateReceiveCount", "?"))


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"


class EventPump:
    """Lambda event-source mappings for the local stack: SQS queues and DynamoDB streams to
    handlers, in threads.

    Parameters
    ----------
    sources
        What to deliver where.
    endpoint_url
        moto's URL.
    region
        The region of the resources (and of ``awsRegion`` in the events).
    visibility_timeout_seconds
        How long a received batch stays invisible while its handler runs (the Lambda timeout's
        part in AWS).
    retry_delay_seconds
        How soon a message the handler failed is received again (whole seconds, as SQS takes
        them; 0 for at once), and the pause between tries of a failed stream batch.
    wait_seconds
        SQS long-poll wait; also bounds how long :meth:`stop` waits for an idle poller.
    stream_poll_seconds
        Pause between reads of a stream that had nothing new (Lambda reads four times a second).
    """

    def __init__(
        self,
        sources: Sequence[Source],
        *,
        endpoint_url: str,
        region: str,
        visibility_timeout_seconds: int = 30,
        retry_delay_seconds: int = 2,
        wait_seconds: int = 1,
        stream_poll_seconds: float = 0.25,
    ) -> None:
        names = [source.name for source in sources]
        if len(set(names)) != len(names):
            raise ValueError(f"source names must be unique: {names}")
        self.sources = list(sources)
        self.endpoint_url = endpoint_url
        self.region = region
        self.visibility_timeout_seconds = visibility_timeout_seconds
        self.retry_delay_seconds = retry_delay_seconds
        self.wait_seconds = wait_seconds
        self.stream_poll_seconds = stream_poll_seconds
        self.missing: dict[str, str] = {}
        """Sources not delivered because their handler is missing: name -> why."""
        self.dead_letters: list[DeadLetter] = []
        """Everything given up on, oldest first."""
        self._handlers: dict[str, Handler] = {}
        self._stop = threading.Event()
        self._wake: dict[str, threading.Event] = {}
        self._threads: list[threading.Thread] = []
        self._changed = threading.Condition()
        self._generation = 0  # bumped (under _changed) whenever anything happens, to wake waiters
        self._activity = 0  # bumped when a batch is handled or a dead letter reported
        self._busy = 0  # batches being handled right now
        self._caught_up_at: dict[str, float] = {}  # stream source -> start of last empty read
        self._started = False

    @classmethod
    def for_stack(
        cls,
        stack: Stack,
        handlers: Mapping[str, HandlerRef] | None = None,
        *,
        batch_size: int = MAX_SQS_BATCH,
        starting_position: Literal["TRIM_HORIZON", "LATEST"] = "TRIM_HORIZON",
        stream_max_attempts: int = 3,
        **options: Any,
    ) -> EventPump:
        """The local stack's mappings: ``timers`` and ``meeting_events`` (SQS, with their
        dead-letter queues) and ``session_stream`` (the sessions table's stream).

        Parameters
        ----------
        stack
            From :func:`local.provision.create_resources`.
        handlers
            Source name to handler; only the sources named here are delivered. Default
            :data:`DEFAULT_HANDLERS`.
        batch_size
            SQS batch size.
        starting_position, stream_max_attempts
            See :class:`StreamSource`.
        options
            Keyword arguments of :class:`EventPump`.
        """
        chosen = dict(DEFAULT_HANDLERS if handlers is None else handlers)
        unknown = set(chosen) - set(DEFAULT_HANDLERS)
        if unknown:
            raise ValueError(f"unknown sources {sorted(unknown)}; known: {list(DEFAULT_HANDLERS)}")
        candidates: list[Source] = [
            QueueSource(
                "timers",
                stack.timers_queue_url,
                chosen.get("timers", ""),
                dlq_url=stack.timers_dlq_url,
                batch_size=batch_size,
            ),
            QueueSource(
                "meeting_events",
                stack.meeting_events_queue_url,
                chosen.get("meeting_events", ""),
                dlq_url=stack.meeting_events_dlq_url,
                batch_size=batch_size,
            ),
            StreamSource(
                "session_stream",
                stack.sessions_stream_arn,
                chosen.get("session_stream", ""),
                starting_position=starting_position,
                max_attempts=stream_max_attempts,
            ),
        ]
        return cls(
            [source for source in candidates if source.name in chosen],
            endpoint_url=stack.aws_endpoint_url,
            region=stack.region,
            **options,
        )

    # -- lifecycle -------------------------------------------------------------------------

    def start(self, *, require_all: bool = True) -> EventPump:
        """Import the handlers and start delivering.

        Parameters
        ----------
        require_all
            If true, a missing handler raises; if false, its source is left alone (its
            messages stay queued) and :attr:`missing` says why.

        Raises
        ------
        HandlerMissingError
            ``require_all`` and a handler does not exist.
        """
        if self._started:
            raise RuntimeError("the pump is already started")
        for source in self.sources:
            try:
                self._handlers[source.name] = resolve_handler(source.handler)
            except HandlerMissingError as exc:
                if require_all:
                    raise
                self.missing[source.name] = str(exc)
        self._started = True
        for source in self.sources:
            if source.name not in self._handlers:
                continue
            self._wake[source.name] = threading.Event()
            if isinstance(source, QueueSource):
                self._spawn(f"pump-{source.name}", self._poll_queue, source)
                if source.dlq_url:
                    self._spawn(f"pump-{source.name}-dlq", self._watch_dlq, source)
            else:
                self._spawn(f"pump-{source.name}", self._poll_stream, source)
        return self

    @property
    def delivering(self) -> list[Source]:
        """The sources being delivered (those whose handler was found)."""
        return [source for source in self.sources if source.name in self._handlers]

    def _spawn(self, name: str, target: Callable[[Any], None], source: Source) -> None:
        thread = threading.Thread(target=target, args=(source,), name=name, daemon=True)
        self._threads.append(thread)
        thread.start()

    def stop(self) -> None:
        """Stop every thread: each finishes the batch it is handling and ends within about
        ``wait_seconds``. Messages received but not yet handled are released at once."""
        self._stop.set()
        for wake in self._wake.values():
            wake.set()
        for thread in self._threads:
            thread.join(timeout=self.wait_seconds + STOP_SECONDS)
            if thread.is_alive():
                log.warning("%s did not stop within %.0fs", thread.name, STOP_SECONDS)
        with self._changed:
            self._changed.notify_all()

    def __enter__(self) -> EventPump:
        return self.start() if not self._started else self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()

    # -- waiting ---------------------------------------------------------------------------

    def _notify(self) -> None:
        with self._changed:
            self._generation += 1
            self._changed.notify_all()

    @contextmanager
    def _handling(self) -> Iterator[None]:
        with self._changed:
            self._busy += 1
            self._activity += 1
            self._generation += 1
        try:
            yield
        finally:
            with self._changed:
                self._busy -= 1
                self._generation += 1
                self._changed.notify_all()

    def wait_for(
        self, predicate: Callable[[], T], timeout: float, what: str = "the condition"
    ) -> T:
        """Wait until ``predicate()`` is truthy and return its value.

        It is evaluated again after each batch the pump handles (and every
        ``IDLE_RECHECK_SECONDS`` for state the pump does not see change), outside the pump's
        locks, so it may call AWS.

        Raises
        ------
        TimeoutError
            If it is still falsy after ``timeout`` seconds.
        """
        deadline = time.monotonic() + timeout
        while True:
            with self._changed:
                generation = self._generation
            value = predicate()
            if value:
                return value
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError(f"{what} did not happen within {timeout:g}s")
            with self._changed:
                if self._generation == generation:
                    self._changed.wait(min(remaining, IDLE_RECHECK_SECONDS))

    def wait_idle(self, timeout: float = 30.0, *, include_delayed: bool = True) -> None:
        """Wait until there is nothing left to deliver.

        Idle means, at one moment: no handler is running; every delivered queue and its
        dead-letter queue holds no message, visible or in flight (nor delayed, with
        ``include_delayed``); every delivered stream has been read to its end after anything
        handled before was written. Sources whose handler is missing are not waited for.

        Raises
        ------
        TimeoutError
            Naming what is still pending after ``timeout`` seconds.
        """
        deadline = time.monotonic() + timeout
        sqs = self._client("sqs")
        pending = "nothing"
        while True:
            with self._changed:
                while self._busy and time.monotonic() < deadline:
                    self._changed.wait(deadline - time.monotonic())
                activity = self._activity
            started = time.monotonic()
            for source in self.delivering:
                if isinstance(source, StreamSource):
                    self._wake[source.name].set()  # read now rather than after a pause
            pending = self._wait_streams_caught_up(started, deadline)
            if not pending:
                pending = self._queued(sqs, include_delayed)
            with self._changed:
                if not pending and not self._busy and self._activity == activity:
                    return
                if self._busy:
                    pending = pending or _plural(self._busy, "batch") + " being handled"
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise TimeoutError(f"the event pump was not idle after {timeout:g}s: {pending}")
                if pending and self._activity == activity:
                    self._changed.wait(min(remaining, IDLE_RECHECK_SECONDS))

    def _wait_streams_caught_up(self, since: float, deadline: float) -> str:
        """Wait until each stream had a read started after ``since`` that found nothing new;
        what is still behind if the deadline passes first (empty when none)."""
        streams = [s.name for s in self.delivering if isinstance(s, StreamSource)]
        with self._changed:
            while True:
                behind = [n for n in streams if self._caught_up_at.get(n, -1.0) < since]
                if not behind or self._stop.is_set():
                    return ""
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    return ", ".join(f"{name}: not read to its end" for name in behind)
                self._changed.wait(remaining)

    def _queued(self, sqs: Any, include_delayed: bool) -> str:
        """What the delivered queues (and their dead-letter queues) still hold, or ``""``."""
        counts = ["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"]
        if include_delayed:
            counts.append("ApproximateNumberOfMessagesDelayed")
        pending: list[str] = []
        for source in self.delivering:
            if not isinstance(source, QueueSource):
                continue
            for label, url in (
                (source.name, source.queue_url),
                (f"{source.name}-dlq", source.dlq_url),
            ):
                if not url:
                    continue
                attributes = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=counts)[
                    "Attributes"
                ]
                held = sum(int(attributes.get(name, 0)) for name in counts)
                if held:
                    pending.append(f"{label}: {_plural(held, 'message')} queued or in flight")
        return ", ".join(pending)

    # -- SQS -------------------------------------------------------------------------------

    def _client(self, service: str) -> Any:
        return cast(Any, boto3.client)(  # boto3-stubs only types literal service names
            service,
            endpoint_url=self.endpoint_url,
            region_name=self.region,
            aws_access_key_id="testing",
            aws_secret_access_key="testing",  # noqa: S106 - moto accepts any key
            config=Config(
                retries={"mode": "standard"},
                connect_timeout=5,
                read_timeout=self.wait_seconds + 20,
            ),
        )

    def _poll_queue(self, source: QueueSource) -> None:
        sqs = self._client("sqs")
        handler = self._handlers[source.name]
        queue_arn: str | None = None
        while not self._stop.is_set():
            try:
                if queue_arn is None:
                    queue_arn = str(
                        sqs.get_queue_attributes(
                            QueueUrl=source.queue_url, AttributeNames=["QueueArn"]
                        )["Attributes"]["QueueArn"]
                    )
                messages = sqs.receive_message(
                    QueueUrl=source.queue_url,
                    MaxNumberOfMessages=source.batch_size,
                    WaitTimeSeconds=self.wait_seconds,
                    VisibilityTimeout=self.visibility_timeout_seconds,
                    MessageSystemAttributeNames=["All"],
                    MessageAttributeNames=["All"],
                ).get("Messages", [])
                if not messages:
                    continue
                if self._stop.is_set():  # received while stopping: give them back untouched
                    self._set_visibility(sqs, source, messages, 0)
                    return
                with self._handling():
                    self._deliver_batch(sqs, source, handler, queue_arn, messages)
            except Exception as exc:
                if self._stop.is_set():
                    return
                log.warning("%s: could not poll %s: %s", source.name, source.queue_url, exc)
                self._stop.wait(ERROR_BACKOFF_SECONDS)

    def _deliver_batch(
        self,
        sqs: Any,
        source: QueueSource,
        handler: Handler,
        queue_arn: str,
        messages: list[dict[str, Any]],
    ) -> None:
        """Invoke the handler with one batch; delete what it handled, retry the rest."""
        event = {"Records": [self._sqs_record(m, queue_arn) for m in messages]}
        ids = [m["MessageId"] for m in messages]
        started = time.monotonic()
        error = ""
        try:
            response = handler(event, LocalContext(source.name, region=self.region))
            failed_ids = set(failed_identifiers(response, ids))
        except Exception as exc:
            failed_ids = set(ids)
            error = f"{type(exc).__name__}: {exc}"
            first_try = any(_receive_count(m) == "1" for m in messages)
            if first_try and not isinstance(exc, BatchFailedError):  # a traceback, once
                log.warning("%s handler raised", source.name, exc_info=True)
        elapsed = (time.monotonic() - started) * 1000
        done = [m for m in messages if m["MessageId"] not in failed_ids]
        failed = [m for m in messages if m["MessageId"] in failed_ids]
        if done:
            sqs.delete_message_batch(
                QueueUrl=source.queue_url,
                Entries=[
                    {"Id": str(i), "ReceiptHandle": m["ReceiptHandle"]} for i, m in enumerate(done)
                ],
            )
        summary = f"{source.name}  {_plural(len(messages), 'message')}"
        if not failed:
            log.info("%s -> ok (%.0f ms)", summary, elapsed)
            return
        self._set_visibility(sqs, source, failed, self.retry_delay_seconds)
        receives = ", ".join(f"{m['MessageId'][:8]} try {_receive_count(m)}" for m in failed)
        log.warning(
            "%s -> %s failed%s (%.0f ms); retried in %ss: %s",
            summary,
            len(failed),
            f" ({error})" if error else "",
            elapsed,
            self.retry_delay_seconds,
            receives,
        )

    def _set_visibility(
        self, sqs: Any, source: QueueSource, messages: list[dict[str, Any]], seconds: int
    ) -> None:
        sqs.change_message_visibility_batch(
            QueueUrl=source.queue_url,
            Entries=[
                {"Id": str(i), "ReceiptHandle": m["ReceiptHandle"], "VisibilityTimeout": seconds}
                for i, m in enumerate(messages)
            ],
        )

    def _sqs_record(self, message: Mapping[str, Any], queue_arn: str) -> dict[str, Any]:
        """One SQS message as Lambda's event record."""
        attributes = {
            name: {
                "stringValue": value.get("StringValue"),
                "binaryValue": (
                    base64.b64encode(value["BinaryValue"]).decode()
                    if "BinaryValue" in value
                    else None
                ),
                "stringListValues": value.get("StringListValues", []),
                "binaryListValues": [
                    base64.b64encode(item).decode() for item in value.get("BinaryListValues", [])
                ],
                "dataType": value["DataType"],
            }
            for name, value in message.get("MessageAttributes", {}).items()
        }
        for value in attributes.values():  # Lambda leaves out the value that is not there
            for key in ("stringValue", "binaryValue"):
                if value[key] is None:
                    del value[key]
        return {
            "messageId": message["MessageId"],
            "receiptHandle": message["ReceiptHandle"],
            "body": message["Body"],
            "attributes": dict(message.get("Attributes", {})),
            "messageAttributes": attributes,
            "md5OfBody": message["MD5OfBody"],
            "eventSource": "aws:sqs",
            "eventSourceARN": queue_arn,
            "awsRegion": self.region,
        }

    def _watch_dlq(self, source: QueueSource) -> None:
        """Report, remember and delete every message that lands in the dead-letter queue."""
        sqs = self._client("sqs")
        assert source.dlq_url is not None
        while not self._stop.is_set():
            try:
                messages = sqs.receive_message(
                    QueueUrl=source.dlq_url,
                    MaxNumberOfMessages=MAX_SQS_BATCH,
                    WaitTimeSeconds=self.wait_seconds,
                    MessageSystemAttributeNames=["All"],
                ).get("Messages", [])
                for message in messages:
                    self._dead_letter(source.name, message["Body"], message["MessageId"])
                    sqs.delete_message(
                        QueueUrl=source.dlq_url, ReceiptHandle=message["ReceiptHandle"]
                    )
                if messages:
                    self._notify()
            except Exception as exc:
                if self._stop.is_set():
                    return
                log.warning("%s: could not read %s: %s", source.name, source.dlq_url, exc)
                self._stop.wait(ERROR_BACKOFF_SECONDS)

    def _dead_letter(self, source: str, body: str, identifier: str, why: str = "") -> None:
        log.error("DEAD LETTER %s: %s%s", source, body, f"  ({why})" if why else "")
        with self._changed:
            self.dead_letters.append(DeadLetter(source, body, identifier))
            self._activity += 1
            self._generation += 1
            self._changed.notify_all()

    # -- DynamoDB streams ------------------------------------------------------------------

    def _poll_stream(self, source: StreamSource) -> None:
        streams = self._client("dynamodbstreams")
        handler = self._handlers[source.name]
        wake = self._wake[source.name]
        iterators: dict[str, str] | None = None
        # Tell moto what is delivered, so it can trim it (local/moto_streams.py); registering
        # before the first read keeps every record this reader is about to read.
        reporter = DeliveryReporter(self.endpoint_url, source.stream_arn)
        reporter.register()
        try:
            while not self._stop.is_set():
                try:
                    if iterators is None:
                        iterators = self._shard_iterators(streams, source, source.starting_position)
                    started = time.monotonic()
                    wake.clear()
                    found = False
                    for shard_id, iterator in list(iterators.items()):
                        response = streams.get_records(
                            ShardIterator=iterator, Limit=source.batch_size
                        )
                        records = response.get("Records", [])
                        if records:
                            found = True
                            with self._handling():
                                if self._deliver_stream_batch(source, handler, records):
                                    reporter.delivered(records[-1]["dynamodb"]["SequenceNumber"])
                        following = response.get("NextShardIterator")
                        if following:
                            iterators[shard_id] = following
                        else:  # the shard is closed: pick up its children from their start
                            del iterators[shard_id]
                            known = set(iterators)
                            iterators.update(
                                (shard, it)
                                for shard, it in self._shard_iterators(
                                    streams, source, "TRIM_HORIZON", after=shard_id
                                ).items()
                                if shard not in known
                            )
                    if not found:
                        with self._changed:
                            self._caught_up_at[source.name] = started
                            self._generation += 1
                            self._changed.notify_all()
                        wake.wait(self.stream_poll_seconds)
                except Exception as exc:
                    if self._stop.is_set():
                        return
                    log.warning("%s: could not read %s: %s", source.name, source.stream_arn, exc)
                    self._stop.wait(ERROR_BACKOFF_SECONDS)
        finally:
            reporter.close()

    def _shard_iterators(
        self, streams: Any, source: StreamSource, position: str, after: str | None = None
    ) -> dict[str, str]:
        """An iterator per open shard (or, with ``after``, per child of that shard)."""
        description = streams.describe_stream(StreamArn=source.stream_arn)["StreamDescription"]
        iterators: dict[str, str] = {}
        for shard in description.get("Shards", []):
            if after is not None and shard.get("ParentShardId") != after:
                continue
            if after is None and "EndingSequenceNumber" in shard.get("SequenceNumberRange", {}):
                continue  # closed before we started
            iterators[shard["ShardId"]] = streams.get_shard_iterator(
                StreamArn=source.stream_arn, ShardId=shard["ShardId"], ShardIteratorType=position
            )["ShardIterator"]
        return iterators

    def _deliver_stream_batch(
        self, source: StreamSource, handler: Handler, raw: list[dict[str, Any]]
    ) -> bool:
        """Invoke the handler with one batch until it succeeds or ``max_attempts`` is spent;
        with ``batchItemFailures`` the next try starts at the first reported record. False if
        the pump stopped before the batch was done (handled, or its failures dead-lettered)."""
        pending = [self._stream_record(record, source.stream_arn) for record in raw]
        for attempt in range(1, source.max_attempts + 1):
            sequence = [r["dynamodb"]["SequenceNumber"] for r in pending]
            started = time.monotonic()
            error = ""
            try:
                response = handler(
                    {"Records": pending}, LocalContext(source.name, region=self.region)
                )
                failed = failed_identifiers(response, sequence)
                first_failed = sequence.index(failed[0]) if failed else len(pending)
            except Exception as exc:
                first_failed = 0
                error = f"{type(exc).__name__}: {exc}"
                if attempt == 1 and not isinstance(exc, BatchFailedError):  # a traceback, once
                    log.warning("%s handler raised", source.name, exc_info=True)
            elapsed = (time.monotonic() - started) * 1000
            summary = f"{source.name}  {_plural(len(pending), 'record')}"
            if first_failed == len(pending):
                log.info("%s -> ok (%.0f ms)", summary, elapsed)
                return True
            pending = pending[first_failed:]
            log.warning(
                "%s -> failed from %s%s (%.0f ms), try %d of %d",
                summary,
                pending[0]["dynamodb"]["SequenceNumber"],
                f" ({error})" if error else "",
                elapsed,
                attempt,
                source.max_attempts,
            )
            if attempt < source.max_attempts and self._stop.wait(self.retry_delay_seconds):
                return False  # stopping: a new pump reads the stream from its own start
        for record in pending:
            body = json.dumps(
                {
                    "eventName": record["eventName"],
                    "SequenceNumber": record["dynamodb"]["SequenceNumber"],
                    "Keys": record["dynamodb"]["Keys"],
                },
                separators=(",", ":"),
            )
            self._dead_letter(
                source.name,
                body,
                record["dynamodb"]["SequenceNumber"],
                f"gave up after {_plural(source.max_attempts, 'try')}",
            )
        return True

    def _stream_record(self, record: Mapping[str, Any], stream_arn: str) -> dict[str, Any]:
        """A record as ``GetRecords`` returned it (through boto3), as Lambda's event record."""
        change = dict(record["dynamodb"])
        created = change.get("ApproximateCreationDateTime")
        if isinstance(created, datetime):
            change["ApproximateCreationDateTime"] = int(created.timestamp())
        for image in ("Keys", "NewImage", "OldImage"):
            if image in change:
                change[image] = {k: lambda_value(v) for k, v in change[image].items()}
        shaped = {
            "eventID": record["eventID"],
            "eventName": record["eventName"],
            "eventVersion": "1.1",
            "eventSource": "aws:dynamodb",
            "awsRegion": self.region,
            "dynamodb": change,
            "eventSourceARN": stream_arn,
        }
        if "userIdentity" in record:  # TTL deletions
            shaped["userIdentity"] = record["userIdentity"]
        return shaped
