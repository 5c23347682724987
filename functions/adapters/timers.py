"""Delayed checks on SQS: each pending check is one message made visible after its delay."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from mypy_boto3_sqs import SQSClient

__all__ = ["MAX_DELAY_SECONDS", "SqsTimers"]

MAX_DELAY_SECONDS = 900  # SQS's ceiling for DelaySeconds


class SqsTimers:
    """:class:`~functions.services.ports.TimerQueue` on one SQS queue.

    Parameters
    ----------
    client
        A boto3 SQS client.
    queue_url
        The timers queue.
    """

    def __init__(self, client: SQSClient, queue_url: str) -> None:
        self.client = client
        self.queue_url = queue_url

    def schedule(self, message: dict[str, Any], delay_seconds: int) -> None:
        """Send ``message`` to be delivered in ``delay_seconds`` (0 to 900)."""
        self.client.send_message(
            QueueUrl=self.queue_url,
            MessageBody=json.dumps(message, separators=(",", ":")),
            DelaySeconds=max(0, min(MAX_DELAY_SECONDS, delay_seconds)),
        )
