"""Fixed-window rate limits on DynamoDB: one atomic counter per client, route and window."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from .dynamo import value

__all__ = ["DynamoRateLimiter"]


class DynamoRateLimiter:
    """:class:`~functions.services.ports.RateLimiter` on a table keyed ``key`` with TTL.

    One ``UpdateItem ... ADD hits :1`` per request: atomic across every Lambda, and the item
    expires by TTL when its window is over, so the table never grows with traffic history.

    Parameters
    ----------
    client
        A boto3 DynamoDB client.
    table
        The rate-limits table.
    clock
        Seconds since the epoch (injectable for tests).
    """

    def __init__(self, client: Any, table: str, clock: Callable[[], float] = time.time) -> None:
        self.client = client
        self.table = table
        self.clock = clock

    def hit(self, route: str, client: str, limit: int, window_seconds: int) -> int:
        now = int(self.clock())
        window_start = now - now % window_seconds
        window_end = window_start + window_seconds
        response = self.client.update_item(
            TableName=self.table,
            Key={"key": value(f"{route}#{client}#{window_start}")},
            UpdateExpression="ADD hits :one SET expires_at = :expires",
            ExpressionAttributeValues={":one": value(1), ":expires": value(window_end + 60)},
            ReturnValues="UPDATED_NEW",
        )
        hits = int(response["Attributes"]["hits"]["N"])
        return 0 if hits <= limit else max(1, window_end - now)
