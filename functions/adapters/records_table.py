"""Her records on DynamoDB: one item per session, under its reference, expiring by TTL.

Records table, under ``reference`` (partition key):

- ``entry`` = ``record#<session_id>``: ``session_id``, ``key_hash``, ``expires_at`` (epoch
  seconds, the table's TTL attribute) and ``record`` (the map her record shows);
- ``entry`` = ``feedback#<session_id>``: her feedback beside it, with the record's
  ``expires_at``, and ``alerted_at`` once the professional-standards alert has gone.

Audit table: the same feedback under ``feedback#<FORCE>`` (no session id has a ``#``), ``seq`` =
``<left_at>#<session_id>`` (UTC, fixed width, so the key sorts by time), never updated and kept
beyond the record: the standards list reads a force's period with one query. Both items are
written in one transaction, so neither exists without the other.
"""

from __future__ import annotations

import contextlib
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from functions.domain.feedback import FeedbackEntry
from functions.domain.records import HerRecord
from functions.services.records_port import (
    FeedbackAlreadyLeft,
    KeyAlreadySet,
    StoredFeedback,
    StoredRecord,
)

from .dynamo import from_item, to_item, value

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient
    from mypy_boto3_dynamodb.type_defs import QueryInputTypeDef

__all__ = ["DynamoRecords"]

_RECORD = "record#"
_FEEDBACK = "feedback#"


