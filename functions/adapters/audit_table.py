"""The audit table: append-only, one item per transition, never updated."""

from __future__ import annotations

from dataclasses import asdict
from typing import TYPE_CHECKING

from functions.services.ports import AuditEntry

from .dynamo import from_item, to_item, value

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient
    from mypy_boto3_dynamodb.type_defs import QueryInputTypeDef

__all__ = ["DynamoAuditLog"]


class DynamoAuditLog:
    """:class:`~functions.services.ports.AuditLog` on DynamoDB (PK ``session_id``, SK ``seq``).

    Parameters
    ----------
    client
        A boto3 DynamoDB client.
    table
        The audit table.
    """

    def __init__(self, client: DynamoDBClient, table: str) -> None:
        self.client = client
        self.table = table

    def append(self, entry: AuditEntry) -> bool:
        """Write once: a redelivered stream record finds its entry there and changes nothing."""
        try:
            self.client.put_item(
                TableName=self.table,
                Item=to_item(asdict(entry)),
                ConditionExpression="attribute_not_exists(seq)",
            )
        except self.client.exceptions.ConditionalCheckFailedException:
            return False
        return True

    def history(self, session_id: str) -> list[AuditEntry]:
        """Every entry of a session, oldest first (a session has a few dozen at most)."""
        params: QueryInputTypeDef = {
            "TableName": self.table,
            "KeyConditionExpression": "session_id = :id",
            "ExpressionAttributeValues": {":id": value(session_id)},
            "ConsistentRead": True,
        }
        entries: list[AuditEntry] = []
        while True:
            response = self.client.query(**params)
            for item in response.get("Items", []):
                data = from_item(item)
                entries.append(
                    AuditEntry(
                        session_id=str(data["session_id"]),
                        seq=str(data["seq"]),
                        at=str(data.get("at", "")),
                        force=str(data.get("force", "")),
                        from_state=data.get("from_state"),
                        to_state=str(data["to_state"]),
                        actor=str(data.get("actor", "system")),
                        reason=data.get("reason"),
                        event_id=str(data.get("event_id", "")),
                        # Entries written before the field existed were all with video.
                        without_video=data.get("without_video") is True,
                    )
                )
            if "LastEvaluatedKey" not in response:
                return entries
            params["ExclusiveStartKey"] = response["LastEvaluatedKey"]
