"""CloudWatch alarms, all notifying the stage's operations topic.

* every function: any error, any throttle (a throttled authorizer locks officers out);
* the API: any 5xx (the contract says a 5xx is a bug or an outage);
* every queue: a message in its dead-letter queue (a timer or event that could not be handled),
  and a message waiting longer than five minutes (the consumer is stuck: escalations are late);
* every stream event source: a batch it gave up on (the audit trail has a gap to replay);
* every force of the stage: the service level over the last hour below the stage's
  ``service_level_alarm_percent`` (only once requests came), and any request expiring unanswered.

and the service-level dashboard (:class:`ServiceLevels`) of the metrics the ``session_stream``
function prints as EMF (:mod:`functions.events.metrics`), one row per force.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

import aws_cdk as cdk
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_cloudwatch_actions as actions
from aws_cdk import aws_sns as sns
from aws_cdk import aws_sqs as sqs
from constructs import Construct

from functions.events.metrics import DIMENSION, NAMESPACE, SERVICE

from .messaging import QueuePair
from .settings import StageSettings

__all__ = [
    "ANSWER_TARGET_SECONDS",
    "OLDEST_MESSAGE_ALARM_SECONDS",
    "SERVICE_LEVEL_EXPRESSION",
    "Alarms",
    "ServiceLevels",
]

OLDEST_MESSAGE_ALARM_SECONDS = 300

ANSWER_TARGET_SECONDS = 30
"""The answer-time target the dashboard draws (the functions' ``SERVICE_LEVEL_TARGET_SECONDS``
default, which decides ``AnsweredWithinTarget``)."""

SERVICE_LEVEL_EXPRESSION = (
    "IF(FILL(requests, 0) > 0, 100 * FILL(within, 0) / FILL(requests, 0), 100)"
)
"""Answered within the target, out of requests, in percent; 100 when nothing was requested (no
requests is no failure). ``FILL`` makes an hour with requests but no answer in time 0 %, not
missing data."""

_FIVE_MINUTES = cdk.Duration.minutes(5)
_HOUR = cdk.Duration.hours(1)


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
        stage: StageSettings | None = None,
    ) -> None:
        super().__init__(scope, construct_id)
        # The stack knows its stage; a caller may also name it.
        stage = stage or getattr(cdk.Stack.of(self), "stage", None)
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

        forces = [code for code, _ in stage.forces] if isinstance(stage, StageSettings) else []
        percent = stage.service_level_alarm_percent if isinstance(stage, StageSettings) else 80.0
        by_force: dict[str, list[cloudwatch.Alarm]] = {}
        for force in forces:
            by_force[force] = [
                self._alarm(
                    f"ServiceLevel{_id(force)}",
                    f"{force}: under {percent:g} % of the last hour's requests were answered "
                    f"within {ANSWER_TARGET_SECONDS} s; see docs/operations.md "
                    "(Service-level metrics and alarms)",
                    service_level(force),
                    threshold=percent,
                    comparison=cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
                ),
                self._alarm(
                    f"Expired{_id(force)}",
                    f"{force}: a request expired with nobody answering it; see "
                    "docs/operations.md (Service-level metrics and alarms)",
                    force_metric("Expired", force, "Sum", _FIVE_MINUTES),
                    threshold=1,
                    comparison=cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
                ),
            ]
        self.service_levels = ServiceLevels(
            self, "ServiceLevels", prefix=prefix, forces=forces, alarms=by_force, percent=percent
        )

    def _alarm(
        self,
        construct_id: str,
        description: str,
        metric: cloudwatch.IMetric,
        threshold: float = 0,
        comparison: cloudwatch.ComparisonOperator = (
            cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD
        ),
    ) -> cloudwatch.Alarm:
        alarm = cloudwatch.Alarm(
            self,
            construct_id,
            alarm_name=f"{self._prefix}-{construct_id}",
            alarm_description=description,
            metric=metric,
            threshold=threshold,
            comparison_operator=comparison,
            evaluation_periods=1,
            treat_missing_data=cloudwatch.TreatMissingData.NOT_BREACHING,
        )
        alarm.add_alarm_action(self._action)
        alarm.add_ok_action(self._action)
        self.alarms.append(alarm)
        return alarm


def _id(force: str) -> str:
    """A force's code as part of a construct id and alarm name (letters and digits)."""
    return re.sub(r"[^A-Za-z0-9]", "", force.title()) or "Force"


