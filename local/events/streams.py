"""Deliver one DynamoDB stream to its handler, shard by shard, as a stream event-source mapping.

:class:`StreamPoller` reads each open shard in order from the source's starting position, and a
closed shard's children from their start; it invokes the handler with up to ``batch_size``
records as Lambda's DynamoDB event and, on failure, retries the batch (from the first reported
``itemIdentifier`` when the handler answers ``batchItemFailures``) up to ``max_attempts`` times,
then dead-letters the records it gives up on and moves on. After each batch it tells moto how far
it has delivered (:class:`local.moto_streams.DeliveryReporter`), so moto can trim it. Each read
that finds nothing new is recorded (:meth:`local.events.state.PumpState.caught_up`), which is how
the pump knows the stream has been read to its end.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from collections.abc import Callable
from typing import Any

from local.invocation import BatchFailedError, Handler, LocalContext, failed_identifiers
from local.moto_streams import DeliveryReporter

from .sources import ERROR_BACKOFF_SECONDS, StreamSource, plural, stream_record
from .state import PumpState

__all__ = ["StreamPoller"]

# The pump's one logger, whichever module logs (see local/events/state.py).
log = logging.getLogger("local.events")


def _shard_iterators(
    streams: Any, source: StreamSource, position: str, after: str | None = None
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


class StreamPoller:
    """Walks one DynamoDB stream's shards and delivers its records to the handler in batches.

    Parameters
    ----------
    source
        The stream and how to deliver it.
    handler
        Its handler, already resolved.
    client
        Makes a boto3 client for a service name; called in the poller's own thread, since a
        boto3 client is not shared between threads.
    state
        The pump's shared state: the stop signal, where handled batches, dead letters and
        reads to the end are recorded.
    wake
        Set to read again now rather than after ``stream_poll_seconds`` (the pump sets it when
        it waits for idle, and when it stops).
    endpoint_url
        moto's URL, for the delivery reports.
    region
        The ``awsRegion`` of the records and the context's region.
    retry_delay_seconds
        Pause between tries of a failed batch.
    stream_poll_seconds
        Pause between reads of a stream that had nothing new.
    """

    def __init__(
        self,
        source: StreamSource,
        handler: Handler,
        *,
        client: Callable[[str], Any],
        state: PumpState,
        wake: threading.Event,
        endpoint_url: str,
        region: str,
        retry_delay_seconds: int,
        stream_poll_seconds: float,
    ) -> None:
        self.source = source
        self.handler = handler
        self.client = client
        self.state = state
        self.wake = wake
        self.endpoint_url = endpoint_url
        self.region = region
        self.retry_delay_seconds = retry_delay_seconds
        self.stream_poll_seconds = stream_poll_seconds

    def run(self) -> None:
        """Read and deliver until the pump stops (the thread's body)."""
        source, stop, wake = self.source, self.state.stop, self.wake
        streams = self.client("dynamodbstreams")
        iterators: dict[str, str] | None = None
        # Tell moto what is delivered, so it can trim it (local/moto_streams.py); registering
        # before the first read keeps every record this reader is about to read.
        reporter = DeliveryReporter(self.endpoint_url, source.stream_arn)
        reporter.register()
        try:
            while not stop.is_set():
                try:
                    if iterators is None:
                        iterators = _shard_iterators(streams, source, source.starting_position)
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
                            with self.state.handling():
                                if self._deliver_batch(records):
                                    reporter.delivered(records[-1]["dynamodb"]["SequenceNumber"])
                        following = response.get("NextShardIterator")
                        if following:
                            iterators[shard_id] = following
                        else:  # the shard is closed: pick up its children from their start
                            del iterators[shard_id]
                            known = set(iterators)
                            iterators.update(
                                (shard, it)
                                for shard, it in _shard_iterators(
                                    streams, source, "TRIM_HORIZON", after=shard_id
                                ).items()
                                if shard not in known
                            )
                    if not found:
                        self.state.caught_up(source.name, started)
                        wake.wait(self.stream_poll_seconds)
                except Exception as exc:
                    if stop.is_set():
                        return
                    log.warning("%s: could not read %s: %s", source.name, source.stream_arn, exc)
                    stop.wait(ERROR_BACKOFF_SECONDS)
        finally:
            reporter.close()

    def _deliver_batch(self, raw: list[dict[str, Any]]) -> bool:
        """Invoke the handler with one batch until it succeeds or ``max_attempts`` is spent;
        with ``batchItemFailures`` the next try starts at the first reported record. False if
        the pump stopped before the batch was done (handled, or its failures dead-lettered)."""
        source = self.source
        pending = [stream_record(record, source.stream_arn, self.region) for record in raw]
        for attempt in range(1, source.max_attempts + 1):
            sequence = [r["dynamodb"]["SequenceNumber"] for r in pending]
            started = time.monotonic()
            error = ""
            try:
                response = self.handler(
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
            summary = f"{source.name}  {plural(len(pending), 'record')}"
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
            if attempt < source.max_attempts and self.state.stop.wait(self.retry_delay_seconds):
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
            self.state.dead_letter(
                source.name,
                body,
                record["dynamodb"]["SequenceNumber"],
                f"gave up after {plural(source.max_attempts, 'try')}",
            )
        return True
