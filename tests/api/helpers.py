"""Helpers for API tests: calls through the local API Gateway, pager queues, AWS call counts."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import boto3
import requests

from functions.adapters.aws import client
from local.provision import Stack

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


_seen: dict[str, list[JsonBody]] = {}
_seen_lock = threading.Lock()


def _drain(queue_url: str, wait_seconds: int) -> int:
    """Move every visible alert of a pager queue into the per-queue record; how many came."""
    sqs = boto3.client("sqs")
    messages = sqs.receive_message(
        QueueUrl=queue_url, MaxNumberOfMessages=10, WaitTimeSeconds=wait_seconds
    ).get("Messages", [])
    for message in messages:
        envelope = json.loads(message["Body"])
        alert = json.loads(envelope["Message"])
        alert["_attributes"] = {
            k: v["Value"] for k, v in envelope.get("MessageAttributes", {}).items()
        }
        with _seen_lock:
            _seen.setdefault(queue_url, []).append(alert)
        sqs.delete_message(QueueUrl=queue_url, ReceiptHandle=message["ReceiptHandle"])
    return len(messages)


def pager_alerts(
    queue_url: str,
    session_id: str,
    *,
    expect: bool,
    alert_type: str | None = "verification.requested",
    count: int = 1,
    deadline: float = 10.0,
) -> list[JsonBody]:
    """The alerts of ``session_id`` (of ``alert_type``; None for all) a pager has received.

    Every alert read from the queue is kept, so tests sharing a pager never hide each other's.
    With ``expect`` it waits (long polling, with a deadline) until ``count`` have arrived;
    without, it reads what is there now: SNS delivers to SQS before ``Publish`` returns, so an
    alert that is not there by the time the request answered is not coming.
    """

    def matching() -> list[JsonBody]:
        with _seen_lock:
            return [
                a
                for a in _seen.get(queue_url, [])
                if a["session_id"] == session_id and alert_type in (None, a["type"])
            ]

    stop = time.monotonic() + deadline
    while True:
        came = _drain(queue_url, 1 if expect else 0)
        found = matching()
        if expect and len(found) >= count:
            return found
        if (not expect and not came) or time.monotonic() > stop:
            return found


@contextmanager
def aws_calls() -> Iterator[list[str]]:
    """Record every AWS operation the application's own clients make for API requests.

    botocore event hooks on the shared clients; calls made by the event pump's threads (the
    timers, meeting events and stream handlers running meanwhile) are not the route's.
    """
    made: list[str] = []

    def record(model: Any, **_: Any) -> None:
        if not threading.current_thread().name.startswith("pump-"):
            made.append(f"{model.service_model.service_name}:{model.name}")

    services = ("dynamodb", "sns", "chime-sdk-meetings", "s3", "sqs")
    for service in services:
        client(service).meta.events.register("before-call", record, unique_id="count-calls")
    try:
        yield made
    finally:
        for service in services:
            client(service).meta.events.unregister("before-call", unique_id="count-calls")


def live_sessions_by_id(stack: Any) -> dict[str, JsonBody]:
    """Every session in the table with its state (a test-only scan: the table is small here)."""
    dynamodb = boto3.client("dynamodb")
    found: dict[str, JsonBody] = {}
    params: dict[str, Any] = {
        "TableName": stack.sessions_table,
        "ProjectionExpression": "session_id, #state, meeting_id",
        "ExpressionAttributeNames": {"#state": "state"},
        "ConsistentRead": True,
    }
    while True:
        page = dynamodb.scan(**params)
        for item in page.get("Items", []):
            if "state" in item:  # not the public code claims
                found[item["session_id"]["S"]] = {"state": item["state"]["S"]}
        if "LastEvaluatedKey" not in page:
            return found
        params["ExclusiveStartKey"] = page["LastEvaluatedKey"]


def state_of(api: Any, token: str, session_id: str) -> dict[str, Any]:
    return call(api, "GET", f"/sessions/{session_id}", token)[1]  # type: ignore[no-any-return]


def meetings_of(stack: Stack, session_id: str) -> list[dict[str, Any]]:
    live = requests.get(f"{stack.chime_endpoint_url}/_emulator/meetings", timeout=5).json()
    return [m for m in live["Meetings"] if m["ExternalMeetingId"] == session_id]


def meeting_ids(stack: Stack) -> set[str]:
    live = requests.get(f"{stack.chime_endpoint_url}/_emulator/meetings", timeout=5).json()
    return {m["MeetingId"] for m in live["Meetings"]}


def control(stack: Stack, path: str, **body: Any) -> requests.Response:
    return requests.post(f"{stack.chime_endpoint_url}/_emulator{path}", json=body, timeout=5)
