"""Topics, queues with their dead-letter queues, and the meeting-events rule."""

from __future__ import annotations

import json
from typing import Any

import pytest

from functions import resources

from .conftest import STANDARDS_EMAILS, Synthesized


def queue_named(stage: Synthesized, name: str) -> tuple[str, dict[str, Any]]:
    found = [
        (logical_id, r)
        for logical_id, r in stage.resources("AWS::SQS::Queue").items()
        if r["Properties"]["QueueName"] == name
    ]
    assert len(found) == 1, f"queue {name} not declared exactly once"
    return found[0]


def policy_statements(stage: Synthesized, policy_type: str, key: str, logical_id: str) -> list[Any]:
    for policy in stage.resources(policy_type).values():
        targets = policy["Properties"][key]
        if {"Ref": logical_id} in targets:
            statements: list[Any] = policy["Properties"]["PolicyDocument"]["Statement"]
            return statements
    raise AssertionError(f"no {policy_type} for {logical_id}")


@pytest.mark.parametrize("definition", resources.QUEUES, ids=lambda q: q.logical_name)
def test_every_queue_has_its_dead_letter_queue_after_max_receives(
    stage: Synthesized, definition: resources.Queue
) -> None:
    settings = stage.settings
    _, queue = queue_named(stage, settings.resource_name(definition.default_name))
    dlq_id, dlq = queue_named(stage, settings.resource_name(definition.default_name, "-dlq"))
    properties = queue["Properties"]
    assert properties["RedrivePolicy"] == {
        "deadLetterTargetArn": {"Fn::GetAtt": [dlq_id, "Arn"]},
        "maxReceiveCount": definition.max_receives,
    }
    assert properties["VisibilityTimeout"] == definition.visibility_timeout_seconds
    assert dlq["Properties"]["MessageRetentionPeriod"] == definition.dlq_retention_days * 86400
    assert "RedrivePolicy" not in dlq["Properties"]


def test_only_the_queues_of_resources_py_exist(stage: Synthesized) -> None:
    """Each queue and its DLQ, plus a failure queue per consumed table stream."""
    names = {r["Properties"]["QueueName"] for r in stage.resources("AWS::SQS::Queue").values()}
    expected = set()
    for q in resources.QUEUES:
        expected |= {
            stage.settings.resource_name(q.default_name),
            stage.settings.resource_name(q.default_name, "-dlq"),
        }
    for table in resources.TABLES:
        if table.logical_name in stage.stack.function_roles.stream_failures:
            expected.add(stage.settings.resource_name(table.default_name, "-stream-dlq"))
    assert names == expected


def test_every_queue_is_kms_encrypted_and_tls_only(stage: Synthesized) -> None:
    key = stage.logical_id(stage.stack.data_key.key)
    for logical_id, queue in stage.resources("AWS::SQS::Queue").items():
        assert queue["Properties"]["KmsMasterKeyId"] == {"Fn::GetAtt": [key, "Arn"]}
        statements = policy_statements(stage, "AWS::SQS::QueuePolicy", "Queues", logical_id)
        assert {
            "Action": "sqs:*",
            "Condition": {"Bool": {"aws:SecureTransport": "false"}},
            "Effect": "Deny",
            "Principal": {"AWS": "*"},
            "Resource": {"Fn::GetAtt": [logical_id, "Arn"]},
        } in statements


def test_meeting_events_rule_has_exactly_the_pattern_of_resources_py(stage: Synthesized) -> None:
    definition = resources.MEETING_EVENTS_RULE
    rules = stage.resources("AWS::Events::Rule")
    assert len(rules) == 1
    (rule,) = rules.values()
    assert rule["Properties"]["EventPattern"] == definition.pattern
    assert rule["Properties"]["State"] == "ENABLED"
    assert "EventBusName" not in rule["Properties"]  # the default bus, where aws.chime events go
    (target,) = rule["Properties"]["Targets"]
    pair = stage.stack.messaging.queues[definition.target.logical_name]
    assert target["Arn"] == {"Fn::GetAtt": [stage.logical_id(pair.queue), "Arn"]}
    assert target["DeadLetterConfig"] == {
        "Arn": {"Fn::GetAtt": [stage.logical_id(pair.dead_letters), "Arn"]}
    }


def test_only_the_rule_may_send_to_its_queues(stage: Synthesized) -> None:
    definition = resources.MEETING_EVENTS_RULE
    pair = stage.stack.messaging.queues[definition.target.logical_name]
    for queue in (pair.queue, pair.dead_letters):
        logical_id = stage.logical_id(queue)
        statements = policy_statements(stage, "AWS::SQS::QueuePolicy", "Queues", logical_id)
        allows = [s for s in statements if s["Effect"] == "Allow"]
        assert len(allows) == 1
        (allow,) = allows
        assert allow["Principal"] == {"Service": "events.amazonaws.com"}
        assert allow["Action"] == "sqs:SendMessage"
        source = allow["Condition"]["ArnEquals"]["aws:SourceArn"]["Fn::Join"][1][-1]
        assert source.endswith(f":rule/safe-connection-{stage.settings.name}-chime-meeting-events")


@pytest.mark.parametrize("definition", resources.TOPICS, ids=lambda t: t.logical_name)
def test_topics_are_kms_encrypted_signed_with_sha256_and_tls_only(
    stage: Synthesized, definition: resources.Topic
) -> None:
    topic = stage.stack.messaging.topics[definition.logical_name]
    logical_id = stage.logical_id(topic)
    properties = stage.resources("AWS::SNS::Topic")[logical_id]["Properties"]
    assert properties["TopicName"] == stage.settings.resource_name(definition.default_name)
    assert properties["KmsMasterKeyId"] == {
        "Fn::GetAtt": [stage.logical_id(stage.stack.data_key.key), "Arn"]
    }
    assert properties["SignatureVersion"] == "2"
    statements = policy_statements(stage, "AWS::SNS::TopicPolicy", "Topics", logical_id)
    assert {
        "Action": "sns:Publish",
        "Condition": {"Bool": {"aws:SecureTransport": "false"}},
        "Effect": "Deny",
        "Principal": "*",
        "Resource": {"Ref": logical_id},
        "Sid": "AllowPublishThroughSSLOnly",
    } in statements
    assert [s for s in statements if s["Effect"] == "Allow"] == []


def test_operations_topic_takes_alarms_of_this_account_only(stage: Synthesized) -> None:
    logical_id = stage.logical_id(stage.stack.messaging.ops_topic)
    statements = policy_statements(stage, "AWS::SNS::TopicPolicy", "Topics", logical_id)
    (allow,) = [s for s in statements if s["Effect"] == "Allow"]
    assert allow["Principal"] == {"Service": "cloudwatch.amazonaws.com"}
    assert allow["Condition"] == {"StringEquals": {"aws:SourceAccount": {"Ref": "AWS::AccountId"}}}


def test_each_forces_standards_contact_is_told_of_feedback_on_its_own_stops_only(
    stage: Synthesized,
) -> None:
    topic = stage.logical_id(stage.stack.messaging.topics["Standards"])
    subscriptions = [
        s["Properties"]
        for s in stage.resources("AWS::SNS::Subscription").values()
        if s["Properties"]["TopicArn"] == {"Ref": topic}
    ]
    assert sorted(
        (s["Protocol"], s["Endpoint"], json.dumps(s["FilterPolicy"])) for s in subscriptions
    ) == sorted(
        ("email", address, json.dumps({"force": [force]}))
        for force, address in STANDARDS_EMAILS.items()
    )
