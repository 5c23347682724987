"""What the event pump delivers, and the Lambda event records it delivers it as.

The sources (:class:`QueueSource`, :class:`StreamSource`) say what goes to which handler, as
Lambda event-source mappings do; :class:`DeadLetter` is what was given up on. The shaping
functions are pure: :func:`sqs_record` turns an SQS message (as boto3's ``ReceiveMessage``
returns it) into Lambda's SQS event record, and :func:`stream_record` turns a DynamoDB stream
record (as boto3's ``GetRecords`` returns it) into Lambda's DynamoDB event record, so the
handlers see the very shapes they see deployed.
"""

from __future__ import annotations

import base64
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from local.invocation import HandlerRef, lambda_value

__all__ = [
    "ERROR_BACKOFF_SECONDS",
    "MAX_SQS_BATCH",
    "DeadLetter",
    "QueueSource",
    "Source",
    "StreamSource",
    "plural",
    "sqs_record",
    "stream_record",
]

MAX_SQS_BATCH = 10
"""What one ``ReceiveMessage`` can return (Lambda's default SQS batch size too)."""
ERROR_BACKOFF_SECONDS = 1.0
"""Pause after a failed read of a queue or stream before the next, so a moto that is down is
not asked again in a tight loop."""


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


def plural(count: int, noun: str) -> str:
    """``count`` and ``noun``, with an ``s`` unless there is exactly one (for log lines).

    Parameters
    ----------
    count
        How many.
    noun
        What, in the singular.

    Returns
    -------
    str
        ``"1 message"``, ``"3 messages"``.
    """
    return f"{count} {noun}{'' if count == 1 else 's'}"


def sqs_record(message: Mapping[str, Any], queue_arn: str, region: str) -> dict[str, Any]:
    """One SQS message as Lambda's event record.

    Parameters
    ----------
    message
        The message as boto3's ``ReceiveMessage`` returns it (with all attributes).
    queue_arn
        The queue's ARN (the record's ``eventSourceARN``).
    region
        The record's ``awsRegion``.

    Returns
    -------
    dict
        The record, with binary attribute values base64-encoded as Lambda sends them.
    """
    attributes = {
        name: {
            "stringValue": value.get("StringValue"),
            "binaryValue": (
                base64.b64encode(value["BinaryValue"]).decode() if "BinaryValue" in value else None
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
        "awsRegion": region,
    }


def stream_record(record: Mapping[str, Any], stream_arn: str, region: str) -> dict[str, Any]:
    """A record as ``GetRecords`` returned it (through boto3), as Lambda's event record.

    Parameters
    ----------
    record
        The stream record.
    stream_arn
        The stream's ARN (the record's ``eventSourceARN``).
    region
        The record's ``awsRegion``.

    Returns
    -------
    dict
        The record, its images in Lambda's JSON attribute-value shape and its creation time in
        epoch seconds (boto3 gives a ``datetime``; Lambda sends a number).
    """
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
        "awsRegion": region,
        "dynamodb": change,
        "eventSourceARN": stream_arn,
    }
    if "userIdentity" in record:  # TTL deletions
        shaped["userIdentity"] = record["userIdentity"]
    return shaped
