"""SNS: alert a force's professional-standards contact that she left feedback on a stop."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from functions.services.records_port import StandardsAlert

if TYPE_CHECKING:
    from mypy_boto3_sns import SNSClient

__all__ = ["SnsStandards"]


class SnsStandards:
    """:class:`~functions.services.records_port.StandardsAlerts` on the standards topic.

    Parameters
    ----------
    client
        A boto3 SNS client.
    topic_arn
        The standards topic; each force's contact subscribes with a ``force`` filter.
    """

    def __init__(self, client: SNSClient, topic_arn: str) -> None:
        self.client = client
        self.topic_arn = topic_arn

    def publish(self, alert: StandardsAlert) -> str:
        """Publish ``alert`` with the ``type`` and ``force`` attributes the filters use."""
        verdict = "something was wrong" if alert.verdict == "something_wrong" else "it was fine"
        response = self.client.publish(
            TopicArn=self.topic_arn,
            # An email subscription shows the subject; it holds no personal data.
            Subject=f"Safe Connection feedback on {alert.reference}: {verdict}",
            Message=json.dumps(alert.body(), separators=(",", ":")),
            MessageAttributes={
                name: {"DataType": "String", "StringValue": text}
                for name, text in (("type", alert.type), ("force", alert.force))
            },
        )
        return str(response["MessageId"])
