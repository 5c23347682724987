"""SNS: page the right sergeants, and subscribe or unsubscribe a sergeant's pager."""

from __future__ import annotations

import contextlib
import json
from collections.abc import Sequence
from typing import TYPE_CHECKING

from functions.services.alerting import FORCE_WIDE
from functions.services.ports import Alert, Pager

if TYPE_CHECKING:
    from mypy_boto3_sns import SNSClient

__all__ = ["SnsAlerts"]


class SnsAlerts:
    """:class:`~functions.services.ports.AlertPublisher` on one SNS topic.

    Parameters
    ----------
    client
        A boto3 SNS client.
    topic_arn
        The alerts topic.
    """

    def __init__(self, client: SNSClient, topic_arn: str) -> None:
        self.client = client
        self.topic_arn = topic_arn

    def publish(self, alert: Alert) -> str:
        """Publish ``alert`` with the ``type``, ``force`` and ``area`` attributes filters use."""
        response = self.client.publish(
            TopicArn=self.topic_arn,
            Message=json.dumps(alert.body(), separators=(",", ":")),
            MessageAttributes={
                name: {"DataType": "String", "StringValue": text}
                for name, text in (
                    ("type", alert.type),
                    ("force", alert.force),
                    ("area", alert.area),
                )
            },
        )
        return str(response["MessageId"])

    def subscribe(self, pager: Pager, *, force: str, areas: Sequence[str]) -> str:
        """Subscribe a pager to the alerts of ``force`` in ``areas`` (and force-wide ones)."""
        policy = {"force": [force], "area": sorted({*areas, FORCE_WIDE})}
        attributes = {"FilterPolicy": json.dumps(policy), "FilterPolicyScope": "MessageAttributes"}
        if pager.protocol == "sqs":
            attributes["RawMessageDelivery"] = "false"
        response = self.client.subscribe(
            TopicArn=self.topic_arn,
            Protocol=pager.protocol,
            Endpoint=pager.endpoint,
            Attributes=attributes,
            ReturnSubscriptionArn=True,
        )
        return str(response["SubscriptionArn"])

    def unsubscribe(self, subscription_arn: str) -> None:
        with contextlib.suppress(self.client.exceptions.NotFoundException):
            self.client.unsubscribe(SubscriptionArn=subscription_arn)  # gone already is fine
