"""The sessions table: every state change is one conditional ``UpdateItem``.

The domain decides each transition and hands over its :class:`~functions.domain.transitions.Guard`;
:func:`condition_of` turns the guard into the write's ``ConditionExpression`` (the states from the
domain's transition table, then force, owner, claimer, officer status, level, version), so a claim
is one call, not a read and a write. When the condition fails, DynamoDB returns the item as it was
(``ReturnValuesOnConditionCheckFailure=ALL_OLD``) and the service asks the domain why, so the
caller still gets the precise 403/404/409 without another call. The item's shape and the
conditions are in :mod:`.session_items`.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from botocore.exceptions import ClientError, ConnectionClosedError, ReadTimeoutError

from functions.domain import SessionState
from functions.domain.states import LIVE_STATES
from functions.domain.transitions import Decision, Guard
from functions.services.ports import CodeTaken, OutcomeUnknown, SessionRecord, TransitionRefused

from .dynamo import to_item, value
from .session_items import (
    CODE_PREFIX,
    condition_of,
    is_code_claim,
    iso,
    queue_since,
    record_from_item,
    record_to_item,
    sortable,
)

_S = SessionState

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient
    from mypy_boto3_dynamodb.type_defs import QueryInputTypeDef, TransactWriteItemTypeDef

__all__ = [
    "CODE_PREFIX",
    "LIVE_STATES",
    "DynamoSessionStore",
    "condition_of",
    "iso",
    "record_from_item",
    "record_to_item",
    "sortable",
]


class DynamoSessionStore:
    """:class:`~functions.services.ports.SessionStore` on DynamoDB.

    Parameters
    ----------
    client
        A boto3 DynamoDB client.
    table, officers_table
        Table names.
    retention
        How long a session stays after its last change before TTL removes it.
    """

    def __init__(
        self, client: DynamoDBClient, table: str, officers_table: str, retention: timedelta
    ) -> None:
        self.client = client
        self.table = table
        self.officers_table = officers_table
        self.retention = retention

    # ------------------------------------------------------------------ writes
    def create(self, record: SessionRecord, *, officer_revision: int | None) -> None:
        """Write a new session in one transaction with what must hold together.

        The transaction puts the session (if its id is new), claims its public code (if no other
        session holds it) and, for an officer's session, adds it to the officer's live sessions
        only if the register entry is the one the snapshot was taken from: a register write
        racing with this start either happens before (this fails, the caller re-reads) or after
        (it sees the new live session and updates its snapshot).

        Raises
        ------
        FileExistsError
            The session id exists (a retry of the same request).
        CodeTaken
            Another session holds the public code (the caller draws another).
        TransitionRefused
            The officer's register entry changed since ``officer_revision``.
        OutcomeUnknown
            No try got an answer (read timeouts, lost connections, DynamoDB's 500): the
            transaction may have been applied.
        """
        session = record.session
        actions: list[TransactWriteItemTypeDef] = [
            {
                "Put": {
                    "TableName": self.table,
                    "Item": record_to_item(record, self.retention, actor=record.caller or "public"),
                    "ConditionExpression": "attribute_not_exists(session_id)",
                }
            },
            {
                "Put": {
                    "TableName": self.table,
                    "Item": to_item(
                        {
                            "session_id": CODE_PREFIX + session.public_code,
                            "owner": session.session_id,
                            "expires_at": int((session.created_at + self.retention).timestamp()),
                        }
                    ),
                    "ConditionExpression": "attribute_not_exists(session_id)",
                }
            },
        ]
        if officer_revision is not None and session.officer_id:
            actions.append(
                {
                    "Update": {
                        "TableName": self.officers_table,
                        "Key": {"officer_id": value(session.officer_id)},
                        "UpdateExpression": "ADD live_sessions :sid, revision :one",
                        "ConditionExpression": "revision = :rev",
                        "ExpressionAttributeValues": {
                            ":sid": {"SS": [session.session_id]},
                            ":one": value(1),
                            ":rev": value(officer_revision),
                        },
                    }
                }
            )
        try:
            self.client.transact_write_items(TransactItems=actions)
        except self.client.exceptions.TransactionCanceledException as exc:
            reasons = [r.get("Code") for r in exc.response.get("CancellationReasons", [])]
            if reasons[:1] == ["ConditionalCheckFailed"]:
                raise FileExistsError(session.session_id) from None
            if reasons[1:2] == ["ConditionalCheckFailed"]:
                raise CodeTaken(session.public_code) from None
            raise TransitionRefused(None) from None
        except (ReadTimeoutError, ConnectionClosedError) as exc:
            raise OutcomeUnknown(session.session_id) from exc
        except ClientError as exc:
            if exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode", 0) >= 500:
                raise OutcomeUnknown(session.session_id) from exc
            raise

    # Every transition: the domain's guard is the condition, the domain's target the new state.
    def claim(
        self, session_id: str, guard: Guard, sergeant_id: str, now: datetime
    ) -> SessionRecord:
        return self._update(
            session_id,
            guard,
            now,
            set_={"#state": _S.CLAIMED.value, "claimed_by": sergeant_id, "claimed_at": iso(now)},
            remove=("queue_force", "queue_since"),
            actor=sergeant_id,
            reason="claimed",
        )

    def release(self, claimed: SessionRecord, guard: Guard, now: datetime) -> None:
        session = claimed.session
        back = _S.ESCALATED if session.escalation_level > 0 else _S.REQUESTED
        self._update(
            session.session_id,
            guard,
            now,
            set_={
                "#state": back.value,
                "queue_force": session.force,
                "queue_since": queue_since(session),
            },
            remove=("claimed_by", "claimed_at"),
            actor="system",
            reason="the sergeant could not be joined to the call; back in the queue",
        )

    def decide(
        self, session_id: str, decision: Decision, sergeant_id: str, now: datetime
    ) -> SessionRecord:
        set_: dict[str, Any] = {
            "#state": decision.outcome.value,
            "decided_by": sergeant_id,
            "decided_at": iso(now),
            "decided_without_video": decision.without_video,
        }
        if decision.identified is not None:
            # Her call named nobody (or nobody who serves); the sergeant identified the officer.
            set_["officer"] = decision.identified.model_dump(mode="json")
            set_["officer_id"] = decision.identified.officer_id
        if decision.reason:
            set_["outcome_reason"] = decision.reason
        return self._update(
            session_id,
            decision.guard,
            now,
            set_=set_,
            remove=(),
            actor=sergeant_id,
            reason=decision.reason or decision.outcome.value,
        )

    def cancel(self, session_id: str, guard: Guard, now: datetime) -> SessionRecord:
        return self._update(
            session_id,
            guard,
            now,
            set_={"#state": _S.CANCELLED.value},
            remove=("queue_force", "queue_since"),
            actor=guard.owner or "system",
            reason="cancelled by the officer",
        )

    def escalate(self, session_id: str, guard: Guard, now: datetime) -> SessionRecord:
        """Waiting at ``guard.escalation_level`` -> ``escalated`` one level up (a re-alert)."""
        level = guard.escalation_level or 0
        return self._update(
            session_id,
            guard,
            now,
            set_={"#state": _S.ESCALATED.value, "escalation_level": level + 1},
            remove=(),
            actor="system",
            reason=f"nobody answered: escalation {level + 1}",
        )

    def expire(self, session_id: str, guard: Guard, reason: str, now: datetime) -> SessionRecord:
        """Waiting -> ``expired``: nobody answered, or the call ended before anyone claimed."""
        return self._update(
            session_id,
            guard,
            now,
            set_={"#state": _S.EXPIRED.value},
            remove=("queue_force", "queue_since"),
            actor="system",
            reason=reason,
        )

    def drop(self, session_id: str, guard: Guard, reason: str, now: datetime) -> SessionRecord:
        """``claimed`` -> ``dropped``: the call ended before an outcome."""
        return self._update(
            session_id,
            guard,
            now,
            set_={"#state": _S.DROPPED.value},
            remove=(),
            actor="system",
            reason=reason,
        )

    def record_presence(
        self, session_id: str, meeting_id: str, user: str, presence: str, at_ms: int
    ) -> SessionRecord | None:
        """Remember that ``user`` joined/left/dropped at ``at_ms``, unless a newer event won.

        Events arrive out of order and more than once: only a strictly newer event for that
        user, in that session's own meeting, changes anything. Returns the record if it changed.
        """
        if is_code_claim(session_id):
            return None
        try:
            response = self.client.update_item(
                TableName=self.table,
                Key={"session_id": value(session_id)},
                UpdateExpression="SET presence.#user = :presence",
                ConditionExpression="meeting_id = :meeting AND "
                "(attribute_not_exists(presence.#user) OR presence.#user.#at < :at)",
                ExpressionAttributeNames={"#user": user, "#at": "at"},
                ExpressionAttributeValues={
                    ":presence": value({"state": presence, "at": at_ms}),
                    ":meeting": value(meeting_id),
                    ":at": value(at_ms),
                },
                ReturnValues="ALL_NEW",
            )
        except self.client.exceptions.ConditionalCheckFailedException:
            return None
        return record_from_item(response["Attributes"])

    def _update(
        self,
        session_id: str,
        guard: Guard,
        now: datetime,
        *,
        set_: dict[str, Any],
        remove: tuple[str, ...],
        actor: str,
        reason: str,
    ) -> SessionRecord:
        if is_code_claim(session_id):
            raise TransitionRefused(None)  # not a session: as if it did not exist
        set_ = {
            **set_,
            "updated_at": iso(now),
            "expires_at": int((now + self.retention).timestamp()),
            "changed_by": actor,
            "change_reason": reason,
        }
        placeholders = {f":set{i}": v for i, v in enumerate(set_.values())}
        assignments = ", ".join(f"{name} = :set{i}" for i, name in enumerate(set_.keys()))
        expression = f"SET {assignments} ADD version :one"
        if remove:
            expression += " REMOVE " + ", ".join(remove)
        condition, names, values = condition_of(guard)
        try:
            response = self.client.update_item(
                TableName=self.table,
                Key={"session_id": value(session_id)},
                UpdateExpression=expression,
                ConditionExpression=condition,
                ExpressionAttributeNames={"#state": "state", **names},
                ExpressionAttributeValues={
                    k: value(v) for k, v in {**placeholders, **values, ":one": 1}.items()
                },
                ReturnValues="ALL_NEW",
                ReturnValuesOnConditionCheckFailure="ALL_OLD",
            )
        except self.client.exceptions.ConditionalCheckFailedException as exc:
            old = _item_as_it_was(exc)
            raise TransitionRefused(record_from_item(old) if old else None) from None
        return record_from_item(response["Attributes"])

    # ------------------------------------------------------------------ reads
    def get(self, session_id: str) -> SessionRecord | None:
        if is_code_claim(session_id):
            return None  # a code claim is in the table, but it is not a session
        response = self.client.get_item(
            TableName=self.table, Key={"session_id": value(session_id)}, ConsistentRead=True
        )
        item = response.get("Item")
        return record_from_item(item) if item else None

    def waiting(self, force: str, area: str | None, limit: int) -> list[SessionRecord]:
        values = {":force": value(force)}
        params: QueryInputTypeDef = {
            "TableName": self.table,
            "IndexName": "queue",
            "KeyConditionExpression": "queue_force = :force",
            "ExpressionAttributeValues": values,
            "ScanIndexForward": True,
        }
        if area:
            # Her own calls may have no area: they are for every sergeant of the force.
            params["FilterExpression"] = "#area = :area OR attribute_not_exists(#area)"
            params["ExpressionAttributeNames"] = {"#area": "area"}
            values[":area"] = value(area)
        found: list[SessionRecord] = []
        while len(found) < limit:
            response = self.client.query(**params)
            found += [record_from_item(item) for item in response.get("Items", [])]
            if "LastEvaluatedKey" not in response:
                break
            params["ExclusiveStartKey"] = response["LastEvaluatedKey"]
        return found[:limit]

    def by_code(self, public_code: str) -> SessionRecord | None:
        response = self.client.query(
            TableName=self.table,
            IndexName="by_code",
            KeyConditionExpression="public_code = :code",
            ExpressionAttributeValues={":code": value(public_code)},
            Limit=5,
        )
        records = [record_from_item(item) for item in response.get("Items", [])]
        return max(records, key=lambda r: r.session.created_at, default=None)

    def request_attendance(self, session_id: str, now: datetime) -> tuple[SessionRecord, bool]:
        return self._set_once(
            session_id,
            "SET attendance_requested_at = :now",
            "attribute_exists(session_id) AND attribute_not_exists(attendance_requested_at)",
            {":now": value(iso(now))},
        )

    def mark_attendance_sent(
        self, session_id: str, by: str, now: datetime
    ) -> tuple[SessionRecord, bool]:
        record, first = self._set_once(
            session_id,
            "SET attendance_sent_at = :now, attendance_sent_by = :by",
            "attribute_exists(attendance_requested_at) AND "
            "attribute_not_exists(attendance_sent_at)",
            {":now": value(iso(now)), ":by": value(by)},
        )
        if not first and record.attendance_requested_at is None:
            raise TransitionRefused(record)  # she has not asked
        return record, first

    def _set_once(
        self, session_id: str, update: str, condition: str, values: dict[str, Any]
    ) -> tuple[SessionRecord, bool]:
        """One conditional ``UpdateItem`` of a field set once: the record after it and
        ``True``, or the record as it was and ``False`` when the condition did not hold.

        Raises ``TransitionRefused(None)`` if there is no such session.
        """
        if is_code_claim(session_id):
            raise TransitionRefused(None)
        try:
            response = self.client.update_item(
                TableName=self.table,
                Key={"session_id": value(session_id)},
                UpdateExpression=update,
                ConditionExpression=condition,
                ExpressionAttributeValues=values,
                ReturnValues="ALL_NEW",
                ReturnValuesOnConditionCheckFailure="ALL_OLD",
            )
        except self.client.exceptions.ConditionalCheckFailedException as exc:
            old = _item_as_it_was(exc)
            if not old:
                raise TransitionRefused(None) from None
            return record_from_item(old), False
        return record_from_item(response["Attributes"]), True

    def mark_escalation_paged(self, session_id: str, level: int) -> None:
        """Raises ``TransitionRefused(None)`` if there is no such session."""
        # Bookkeeping of the timers, not a transition: no version bump, nothing for the audit.
        self._set_existing(session_id, "escalation_paged", level)

    def replace_poll_token(self, session_id: str, token_hash: str) -> SessionRecord:
        """Raises ``TransitionRefused(None)`` if there is no such session."""
        return self._set_existing(session_id, "poll_token_hash", token_hash)

    def _set_existing(self, session_id: str, attribute: str, new: Any) -> SessionRecord:
        """Set one attribute of an existing session (never creating one); the new record."""
        if is_code_claim(session_id):
            raise TransitionRefused(None)
        try:
            response = self.client.update_item(
                TableName=self.table,
                Key={"session_id": value(session_id)},
                UpdateExpression=f"SET {attribute} = :new",
                ConditionExpression="attribute_exists(session_id)",
                ExpressionAttributeValues={":new": value(new)},
                ReturnValues="ALL_NEW",
            )
        except self.client.exceptions.ConditionalCheckFailedException:
            raise TransitionRefused(None) from None
        return record_from_item(response["Attributes"])

    def latest_for_officer(self, officer_id: str) -> SessionRecord | None:
        response = self.client.query(
            TableName=self.table,
            IndexName="by_officer",
            KeyConditionExpression="officer_id = :officer",
            ExpressionAttributeValues={":officer": value(officer_id)},
            ScanIndexForward=False,
            Limit=1,
        )
        items = response.get("Items", [])
        return record_from_item(items[0]) if items else None


def _item_as_it_was(failed: ClientError) -> dict[str, Any] | None:
    """The item a failed condition returned (``ReturnValuesOnConditionCheckFailure=ALL_OLD``).

    botocore's stubs do not list ``Item`` among an error response's keys, though DynamoDB sends it.
    """
    response: Mapping[str, Any] = failed.response
    item: dict[str, Any] | None = response.get("Item")
    return item
