"""``Idempotency-Key`` with Powertools' idempotency utility on DynamoDB.

The first request with a key runs; every retry with the same key gets the stored response. A
retry that arrives while the first is still running waits for it (bounded), so any number of
concurrent retries see one session, one meeting, one alert and the same answer.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from aws_lambda_powertools.utilities.idempotency import (
    DynamoDBPersistenceLayer,
    IdempotencyConfig,
    idempotent_function,
)
from aws_lambda_powertools.utilities.idempotency.exceptions import (
    IdempotencyAlreadyInProgressError,
    IdempotencyValidationError,
)

from functions.domain import Conflict

__all__ = ["PowertoolsIdempotency"]


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
    wait_seconds
        How long a concurrent retry waits for the first request before giving up with 409.
    """

    def __init__(
        self, client: Any, table: str, expires_seconds: int, wait_seconds: float = 15.0
    ) -> None:
        self.persistence = DynamoDBPersistenceLayer(table_name=table, boto3_client=client)
        self.config = IdempotencyConfig(
            event_key_jmespath="key",
            payload_validation_jmespath="payload",
            expires_after_seconds=expires_seconds,
            raise_on_no_idempotency_key=True,
        )
        self.wait_seconds = wait_seconds

    def run(
        self,
        key: str,
        payload: dict[str, Any],
        produce: Callable[[], dict[str, Any]],
        lambda_context: Any = None,
    ) -> dict[str, Any]:
        """The response for ``key``: ``produce()``'s on the first call, the stored one after.

        With the Lambda context, an in-progress record expires when the invocation would time
        out, so a request killed half-way does not block its retries until the key expires.

        Raises
        ------
        Conflict
            The key was used with a different body, or the first request is still running
            after ``wait_seconds``.
        """

        @idempotent_function(  # type: ignore[untyped-decorator]
            data_keyword_argument="request", persistence_store=self.persistence, config=self.config
        )
        def start_session(request: dict[str, Any]) -> dict[str, Any]:
            return produce()

        if lambda_context is not None:
            self.config.register_lambda_context(lambda_context)
        deadline = time.monotonic() + self.wait_seconds
        pause = 0.05
        while True:
            try:
                result: dict[str, Any] = start_session(request={"key": key, "payload": payload})
                return result
            except IdempotencyValidationError:
                raise Conflict(
                    "That Idempotency-Key was already used for a different request.",
                    code="idempotency_key_reused",
                ) from None
            except IdempotencyAlreadyInProgressError:
                if time.monotonic() > deadline:
                    raise Conflict(
                        "The first request with this Idempotency-Key is still running; retry.",
                        code="idempotency_in_progress",
                    ) from None
                time.sleep(pause)  # wait for the first request; it finishes in a second or two
                pause = min(pause * 2, 0.5)
