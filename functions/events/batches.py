"""Powertools batch processing behind the event handlers: Lambda's partial batch response.

:func:`process_queue_batch` and :func:`process_stream_batch` hand each record of Lambda's event to
a record handler as an event source data class (:class:`SQSRecord`, :class:`DynamoDBRecord`),
through Powertools' ``BatchProcessor`` and ``process_partial_response``, and answer
``{"batchItemFailures": [{"itemIdentifier": ...}]}`` naming the records whose handler raised
(each logged with its traceback):

SQS
    Every record is handled; each that raised is reported by its message id.
DynamoDB stream
    Records are handled in order up to the first that raises (:class:`InOrderBatchProcessor`),
    which alone is reported, by its sequence number.

A batch in which every record failed is answered the same way, not by raising, and an empty
batch is a success. The handlers import this module on their first batch
(:mod:`functions.events.handlers`), so the API's cold start does not pay for Powertools' batch
utility and its data classes.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any, TypeVar

from aws_lambda_powertools.utilities.batch import (
    BatchProcessor,
    EventType,
    process_partial_response,
)
from aws_lambda_powertools.utilities.data_classes.dynamo_db_stream_event import DynamoDBRecord
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord

from .records import message_id, sequence_number

__all__ = ["InOrderBatchProcessor", "process_queue_batch", "process_stream_batch"]

# The handlers' logger: a failed record is logged as the handler's.
log = logging.getLogger("functions.events.handlers")
R = TypeVar("R", SQSRecord, DynamoDBRecord)


class InOrderBatchProcessor(BatchProcessor):
    """A stream's batch processor: it stops at the first record that fails.

    Powertools' ``BatchProcessor`` handles every record of a batch; for a stream, Lambda retries
    from the first reported record anyway, so the records after it would be handled twice (and
    before the one that failed). This one leaves them for the retry, and reports only the
    first failure.
    """

    def __init__(self) -> None:
        super().__init__(EventType.DynamoDBStreams, raise_on_entire_batch_failure=False)

    def process(self) -> list[tuple[Any, ...]]:
        """Handle the records in order, up to and including the first that fails."""
        results: list[tuple[Any, ...]] = []
        for record in self.records:
            results.append(self._process_record(record))
            if self.fail_messages:
                break
        return results


def _logged(
    handle: Callable[[R], None], name: Callable[[R], str], what: str
) -> Callable[[R], None]:
    """``handle``, logging the traceback of a record that fails (which is then reported)."""

    def record_handler(record: R) -> None:
        try:
            handle(record)
        except Exception:
            log.exception(what, name(record))
            raise

    return record_handler


def _process(
    event: dict[str, Any], context: Any, processor: BatchProcessor, handler: Callable[[R], None]
) -> dict[str, Any]:
    """The batch through ``processor``: Lambda's partial batch response."""
    if not event.get("Records"):  # Powertools refuses an empty batch; Lambda sends none
        return {"batchItemFailures": []}
    response = process_partial_response(event, handler, processor, context)
    return {"batchItemFailures": list(response["batchItemFailures"])}


def process_queue_batch(
    event: dict[str, Any], context: Any, handle: Callable[[SQSRecord], None]
) -> dict[str, Any]:
    """Handle every message of an SQS batch; report those that raised.

    Parameters
    ----------
    event, context
        What Lambda passed the handler.
    handle
        Handles one message; raises if it failed.
    """
    processor = BatchProcessor(EventType.SQS, raise_on_entire_batch_failure=False)
    handler = _logged(handle, message_id, "record %s failed; the event source will retry it")
    return _process(event, context, processor, handler)


def process_stream_batch(
    event: dict[str, Any], context: Any, handle: Callable[[DynamoDBRecord], None]
) -> dict[str, Any]:
    """Handle a DynamoDB-stream batch in order, up to the first record that raises; report it.

    Parameters
    ----------
    event, context
        What Lambda passed the handler.
    handle
        Handles one record; raises if it failed.
    """
    handler = _logged(handle, sequence_number, "stream record %s failed; retrying from it")
    return _process(event, context, InOrderBatchProcessor(), handler)
