"""Fixed-window rate limits on DynamoDB: atomic counters per client and window, expiring by TTL."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from functions.services.ports import CodeLookups

from .dynamo import value

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient

__all__ = ["DynamoRateLimiter"]

_CODE_ROUTE = "verify"
"""The item of her code lookups: ``verify#<client>#<window_start>`` (counters ``lookups`` and
``misses``), shared by ``GET /verify/{code}`` and ``POST /verify/{code}/attendance``."""


class DynamoRateLimiter:
    """:class:`~functions.services.ports.RateLimiter` on a table keyed ``key`` with TTL.

    Every count is one ``UpdateItem ... ADD``: atomic across every Lambda, and the item expires by
    TTL when its window is over, so the table never grows with traffic history.

    - :meth:`hit`: ``ADD hits :1`` on ``<route>#<client>#<window_start>``.
    - :meth:`count_lookup` / :meth:`count_miss`: ``ADD lookups :1`` / ``ADD misses :1`` on
      ``verify#<client>#<window_start>``, returning the whole item (``ALL_NEW``), so counting a
      lookup also reads the misses: the normal (found) path is one call.

    Parameters
    ----------
    client
        A boto3 DynamoDB client.
    table
        The rate-limits table.
    clock
        Seconds since the epoch (injectable for tests).
    """

    def __init__(
        self, client: DynamoDBClient, table: str, clock: Callable[[], float] = time.time
    ) -> None:
        self.client = client
        self.table = table
        self.clock = clock

    def hit(self, route: str, client: str, limit: int, window_seconds: int) -> int:
        attributes, retry_after = self._add(route, client, "hits", window_seconds)
        return 0 if _count(attributes, "hits") <= limit else retry_after

    def count_lookup(self, client: str, window_seconds: int) -> CodeLookups:
        return self._lookups(self._add(_CODE_ROUTE, client, "lookups", window_seconds))

    def count_miss(self, client: str, window_seconds: int) -> CodeLookups:
        return self._lookups(self._add(_CODE_ROUTE, client, "misses", window_seconds))

    def _add(
        self, route: str, client: str, counter: str, window_seconds: int
    ) -> tuple[dict[str, Any], int]:
        """``ADD counter :1`` on this window's item; its attributes and the seconds left."""
        now = int(self.clock())
        window_start = now - now % window_seconds
        window_end = window_start + window_seconds
        response = self.client.update_item(
            TableName=self.table,
            Key={"key": value(f"{route}#{client}#{window_start}")},
            UpdateExpression="ADD #counter :one SET expires_at = :expires",
            ExpressionAttributeNames={"#counter": counter},
            ExpressionAttributeValues={":one": value(1), ":expires": value(window_end + 60)},
            ReturnValues="ALL_NEW",
        )
        return response["Attributes"], max(1, window_end - now)

    @staticmethod
    def _lookups(added: tuple[dict[str, Any], int]) -> CodeLookups:
        attributes, retry_after = added
        return CodeLookups(
            lookups=_count(attributes, "lookups"),
            misses=_count(attributes, "misses"),
            retry_after=retry_after,
        )


def _count(attributes: dict[str, Any], name: str) -> int:
    return int(attributes.get(name, {}).get("N", 0))