def force_metric(
    name: str, force: str, statistic: str, period: cdk.Duration, label: str | None = None
) -> cloudwatch.Metric:
    """One of the stream's metrics (:mod:`functions.events.metrics`) for one force."""
    return cloudwatch.Metric(
        namespace=NAMESPACE,
        metric_name=name,
        dimensions_map={DIMENSION: force, "service": SERVICE},
        statistic=statistic,
        period=period,
        label=label,  # none: an alarm on it is then a plain metric alarm, not metric math
    )


def service_level(force: str, period: cdk.Duration = _HOUR) -> cloudwatch.MathExpression:
    """The service level in percent over ``period`` (:data:`SERVICE_LEVEL_EXPRESSION`)."""
    return cloudwatch.MathExpression(
        expression=SERVICE_LEVEL_EXPRESSION,
        using_metrics={
            "requests": force_metric("Requests", force, "Sum", period),
            "within": force_metric("AnsweredWithinTarget", force, "Sum", period),
        },
        period=period,
        label="Service level %",
    )


class ServiceLevels(Construct):
    """The service-level dashboard: for each force, a row of its requests, answers, answer
    times, service level, abandoned and expired requests, escalations, outcomes and her
    requests for a uniformed officer, and the state of its two service-level alarms."""

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        prefix: str,
        forces: Sequence[str],
        alarms: Mapping[str, Sequence[cloudwatch.Alarm]],
        percent: float,
    ) -> None:
        super().__init__(scope, construct_id)
        self.dashboard = cloudwatch.Dashboard(
            self,
            "Dashboard",
            dashboard_name=f"{prefix}-service-level",
            default_interval=cdk.Duration.hours(12),
        )
        for force in forces:
            self._row(force, alarms.get(force, ()), percent)

    def _row(self, force: str, alarms: Sequence[cloudwatch.Alarm], percent: float) -> None:
        def sums(names: Sequence[str], period: cdk.Duration) -> list[cloudwatch.IMetric]:
            return [force_metric(n, force, "Sum", period) for n in names]

        arrivals = ("Requests", "Answered", "OfficerRequests", "PublicRequests")
        graph = cloudwatch.GraphWidget
        self.dashboard.add_widgets(
            cloudwatch.TextWidget(
                markdown=f"## {force}: service level (target {ANSWER_TARGET_SECONDS} s, "
                f"alarm under {percent:g} %)",
                width=24,
                height=1,
            )
        )
        self.dashboard.add_widgets(
            graph(
                title=f"{force} requests and answers (5 min)",
                left=sums(arrivals, _FIVE_MINUTES),
                period=_FIVE_MINUTES,
                width=8,
            ),
            graph(
                title=f"{force} requests and answers (1 h)",
                left=sums(arrivals, _HOUR),
                period=_HOUR,
                width=8,
            ),
            graph(
                title=f"{force} answer time (s)",
                left=[
                    force_metric("AnswerTime", force, "p50", _FIVE_MINUTES, "p50"),
                    force_metric("AnswerTime", force, "p90", _FIVE_MINUTES, "p90"),
                    force_metric("AnswerTime", force, "Maximum", _FIVE_MINUTES, "max"),
                ],
                left_annotations=[
                    cloudwatch.HorizontalAnnotation(value=ANSWER_TARGET_SECONDS, label="target")
                ],
                left_y_axis=cloudwatch.YAxisProps(min=0),
                period=_FIVE_MINUTES,
                width=8,
            ),
        )
        self.dashboard.add_widgets(
            graph(
                title=f"{force} service level % (1 h)",
                left=[service_level(force)],
                left_annotations=[cloudwatch.HorizontalAnnotation(value=percent, label="alarm")],
                left_y_axis=cloudwatch.YAxisProps(min=0, max=100),
                period=_HOUR,
                width=8,
            ),
            graph(
                title=f"{force} abandoned, expired, escalations (5 min)",
                left=sums(("Abandoned", "Expired", "Escalations"), _FIVE_MINUTES),
                period=_FIVE_MINUTES,
                width=8,
            ),
            graph(
                title=f"{force} outcomes and attendance requests (1 h)",
                left=sums(("Verified", "NotVerified", "Dropped", "AttendanceRequests"), _HOUR),
                period=_HOUR,
                width=8,
            ),
        )
        if alarms:
            self.dashboard.add_widgets(
                cloudwatch.AlarmStatusWidget(
                    title=f"{force} service-level alarms", alarms=list(alarms), width=24, height=2
                )
            )
