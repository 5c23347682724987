"""What each Lambda function may do, and what it consumes: the one place IAM is decided.

Resources come from ``functions/resources.py`` (a new table or queue is created automatically);
*access* to them is a decision, made here per function from what the code in
``functions/adapters/`` actually calls. Keys of :data:`FUNCTIONS` are the logical ids Chalice
gives the functions (``APIHandler``, the authorizer ``Cognito``, and ``lambda_function(name=
"timers")`` becomes ``Timers``). A function the app defines but this module does not name gets
a role that can only write its logs (deny by default) and ``tests/infra`` fails until someone
decides; an entry here for a function the app does not (yet) define is ignored.

``tests/infra/test_iam.py`` scans ``functions/`` for boto3 calls and fails if one needs an action
no role grants.

DynamoDB note: ``TransactWriteItems`` is not an IAM action; each item in a transaction is authorised
as its own ``PutItem`` / ``UpdateItem`` / ``DeleteItem`` / ``ConditionCheckItem`` on its table.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from functions import resources

__all__ = [
    "API_HANDLER",
    "AUTHORIZER",
    "CHIME_ACTIONS_WITHOUT_RESOURCE",
    "FUNCTIONS",
    "FunctionAccess",
    "QueueSource",
    "StreamSource",
    "TableAccess",
]

API_HANDLER = "APIHandler"
"""Logical id Chalice gives the function that serves every route."""

AUTHORIZER = "Cognito"
"""Logical id of the ``cognito`` custom authorizer (Chalice capitalises the function name)."""

CHIME_ACTIONS_WITHOUT_RESOURCE = frozenset(
    {"chime:CreateMeeting", "chime:CreateMeetingWithAttendees"}
)
"""Chime actions the Service Authorization Reference lists with no resource type (the meeting does
not exist yet), so IAM can only grant them on ``*``. Every other meeting action takes
``arn:${Partition}:chime:${Region}:${Account}:meeting/${MeetingId}``."""


@dataclass(frozen=True)
class TableAccess:
    """Item actions on one table, and the indexes the code queries.

    Attributes
    ----------
    actions
        ``dynamodb:*`` actions on the table itself (``dynamodb:Query`` here means the base table).
    query_indexes
        Index names granted ``dynamodb:Query``, each by its own ARN (never ``index/*``), so an
        index added for a later feature is not readable until this list says so.
    keyed_actions, leading_keys
        Item actions granted only on items whose partition key matches one of ``leading_keys``
        (``StringLike`` patterns, IAM's ``dynamodb:LeadingKeys``): the API may append an export
        to the audit table, and nothing under a session's key.
    """

    actions: tuple[str, ...]
    query_indexes: tuple[str, ...] = ()
    keyed_actions: tuple[str, ...] = ()
    leading_keys: tuple[str, ...] = ()


@dataclass(frozen=True)
class QueueSource:
    """The function consumes a queue of ``resources.QUEUES`` (an SQS event-source mapping).

    Failed messages are reported one by one (``ReportBatchItemFailures``), retried by SQS and moved
    to the queue's dead-letter queue after its ``max_receives``. No batching window: timers are
    handled as soon as they are due.
    """

    queue: str
    batch_size: int = 10


@dataclass(frozen=True)
class StreamSource:
    """The function consumes a table's stream (a DynamoDB-stream event-source mapping).

    From the oldest record (nothing is missed), in order per shard, a failing batch is bisected
    and retried ``retry_attempts`` times; what still fails is described in the table's
    stream-failure queue (alarmed), while the records stay in the stream for 24 hours.
    """

    table: str
    batch_size: int = 100
    retry_attempts: int = 10


@dataclass(frozen=True)
class FunctionAccess:
    """Everything one function may touch besides writing its own log group.

    Keys of ``tables``, ``topics`` and ``queues`` are ``logical_name`` values from
    ``functions/resources.py``. Consuming ``source`` adds the read permissions it needs.
    """

    purpose: str
    tables: Mapping[str, TableAccess] = field(default_factory=dict)
    topics: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    queues: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    chime: tuple[str, ...] = ()
    photos: tuple[str, ...] = ()
    """S3 object actions under ``photos/`` in the photo bucket."""
    source: QueueSource | StreamSource | None = None

    @property
    def kms_services(self) -> tuple[str, ...]:
        """Services that use the stage key on this function's behalf (``kms:ViaService``)."""
        used = {
            "dynamodb": bool(self.tables) or isinstance(self.source, StreamSource),
            "sns": bool(self.topics),
            "sqs": bool(self.queues) or self.source is not None,
            "s3": bool(self.photos),
        }
        return tuple(name for name, yes in used.items() if yes)


_SESSIONS = resources.SESSIONS.logical_name
_OFFICERS = resources.OFFICERS.logical_name
_AUDIT = resources.AUDIT.logical_name
_IDEMPOTENCY = resources.IDEMPOTENCY.logical_name
_ALERTS = resources.ALERTS_TOPIC.logical_name
_TIMERS = resources.TIMERS_QUEUE.logical_name
_MEETING_EVENTS = resources.MEETING_EVENTS_QUEUE.logical_name
_RATE_LIMITS = resources.RATE_LIMITS.logical_name
_RECORDS = resources.RECORDS.logical_name
_STANDARDS = resources.STANDARDS_TOPIC.logical_name

_SESSION_TRANSITIONS = TableAccess(actions=("dynamodb:GetItem", "dynamodb:UpdateItem"))
"""sessions_table.py ``get`` and the conditional ``UpdateItem`` of every transition."""

FUNCTIONS: Mapping[str, FunctionAccess] = MappingProxyType(
    {
        API_HANDLER: FunctionAccess(
            purpose="serves every HTTP route",
            tables={
                # sessions_table.py: get (GetItem), create (PutItem, or a transaction Put),
                # claim/decide/cancel/release (conditional UpdateItem), waiting (Query on
                # ``queue``), latest_for_officer (Query on ``by_officer``); register_table.py:
                # live-session check (BatchGetItem) and snapshot refresh (transaction Update);
                # the public code's claim item (transaction Put) and her view (Query on
                # ``by_code``), attendance (conditional UpdateItem).
                _SESSIONS: TableAccess(
                    actions=(
                        "dynamodb:BatchGetItem",
                        "dynamodb:GetItem",
                        "dynamodb:PutItem",
                        "dynamodb:UpdateItem",
                    ),
                    query_indexes=("queue", "by_officer", "by_code"),
                ),
                # rate_limits.py: one atomic counter per client, route and window.
                _RATE_LIMITS: TableAccess(actions=("dynamodb:UpdateItem",)),
                # records_table.py: put_once (conditional PutItem, then GetItem when the
                # condition fails), for_reference (Query on the base table), leave_feedback (a
                # transaction Put, then GetItem when its condition fails), mark_alerted
                # (conditional UpdateItem of the feedback item's ``alerted_at``).
                _RECORDS: TableAccess(
                    actions=(
                        "dynamodb:GetItem",
                        "dynamodb:PutItem",
                        "dynamodb:Query",
                        "dynamodb:UpdateItem",
                    )
                ),
                # register_table.py: get (GetItem), by_shoulder (Query on ``by_shoulder``), save
                # (a transaction of Put officer, Put shoulder claim, Delete old claim);
                # sessions_table.py create (transaction Update of ``live_sessions``).
                _OFFICERS: TableAccess(
                    actions=(
                        "dynamodb:DeleteItem",
                        "dynamodb:GetItem",
                        "dynamodb:PutItem",
                        "dynamodb:UpdateItem",
                    ),
                    # sergeants_on_duty: the staffing report's count (Query on its index).
                    query_indexes=("by_shoulder", "sergeants_on_duty"),
                ),
                # audit_table.py history: GET /sessions/{id}/audit (Query on the base table);
                # for_day: the reports (Query on ``by_force_day``); record_export: the export
                # of the record of stops (a conditional PutItem, under ``export#FORCE`` only);
                # records_table.py: her feedback (a transaction Put under ``feedback#FORCE``
                # only) and the supervisors' list of it (Query on the base table).
                _AUDIT: TableAccess(
                    actions=("dynamodb:Query",),
                    query_indexes=("by_force_day",),
                    keyed_actions=("dynamodb:PutItem",),
                    leading_keys=("export#*", "feedback#*"),
                ),
                # idempotency.py: Powertools' DynamoDBPersistenceLayer gets, puts (conditional),
                # updates and deletes its records.
                _IDEMPOTENCY: TableAccess(
                    actions=(
                        "dynamodb:DeleteItem",
                        "dynamodb:GetItem",
                        "dynamodb:PutItem",
                        "dynamodb:UpdateItem",
                    )
                ),
            },
            # alerts.py: publish, subscribe (on duty), unsubscribe (off duty).
            # standards.py: her feedback's alert to the force's standards contact.
            topics={
                _ALERTS: ("sns:Publish", "sns:Subscribe", "sns:Unsubscribe"),
                _STANDARDS: ("sns:Publish",),
            },
            # opening.py: a start queues its first escalation check; closing.py: a meeting check
            # when DeleteMeeting fails after an outcome or a cancel.
            queues={_TIMERS: ("sqs:SendMessage",)},
            # chime.py: create_with_attendee, add_attendee, delete.
            chime=(
                "chime:CreateAttendee",
                "chime:CreateMeetingWithAttendees",
                "chime:DeleteMeeting",
            ),
            # photos.py: put, and presigned GET URLs (signed with this role's credentials).
            photos=("s3:GetObject", "s3:PutObject"),
        ),
        AUTHORIZER: FunctionAccess(
            purpose="verifies Cognito ID tokens (the user pool's public JWKS needs no AWS call)",
        ),
        "Timers": FunctionAccess(
            purpose="runs the delayed checks: escalation ladder, expiry, drop grace, meetings",
            tables={_SESSIONS: _SESSION_TRANSITIONS},
            topics={_ALERTS: ("sns:Publish",)},  # verification.escalated / .expired
            queues={_TIMERS: ("sqs:SendMessage",)},  # the next rung, a recheck, a delete retry
            chime=("chime:DeleteMeeting",),  # an ended session's meeting, an ownerless one
            source=QueueSource(_TIMERS),
        ),
        "MeetingEvents": FunctionAccess(
            purpose="records Chime meeting events (joins, leaves, meeting started and ended)",
            tables={_SESSIONS: _SESSION_TRANSITIONS},
            queues={_TIMERS: ("sqs:SendMessage",)},  # the drop-grace and meeting checks
            chime=("chime:DeleteMeeting",),  # someone joined the call of an ended session
            source=QueueSource(_MEETING_EVENTS),
        ),
        "SessionStream": FunctionAccess(
            purpose="appends one audit entry per session transition (sessions stream)",
            # audit_table.py append: a conditional PutItem, so redelivery writes nothing twice.
            tables={_AUDIT: TableAccess(actions=("dynamodb:PutItem",))},
            source=StreamSource(_SESSIONS),
        ),
    }
)
