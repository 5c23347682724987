"""The service-level dashboard and alarms on the stream's EMF metrics (namespace SafeConnection).

Each force of the stage has a row of the dashboard, an alarm when the last hour's service level
falls under the stage's threshold (metric math on hourly sums, only counting once requests came)
and an alarm on any request that expired unanswered; both notify the operations topic.
"""

from __future__ import annotations

import json
from typing import Any

from functions.events.metrics import METRIC_NAMES
from infra.safe_connection_infra.monitoring import SERVICE_LEVEL_EXPRESSION

from .conftest import Synthesized


def dashboard_body(stage: Synthesized) -> str:
    """The dashboard's body as CloudFormation has it (tokens joined as plain text)."""
    (dashboard,) = stage.resources("AWS::CloudWatch::Dashboard").values()
    body = dashboard["Properties"]["DashboardBody"]
    if isinstance(body, str):
        return body
    parts = body["Fn::Join"][1]
    return "".join(p if isinstance(p, str) else json.dumps(p) for p in parts)


def service_level_alarms(stage: Synthesized) -> dict[str, dict[str, Any]]:
    return {
        a["Properties"]["AlarmName"]: a["Properties"]
        for a in stage.resources("AWS::CloudWatch::Alarm").values()
        if "Metrics" in a["Properties"] or a["Properties"].get("Namespace") == "SafeConnection"
    }


def forces(stage: Synthesized) -> list[str]:
    return [code for code, _ in stage.settings.forces]


def test_the_dashboard_shows_every_metric_of_every_force(stage: Synthesized) -> None:
    (dashboard,) = stage.resources("AWS::CloudWatch::Dashboard").values()
    assert dashboard["Properties"]["DashboardName"] == f"{stage.settings.stack_name}-service-level"
    body = dashboard_body(stage)

    assert '"SafeConnection"' in body
    for name in METRIC_NAMES:
        assert f'"{name}"' in body, name
    for force in forces(stage):
        assert f'"force","{force}"' in body
    assert '"service","safe-connection"' in body
    for stat in ('"stat":"p50"', '"stat":"p90"', '"stat":"Maximum"'):
        assert stat in body
    assert '"period":300' in body and '"period":3600' in body
    assert json.dumps(SERVICE_LEVEL_EXPRESSION) in body


def test_the_service_level_alarm_is_metric_math_on_hourly_sums(stage: Synthesized) -> None:
    topic = {"Ref": stage.logical_id(stage.stack.messaging.ops_topic)}
    alarms = service_level_alarms(stage)
    for force in forces(stage):
        alarm = alarms[f"{stage.settings.stack_name}-ServiceLevel{force.title()}"]
        assert alarm["ComparisonOperator"] == "LessThanThreshold"
        assert alarm["Threshold"] == stage.settings.service_level_alarm_percent == 80
        assert alarm["EvaluationPeriods"] == 1
        assert alarm["TreatMissingData"] == "notBreaching"
        assert alarm["AlarmActions"] == [topic] and alarm["OKActions"] == [topic]
        queries = {q["Id"]: q for q in alarm["Metrics"]}
        (result,) = [q for q in queries.values() if q.get("ReturnData", True)]
        assert result["Expression"] == SERVICE_LEVEL_EXPRESSION
        assert "IF(FILL(requests, 0) > 0" in result["Expression"]
        for query_id, name in (("requests", "Requests"), ("within", "AnsweredWithinTarget")):
            stat = queries[query_id]["MetricStat"]
            assert queries[query_id]["ReturnData"] is False
            assert stat["Metric"]["Namespace"] == "SafeConnection"
            assert stat["Metric"]["MetricName"] == name
            assert {d["Name"]: d["Value"] for d in stat["Metric"]["Dimensions"]} == {
                "force": force,
                "service": "safe-connection",
            }
            assert stat["Period"] == 3600 and stat["Stat"] == "Sum"


def test_any_expired_request_alarms(stage: Synthesized) -> None:
    topic = {"Ref": stage.logical_id(stage.stack.messaging.ops_topic)}
    alarms = service_level_alarms(stage)
    for force in forces(stage):
        alarm = alarms[f"{stage.settings.stack_name}-Expired{force.title()}"]
        assert alarm["Namespace"] == "SafeConnection"
        assert alarm["MetricName"] == "Expired"
        assert {d["Name"]: d["Value"] for d in alarm["Dimensions"]} == {
            "force": force,
            "service": "safe-connection",
        }
        assert alarm["Statistic"] == "Sum" and alarm["Period"] == 300
        assert alarm["Threshold"] == 1
        assert alarm["ComparisonOperator"] == "GreaterThanOrEqualToThreshold"
        assert alarm["TreatMissingData"] == "notBreaching"
        assert alarm["AlarmActions"] == [topic] and alarm["OKActions"] == [topic]
    assert len(alarms) == 2 * len(forces(stage))
