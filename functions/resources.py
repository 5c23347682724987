"""The one definition of every table, index, topic and queue.

The local stack creates these with boto3 and the CDK stack declares them from the same data, so the
two cannot drift (a parity test compares them). Names here are logical; deployed names come from
the environment (see :mod:`functions.config`).

Access patterns
---------------
sessions table (PK ``session_id``):
    get / conditional update a session ............ GetItem / UpdateItem on ``session_id``
    a force's waiting queue, oldest first ......... Query ``queue`` (sparse: only waiting sessions
                                                    carry ``queue_force`` / ``queue_since``)
    an officer's sessions, newest first ........... Query ``by_officer``
    her public code ............................... Query ``by_code`` (sparse)
officers table (PK ``officer_id``):
    the register entry ............................ GetItem on ``officer_id``
    force + shoulder number (999 route) ........... Query ``by_shoulder`` on ``force_shoulder``
    shoulder-number uniqueness .................... an item ``officer_id = "shoulder#FORCE#NUM"``
                                                    written in the same transaction as the officer
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

__all__ = ["ALERTS_TOPIC", "OFFICERS", "SESSIONS", "TABLES", "Index", "Table", "Topic"]


@dataclass(frozen=True)
class Index:
    """A global secondary index (string keys, projection ALL)."""

    name: str
    partition_key: str
    sort_key: str | None = None


@dataclass(frozen=True)
class Table:
    """A DynamoDB table (string keys, on-demand)."""

    logical_name: str
    env_var: str
    default_name: str
    partition_key: str
    sort_key: str | None = None
    indexes: tuple[Index, ...] = ()
    ttl_attribute: str | None = None
    stream: bool = False

    def key_attributes(self) -> list[str]:
        """Every attribute used in a key of the table or an index, each once."""
        names = [self.partition_key, *([self.sort_key] if self.sort_key else [])]
        for index in self.indexes:
            names += [index.partition_key, *([index.sort_key] if index.sort_key else [])]
        return list(dict.fromkeys(names))

    def create_table_params(self, table_name: str) -> dict[str, Any]:
        """Arguments for ``dynamodb.create_table`` (used by the local stack and tests)."""

        def schema(pk: str, sk: str | None) -> list[dict[str, str]]:
            keys = [{"AttributeName": pk, "KeyType": "HASH"}]
            if sk:
                keys.append({"AttributeName": sk, "KeyType": "RANGE"})
            return keys

        params: dict[str, Any] = {
            "TableName": table_name,
            "BillingMode": "PAY_PER_REQUEST",
            "AttributeDefinitions": [
                {"AttributeName": name, "AttributeType": "S"} for name in self.key_attributes()
            ],
            "KeySchema": schema(self.partition_key, self.sort_key),
        }
        if self.indexes:
            params["GlobalSecondaryIndexes"] = [
                {
                    "IndexName": index.name,
                    "KeySchema": schema(index.partition_key, index.sort_key),
                    "Projection": {"ProjectionType": "ALL"},
                }
                for index in self.indexes
            ]
        if self.stream:
            params["StreamSpecification"] = {
                "StreamEnabled": True,
                "StreamViewType": "NEW_AND_OLD_IMAGES",
            }
        return params


@dataclass(frozen=True)
class Topic:
    """An SNS topic; ``message_attributes`` are what subscriptions may filter on."""

    logical_name: str
    env_var: str
    default_name: str
    message_attributes: tuple[str, ...] = field(default=())


SESSIONS = Table(
    logical_name="Sessions",
    env_var="SESSIONS_TABLE",
    default_name="safe-connection-sessions",
    partition_key="session_id",
    indexes=(
        Index("queue", "queue_force", "queue_since"),
        Index("by_officer", "officer_id", "created_at"),
        Index("by_code", "public_code"),
    ),
    ttl_attribute="expires_at",
    stream=True,
)

OFFICERS = Table(
    logical_name="Officers",
    env_var="OFFICERS_TABLE",
    default_name="safe-connection-officers",
    partition_key="officer_id",
    indexes=(Index("by_shoulder", "force_shoulder"),),
)

TABLES: tuple[Table, ...] = (SESSIONS, OFFICERS)

ALERTS_TOPIC = Topic(
    logical_name="Alerts",
    env_var="ALERTS_TOPIC_ARN",
    default_name="safe-connection-alerts",
    message_attributes=("type", "force", "area"),
)
