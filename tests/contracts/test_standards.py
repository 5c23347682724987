"""The standards topic's contract, for ``FakeStandards`` and ``SnsStandards`` alike: what is
published is what the force's contact receives, with the ``force`` its subscription filters on.

The real adapter is read back as moto's own tests read SNS: an SQS queue subscribed to the topic,
and the envelope that arrived.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import boto3
import pytest

from functions.adapters.standards import SnsStandards
from functions.services.records_port import StandardsAlert
from local.provision import queue_arn
from tests.unit.services.fakes import FakeStandards

from .conftest import REGION, unique

ALERT = StandardsAlert(
    force="MET",
    reference="SC-260901-5B8QG",
    verdict="something_wrong",
    left_at="2026-09-01T22:00:00Z",
    officer="PC 4521",
    has_text=True,
    has_contact=False,
)

Received = Callable[[], list[tuple[str, dict[str, Any]]]]
"""What the force's contact has received: ``(force attribute, body)`` of each message."""


@pytest.fixture(params=["fake", "sns"])
def standards(
    request: pytest.FixtureRequest, moto_url: str, sqs: Any
) -> tuple[FakeStandards | SnsStandards, Received]:
    if request.param == "fake":
        fake = FakeStandards()
        return fake, lambda: [(a.force, a.body()) for a in fake.published]
    sns = boto3.client("sns", endpoint_url=moto_url, region_name=REGION)
    topic = sns.create_topic(Name=unique("standards"))["TopicArn"]
    url = sqs.create_queue(QueueName=unique("standards-met"))["QueueUrl"]
    sns.subscribe(
        TopicArn=topic,
        Protocol="sqs",
        Endpoint=queue_arn(sqs, url),
        Attributes={"FilterPolicy": json.dumps({"force": ["MET"]})},
    )

    def received() -> list[tuple[str, dict[str, Any]]]:
        messages = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10).get("Messages", [])
        envelopes = [json.loads(m["Body"]) for m in messages]
        return [
            (e["MessageAttributes"]["force"]["Value"], json.loads(e["Message"])) for e in envelopes
        ]

    return SnsStandards(sns, topic), received


def test_what_is_published_is_what_the_contact_receives(
    standards: tuple[FakeStandards | SnsStandards, Received],
) -> None:
    adapter, received = standards
    assert adapter.publish(ALERT)
    assert received() == [("MET", ALERT.body())]
    assert "text" not in ALERT.body() and "contact" not in ALERT.body()
