"""Topics, queues and the EventBridge rule, each declared from ``functions/resources.py``.

* every ``TOPICS`` entry: an SNS topic encrypted with the stage key, TLS-only topic policy,
  SHA-256 message signatures;
* every ``QUEUES`` entry: an SQS queue encrypted with the stage key, TLS-only, with its own
  dead-letter queue after ``max_receives`` receives (kept ``dlq_retention_days``);
* every ``EventRule`` (today ``MEETING_EVENTS_RULE``, ``aws.chime`` meeting events): a rule on the
  default bus with the pattern verbatim, delivering to its queue, the queue's dead-letter queue
  catching what EventBridge could not deliver; only that rule may send to them.

Plus the operations topic that alarms publish to.
"""

from __future__ import annotations

from typing import Any

import aws_cdk as cdk
from aws_cdk import aws_events as events
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_sns as sns
from aws_cdk import aws_sqs as sqs
from constructs import Construct

from functions import resources

from .settings import APP_NAME, StageSettings

__all__ = ["Messaging", "QueuePair"]

_EVENT_PATTERN_FIELDS = {
    "account",
    "detail",
    "detail-type",
    "id",
    "region",
    "resources",
    "source",
    "time",
    "version",
}


class QueuePair:
    """A work queue and its dead-letter queue."""

    def __init__(self, queue: sqs.Queue, dead_letters: sqs.Queue) -> None:
        self.queue = queue
        self.dead_letters = dead_letters


class Messaging(Construct):
    """The alert topics, the operations topic, the queues and the meeting-events rule."""

    def __init__(
        self, scope: Construct, construct_id: str, *, stage: StageSettings, key: kms.IKey
    ) -> None:
        super().__init__(scope, construct_id)
        self._stage = stage
        self._key = key
        self.topics: dict[str, sns.Topic] = {
            t.logical_name: self._topic(t.logical_name, stage.resource_name(t.default_name))
            for t in resources.TOPICS
        }
        self.ops_topic = self._topic("Operations", f"{APP_NAME}-ops-{stage.name}")
        self.ops_topic.add_to_resource_policy(
            iam.PolicyStatement(
                sid="CloudWatchAlarmsOfThisAccount",
                principals=[iam.ServicePrincipal("cloudwatch.amazonaws.com")],
                actions=["sns:Publish"],
                resources=[self.ops_topic.topic_arn],
                conditions={"StringEquals": {"aws:SourceAccount": cdk.Stack.of(self).account}},
            )
        )
        self.queues: dict[str, QueuePair] = {
            q.logical_name: self._queue(q) for q in resources.QUEUES
        }
        self.rules: dict[str, events.CfnRule] = {}
        for rule in _event_rules():
            self.rules[rule.logical_name] = self._rule(rule)

    def _topic(self, construct_id: str, name: str) -> sns.Topic:
        return sns.Topic(
            self,
            construct_id,
            topic_name=name,
            master_key=self._key,
            enforce_ssl=True,
            signature_version="2",
        )

    def _queue(self, definition: resources.Queue) -> QueuePair:
        stage = self._stage
        dead_letters = sqs.Queue(
            self,
            f"{definition.logical_name}DeadLetters",
            queue_name=stage.resource_name(definition.default_name, "-dlq"),
            encryption=sqs.QueueEncryption.KMS,
            encryption_master_key=self._key,
            enforce_ssl=True,
            retention_period=cdk.Duration.days(definition.dlq_retention_days),
            removal_policy=stage.removal_policy,
        )
        queue = sqs.Queue(
            self,
            definition.logical_name,
            queue_name=stage.resource_name(definition.default_name),
            encryption=sqs.QueueEncryption.KMS,
            encryption_master_key=self._key,
            enforce_ssl=True,
            visibility_timeout=cdk.Duration.seconds(definition.visibility_timeout_seconds),
            dead_letter_queue=sqs.DeadLetterQueue(
                queue=dead_letters, max_receive_count=definition.max_receives
            ),
            removal_policy=stage.removal_policy,
        )
        return QueuePair(queue, dead_letters)

    def _rule(self, definition: resources.EventRule) -> events.CfnRule:
        """The rule, written with the pattern verbatim, and least-privilege delivery to its queue.

        Only this rule (``aws:SourceArn``) may send to the queue and its dead-letter queue, and
        use the stage key for it; CDK's generic target would allow any rule of the account.
        """
        unknown = set(definition.pattern) - _EVENT_PATTERN_FIELDS
        if unknown:
            raise ValueError(f"{definition.logical_name}: unknown event pattern fields {unknown}")
        stack = cdk.Stack.of(self)
        pair = self.queues[definition.target.logical_name]
        name = f"{APP_NAME}-{self._stage.name}-{_kebab(definition.logical_name)}"
        rule_arn = stack.format_arn(service="events", resource="rule", resource_name=name)
        rule = events.CfnRule(
            self,
            definition.logical_name,
            name=name,
            description=f"{definition.logical_name} -> {definition.target.logical_name} queue",
            event_pattern=_plain(definition.pattern),
            state="ENABLED",
            targets=[
                events.CfnRule.TargetProperty(
                    id=definition.target.logical_name,
                    arn=pair.queue.queue_arn,
                    dead_letter_config=events.CfnRule.DeadLetterConfigProperty(
                        arn=pair.dead_letters.queue_arn
                    ),
                    retry_policy=events.CfnRule.RetryPolicyProperty(
                        maximum_event_age_in_seconds=2 * 60 * 60, maximum_retry_attempts=185
                    ),
                )
            ],
        )
        for queue in (pair.queue, pair.dead_letters):
            queue.add_to_resource_policy(
                iam.PolicyStatement(
                    sid=f"{definition.logical_name}RuleOnly",
                    principals=[iam.ServicePrincipal("events.amazonaws.com")],
                    actions=["sqs:SendMessage"],
                    resources=[queue.queue_arn],
                    conditions={"ArnEquals": {"aws:SourceArn": rule_arn}},
                )
            )
        self._key.add_to_resource_policy(
            iam.PolicyStatement(
                sid=f"{definition.logical_name}RuleToEncryptedQueue",
                principals=[iam.ServicePrincipal("events.amazonaws.com")],
                actions=["kms:Decrypt", "kms:GenerateDataKey"],
                resources=["*"],
                conditions={"ArnEquals": {"aws:SourceArn": rule_arn}},
            )
        )
        return rule


def _event_rules() -> tuple[resources.EventRule, ...]:
    """Every ``EventRule`` of ``functions/resources.py``: its ``EVENT_RULES`` tuple if it has one,
    else every module-level ``EventRule`` (so a rule added there is deployed without an edit here).
    """
    declared = getattr(resources, "EVENT_RULES", None)
    if declared is not None:
        return tuple(declared)
    found = {id(v): v for v in vars(resources).values() if isinstance(v, resources.EventRule)}
    return tuple(sorted(found.values(), key=lambda r: r.logical_name))


def _kebab(name: str) -> str:
    return "".join(f"-{c.lower()}" if c.isupper() and i else c.lower() for i, c in enumerate(name))


def _plain(value: Any) -> Any:
    """A JSON-ready deep copy (tuples become lists)."""
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value
