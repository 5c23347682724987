"""IAM: one role per function, exactly the permissions the code needs, and no more."""

from __future__ import annotations

import ast
import json
import re
from collections import defaultdict
from pathlib import Path
from typing import Any

import boto3

from infra.safe_connection_infra.access import (
    API_HANDLER,
    AUTHORIZER,
    FUNCTIONS,
    QueueSource,
    StreamSource,
)
from infra.safe_connection_infra.nag import flatten_reference

from .conftest import Synthesized

ROOT = Path(__file__).resolve().parents[2]


def as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def role_statements(stage: Synthesized, function: str) -> list[dict[str, Any]]:
    """Every statement of the role the function runs as (inline policies and attached ones)."""
    role_ref = stage.template["Resources"][function]["Properties"]["Role"]
    role_id = role_ref["Fn::GetAtt"][0]
    role = stage.template["Resources"][role_id]
    assert "ManagedPolicyArns" not in role["Properties"]
    assert "Policies" not in role["Properties"]
    statements: list[dict[str, Any]] = []
    for policy in stage.resources("AWS::IAM::Policy").values():
        if {"Ref": role_id} in policy["Properties"]["Roles"]:
            statements += policy["Properties"]["PolicyDocument"]["Statement"]
    return statements


def grants(statements: list[dict[str, Any]]) -> dict[str, set[str]]:
    """``{flattened resource: {actions}}`` over the statements."""
    granted: dict[str, set[str]] = defaultdict(set)
    for statement in statements:
        for resource in as_list(statement["Resource"]):
            granted[flatten_reference(resource)] |= set(as_list(statement["Action"]))
    return dict(granted)


def test_every_function_runs_as_its_own_decided_role(stage: Synthesized) -> None:
    functions = stage.resources("AWS::Serverless::Function")
    assert {API_HANDLER, AUTHORIZER} <= set(functions)
    undecided = set(functions) - set(FUNCTIONS)
    assert not undecided, (
        f"add these functions to infra/safe_connection_infra/access.py: {undecided}"
    )
    roles = [f["Properties"]["Role"]["Fn::GetAtt"][0] for f in functions.values()]
    assert len(set(roles)) == len(roles)
    for role_id in roles:
        trust = stage.template["Resources"][role_id]["Properties"]["AssumeRolePolicyDocument"]
        assert trust["Statement"] == [
            {
                "Action": "sts:AssumeRole",
                "Effect": "Allow",
                "Principal": {"Service": "lambda.amazonaws.com"},
            }
        ]


def test_every_role_in_the_stack_is_one_we_decided_on(stage: Synthesized) -> None:
    """Function roles (built from access.py), API Gateway's logging role and the web site's
    deployment role (its exact grants: ``test_web.py``); a role CDK adds on its own fails here."""
    functions = stage.resources("AWS::Serverless::Function")
    decided = {f["Properties"]["Role"]["Fn::GetAtt"][0] for f in functions.values()}
    (account,) = stage.resources("AWS::ApiGateway::Account").values()
    decided.add(account["Properties"]["CloudWatchRoleArn"]["Fn::GetAtt"][0])
    decided.add(stage.logical_id(stage.stack.web.deployment_role))
    assert set(stage.resources("AWS::IAM::Role")) == decided


def test_the_authorizer_can_only_write_its_own_logs(stage: Synthesized) -> None:
    log_group = stage.logical_id(stage.stack.function_roles.log_groups[AUTHORIZER])
    assert grants(role_statements(stage, AUTHORIZER)) == {
        f"<{log_group}.Arn>": {"logs:CreateLogStream", "logs:PutLogEvents"}
    }


