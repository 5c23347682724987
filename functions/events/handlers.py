"""Lambda handlers behind SQS and DynamoDB-stream event-source mappings.

They are Chalice ``lambda_function`` s, wired to their sources by the infrastructure (which owns the
queue and stream names), and report partial batch failures (``ReportBatchItemFailures``): a
record that fails is retried by the event source and, after a bounded number of tries, lands in
the dead-letter queue; the others are not retried with it.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from typing import Any

from chalice.app import Blueprint

from functions.logging import logger
from functions.wiring import audit_service, meeting_event_service, timer_service

__all__ = ["events_blueprint", "meeting_events", "session_stream", "timers"]

log = logging.getLogger(__name__)
events_blueprint = Blueprint(__name__)


def _each(
    event: dict[str, Any], handle: Callable[[dict[str, Any]], None], key: Callable[[Any], str]
) -> dict[str, Any]:
    failures = []
    for record in event.get("Records", []):
        try:
            handle(record)
        except Exception:
            log.exception("record %s failed; the event source will retry it", key(record))
            failures.append({"itemIdentifier": key(record)})
    return {"batchItemFailures": failures}


def _sqs_body(record: dict[str, Any]) -> dict[str, Any]:
    body = json.loads(record["body"])
    if not isinstance(body, dict):
        raise ValueError("the message body is not a JSON object")
    return body


@events_blueprint.lambda_function(name="timers")
def timers(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """Delayed checks (escalation ladder, first alert resend, drop grace)."""

    def handle(record: dict[str, Any]) -> None:
        message = _sqs_body(record)
        logger.set_correlation_id(str(message.get("session_id", "")) or None)
        timer_service().handle(message)

    return _each(event, handle, lambda r: str(r.get("messageId", "")))


@events_blueprint.lambda_function(name="meeting_events")
def meeting_events(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """Chime meeting lifecycle events routed from EventBridge through SQS."""

    def handle(record: dict[str, Any]) -> None:
        routed = _sqs_body(record)
        detail = routed.get("detail") or {}
        logger.set_correlation_id(detail.get("externalMeetingId"))
        meeting_event_service().handle(routed)

    return _each(event, handle, lambda r: str(r.get("messageId", "")))


@events_blueprint.lambda_function(name="session_stream")
def session_stream(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """The sessions table's stream: one audit entry per transition."""

    def handle(record: dict[str, Any]) -> None:
        audit_service().record(record)

    def sequence(record: dict[str, Any]) -> str:
        return str((record.get("dynamodb") or {}).get("SequenceNumber", ""))

    # For a stream, a failure means "retry from here": stop at the first failed record.
    failures: list[dict[str, str]] = []
    for record in event.get("Records", []):
        try:
            handle(record)
        except Exception:
            log.exception("stream record %s failed; retrying from it", sequence(record))
            failures.append({"itemIdentifier": sequence(record)})
            break
    return {"batchItemFailures": failures}
