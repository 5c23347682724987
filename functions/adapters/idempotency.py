"""``Idempotency-Key`` with Powertools' idempotency utility on DynamoDB.

The first request with a key runs; every retry with the same key gets the stored response. A
retry that arrives while the first is still running waits for it (within the request budget), so
any number of concurrent retries see one session, one meeting, one page and the same answer.

Two things Powertools alone gets wrong for us, both fixed here:

- **A request must never wait for itself.** Powertools claims a key with a conditional
  ``PutItem``. When DynamoDB commits that write but its answer is lost (a read timeout, a reset
  connection), botocore sends the same request again, the condition now fails on our own record,
  and Powertools reports "already in progress": the request would wait for itself until the
  in-progress record expired. Every in-progress record here carries the id of the request that
  wrote it, and the condition also accepts that same id, so the retried write succeeds.
- **A failing store is an outage, not a "retry", and it blocks nobody.** If DynamoDB cannot be
  reached, the caller is told to call 999 (503), the same as for any other dependency, and the
  request withdraws its own claim on the key (if it can), so the client's retry runs at once
  instead of waiting for a claim that nobody holds. If the work itself had finished and only
  storing its answer failed, the caller gets that answer: a retry then finds the same session.
"""

from __future__ import annotations

import contextvars
import logging
import time
import uuid
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, cast

from aws_lambda_powertools.utilities.idempotency import (
    DynamoDBPersistenceLayer,
    IdempotencyConfig,
    idempotent_function,
)
from aws_lambda_powertools.utilities.idempotency.exceptions import (
    IdempotencyAlreadyInProgressError,
    IdempotencyPersistenceLayerError,
    IdempotencyValidationError,
)

from functions.domain import Conflict
from functions.services.budget import FALL_BACK_TO_999, Deadline, Unavailable

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient

__all__ = ["PowertoolsIdempotency"]

log = logging.getLogger(__name__)

REQUEST_ATTRIBUTE = "request_id"
"""The attribute of an in-progress record naming the request that wrote it."""

_request_id: contextvars.ContextVar[str | None] = contextvars.ContextVar(
    "idempotency_request_id", default=None
)


class _OwnRetryClient:
    """The DynamoDB client Powertools writes through, marking each in-progress record as ours.

    Powertools builds its ``PutItem`` (the only call that claims a key) itself; this adds the
    request's id to the item and ``OR request_id = :request_id`` to its condition, and makes
    its ``DeleteItem`` (withdrawing a claim) delete only a claim of this request. Every other
    call passes through unchanged.
    """

    def __init__(self, client: DynamoDBClient) -> None:
        self._client = client

    def put_item(self, **params: Any) -> Any:
        request_id = _request_id.get()
        if request_id is not None:
            params["Item"] = {**params["Item"], REQUEST_ATTRIBUTE: {"S": request_id}}
            params["ConditionExpression"] = (
                f"({params['ConditionExpression']}) OR #request_id = :request_id"
            )
            params["ExpressionAttributeNames"] = {
                **params.get("ExpressionAttributeNames", {}),
                "#request_id": REQUEST_ATTRIBUTE,
            }
            params["ExpressionAttributeValues"] = {
                **params.get("ExpressionAttributeValues", {}),
                ":request_id": {"S": request_id},
            }
        return self._client.put_item(**params)

    def delete_item(self, **params: Any) -> Any:
        request_id = _request_id.get()
        if request_id is None:
            return self._client.delete_item(**params)
        try:
            return self._client.delete_item(
                **params,
                ConditionExpression="#request_id = :request_id",
                ExpressionAttributeNames={"#request_id": REQUEST_ATTRIBUTE},
                ExpressionAttributeValues={":request_id": {"S": request_id}},
            )
        except self._client.exceptions.ConditionalCheckFailedException:
            return {}  # not our claim (any more): leave it to whoever holds it

    def __getattr__(self, name: str) -> Any:
        return getattr(self._client, name)