def test_the_api_handler_has_exactly_what_the_adapters_call(stage: Synthesized) -> None:
    sessions = stage.logical_id(stage.stack.tables.by_logical_name["Sessions"])
    officers = stage.logical_id(stage.stack.tables.by_logical_name["Officers"])
    alerts = stage.logical_id(stage.stack.messaging.topics["Alerts"])
    standards = stage.logical_id(stage.stack.messaging.topics["Standards"])
    photos = stage.logical_id(stage.stack.storage.photos)
    key = stage.logical_id(stage.stack.data_key.key)
    audit = stage.logical_id(stage.stack.tables.by_logical_name["Audit"])
    idempotency = stage.logical_id(stage.stack.tables.by_logical_name["Idempotency"])
    rate_limits = stage.logical_id(stage.stack.tables.by_logical_name["RateLimits"])
    records = stage.logical_id(stage.stack.tables.by_logical_name["Records"])
    timers = stage.logical_id(stage.stack.messaging.queues["Timers"].queue)
    logs = stage.logical_id(stage.stack.function_roles.log_groups[API_HANDLER])
    item = {"dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem"}
    assert grants(role_statements(stage, API_HANDLER)) == {
        f"<{logs}.Arn>": {"logs:CreateLogStream", "logs:PutLogEvents"},
        f"<{sessions}.Arn>": item | {"dynamodb:BatchGetItem"},
        f"<{sessions}.Arn>/index/queue": {"dynamodb:Query"},
        f"<{sessions}.Arn>/index/by_officer": {"dynamodb:Query"},
        f"<{sessions}.Arn>/index/by_code": {"dynamodb:Query"},
        f"<{rate_limits}.Arn>": {"dynamodb:UpdateItem"},
        # Her records: kept once (a conditional put), read by reference; her feedback beside
        # it (a transaction put), and its alert noted once sent (the one update).
        f"<{records}.Arn>": item | {"dynamodb:Query"},
        f"<{officers}.Arn>": item | {"dynamodb:DeleteItem"},
        f"<{officers}.Arn>/index/by_shoulder": {"dynamodb:Query"},
        f"<{officers}.Arn>/index/sergeants_on_duty": {"dynamodb:Query"},
        f"<{audit}.Arn>": {"dynamodb:Query", "dynamodb:PutItem"},
        f"<{audit}.Arn>/index/by_force_day": {"dynamodb:Query"},
        f"<{idempotency}.Arn>": item | {"dynamodb:DeleteItem"},
        f"<{timers}.Arn>": {"sqs:SendMessage"},
        f"<{alerts}>": {"sns:Publish", "sns:Subscribe", "sns:Unsubscribe"},
        f"<{alerts}>:*": {"sns:Unsubscribe"},
        f"<{standards}>": {"sns:Publish"},
        "arn:<AWS::Partition>:chime:<AWS::Region>:<AWS::AccountId>:meeting/*": {
            "chime:CreateAttendee",
            "chime:DeleteMeeting",
        },
        "*": {"chime:CreateMeetingWithAttendees"},
        f"<{photos}.Arn>/photos/*": {"s3:GetObject", "s3:PutObject"},
        f"<{key}.Arn>": {"kms:Decrypt", "kms:GenerateDataKey"},
    }


def test_the_api_may_append_exports_and_feedback_to_the_audit_trail_and_nothing_else(
    stage: Synthesized,
) -> None:
    audit = stage.logical_id(stage.stack.tables.by_logical_name["Audit"])
    puts = [
        s
        for s in role_statements(stage, API_HANDLER)
        if "dynamodb:PutItem" in _listed(s["Action"]) and audit in json.dumps(s["Resource"])
    ]

    assert [s["Condition"] for s in puts] == [
        {"ForAllValues:StringLike": {"dynamodb:LeadingKeys": ["export#*", "feedback#*"]}}
    ]


