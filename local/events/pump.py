"""The event pump itself: :class:`EventPump` starts a thread per source and waits on them.

:meth:`EventPump.for_stack` builds the local stack's mappings (the two queues with their
dead-letter queues, and the sessions table's stream); :meth:`EventPump.start` resolves the
handlers and starts a :class:`local.events.sqs.QueuePoller` (and a
:class:`local.events.sqs.DeadLetterWatcher`) per queue and a
:class:`local.events.streams.StreamPoller` per stream; :meth:`EventPump.stop` ends them.
:meth:`EventPump.wait_idle` and :meth:`EventPump.wait_for` are how tests wait, on the state the
threads share (:class:`local.events.state.PumpState`), never on fixed sleeps.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from types import TracebackType
from typing import TYPE_CHECKING, Any, Literal, TypeVar, cast

import boto3
from botocore.config import Config

from local.invocation import Handler, HandlerMissingError, HandlerRef, resolve_handler

from .sources import MAX_SQS_BATCH, DeadLetter, QueueSource, Source, StreamSource, plural
from .sqs import DeadLetterWatcher, QueuePoller
from .state import PumpState
from .streams import StreamPoller

if TYPE_CHECKING:
    from local.provision import Stack

__all__ = ["DEFAULT_HANDLERS", "EventPump"]

DEFAULT_HANDLERS: dict[str, str] = {
    "timers": "functions.events.handlers:timers",
    "meeting_events": "functions.events.handlers:meeting_events",
    "session_stream": "functions.events.handlers:session_stream",
}
"""The application's handlers, by the source :meth:`EventPump.for_stack` delivers to them."""

STOP_SECONDS = 10.0
"""How much longer than ``wait_seconds`` :meth:`EventPump.stop` waits for each thread."""
IDLE_RECHECK_SECONDS = 0.25
"""How often :meth:`EventPump.wait_idle` and :meth:`EventPump.wait_for` look again at state that
changes without the pump noticing (a delayed message becoming due, a table written by a test)."""

# The pump's one logger, whichever module logs (see local/events/state.py).
log = logging.getLogger("local.events")
T = TypeVar("T")


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
        self._state = PumpState()  # what the threads share, and what the waits wait on
        self.dead_letters: list[DeadLetter] = self._state.dead_letters
        """Everything given up on, oldest first."""
        self._handlers: dict[str, Handler] = {}
        self._wake: dict[str, threading.Event] = {}
        self._threads: list[threading.Thread] = []
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
            handler = self._handlers[source.name]
            wake = self._wake[source.name] = threading.Event()
            if isinstance(source, QueueSource):
                queue = QueuePoller(
                    source,
                    handler,
                    client=self._client,
                    state=self._state,
                    region=self.region,
                    wait_seconds=self.wait_seconds,
                    visibility_timeout_seconds=self.visibility_timeout_seconds,
                    retry_delay_seconds=self.retry_delay_seconds,
                )
                self._spawn(f"pump-{source.name}", queue.run)
                if source.dlq_url:
                    watcher = DeadLetterWatcher(
                        source,
                        client=self._client,
                        state=self._state,
                        wait_seconds=self.wait_seconds,
                    )
                    self._spawn(f"pump-{source.name}-dlq", watcher.run)
            else:
                stream = StreamPoller(
                    source,
                    handler,
                    client=self._client,
                    state=self._state,
                    wake=wake,
                    endpoint_url=self.endpoint_url,
                    region=self.region,
                    retry_delay_seconds=self.retry_delay_seconds,
                    stream_poll_seconds=self.stream_poll_seconds,
                )
                self._spawn(f"pump-{source.name}", stream.run)
        return self

    @property
    def delivering(self) -> list[Source]:
        """The sources being delivered (those whose handler was found)."""
        return [source for source in self.sources if source.name in self._handlers]

    def _spawn(self, name: str, target: Callable[[], None]) -> None:
        thread = threading.Thread(target=target, name=name, daemon=True)
        self._threads.append(thread)
        thread.start()

    def stop(self) -> None:
        """Stop every thread: each finishes the batch it is handling and ends within about
        ``wait_seconds``. Messages received but not yet handled are released at once."""
        self._state.stop.set()
        for wake in self._wake.values():
            wake.set()
        for thread in self._threads:
            thread.join(timeout=self.wait_seconds + STOP_SECONDS)
            if thread.is_alive():
                log.warning("%s did not stop within %.0fs", thread.name, STOP_SECONDS)
        with self._state.changed:
            self._state.changed.notify_all()

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
        state = self._state
        while True:
            with state.changed:
                generation = state.generation
            value = predicate()
            if value:
                return value
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError(f"{what} did not happen within {timeout:g}s")
            with state.changed:
                if state.generation == generation:
                    state.changed.wait(min(remaining, IDLE_RECHECK_SECONDS))

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
        state = self._state
        sqs = self._client("sqs")
        pending = "nothing"
        while True:
            with state.changed:
                while state.busy and time.monotonic() < deadline:
                    state.changed.wait(deadline - time.monotonic())
                activity = state.activity
            started = time.monotonic()
            for source in self.delivering:
                if isinstance(source, StreamSource):
                    self._wake[source.name].set()  # read now rather than after a pause
            pending = self._wait_streams_caught_up(started, deadline)
            if not pending:
                pending = self._queued(sqs, include_delayed)
            with state.changed:
                if not pending and not state.busy and state.activity == activity:
                    return
                if state.busy:
                    pending = pending or plural(state.busy, "batch") + " being handled"
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise TimeoutError(f"the event pump was not idle after {timeout:g}s: {pending}")
                if pending and state.activity == activity:
                    state.changed.wait(min(remaining, IDLE_RECHECK_SECONDS))

    def _wait_streams_caught_up(self, since: float, deadline: float) -> str:
        """Wait until each stream had a read started after ``since`` that found nothing new;
        what is still behind if the deadline passes first (empty when none)."""
        streams = [s.name for s in self.delivering if isinstance(s, StreamSource)]
        state = self._state
        with state.changed:
            while True:
                behind = [n for n in streams if state.caught_up_at.get(n, -1.0) < since]
                if not behind or state.stop.is_set():
                    return ""
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    return ", ".join(f"{name}: not read to its end" for name in behind)
                state.changed.wait(remaining)

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
                    pending.append(f"{label}: {plural(held, 'message')} queued or in flight")
        return ", ".join(pending)

    # -- the pieces -----------------------------------------------------------------------

    def _client(self, service: str) -> Any:
        """A boto3 client for ``service`` on moto (each thread makes its own)."""
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
