"""The audit table: append-only, one item per transition, never updated.

Two kinds of item share the table. A session's entries sit under its id (PK ``session_id``, SK
``seq``) and also carry the sparse ``by_force_day`` index's keys: ``force_day`` (``MET#2026-12-03``,
the UTC day the session was requested) and ``day_order`` (request time, session, seq), so the
control room's reports read one day of one force with one query. A supervisor's export of the
record of stops sits under ``export#<FORCE>`` (no session id has a ``#``), with no index keys.
"""

from __future__ import annotations

from dataclasses import asdict, fields
from typing import TYPE_CHECKING, Any

from functions.resources import AUDIT_BY_FORCE_DAY
from functions.services.audit_port import AuditEntry, ExportEntry

from .dynamo import from_item, to_item, value

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient
    from mypy_boto3_dynamodb.type_defs import QueryInputTypeDef

__all__ = ["DynamoAuditLog", "force_day"]

_ENTRY_FIELDS = tuple(f.name for f in fields(AuditEntry))
_EXPORT_PREFIX = "export#"


def force_day(force: str, day: str) -> str:
    """The ``by_force_day`` index's partition key: a force and a UTC ISO date."""
    return f"{force}#{day}"


class DynamoAuditLog:
    """:class:`~functions.services.audit_port.AuditLog` on DynamoDB (PK ``session_id``, SK ``seq``).

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
        data: dict[str, Any] = asdict(entry)
        if entry.created_at:  # entries written before the reports existed have no day
            data["force_day"] = force_day(entry.force, entry.created_at[:10])
            data["day_order"] = f"{entry.created_at}#{entry.session_id}#{entry.seq}"
        try:
            self.client.put_item(
                TableName=self.table,
                Item=to_item(data),
                ConditionExpression="attribute_not_exists(seq)",
            )
        except self.client.exceptions.ConditionalCheckFailedException:
            return False
        return True

    def history(self, session_id: str) -> list[AuditEntry]:
        """Every entry of a session, oldest first (a session has a few dozen at most)."""
        return [
            _entry(item)
            for item in self._query(
                {
                    "TableName": self.table,
                    "KeyConditionExpression": "session_id = :id",
                    "ExpressionAttributeValues": {":id": value(session_id)},
                    "ConsistentRead": True,
                }
            )
        ]

    def for_day(self, force: str, day: str) -> list[AuditEntry]:
        """Every entry of the sessions ``force`` received on ``day``, through the index."""
        return [
            _entry(item)
            for item in self._query(
                {
                    "TableName": self.table,
                    "IndexName": AUDIT_BY_FORCE_DAY.name,
                    "KeyConditionExpression": "force_day = :day",
                    "ExpressionAttributeValues": {":day": value(force_day(force, day))},
                }
            )
        ]

    def record_export(self, export: ExportEntry) -> None:
        """Append an export under ``export#<FORCE>``; its id makes the key unique."""
        self.client.put_item(
            TableName=self.table,
            Item=to_item(
                {
                    "session_id": _EXPORT_PREFIX + export.force,
                    "seq": f"{export.at}#{export.export_id}",
                    **asdict(export),
                }
            ),
            ConditionExpression="attribute_not_exists(seq)",
        )

    def exports(self, force: str) -> list[ExportEntry]:
        """Every export of ``force``, oldest first."""
        items = self._query(
            {
                "TableName": self.table,
                "KeyConditionExpression": "session_id = :id",
                "ExpressionAttributeValues": {":id": value(_EXPORT_PREFIX + force)},
                "ConsistentRead": True,
            }
        )
        wanted = {f.name for f in fields(ExportEntry)}
        return [
            ExportEntry(**{k: v for k, v in from_item(i).items() if k in wanted}) for i in items
        ]

    def _query(self, params: QueryInputTypeDef) -> list[dict[str, Any]]:
        items: list[dict[str, Any]] = []
        while True:
            response = self.client.query(**params)
            items.extend(response.get("Items", []))
            if "LastEvaluatedKey" not in response:
                return items
            params["ExclusiveStartKey"] = response["LastEvaluatedKey"]


def _entry(item: dict[str, Any]) -> AuditEntry:
    data = from_item(item)
    known = {k: v for k, v in data.items() if k in _ENTRY_FIELDS}
    # Entries written before a field existed read as its default (all were with video, and
    # were transitions); None is left out of the item, so an absent key means None.
    for optional in ("from_state", "reason", "area", "reference", "officer"):
        known.setdefault(optional, None)
    known["without_video"] = data.get("without_video") is True
    for text, default in (("actor", "system"), ("at", ""), ("force", ""), ("event_id", "")):
        known.setdefault(text, default)
    return AuditEntry(**known)
