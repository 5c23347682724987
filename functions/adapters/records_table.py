"""Her records on DynamoDB: one item per session, under its reference, expiring by TTL.

Item: ``reference`` (partition key), ``entry`` = ``record#<session_id>`` (sort key; feedback
will sit beside it under the same reference), ``session_id``, ``key_hash``, ``expires_at`` (epoch
seconds, the table's TTL attribute) and ``record`` (the map her record shows).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from functions.domain.records import HerRecord
from functions.services.records_port import KeyAlreadySet, StoredRecord

from .dynamo import from_item, to_item, value

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient

__all__ = ["DynamoRecords"]

_RECORD = "record#"


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


def _stored(item: dict[str, Any]) -> StoredRecord:
    data = from_item(item)
    return StoredRecord(
        session_id=data["session_id"],
        record=HerRecord.model_validate(data["record"]),
        key_hash=data["key_hash"],
        expires_at=datetime.fromtimestamp(data["expires_at"], UTC),
    )


class DynamoRecords:
    """:class:`~functions.services.records_port.RecordStore` on the records table.

    Parameters
    ----------
    client
        A boto3 DynamoDB client.
    table
        The records table's name.
    """

    def __init__(self, client: DynamoDBClient, table: str) -> None:
        self.client = client
        self.table = table

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
        response = self.client.query(
            TableName=self.table,
            KeyConditionExpression="#reference = :reference AND begins_with(#entry, :record)",
            ExpressionAttributeNames={"#reference": "reference", "#entry": "entry"},
            ExpressionAttributeValues={":reference": value(reference), ":record": value(_RECORD)},
            ConsistentRead=True,
        )
        return [_stored(item) for item in response.get("Items", [])]