def _listed(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def deployed(stage: Synthesized) -> list[str]:
    """The functions the app defines (all of them decided in access.py)."""
    return sorted(stage.resources("AWS::Serverless::Function"))


def test_event_handlers_get_what_they_consume_and_nothing_of_the_api(stage: Synthesized) -> None:
    for function in deployed(stage):
        source = FUNCTIONS[function].source
        granted = grants(role_statements(stage, function))
        actions = set().union(*granted.values())
        if source is None:
            continue
        assert not actions & {"sns:Subscribe", "s3:PutObject", "chime:CreateMeetingWithAttendees"}
        mappings = [
            m["Properties"]
            for m in stage.resources("AWS::Lambda::EventSourceMapping").values()
            if m["Properties"]["FunctionName"] == {"Ref": function}
        ]
        assert len(mappings) == 1, function
        (mapping,) = mappings
        assert mapping["FunctionResponseTypes"] == ["ReportBatchItemFailures"]
        if isinstance(source, QueueSource):
            queue = stage.logical_id(stage.stack.messaging.queues[source.queue].queue)
            assert mapping["EventSourceArn"] == {"Fn::GetAtt": [queue, "Arn"]}
            assert mapping["MaximumBatchingWindowInSeconds"] == 0
            assert {"sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes"} <= granted[
                f"<{queue}.Arn>"
            ]
        else:
            assert isinstance(source, StreamSource)
            table = stage.logical_id(stage.stack.tables.by_logical_name[source.table])
            assert mapping["EventSourceArn"] == {"Fn::GetAtt": [table, "StreamArn"]}
            assert mapping["StartingPosition"] == "TRIM_HORIZON"
            assert mapping["BisectBatchOnFunctionError"] is True
            assert mapping["ParallelizationFactor"] == 1
            failures = stage.logical_id(stage.stack.function_roles.stream_failures[source.table])
            assert mapping["DestinationConfig"] == {
                "OnFailure": {"Destination": {"Fn::GetAtt": [failures, "Arn"]}}
            }
            assert granted[f"<{table}.StreamArn>"] == {
                "dynamodb:DescribeStream",
                "dynamodb:GetRecords",
                "dynamodb:GetShardIterator",
            }
            assert granted[f"<{failures}.Arn>"] == {"sqs:SendMessage"}


def test_no_action_wildcards_denies_or_negations(stage: Synthesized) -> None:
    for function in deployed(stage):
        for statement in role_statements(stage, function):
            assert statement["Effect"] == "Allow"
            assert not {"NotAction", "NotResource", "NotPrincipal"} & set(statement)
            for action in as_list(statement["Action"]):
                assert "*" not in action, action
                assert not action.startswith(("iam:", "sts:")), action
                assert action != "logs:CreateLogGroup"


def test_star_resources_only_where_aws_has_no_resource_type(stage: Synthesized) -> None:
    stars = {
        function: [s for s in role_statements(stage, function) if "*" in as_list(s["Resource"])]
        for function in deployed(stage)
    }
    assert stars.pop(API_HANDLER) == [
        {
            "Action": "chime:CreateMeetingWithAttendees",
            "Condition": {"StringEquals": {"aws:RequestedRegion": {"Ref": "AWS::Region"}}},
            "Effect": "Allow",
            "Resource": "*",
            "Sid": "ChimeCreateMeetingHasNoResourceType",
        }
    ]
    for function, statements in stars.items():
        expected = []
        if isinstance(FUNCTIONS[function].source, StreamSource):
            expected = [
                {
                    "Action": "dynamodb:ListStreams",
                    "Effect": "Allow",
                    "Resource": "*",
                    "Sid": "ListStreamsHasNoResourceType",
                }
            ]
        assert statements == expected, function


def test_the_key_is_usable_only_through_the_services_the_function_uses(stage: Synthesized) -> None:
    (statement,) = [
        s
        for s in role_statements(stage, API_HANDLER)
        if s.get("Sid") == "StageKeyThroughItsServices"
    ]
    services = statement["Condition"]["StringEquals"]["kms:ViaService"]
    assert [flatten_reference(s) for s in services] == [
        "dynamodb.<AWS::Region>.amazonaws.com",
        "sns.<AWS::Region>.amazonaws.com",
        "sqs.<AWS::Region>.amazonaws.com",
        "s3.<AWS::Region>.amazonaws.com",
    ]


# --------------------------------------------------------------------------- the code itself
# Which IAM action a call needs when it is not simply <signing name>:<operation>.
_SPECIAL_ACTIONS = {
    # Each item of a transaction is authorised as its own item action.
    "dynamodb:TransactWriteItems": {
        "dynamodb:PutItem",
        "dynamodb:UpdateItem",
        "dynamodb:DeleteItem",
    },
}


def _code_calls() -> dict[str, set[str]]:
    """``{boto3 service: {client methods}}`` called anywhere in ``functions/``."""
    sources = {p: p.read_text() for p in (ROOT / "functions").rglob("*.py")}
    services = {
        m
        for text in sources.values()
        # client("s3") and LazyClient("s3") (built on first use) name the services in use
        for m in re.findall(r"""(?:client|LazyClient)\(\s*["']([a-z0-9-]+)["']""", text)
    }
    session = boto3.session.Session(
        region_name="eu-west-2", aws_access_key_id="x", aws_secret_access_key="x"
    )
    methods = {s: session.client(s).meta.method_to_api_mapping for s in services}  # type: ignore[call-overload]
    called: dict[str, set[str]] = defaultdict(set)
    for text in sources.values():
        for node in ast.walk(ast.parse(text)):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
                continue
            name = node.func.attr
            if name == "generate_presigned_url" and node.args:
                first = node.args[0]
                if isinstance(first, ast.Constant) and isinstance(first.value, str):
                    called["s3"].add(first.value)
                continue
            owners = [s for s, mapping in methods.items() if name in mapping]
            if len(owners) == 1 and _is_client_call(node.func):
                called[owners[0]].add(name)
    return dict(called)


def _is_client_call(func: ast.Attribute) -> bool:
    target = func.value
    return (isinstance(target, ast.Attribute) and target.attr == "client") or (
        isinstance(target, ast.Name) and target.id == "client"
    )


def _needed_actions() -> set[str]:
    needed: set[str] = set()
    for service, calls in _code_calls().items():
        client = boto3.session.Session(
            region_name="eu-west-2", aws_access_key_id="x", aws_secret_access_key="x"
        ).client(service)
        prefix = client.meta.service_model.signing_name
        for method in calls:
            action = f"{prefix}:{client.meta.method_to_api_mapping[method]}"
            needed |= _SPECIAL_ACTIONS.get(action, {action})
    return needed


def test_the_code_scan_sees_the_calls_we_know_of() -> None:
    calls = _code_calls()
    assert {"create_meeting_with_attendees", "create_attendee", "delete_meeting"} <= calls[
        "chime-sdk-meetings"
    ]
    assert {"transact_write_items", "batch_get_item", "query"} <= calls["dynamodb"]
    assert {"put_object", "get_object"} <= calls["s3"]
    assert {"publish", "subscribe", "unsubscribe"} <= calls["sns"]


def test_every_aws_call_in_functions_is_granted_to_some_function(prod: Synthesized) -> None:
    """A new boto3 call in ``functions/`` without a grant in ``infra/.../access.py`` fails here,
    not in production with AccessDenied. (Action level: which table or queue is checked by the
    statement tests above.)"""
    granted: set[str] = set()
    for function in deployed(prod):
        granted |= set().union(*grants(role_statements(prod, function)).values())
    missing = _needed_actions() - granted
    assert not missing, f"add these to infra/safe_connection_infra/access.py: {sorted(missing)}"


def test_the_handlers_that_end_meetings_may_delete_meetings_and_nothing_else_of_chime(
    stage: Synthesized,
) -> None:
    # Timers end an expired, dropped or ownerless meeting; meeting events end the call of a
    # session someone rejoined after it ended (functions/services/closing.py).
    for function in ("Timers", "MeetingEvents"):
        actions = set().union(*grants(role_statements(stage, function)).values())
        assert {a for a in actions if a.startswith("chime:")} == {"chime:DeleteMeeting"}, function
