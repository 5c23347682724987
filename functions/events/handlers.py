"""Lambda handlers behind SQS and DynamoDB-stream event-source mappings.

They are Chalice ``lambda_function`` s (Chalice hands them Lambda's event and context as they
are, and returns their answer to Lambda as it is), wired to their sources by the
infrastructure, which owns the queue and stream names and turns on ``ReportBatchItemFailures``.
Each batch goes through Powertools' batch processing (:mod:`functions.events.batches`), which
answers Lambda ``{"batchItemFailures": [{"itemIdentifier": ...}]}``:

SQS (``timers``, ``meeting_events``)
    Every record is handled; those that raised are reported by message id. SQS deletes the
    others, and the reported ones become visible again, are retried and, once received the
    queue's ``maxReceiveCount`` times, move to its dead-letter queue.
DynamoDB stream (``session_stream``)
    Records are handled in order and the batch stops at the first that raises, which alone is
    reported by sequence number: Lambda retries from it (everything before it is done), so the
    records after it are handled once, on the retry, and never out of order.

A record reaches its service as plain values (:mod:`functions.events.records`). Nothing happens
at import time but imports; every function of the app imports this module (``app.py``), so
Powertools' batch utility (and the stream's metrics, :mod:`functions.events.metrics`) is
imported by the first batch, and the services are built on first use (:mod:`functions.wiring`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from chalice.app import Blueprint

from functions.logging import logger
from functions.wiring import audit_service, meeting_event_service, timer_service

from .records import item_change, message_body

if TYPE_CHECKING:
    from aws_lambda_powertools.utilities.data_classes.dynamo_db_stream_event import (
        DynamoDBRecord,
    )
    from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord

    from .metrics import StreamMetrics

__all__ = ["events_blueprint", "meeting_events", "session_stream", "timers"]

events_blueprint = Blueprint(__name__)


def _handle_timer(record: SQSRecord) -> None:
    message = message_body(record)
    logger.set_correlation_id(str(message.get("session_id", "")) or None)
    timer_service().handle(message)


def _handle_meeting_event(record: SQSRecord) -> None:
    routed = message_body(record)
    detail = routed.get("detail") or {}
    logger.set_correlation_id(detail.get("externalMeetingId"))
    meeting_event_service().handle(routed)


def _handle_session_change(record: DynamoDBRecord, metrics: StreamMetrics) -> None:
    change = item_change(record)
    if audit_service().record(change):  # newly written: a redelivered record counts nothing
        metrics.add_change(change)


@events_blueprint.lambda_function(name="timers")
def timers(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """Delayed checks (escalation ladder, first alert resend, drop grace)."""
    from .batches import process_queue_batch  # Powertools: the event functions only

    return process_queue_batch(event, context, _handle_timer)


@events_blueprint.lambda_function(name="meeting_events")
def meeting_events(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """Chime meeting lifecycle events routed from EventBridge through SQS."""
    from .batches import process_queue_batch  # Powertools: the event functions only

    return process_queue_batch(event, context, _handle_meeting_event)


@events_blueprint.lambda_function(name="session_stream")
def session_stream(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """The sessions table's stream: one audit entry per transition, and its service-level
    metrics (:mod:`functions.events.metrics`), printed as EMF after the batch."""
    from .batches import process_stream_batch  # Powertools: the event functions only
    from .metrics import StreamMetrics

    metrics = StreamMetrics()
    try:
        return process_stream_batch(
            event, context, lambda record: _handle_session_change(record, metrics)
        )
    finally:
        metrics.flush()
