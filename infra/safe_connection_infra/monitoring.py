"""CloudWatch alarms, all notifying the stage's operations topic.

* every function: any error, any throttle (a throttled authorizer locks officers out);
* the API: any 5xx (the contract says a 5xx is a bug or an outage);
* every queue: a message in its dead-letter queue (a timer or event that could not be handled),
  and a message waiting longer than five minutes (the consumer is stuck: escalations are late);
* every stream event source: a batch it gave up on (the audit trail has a gap to replay).
"""

from __future__ import annotations

from collections.abc import Mapping

import aws_cdk as cdk
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_cloudwatch_actions as actions
from aws_cdk import aws_sns as sns
from aws_cdk import aws_sqs as sqs
from constructs import Construct

from .messaging import QueuePair

__all__ = ["OLDEST_MESSAGE_ALARM_SECONDS", "Alarms"]

OLDEST_MESSAGE_ALARM_SECONDS = 300


class Alarms(Construct):
    """The alarms described in the module docstring."""

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        prefix: str,
        functions: Mapping[str, cdk.CfnResource],
        api_name: str,
        api_stage: str,
        queues: Mapping[str, QueuePair],
        stream_failures: Mapping[str, sqs.IQueue],
        topic: sns.ITopic,
    ) -> None:
        super().__init__(scope, construct_id)
        self._prefix = prefix
        self._action = actions.SnsAction(topic)
        self.alarms: list[cloudwatch.Alarm] = []
        for name, function in sorted(functions.items()):
            for metric in ("Errors", "Throttles"):
                self._alarm(
                    f"{name}{metric}",
                    f"{name} {metric.lower()}: see its log group",
                    cloudwatch.Metric(
                        namespace="AWS/Lambda",
                        metric_name=metric,
                        dimensions_map={"FunctionName": function.ref},
                        statistic="Sum",
                        period=cdk.Duration.minutes(1),
                    ),
                )
        self._alarm(
            "Api5xx",
            "The API answered 5xx: a bug or an outage (officers are told to call 999)",
            cloudwatch.Metric(
                namespace="AWS/ApiGateway",
                metric_name="5XXError",
                dimensions_map={"ApiName": api_name, "Stage": api_stage},
                statistic="Sum",
                period=cdk.Duration.minutes(1),
            ),
        )
        for name, pair in sorted(queues.items()):
            self._alarm(
                f"{name}DeadLetters",
                f"Messages in the {name} dead-letter queue: handling failed; inspect and redrive",
                pair.dead_letters.metric_approximate_number_of_messages_visible(
                    statistic="Maximum", period=cdk.Duration.minutes(1)
                ),
            )
            self._alarm(
                f"{name}OldestMessage",
                f"A {name} message has waited over {OLDEST_MESSAGE_ALARM_SECONDS} s: "
                "its consumer is stuck",
                pair.queue.metric_approximate_age_of_oldest_message(
                    statistic="Maximum", period=cdk.Duration.minutes(1)
                ),
                threshold=OLDEST_MESSAGE_ALARM_SECONDS,
            )

        for name, queue in sorted(stream_failures.items()):
            self._alarm(
                f"{name}StreamFailures",
                f"The {name} stream handler gave up on a batch: replay it from the stream "
                "(records are kept 24 hours) before they expire",
                queue.metric_approximate_number_of_messages_visible(
                    statistic="Maximum", period=cdk.Duration.minutes(1)
                ),
            )

    def _alarm(
        self, construct_id: str, description: str, metric: cloudwatch.IMetric, threshold: float = 0
    ) -> None:
        alarm = cloudwatch.Alarm(
            self,
            construct_id,
            alarm_name=f"{self._prefix}-{construct_id}",
            alarm_description=description,
            metric=metric,
            threshold=threshold,
            comparison_operator=cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
            evaluation_periods=1,
            treat_missing_data=cloudwatch.TreatMissingData.NOT_BREACHING,
        )
        alarm.add_alarm_action(self._action)
        alarm.add_ok_action(self._action)
        self.alarms.append(alarm)