class _Remaining:
    """Stands in for the Lambda context Powertools reads the time left from.

    Powertools lets a later request take over a key once the in-progress record's time is up.
    That time is the request budget plus the longest a single AWS call can still run after it
    (``functions.adapters.aws``), not the Lambda timeout: a request cut off by its budget may
    still be finishing in its own thread.
    """

    def __init__(self, deadline: Deadline, grace_seconds: float) -> None:
        self._deadline = deadline
        self._grace = grace_seconds

    def get_remaining_time_in_millis(self) -> int:
        return int((self._deadline.remaining + self._grace) * 1000)


class PowertoolsIdempotency:
    """Run a request at most once per key.

    Parameters
    ----------
    client
        A boto3 DynamoDB client (shared with the rest of the app).
    table
        The idempotency table (``id`` key, ``expiration`` TTL).
    expires_seconds
        How long a key is remembered.
    grace_seconds
        How long after its budget a request may still be finishing (see :class:`_Remaining`).
    """

    def __init__(
        self, client: DynamoDBClient, table: str, expires_seconds: int, grace_seconds: float = 6.0
    ) -> None:
        self.persistence = DynamoDBPersistenceLayer(
            table_name=table, boto3_client=cast(Any, _OwnRetryClient(client))
        )
        self.config = IdempotencyConfig(
            event_key_jmespath="key",
            payload_validation_jmespath="payload",
            expires_after_seconds=expires_seconds,
            raise_on_no_idempotency_key=True,
        )
        self.grace_seconds = grace_seconds

    def run(
        self,
        key: str,
        payload: dict[str, Any],
        produce: Callable[[], dict[str, Any]],
        deadline: Deadline,
    ) -> dict[str, Any]:
        """The response for ``key``: ``produce()``'s on the first call, the stored one after.

        A concurrent request with the same key waits for the first until ``deadline``.

        Raises
        ------
        Conflict
            The key was used with a different body, or the first request is still running at
            ``deadline``.
        Unavailable
            The idempotency table cannot be read or written.
        """

        produced: list[dict[str, Any]] = []

        @idempotent_function(  # type: ignore[untyped-decorator]
            data_keyword_argument="request",
            persistence_store=self.persistence,
            config=self.config,
        )
        def start_session(request: dict[str, Any]) -> dict[str, Any]:
            produced.append(produce())
            return produced[0]

        # Read by Powertools on this thread (config is shared, but every request sets its own
        # before it reads it, and the value only bounds how long a stale claim blocks a key).
        self.config.register_lambda_context(cast(Any, _Remaining(deadline, self.grace_seconds)))
        token = _request_id.set(uuid.uuid4().hex)
        request = {"key": key, "payload": payload}
        pause = 0.05
        try:
            while True:
                try:
                    result: dict[str, Any] | None = start_session(request=request)
                    # Powertools replays a stored answer only if it is truthy: {} comes back
                    # as None.
                    return {} if result is None else result
                except IdempotencyValidationError:
                    raise Conflict(
                        "That Idempotency-Key was already used for a different request.",
                        code="idempotency_key_reused",
                    ) from None
                except IdempotencyPersistenceLayerError as exc:
                    self._withdraw_claim(request, exc)
                    if produced:
                        return produced[0]  # done; only remembering the answer failed
                    raise Unavailable(FALL_BACK_TO_999) from exc
                except IdempotencyAlreadyInProgressError:
                    if deadline.remaining <= pause:
                        raise Conflict(
                            "The first request with this Idempotency-Key is still running; "
                            "retry in a moment.",
                            code="idempotency_in_progress",
                        ) from None
                    # Another request with this key is running (it finishes in a second or
                    # two): wait for its stored answer, with a growing pause, not a busy loop.
                    time.sleep(pause)
                    pause = min(pause * 2, 0.5)
        finally:
            _request_id.reset(token)

    def _withdraw_claim(self, request: dict[str, Any], failure: Exception) -> None:
        """Delete this request's in-progress record, if the store lets us (best effort)."""
        try:
            self.persistence.delete_record(data=request, exception=failure)
        except Exception:
            log.warning("could not withdraw the claim on an Idempotency-Key", exc_info=True)
