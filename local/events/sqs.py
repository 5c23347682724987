"""Deliver one SQS queue to its handler, and report what lands in its dead-letter queue.

:class:`QueuePoller` is an SQS event-source mapping: it long-polls the queue, invokes the handler
with a batch as Lambda's SQS event, deletes only the messages that were handled and makes the
rest visible again after ``retry_delay_seconds``; SQS (moto) moves a message to the dead-letter
queue once it has been received ``maxReceiveCount`` times. :class:`DeadLetterWatcher` logs,
remembers (:attr:`local.events.state.PumpState.dead_letters`) and deletes every message that lands
there. Each runs in a thread of its own (:meth:`QueuePoller.run`, :meth:`DeadLetterWatcher.run`)
until the pump's stop signal is set.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Mapping
from typing import Any

from local.invocation import BatchFailedError, Handler, LocalContext, failed_identifiers

from .sources import ERROR_BACKOFF_SECONDS, MAX_SQS_BATCH, QueueSource, plural, sqs_record
from .state import PumpState

__all__ = ["DeadLetterWatcher", "QueuePoller"]

# The pump's one logger, whichever module logs (see local/events/state.py).
log = logging.getLogger("local.events")


def _receive_count(message: Mapping[str, Any]) -> str:
    """How many times SQS has handed this message out (``"1"`` the first time)."""
    return str(message.get("Attributes", {}).get("ApproximateReceiveCount", "?"))


def _set_visibility(
    sqs: Any, source: QueueSource, messages: list[dict[str, Any]], seconds: int
) -> None:
    """Make received ``messages`` visible again in ``seconds`` (0: at once)."""
    sqs.change_message_visibility_batch(
        QueueUrl=source.queue_url,
        Entries=[
            {"Id": str(i), "ReceiptHandle": m["ReceiptHandle"], "VisibilityTimeout": seconds}
            for i, m in enumerate(messages)
        ],
    )


class QueuePoller:
    """Polls one SQS queue and delivers its messages to the handler in batches.

    Parameters
    ----------
    source
        The queue and how to deliver it.
    handler
        Its handler, already resolved.
    client
        Makes a boto3 client for a service name; called in the poller's own thread, since a
        boto3 client is not shared between threads.
    state
        The pump's shared state: the stop signal, and where handled batches are counted.
    region
        The ``awsRegion`` of the records and the context's region.
    wait_seconds
        SQS long-poll wait.
    visibility_timeout_seconds
        How long a received batch stays invisible while its handler runs.
    retry_delay_seconds
        How soon a message the handler failed is received again (whole seconds).
    """

    def __init__(
        self,
        source: QueueSource,
        handler: Handler,
        *,
        client: Callable[[str], Any],
        state: PumpState,
        region: str,
        wait_seconds: int,
        visibility_timeout_seconds: int,
        retry_delay_seconds: int,
    ) -> None:
        self.source = source
        self.handler = handler
        self.client = client
        self.state = state
        self.region = region
        self.wait_seconds = wait_seconds
        self.visibility_timeout_seconds = visibility_timeout_seconds
        self.retry_delay_seconds = retry_delay_seconds

    def run(self) -> None:
        """Poll and deliver until the pump stops (the thread's body)."""
        source, stop = self.source, self.state.stop
        sqs = self.client("sqs")
        queue_arn: str | None = None
        while not stop.is_set():
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
                if stop.is_set():  # received while stopping: give them back untouched
                    _set_visibility(sqs, source, messages, 0)
                    return
                with self.state.handling():
                    self._deliver_batch(sqs, queue_arn, messages)
            except Exception as exc:
                if stop.is_set():
                    return
                log.warning("%s: could not poll %s: %s", source.name, source.queue_url, exc)
                stop.wait(ERROR_BACKOFF_SECONDS)

    def _deliver_batch(self, sqs: Any, queue_arn: str, messages: list[dict[str, Any]]) -> None:
        """Invoke the handler with one batch; delete what it handled, retry the rest."""
        source = self.source
        event = {"Records": [sqs_record(m, queue_arn, self.region) for m in messages]}
        ids = [m["MessageId"] for m in messages]
        started = time.monotonic()
        error = ""
        try:
            response = self.handler(event, LocalContext(source.name, region=self.region))
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
        summary = f"{source.name}  {plural(len(messages), 'message')}"
        if not failed:
            log.info("%s -> ok (%.0f ms)", summary, elapsed)
            return
        _set_visibility(sqs, source, failed, self.retry_delay_seconds)
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


class DeadLetterWatcher:
    """Reports, remembers and deletes every message that lands in a queue's dead-letter queue.

    Parameters
    ----------
    source
        The queue; its ``dlq_url`` must be set.
    client
        Makes a boto3 client for a service name; called in the watcher's own thread.
    state
        The pump's shared state: the stop signal, and where dead letters are remembered.
    wait_seconds
        SQS long-poll wait.
    """

    def __init__(
        self,
        source: QueueSource,
        *,
        client: Callable[[str], Any],
        state: PumpState,
        wait_seconds: int,
    ) -> None:
        self.source = source
        self.client = client
        self.state = state
        self.wait_seconds = wait_seconds

    def run(self) -> None:
        """Watch until the pump stops (the thread's body)."""
        source, stop = self.source, self.state.stop
        sqs = self.client("sqs")
        assert source.dlq_url is not None
        while not stop.is_set():
            try:
                messages = sqs.receive_message(
                    QueueUrl=source.dlq_url,
                    MaxNumberOfMessages=MAX_SQS_BATCH,
                    WaitTimeSeconds=self.wait_seconds,
                    MessageSystemAttributeNames=["All"],
                ).get("Messages", [])
                for message in messages:
                    self.state.dead_letter(source.name, message["Body"], message["MessageId"])
                    sqs.delete_message(
                        QueueUrl=source.dlq_url, ReceiptHandle=message["ReceiptHandle"]
                    )
                if messages:
                    self.state.notify()
            except Exception as exc:
                if stop.is_set():
                    return
                log.warning("%s: could not read %s: %s", source.name, source.dlq_url, exc)
                stop.wait(ERROR_BACKOFF_SECONDS)
