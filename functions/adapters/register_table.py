"""The officer register on DynamoDB.

A register write is one transaction that (1) puts the officer if its revision is unchanged,
(2) claims the force + shoulder number (an item ``shoulder#FORCE#NUMBER``) so no two officers share
one, (3) releases the old claim if the number changed, and (4) copies the officer into the snapshot
of each of their live sessions. So a suspension reaches a waiting session's identity card, and
its "verified" check, atomically.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from functions.domain import Conflict, Officer
from functions.resources import OFFICERS_ON_DUTY
from functions.services.ports import OfficerEntry, Pager

from .dynamo import from_item, to_item, value
from .sessions_table import LIVE_STATES

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient
    from mypy_boto3_dynamodb.type_defs import (
        KeysAndAttributesUnionTypeDef,
        PutTypeDef,
        QueryInputTypeDef,
        TransactWriteItemTypeDef,
    )

__all__ = ["DynamoOfficerRegister", "entry_from_item"]

_OFFICER_FIELDS = frozenset(Officer.model_fields)


def _shoulder_key(force: str, shoulder_number: str) -> str:
    return f"shoulder#{force}#{shoulder_number}"


def entry_from_item(item: dict[str, Any]) -> OfficerEntry:
    """Rebuild a register entry from its item."""
    data = from_item(item)
    pager = data.get("pager")
    return OfficerEntry(
        officer=Officer.model_validate({k: v for k, v in data.items() if k in _OFFICER_FIELDS}),
        revision=int(data.get("revision", 0)),
        live_sessions=frozenset(data.get("live_sessions", ())),
        pager=Pager(pager["protocol"], pager["endpoint"]) if pager else None,
        subscription_arn=data.get("subscription_arn"),
    )


class DynamoOfficerRegister:
    """:class:`~functions.services.ports.OfficerRegister` on DynamoDB.

    Parameters
    ----------
    client
        A boto3 DynamoDB client.
    table, sessions_table
        Table names (live sessions' snapshots are updated in the same transaction).
    """

    def __init__(self, client: DynamoDBClient, table: str, sessions_table: str) -> None:
        self.client = client
        self.table = table
        self.sessions_table = sessions_table

    def get(self, officer_id: str) -> OfficerEntry | None:
        if officer_id.startswith("shoulder#"):
            return None
        response = self.client.get_item(
            TableName=self.table, Key={"officer_id": value(officer_id)}, ConsistentRead=True
        )
        item = response.get("Item")
        return entry_from_item(item) if item else None

    def by_shoulder(self, force: str, shoulder_number: str) -> OfficerEntry | None:
        response = self.client.query(
            TableName=self.table,
            IndexName="by_shoulder",
            KeyConditionExpression="force_shoulder = :key",
            ExpressionAttributeValues={":key": value(f"{force}#{shoulder_number}")},
            Limit=1,
        )
        items = response.get("Items", [])
        return entry_from_item(items[0]) if items else None

    def sergeants_on_duty(self, force: str, area: str | None = None) -> int:
        """How many sergeants of ``force`` (and ``area``, if given) are booked on duty now."""
        values = {":force": value(force)}
        params: QueryInputTypeDef = {
            "TableName": self.table,
            "IndexName": OFFICERS_ON_DUTY.name,
            "KeyConditionExpression": "duty_force = :force",
            "ExpressionAttributeValues": values,
            "Select": "COUNT",
        }
        if area is not None:
            params["FilterExpression"] = "area = :area"
            values[":area"] = value(area)
        count = 0
        while True:
            response = self.client.query(**params)
            count += response.get("Count", 0)
            if "LastEvaluatedKey" not in response:
                return count
            params["ExclusiveStartKey"] = response["LastEvaluatedKey"]

    def save(self, entry: OfficerEntry, *, expected_revision: int | None) -> OfficerEntry:
        previous = self.get(entry.officer.officer_id) if expected_revision is not None else None
        if expected_revision is not None and (
            previous is None or previous.revision != expected_revision
        ):
            raise Conflict("The officer's record changed while you were editing it; try again.")
        live = self._still_live(previous.live_sessions if previous else frozenset())
        saved = OfficerEntry(
            officer=entry.officer,
            revision=(expected_revision or 0) + 1,
            live_sessions=live,
            pager=entry.pager,
            subscription_arn=entry.subscription_arn,
        )
        officer = entry.officer
        data: dict[str, Any] = officer.model_dump(mode="json")
        data.update(
            revision=saved.revision,
            force_shoulder=f"{officer.force}#{officer.shoulder_number}",
            pager={"protocol": entry.pager.protocol, "endpoint": entry.pager.endpoint}
            if entry.pager
            else None,
            subscription_arn=entry.subscription_arn,
            # The sparse index of sergeants on duty, which the staffing report counts.
            duty_force=officer.force if officer.on_duty and officer.is_sergeant else None,
        )
        item = to_item(data)
        if live:
            item["live_sessions"] = {"SS": sorted(live)}
        put: PutTypeDef = {"TableName": self.table, "Item": item}
        if expected_revision is None:
            put["ConditionExpression"] = "attribute_not_exists(officer_id)"
        else:
            put["ConditionExpression"] = "revision = :rev"
            put["ExpressionAttributeValues"] = {":rev": value(expected_revision)}
        actions: list[TransactWriteItemTypeDef] = [
            {"Put": put},
            {
                "Put": {
                    "TableName": self.table,
                    "Item": to_item(
                        {
                            "officer_id": _shoulder_key(officer.force, officer.shoulder_number),
                            "owner": officer.officer_id,
                        }
                    ),
                    "ConditionExpression": "attribute_not_exists(officer_id) OR #owner = :me",
                    "ExpressionAttributeNames": {"#owner": "owner"},
                    "ExpressionAttributeValues": {":me": value(officer.officer_id)},
                }
            },
        ]
        if previous and (previous.officer.force, previous.officer.shoulder_number) != (
            officer.force,
            officer.shoulder_number,
        ):
            actions.append(
                {
                    "Delete": {
                        "TableName": self.table,
                        "Key": {
                            "officer_id": value(
                                _shoulder_key(
                                    previous.officer.force, previous.officer.shoulder_number
                                )
                            )
                        },
                    }
                }
            )
        snapshot = value(officer.model_dump(mode="json"))
        for session_id in sorted(live):
            actions.append(
                {
                    "Update": {
                        "TableName": self.sessions_table,
                        "Key": {"session_id": value(session_id)},
                        "UpdateExpression": "SET officer = :snapshot",
                        "ConditionExpression": "#state IN (:l1, :l2, :l3)",
                        "ExpressionAttributeNames": {"#state": "state"},
                        "ExpressionAttributeValues": {
                            ":snapshot": snapshot,
                            **{f":l{i + 1}": value(s.value) for i, s in enumerate(LIVE_STATES)},
                        },
                    }
                }
            )
        try:
            self.client.transact_write_items(TransactItems=actions)
        except self.client.exceptions.TransactionCanceledException as exc:
            reasons = [r.get("Code") for r in exc.response.get("CancellationReasons", [])]
            if len(reasons) > 1 and reasons[1] == "ConditionalCheckFailed":
                raise Conflict(
                    f"Shoulder number {officer.shoulder_number} already belongs to another "
                    f"officer of {officer.force}.",
                    details=[{"field": "shoulder_number", "message": "already in use"}],
                ) from None
            if reasons and reasons[0] == "ConditionalCheckFailed":
                raise Conflict(
                    "The officer's record changed while it was being saved; try again."
                    if expected_revision is not None
                    else f"Officer {officer.officer_id} already exists.",
                ) from None
            raise Conflict(
                "A live session of this officer changed while the record was saved; try again."
            ) from None
        return saved

    def _still_live(self, session_ids: frozenset[str]) -> frozenset[str]:
        """The subset of ``session_ids`` that exist and have no outcome yet."""
        if not session_ids:
            return frozenset()
        live: set[str] = set()
        keys = [{"session_id": value(s)} for s in sorted(session_ids)]
        for start in range(0, len(keys), 100):
            request: Mapping[str, KeysAndAttributesUnionTypeDef] = {
                self.sessions_table: {
                    "Keys": keys[start : start + 100],
                    "ConsistentRead": True,
                    "ProjectionExpression": "session_id, #state",
                    "ExpressionAttributeNames": {"#state": "state"},
                }
            }
            while request:
                response = self.client.batch_get_item(RequestItems=request)
                for item in response.get("Responses", {}).get(self.sessions_table, []):
                    data = from_item(item)
                    if data["state"] in {s.value for s in LIVE_STATES}:
                        live.add(data["session_id"])
                request = response.get("UnprocessedKeys") or {}
        return frozenset(live)
