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
    a force's sergeants on duty now ............... Query ``sergeants_on_duty`` (sparse)
audit table (PK ``session_id``, SK ``seq``):
    a session's trail ............................. Query on ``session_id``
    a force's entries for one day of requests ..... Query ``by_force_day`` (reports, stops.csv)
    a force's exports of the record of stops ...... Query on ``session_id = "export#FORCE"``
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

__all__ = [
    "ALERTS_TOPIC",
    "AUDIT",
    "AUDIT_BY_FORCE_DAY",
    "IDEMPOTENCY",
    "MEETING_EVENTS_QUEUE",
    "MEETING_EVENTS_RULE",
    "OFFICERS",
    "OFFICERS_ON_DUTY",
    "QUEUES",
    "RATE_LIMITS",
    "RECORDS",
    "RUNTIME_ENVIRONMENT",
    "SESSIONS",
    "TABLES",
    "TIMERS_QUEUE",
    "TOPICS",
    "EventRule",
    "Index",
    "Queue",
    "Table",
    "Topic",
]


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

OFFICERS_ON_DUTY = Index("sergeants_on_duty", "duty_force", "officer_id")
"""Sergeants booked on duty, by force (sparse: only they carry ``duty_force``)."""

OFFICERS = Table(
    logical_name="Officers",
    env_var="OFFICERS_TABLE",
    default_name="safe-connection-officers",
    partition_key="officer_id",
    indexes=(Index("by_shoulder", "force_shoulder"), OFFICERS_ON_DUTY),
)

AUDIT_BY_FORCE_DAY = Index("by_force_day", "force_day", "day_order")
"""A force's entries for one UTC day of requests (sparse: only session entries carry it)."""

AUDIT = Table(
    logical_name="Audit",
    env_var="AUDIT_TABLE",
    default_name="safe-connection-audit",
    partition_key="session_id",
    sort_key="seq",
    indexes=(AUDIT_BY_FORCE_DAY,),
)
"""Append-only trail of every transition (written from the sessions stream, never updated),
and of every export of the record of stops."""

IDEMPOTENCY = Table(
    logical_name="Idempotency",
    env_var="IDEMPOTENCY_TABLE",
    default_name="safe-connection-idempotency",
    partition_key="id",
    ttl_attribute="expiration",
)
"""Powertools idempotency records for ``POST /sessions`` and ``POST /public/calls``."""

RATE_LIMITS = Table(
    logical_name="RateLimits",
    env_var="RATE_LIMITS_TABLE",
    default_name="safe-connection-rate-limits",
    partition_key="key",
    ttl_attribute="expires_at",
)
"""Atomic per-client, per-route counters for the public routes."""

RECORDS = Table(
    logical_name="Records",
    env_var="RECORDS_TABLE",
    default_name="safe-connection-records",
    partition_key="reference",
    sort_key="entry",
    ttl_attribute="expires_at",
)
"""Her records of ended stops, by reference (``record#<session_id>``), kept for
``RECORD_RETENTION_DAYS`` by TTL; the audit trail keeps the history beyond that."""

TABLES: tuple[Table, ...] = (SESSIONS, OFFICERS, AUDIT, IDEMPOTENCY, RATE_LIMITS, RECORDS)


@dataclass(frozen=True)
class Queue:
    """An SQS queue with its dead-letter queue (a message goes there after ``max_receives``)."""

    logical_name: str
    env_var: str
    default_name: str
    visibility_timeout_seconds: int = 120  # six times the 20 s function timeout (AWS advice)
    max_receives: int = 5
    dlq_retention_days: int = 14


@dataclass(frozen=True)
class EventRule:
    """An EventBridge rule on the default bus delivering to ``target`` (a queue)."""

    logical_name: str
    pattern: dict[str, Any]
    target: Queue


TIMERS_QUEUE = Queue(
    logical_name="Timers",
    env_var="TIMERS_QUEUE_URL",
    default_name="safe-connection-timers",
)
"""Delayed checks: the escalation ladder of an unclaimed session, and the grace period after an
officer drops off the call. Each message is one pending check (SQS ``DelaySeconds``)."""

MEETING_EVENTS_QUEUE = Queue(
    logical_name="MeetingEvents",
    env_var="MEETING_EVENTS_QUEUE_URL",
    default_name="safe-connection-meeting-events",
)
"""Chime meeting lifecycle events, routed from EventBridge."""

QUEUES: tuple[Queue, ...] = (TIMERS_QUEUE, MEETING_EVENTS_QUEUE)

MEETING_EVENTS_RULE = EventRule(
    logical_name="ChimeMeetingEvents",
    pattern={"source": ["aws.chime"], "detail-type": ["Chime Meeting State Change"]},
    target=MEETING_EVENTS_QUEUE,
)

ALERTS_TOPIC = Topic(
    logical_name="Alerts",
    env_var="ALERTS_TOPIC_ARN",
    default_name="safe-connection-alerts",
    message_attributes=("type", "force", "area"),
)

STANDARDS_TOPIC = Topic(
    logical_name="Standards",
    env_var="STANDARDS_TOPIC_ARN",
    default_name="safe-connection-standards",
    message_attributes=("type", "force"),
)
"""Her feedback, for each force's professional-standards contact (a subscription per force, with
a ``force`` filter, as the pagers have). The message names the stop, never her text."""

TOPICS: tuple[Topic, ...] = (ALERTS_TOPIC, STANDARDS_TOPIC)

RUNTIME_ENVIRONMENT: dict[str, str] = {"PYDANTIC_DISABLE_PLUGINS": "__all__"}
"""Variables for the libraries in every function, not settings of the app (the local stack and the
CDK stack both set them). The app has no pydantic plugins, and without this pydantic looks for
them on the first model it builds by reading the entry points of every installed distribution:
about 10 ms of a cold start's first request (issue 17, docs/performance.md)."""
