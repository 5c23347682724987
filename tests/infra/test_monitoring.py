"""Alarms: function errors and throttles, API 5xx, dead-letter depth and stuck queues."""

from __future__ import annotations

from typing import Any

from functions import resources

from .conftest import Synthesized


def alarms(stage: Synthesized) -> list[dict[str, Any]]:
    return [a["Properties"] for a in stage.resources("AWS::CloudWatch::Alarm").values()]


def test_every_alarm_notifies_the_operations_topic_on_alarm_and_recovery(
    stage: Synthesized,
) -> None:
    topic = {"Ref": stage.logical_id(stage.stack.messaging.ops_topic)}
    found = alarms(stage)
    assert found
    for alarm in found:
        assert alarm["AlarmActions"] == [topic]
        assert alarm["OKActions"] == [topic]
        assert alarm["TreatMissingData"] == "notBreaching"


def test_each_function_alarms_on_any_error_and_any_throttle(stage: Synthesized) -> None:
    watched = {
        (a["MetricName"], a["Dimensions"][0]["Value"]["Ref"])
        for a in alarms(stage)
        if a.get("Namespace") == "AWS/Lambda"
    }
    functions = set(stage.resources("AWS::Serverless::Function"))
    assert watched == {(m, f) for m in ("Errors", "Throttles") for f in functions}
    for alarm in alarms(stage):
        if alarm.get("Namespace") == "AWS/Lambda":
            assert alarm["Threshold"] == 0
            assert alarm["ComparisonOperator"] == "GreaterThanThreshold"


def test_every_dead_letter_queue_alarms_on_its_first_message(stage: Synthesized) -> None:
    depth = {
        a["Dimensions"][0]["Value"]["Fn::GetAtt"][0]
        for a in alarms(stage)
        if a.get("MetricName") == "ApproximateNumberOfMessagesVisible" and a["Threshold"] == 0
    }
    expected = {
        stage.logical_id(stage.stack.messaging.queues[q.logical_name].dead_letters)
        for q in resources.QUEUES
    }
    expected |= {stage.logical_id(q) for q in stage.stack.function_roles.stream_failures.values()}
    assert depth == expected


def test_stuck_queues_and_api_5xx_alarm(stage: Synthesized) -> None:
    oldest = [a for a in alarms(stage) if a.get("MetricName") == "ApproximateAgeOfOldestMessage"]
    assert len(oldest) == len(resources.QUEUES)
    (api,) = [a for a in alarms(stage) if a.get("MetricName") == "5XXError"]
    assert {d["Name"]: d["Value"] for d in api["Dimensions"]} == {
        "ApiName": f"safe-connection-{stage.settings.name}",
        "Stage": "api",
    }
