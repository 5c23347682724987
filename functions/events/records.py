"""What the event handlers read out of a batch's records, as the services' plain values.

Records arrive as Powertools' event source data classes (:class:`SQSRecord`,
:class:`DynamoDBRecord`), which the batch processor builds from Lambda's event. An SQS message's
body is one JSON object (:func:`message_body`); a sessions-stream record is an
:class:`~functions.services.audit.ItemChange` (:func:`item_change`), its images turned from
DynamoDB's attribute-value JSON into Python values by Powertools, so no service reads DynamoDB's
wire format. Powertools' data classes are only named here (the batch processor builds them), so
importing this module does not import them.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from functions.services.audit import ItemChange, entry_from_change

if TYPE_CHECKING:
    from aws_lambda_powertools.utilities.data_classes.dynamo_db_stream_event import (
        DynamoDBRecord,
    )
    from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord

    from functions.services.audit_port import AuditEntry

__all__ = [
    "entry_from_stream_record",
    "item_change",
    "message_body",
    "message_id",
    "sequence_number",
]


def message_body(record: SQSRecord) -> dict[str, Any]:
    """The message's body, which must be a JSON object.

    Raises
    ------
    ValueError
        If the body is not JSON (:class:`json.JSONDecodeError`) or not an object.
    """
    body = json.loads(record.body)
    if not isinstance(body, dict):
        raise ValueError("the message body is not a JSON object")
    return body


def message_id(record: SQSRecord) -> str:
    """The message's id (what ``batchItemFailures`` names it by); empty if it has none."""
    return str(record.get("messageId", ""))


def sequence_number(record: DynamoDBRecord) -> str:
    """The stream record's sequence number (what ``batchItemFailures`` names it by)."""
    return str((record.get("dynamodb") or {}).get("SequenceNumber", ""))


def item_change(record: DynamoDBRecord) -> ItemChange:
    """The change to a table item that a stream record reports, in Python values."""
    stream = record.dynamodb
    return ItemChange(
        event_id=str(record.get("eventID", "")),
        event_name=str(record.get("eventName") or ""),
        new=stream.new_image if stream is not None else {},
        old=stream.old_image if stream is not None else {},
    )


def entry_from_stream_record(record: Mapping[str, Any]) -> AuditEntry | None:
    """The audit entry a sessions-stream record (Lambda's JSON) describes, or None.

    What the ``session_stream`` handler appends for the record; see
    :func:`functions.services.audit.entry_from_change`.
    """
    from aws_lambda_powertools.utilities.data_classes.dynamo_db_stream_event import (
        DynamoDBRecord,
    )

    return entry_from_change(item_change(DynamoDBRecord(dict(record))))
