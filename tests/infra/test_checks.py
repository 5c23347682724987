"""The offline checks: cdk-nag AwsSolutions, CDK's own annotations, and cfn-lint."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from aws_cdk.assertions import Annotations, Match

from infra.safe_connection_infra.nag import acknowledgments
from infra.safe_connection_infra.web import DEPLOYMENT_HANDLER_ID

from .conftest import Assembly, Synthesized

CFN_LINT = Path(sys.executable).parent / "cfn-lint"
BUCKET_DEPLOYMENT_SINGLETON = "8693BB64968944B69AAFB0CC9EB8756C"
"""aws-s3-deployment's fixed uuid of its handler (one function per stack for all deployments)."""


def expected_acknowledgments(stage: Synthesized) -> set[tuple[str, str]]:
    """Every acknowledged cdk-nag finding, as (construct path, finding). A new one must be added
    here on purpose (and its reason reviewed): an unexpected acknowledgment fails like a finding
    would. Event handlers count only when the Chalice app defines them."""
    name = stage.settings.name
    photos = stage.logical_id(stage.stack.storage.photos)
    alerts = stage.logical_id(stage.stack.messaging.topics["Alerts"])
    meetings = (
        "AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:chime:<AWS::Region>:"
        "<AWS::AccountId>:meeting/*]"
    )
    star = "AwsSolutions-IAM5[Resource::*]"
    expected = {
        (
            f"{name}/Api/ApiGatewayLoggingRole",
            "AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/"
            "AmazonAPIGatewayPushToCloudWatchLogs]",
        ),
        (f"{name}/Functions/APIHandlerRole", star),
        (f"{name}/Functions/APIHandlerRole", meetings),
        (
            f"{name}/Functions/APIHandlerRole",
            f"AwsSolutions-IAM5[Resource::<{photos}.Arn>/photos/*]",
        ),
        (f"{name}/Functions/APIHandlerRole", f"AwsSolutions-IAM5[Resource::<{alerts}>:*]"),
    }
    web_bucket = stage.logical_id(stage.stack.web.bucket)
    expected |= {
        (f"{name}/Web/Distribution", "AwsSolutions-CFR1"),
        (f"{name}/Web/Distribution", "AwsSolutions-CFR2"),
        (f"{name}/Web/Distribution", "AwsSolutions-CFR4"),
        (f"{name}/Web/DeploymentRole", f"AwsSolutions-IAM5[Resource::<{web_bucket}.Arn>/*]"),
        (f"{name}/{DEPLOYMENT_HANDLER_ID}{BUCKET_DEPLOYMENT_SINGLETON}", "AwsSolutions-L1"),
    }
    functions = set(stage.resources("AWS::Serverless::Function"))
    if "Timers" in functions:
        expected.add((f"{name}/Functions/TimersRole", meetings))
    if "MeetingEvents" in functions:  # ends the call of a session that has already ended
        expected.add((f"{name}/Functions/MeetingEventsRole", meetings))
    if "SessionStream" in functions:
        expected |= {
            (f"{name}/Functions/SessionStreamRole", star),
            (f"{name}/Functions/SessionsStreamFailures", "AwsSolutions-SQS3"),
        }
    return expected


def test_cdk_nag_finds_nothing_unacknowledged(assembly: Assembly) -> None:
    findings = [f"{v.severity} {v.rule_name}" for v in assembly.nag_violations]
    assert findings == []


def test_only_the_reviewed_findings_are_acknowledged(stage: Synthesized) -> None:
    made = [(a.path, a.rule) for a in acknowledgments(stage.stack)]
    assert len(made) == len(set(made))
    assert set(made) == expected_acknowledgments(stage)


def test_every_acknowledgment_gives_a_specific_reason(stage: Synthesized) -> None:
    made = acknowledgments(stage.stack)
    assert made
    for acknowledged in made:
        assert len(acknowledged.reason) >= 120, acknowledged
        assert "todo" not in acknowledged.reason.lower()
    # A reason explains one kind of decision: the same text is never reused for another rule.
    rules_per_reason: dict[str, set[str]] = {}
    for acknowledged in made:
        rules_per_reason.setdefault(acknowledged.reason, set()).add(acknowledged.rule)
    assert all(len(rules) == 1 for rules in rules_per_reason.values())


def test_cdk_reports_no_warnings_or_errors(stage: Synthesized) -> None:
    annotations = Annotations.from_stack(stage.stack)
    assert annotations.find_error("*", Match.any_value()) == []
    assert annotations.find_warning("*", Match.any_value()) == []


def test_cfn_lint_reports_nothing(assembly: Assembly) -> None:
    paths = [str(s.template_path) for s in assembly.stages.values()]
    result = subprocess.run(
        [str(CFN_LINT), "--format", "parseable", *paths],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.strip() == ""