def _instant(moment: datetime) -> str:
    """A UTC time at fixed width (``isoformat`` drops zero microseconds), so keys sort by it."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _item(stored: StoredRecord) -> dict[str, Any]:
    return to_item(
        {
            "reference": stored.record.reference,
            "entry": _RECORD + stored.session_id,
            "session_id": stored.session_id,
            "key_hash": stored.key_hash,
            "expires_at": int(stored.expires_at.timestamp()),
            "record": stored.record.model_dump(mode="json"),
        }
    )


def _stored(item: dict[str, Any], feedback: FeedbackEntry | None = None) -> StoredRecord:
    data = from_item(item)
    return StoredRecord(
        session_id=data["session_id"],
        record=HerRecord.model_validate(data["record"]),
        key_hash=data["key_hash"],
        expires_at=datetime.fromtimestamp(data["expires_at"], UTC),
        feedback=feedback,
    )


def _feedback_key(entry: FeedbackEntry) -> dict[str, Any]:
    return {"reference": value(entry.reference), "entry": value(_FEEDBACK + entry.session_id)}


class DynamoRecords:
    """:class:`~functions.services.records_port.RecordStore` on the records table.

    Parameters
    ----------
    client
        A boto3 DynamoDB client.
    table
        The records table's name.
    audit_table
        The audit table's name (her feedback is kept there too).
    """

    def __init__(self, client: DynamoDBClient, table: str, audit_table: str) -> None:
        self.client = client
        self.table = table
        self.audit_table = audit_table

    def put_once(self, stored: StoredRecord) -> StoredRecord:
        try:
            self.client.put_item(
                TableName=self.table,
                Item=_item(stored),
                ConditionExpression="attribute_not_exists(#entry)",
                ExpressionAttributeNames={"#entry": "entry"},  # names: reserved words differ by era
            )
            return stored
        except self.client.exceptions.ConditionalCheckFailedException:
            pass
        kept = self.client.get_item(
            TableName=self.table,
            Key={
                "reference": value(stored.record.reference),
                "entry": value(_RECORD + stored.session_id),
            },
            ConsistentRead=True,
        )["Item"]
        existing = _stored(kept)
        if existing.key_hash != stored.key_hash:
            raise KeyAlreadySet(stored.session_id)
        return existing

    def for_reference(self, reference: str) -> list[StoredRecord]:
        response = self.client.query(  # a reference holds a record or two and their feedback
            TableName=self.table,
            KeyConditionExpression="#reference = :reference",
            ExpressionAttributeNames={"#reference": "reference"},
            ExpressionAttributeValues={":reference": value(reference)},
            ConsistentRead=True,
        )
        items = response.get("Items", [])
        feedback = {
            entry.session_id: entry
            for entry in (
                FeedbackEntry.model_validate(from_item(item)["feedback"])
                for item in items
                if item["entry"]["S"].startswith(_FEEDBACK)
            )
        }
        return [
            _stored(item, feedback.get(item["session_id"]["S"]))
            for item in items
            if item["entry"]["S"].startswith(_RECORD)
        ]

    def leave_feedback(self, entry: FeedbackEntry, expires_at: datetime) -> StoredFeedback:
        kept = entry.model_dump(mode="json")
        try:
            self.client.transact_write_items(
                TransactItems=[
                    {
                        "Put": {
                            "TableName": self.table,
                            "Item": to_item(
                                {
                                    "reference": entry.reference,
                                    "entry": _FEEDBACK + entry.session_id,
                                    "session_id": entry.session_id,
                                    "expires_at": int(expires_at.timestamp()),
                                    "feedback": kept,
                                }
                            ),
                            "ConditionExpression": "attribute_not_exists(#entry)",
                            "ExpressionAttributeNames": {"#entry": "entry"},
                        }
                    },
                    {
                        "Put": {
                            "TableName": self.audit_table,
                            "Item": to_item(
                                {
                                    "session_id": _FEEDBACK + entry.force,
                                    "seq": f"{_instant(entry.left_at)}#{entry.session_id}",
                                    "feedback": kept,
                                }
                            ),
                            "ConditionExpression": "attribute_not_exists(seq)",
                        }
                    },
                ]
            )
            return StoredFeedback(entry=entry, alerted=False)
        except self.client.exceptions.TransactionCanceledException as exc:
            reasons = [r.get("Code") for r in exc.response.get("CancellationReasons", [])]
            if "ConditionalCheckFailed" not in reasons:
                raise
        item = self.client.get_item(
            TableName=self.table, Key=_feedback_key(entry), ConsistentRead=True
        )["Item"]
        data = from_item(item)
        existing = FeedbackEntry.model_validate(data["feedback"])
        if not existing.same_as(entry):
            raise FeedbackAlreadyLeft(entry.session_id)
        return StoredFeedback(entry=existing, alerted="alerted_at" in data)

    def mark_alerted(self, entry: FeedbackEntry, at: datetime) -> None:
        # Conditional, so that a record gone by TTL meanwhile is not brought back as a stub.
        with contextlib.suppress(self.client.exceptions.ConditionalCheckFailedException):
            self.client.update_item(
                TableName=self.table,
                Key=_feedback_key(entry),
                UpdateExpression="SET alerted_at = :now",
                ConditionExpression="attribute_exists(#entry)",
                ExpressionAttributeNames={"#entry": "entry"},
                ExpressionAttributeValues={":now": value(_instant(at))},
            )

    def feedback_between(self, force: str, start: datetime, end: datetime) -> list[FeedbackEntry]:
        params: QueryInputTypeDef = {
            "TableName": self.audit_table,
            # ``<start>`` sorts before every entry left at or after it, and ``<end>`` before
            # every ``<end>#...``: BETWEEN is [start, end) here.
            "KeyConditionExpression": "session_id = :force AND seq BETWEEN :start AND :end",
            "ExpressionAttributeValues": {
                ":force": value(_FEEDBACK + force),
                ":start": value(_instant(start)),
                ":end": value(_instant(end)),
            },
        }
        entries: list[FeedbackEntry] = []
        while True:
            response = self.client.query(**params)
            entries += [
                FeedbackEntry.model_validate(from_item(i)["feedback"]) for i in response["Items"]
            ]
            if "LastEvaluatedKey" not in response:
                return entries
            params["ExclusiveStartKey"] = response["LastEvaluatedKey"]
