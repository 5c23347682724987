"""Deliver queued messages and stream records to the app's Lambda handlers, as AWS would.

``chalice local`` serves only HTTP. In AWS, Lambda *event-source mappings* poll the SQS queues
(the Timers queue, and the MeetingEvents queue that the EventBridge rule on ``aws.chime`` feeds)
and the sessions table's DynamoDB stream, and invoke the handlers with batches. This package does
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

The package's modules, one job each (all of them log as ``local.events``):

:mod:`local.events.pump`
    :class:`EventPump`: the mappings of the local stack, starting and stopping the threads, and
    waiting on them.
:mod:`local.events.sources`
    What is delivered where (:class:`QueueSource`, :class:`StreamSource`), what was given up on
    (:class:`DeadLetter`), and the pure shaping of SQS messages and stream records into
    Lambda's event records.
:mod:`local.events.sqs`
    Polling a queue and honouring the handler's partial batch response; watching its
    dead-letter queue.
:mod:`local.events.streams`
    Walking a stream's shards, retrying from the first failed record.
:mod:`local.events.state`
    The stop signal, counters and condition the threads share.
"""

from __future__ import annotations

from local.invocation import Handler, HandlerMissingError, LocalContext, resolve_handler

from .pump import DEFAULT_HANDLERS, EventPump
from .sources import DeadLetter, QueueSource, StreamSource

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
