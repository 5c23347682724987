"""Helpers for API tests: calls through the local API Gateway, pager queues, AWS call counts."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import boto3
import requests

from functions.adapters.aws import client

JsonBody = dict[str, Any]


def call(
    api: Any,
    method: str,
    path: str,
    token: str | None = None,
    body: Any = None,
    headers: dict[str, str] | None = None,
    raw: bytes | None = None,
) -> tuple[int, Any]:
    """Make a request over HTTP as a client would and return ``(status, parsed JSON body)``."""
    sent = {"Content-Type": "application/json", **(headers or {})}
    if token is not None:
        sent["Authorization"] = f"Bearer {token}"
    payload = raw if raw is not None else (json.dumps(body).encode() if body is not None else b"")
    response = requests.request(method, api.url + path, headers=sent, data=payload, timeout=30)
    text = response.text
    return response.status_code, json.loads(text) if text else None


def pager_alerts(
    queue_url: str, session_id: str, *, expect: bool, deadline: float = 5.0
) -> list[JsonBody]:
    """Alerts for ``session_id`` in a sergeant's pager queue.

    With ``expect`` it waits (long polling, with a deadline) until one arrives; without, it drains
    what is there now: SNS delivers to SQS before ``Publish`` returns, so an alert that is not
    there by the time the request answered is not coming.
    """
    sqs = boto3.client("sqs")
    found: list[JsonBody] = []
    stop = time.monotonic() + deadline
    while True:
        messages = sqs.receive_message(
            QueueUrl=queue_url, MaxNumberOfMessages=10, WaitTimeSeconds=1 if expect else 0
        ).get("Messages", [])
        for message in messages:
            envelope = json.loads(message["Body"])
            alert = json.loads(envelope["Message"])
            alert["_attributes"] = {
                k: v["Value"] for k, v in envelope.get("MessageAttributes", {}).items()
            }
            if alert["session_id"] == session_id:
                found.append(alert)
                sqs.delete_message(QueueUrl=queue_url, ReceiptHandle=message["ReceiptHandle"])
        if (expect and found) or (not expect and not messages) or time.monotonic() > stop:
            return found


@contextmanager
def aws_calls() -> Iterator[list[str]]:
    """Record every AWS operation the application's own clients make (botocore event hooks)."""
    made: list[str] = []

    def record(model: Any, **_: Any) -> None:
        made.append(f"{model.service_model.service_name}:{model.name}")

    services = ("dynamodb", "sns", "chime-sdk-meetings", "s3", "sqs")
    for service in services:
        client(service).meta.events.register("before-call", record, unique_id="count-calls")
    try:
        yield made
    finally:
        for service in services:
            client(service).meta.events.unregister("before-call", unique_id="count-calls")
