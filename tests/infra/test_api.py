"""The packaged functions, the REST API in front of them, and its WAF."""

from __future__ import annotations

import json
import re
import sys
import zipfile
from pathlib import Path
from typing import Any

from functions import resources, settings_env
from functions.config import Settings
from infra.safe_connection_infra.api import ERROR_ENVELOPE_RESPONSES, PUBLIC_ROUTE_PREFIXES

from .conftest import Synthesized

ROOT = Path(__file__).resolve().parents[2]
LAMBDA_RESERVED = {"AWS_REGION", "AWS_DEFAULT_REGION"}


def rest_api(stage: Synthesized) -> dict[str, Any]:
    (api,) = stage.resources("AWS::Serverless::Api").values()
    properties: dict[str, Any] = api["Properties"]
    return properties


def variables_the_app_reads() -> set[str]:
    """Every environment variable the settings read (Lambda's own excluded)."""
    return set(settings_env.variables()) - LAMBDA_RESERVED


def deployment_variables() -> set[str]:
    """Variables with no safe default: they name this deployment's resources."""
    names = {"PHOTOS_BUCKET", "USER_POOL_ID", "USER_POOL_CLIENT_IDS"}
    for group in (resources.TABLES, resources.QUEUES, resources.TOPICS):
        names |= {item.env_var for item in group}
    return names


def test_every_function_gets_every_resource_and_only_variables_the_app_reads(
    stage: Synthesized,
) -> None:
    read = variables_the_app_reads()
    assert {"SESSIONS_TABLE", "USER_POOL_CLIENT_IDS", "ESCALATION_DELAY_SECONDS"} <= read
    for name, function in stage.resources("AWS::Serverless::Function").items():
        variables = set(function["Properties"]["Environment"]["Variables"])
        assert deployment_variables() <= variables, name
        assert variables <= read | deployment_variables() | set(resources.RUNTIME_ENVIRONMENT), name
        assert (
            resources.RUNTIME_ENVIRONMENT.items()
            <= function["Properties"]["Environment"]["Variables"].items()
        ), name
        assert not LAMBDA_RESERVED & variables


def test_stage_settings_reach_the_functions(stage: Synthesized) -> None:
    settings = stage.settings
    for function in stage.resources("AWS::Serverless::Function").values():
        variables = function["Properties"]["Environment"]["Variables"]
        assert variables["MEDIA_REGION"] == settings.media_region
        assert variables["ESCALATION_DELAY_SECONDS"] == str(settings.escalation_delay_seconds)
        assert variables["SESSION_RETENTION_DAYS"] == str(settings.session_retention_days)
        assert variables["PHOTO_URL_SECONDS"] == str(settings.photo_url_seconds)


def test_functions_log_to_their_own_encrypted_log_group(stage: Synthesized) -> None:
    for name, function in stage.resources("AWS::Serverless::Function").items():
        log_group = stage.logical_id(stage.stack.function_roles.log_groups[name])
        assert function["Properties"]["LoggingConfig"] == {"LogGroup": {"Ref": log_group}}
        # Chalice's default (an account-wide placeholder) never survives.
        assert "set-by-infra-stack" not in json.dumps(function)


def test_the_api_is_regional_named_per_stage_and_refuses_old_tls(stage: Synthesized) -> None:
    api = rest_api(stage)
    assert api["EndpointConfiguration"] == "REGIONAL"
    assert api["SecurityPolicy"] == "SecurityPolicy_TLS13_1_2_PFS_PQ_2025_09"
    assert api["EndpointAccessMode"] == "STRICT"
    assert api["Name"] == f"safe-connection-{stage.settings.name}"


def test_stage_throttling_logging_and_metrics(stage: Synthesized) -> None:
    (settings,) = rest_api(stage)["MethodSettings"]
    assert settings == {
        "ResourcePath": "/*",
        "HttpMethod": "*",
        "ThrottlingRateLimit": stage.settings.api_rate_limit,
        "ThrottlingBurstLimit": stage.settings.api_burst_limit,
        "MetricsEnabled": True,
        "LoggingLevel": "ERROR",
        "DataTraceEnabled": False,
    }


def test_access_logs_go_to_the_encrypted_log_group_as_json(stage: Synthesized) -> None:
    setting = rest_api(stage)["AccessLogSetting"]
    log_group = stage.logical_id(stage.stack.api.access_logs)
    assert setting["DestinationArn"]["Fn::Join"][1][-1] == {"Ref": log_group}
    fields = json.loads(setting["Format"])
    assert {"requestId", "ip", "status", "principal", "wafStatus"} <= set(fields)
    # a successful request's only line: its path holds the session id, with status and latency
    assert {"path": "$context.path", "latencyMs": "$context.responseLatency"}.items() <= (
        fields.items()
    )


def test_gateway_responses_use_the_error_envelope(stage: Synthesized) -> None:
    responses = rest_api(stage)["DefinitionBody"]["x-amazon-apigateway-gateway-responses"]
    assert set(responses) == set(ERROR_ENVELOPE_RESPONSES)
    for name, response in responses.items():
        body = json.loads(response["responseTemplates"]["application/json"])
        assert set(body) == {"error"}, name
        assert set(body["error"]) == {"code", "message", "details"}
        assert body["error"]["details"] == []
        assert (
            response["responseParameters"]["gatewayresponse.header.Cache-Control"] == "'no-store'"
        )
        # The web pages are another origin: they must be able to read a 401, 403 or 429.
        assert (
            response["responseParameters"]["gatewayresponse.header.Access-Control-Allow-Origin"]
            == "'*'"
        ), name
    assert responses["UNAUTHORIZED"]["statusCode"] == "401"
    assert json.loads(responses["UNAUTHORIZED"]["responseTemplates"]["application/json"]) == {
        "error": {
            "code": "unauthenticated",
            "message": "Log in to use this service.",
            "details": [],
        }
    }
    assert responses["ACCESS_DENIED"]["statusCode"] == "403"
    assert "999" in responses["DEFAULT_5XX"]["responseTemplates"]["application/json"]


def test_every_answer_api_gateway_gives_itself_is_the_envelope_with_the_right_status(
    stage: Synthesized,
) -> None:
    responses = rest_api(stage)["DefinitionBody"]["x-amazon-apigateway-gateway-responses"]
    # Every response type API Gateway can answer a client with by itself that this API can
    # meet (no API keys or usage plans: their types fall to DEFAULT_4XX anyway).
    assert {
        "ACCESS_DENIED",
        "AUTHORIZER_CONFIGURATION_ERROR",
        "AUTHORIZER_FAILURE",
        "BAD_REQUEST_BODY",
        "BAD_REQUEST_PARAMETERS",
        "DEFAULT_4XX",
        "DEFAULT_5XX",
        "EXPIRED_TOKEN",
        "INTEGRATION_FAILURE",
        "INTEGRATION_TIMEOUT",
        "INVALID_SIGNATURE",
        "MISSING_AUTHENTICATION_TOKEN",
        "REQUEST_TOO_LARGE",
        "RESOURCE_NOT_FOUND",
        "THROTTLED",
        "UNAUTHORIZED",
        "UNSUPPORTED_MEDIA_TYPE",
        "WAF_FILTERED",
    } <= set(responses)

    def answer(kind: str) -> tuple[str | None, str]:
        body = json.loads(responses[kind]["responseTemplates"]["application/json"])
        return responses[kind].get("statusCode"), body["error"]["code"]

    assert answer("MISSING_AUTHENTICATION_TOKEN") == ("404", "not_found")  # an unknown route
    assert answer("REQUEST_TOO_LARGE") == ("413", "payload_too_large")
    assert answer("UNSUPPORTED_MEDIA_TYPE") == ("415", "unsupported_media_type")
    assert answer("THROTTLED") == ("429", "throttled")
    assert answer("WAF_FILTERED") == ("403", "blocked")
    for kind in ("AUTHORIZER_FAILURE", "INTEGRATION_FAILURE", "INTEGRATION_TIMEOUT"):
        assert answer(kind) == ("503", "service_unavailable")  # fall back to 999
    for kind, response in responses.items():
        if response.get("statusCode") == "429":  # docs/openapi.json: every 429 says when
            assert response["responseParameters"]["gatewayresponse.header.Retry-After"], kind


def test_a_method_a_path_lacks_is_a_405_in_the_envelope_without_calling_lambda(
    stage: Synthesized,
) -> None:
    paths = rest_api(stage)["DefinitionBody"]["paths"]
    assert {"/sessions", "/sessions/{session_id}", "/verify/{code}", "/queue"} <= set(paths)
    for path, methods in paths.items():
        any_method = methods["x-amazon-apigateway-any-method"]
        integration = any_method["x-amazon-apigateway-integration"]
        assert integration["type"] == "mock", path
        (answer,) = integration["responses"].values()
        assert answer["statusCode"] == "405"
        body = json.loads(answer["responseTemplates"]["application/json"])
        assert body["error"]["code"] == "method_not_allowed" and body["error"]["details"] == []
        parameters = answer["responseParameters"]
        defined = sorted(m.upper() for m in methods if not m.startswith("x-"))
        assert parameters["method.response.header.Allow"] == f"'{', '.join(defined)}'"
        assert parameters["method.response.header.Access-Control-Allow-Origin"] == "'*'"
        assert set(any_method["responses"]["405"]["headers"]) == {
            name.removeprefix("method.response.header.") for name in parameters
        }
    start = paths["/sessions"]["x-amazon-apigateway-any-method"]["x-amazon-apigateway-integration"]
    allow = start["responses"]["default"]["responseParameters"]["method.response.header.Allow"]
    assert allow == "'OPTIONS, POST'"


def web_acl(stage: Synthesized) -> dict[str, Any]:
    (acl,) = stage.resources("AWS::WAFv2::WebACL").values()
    properties: dict[str, Any] = acl["Properties"]
    return properties


def test_waf_rate_limits_every_client_ip_and_the_public_routes_harder(stage: Synthesized) -> None:
    acl = web_acl(stage)
    assert acl["Scope"] == "REGIONAL"
    assert acl["DefaultAction"] == {"Allow": {}}
    rules = {rule["Name"]: rule for rule in acl["Rules"]}
    everyone = rules["all-routes-per-ip"]["Statement"]["RateBasedStatement"]
    assert everyone["AggregateKeyType"] == "IP"
    assert everyone["Limit"] == stage.settings.waf_rate_limit
    public = rules["public-routes-per-ip"]["Statement"]["RateBasedStatement"]
    assert public["Limit"] == stage.settings.waf_public_rate_limit < everyone["Limit"]
    prefixes = [
        s["ByteMatchStatement"]["SearchString"]
        for s in public["ScopeDownStatement"]["OrStatement"]["Statements"]
    ]
    assert prefixes == [f"/api{p}" for p in PUBLIC_ROUTE_PREFIXES]
    for name in ("all-routes-per-ip", "public-routes-per-ip"):
        block = rules[name]["Action"]["Block"]["CustomResponse"]
        assert block["ResponseCode"] == 429
        # WAF answers itself (no gateway response): the web pages must be able to read it, and
        # (docs/openapi.json) every 429 says when to try again: the rate rules' window.
        headers = {h["Name"]: h["Value"] for h in block["ResponseHeaders"]}
        assert headers["Access-Control-Allow-Origin"] == "*"
        assert headers["Retry-After"] == "300"
        body = json.loads(acl["CustomResponseBodies"][block["CustomResponseBodyKey"]]["Content"])
        assert set(body["error"]) == {"code", "message", "details"}
    assert {
        "AWSManagedRulesAmazonIpReputationList",
        "AWSManagedRulesCommonRuleSet",
        "AWSManagedRulesKnownBadInputsRuleSet",
    } <= set(rules)


def test_waf_protects_the_api_stage_and_logs_without_tokens(stage: Synthesized) -> None:
    (association,) = stage.resources("AWS::WAFv2::WebACLAssociation").values()
    assert association["Properties"]["ResourceArn"] == {
        "Fn::Sub": "arn:${AWS::Partition}:apigateway:${AWS::Region}::/restapis/${RestAPI}"
        "/stages/${RestAPI.Stage}"
    }
    (logging,) = stage.resources("AWS::WAFv2::LoggingConfiguration").values()
    assert logging["Properties"]["RedactedFields"] == [{"SingleHeader": {"Name": "authorization"}}]
    (destination,) = logging["Properties"]["LogDestinationConfigs"]
    log_group_id = destination["Fn::Join"][1][-1]["Ref"]
    log_group = stage.template["Resources"][log_group_id]["Properties"]
    assert log_group["LogGroupName"] == f"aws-waf-logs-safe-connection-{stage.settings.name}"


def test_api_gateway_logging_role_is_assumable_only_by_api_gateway_for_this_account(
    stage: Synthesized,
) -> None:
    (account,) = stage.resources("AWS::ApiGateway::Account").values()
    role_id = account["Properties"]["CloudWatchRoleArn"]["Fn::GetAtt"][0]
    trust = stage.template["Resources"][role_id]["Properties"]["AssumeRolePolicyDocument"]
    (statement,) = trust["Statement"]
    assert statement["Principal"] == {"Service": "apigateway.amazonaws.com"}
    assert statement["Condition"] == {
        "StringEquals": {"aws:SourceAccount": {"Ref": "AWS::AccountId"}}
    }


def test_the_api_answers_inside_its_lambda_timeout_and_queues_outlast_their_handlers(
    stage: Synthesized,
) -> None:
    functions = stage.resources("AWS::Serverless::Function").values()
    timeouts = {f["Properties"]["Handler"]: f["Properties"]["Timeout"] for f in functions}
    budget = Settings.from_env({}).request_budget_seconds
    # The route answers within its budget; a cold start and the answer fit in what is left.
    assert timeouts.pop("app.app") == 10 >= budget + 3
    assert timeouts.pop("functions.http.auth.cognito") == 10  # the authorizer: one JWKS fetch
    assert set(timeouts.values()) == {20}  # the event handlers work through whole batches
    for queue in resources.QUEUES:
        assert queue.visibility_timeout_seconds >= 6 * 20  # AWS's advice for SQS sources


def test_every_function_has_the_memory_size_the_measurement_chose(stage: Synthesized) -> None:
    # python -m bench.memory: 1536 MB is within 100 ms of the fastest cold start for the fewest
    # GB-seconds per verification (docs/performance.md, "Lambda memory size").
    functions = stage.resources("AWS::Serverless::Function").values()
    assert {f["Properties"]["MemorySize"] for f in functions} == {1536}


def test_waf_answers_413_in_the_envelope_for_bodies_far_over_the_apps_limits(
    stage: Synthesized,
) -> None:
    from infra.safe_connection_infra.front import BODY_OVER_1_MB, BODY_OVER_3_MB

    acl = web_acl(stage)
    rule = {r["Name"]: r for r in acl["Rules"]}["body-too-large"]
    block = rule["Action"]["Block"]["CustomResponse"]
    assert block["ResponseCode"] == 413
    body = json.loads(acl["CustomResponseBodies"][block["CustomResponseBodyKey"]]["Content"])
    assert body["error"]["code"] == "payload_too_large"
    patterns = json.dumps(rule["Statement"])
    assert json.dumps(BODY_OVER_1_MB)[1:-1] in patterns and "/photo" in patterns

    def matches(pattern: str, length: int) -> bool:
        return re.fullmatch(pattern, str(length)) is not None

    # Over the app's limits (64 KiB JSON, 512 KiB CSV, 2 MiB photos), under Lambda's 6 MB.
    assert not matches(BODY_OVER_1_MB, 999_999) and matches(BODY_OVER_1_MB, 1_000_000)
    assert matches(BODY_OVER_1_MB, 25_000_000)
    assert not matches(BODY_OVER_3_MB, 2_999_999) and matches(BODY_OVER_3_MB, 3_000_000)
    assert matches(BODY_OVER_3_MB, 9_000_000) and matches(BODY_OVER_3_MB, 10_000_000)
    assert not matches(BODY_OVER_3_MB, 2 * 1024 * 1024 + 1)


def test_every_function_deploys_the_zip_with_bytecode(stage: Synthesized) -> None:
    functions = stage.resources("AWS::Serverless::Function")
    keys = {f["Properties"]["CodeUri"]["Key"] for f in functions.values()}

    assert len(keys) == 1  # one package for every function
    [key] = keys
    with zipfile.ZipFile(stage.template_path.parent / f"asset.{key}") as archive:
        names = archive.namelist()
        header = archive.read(f"__pycache__/app.{sys.implementation.cache_tag}.pyc")[:16]
    assert f"functions/__pycache__/wiring.{sys.implementation.cache_tag}.pyc" in names
    assert sum(n.endswith(".pyc") for n in names) >= sum(n.endswith(".py") for n in names)
    assert int.from_bytes(header[4:8], "little") == 0b01  # PEP 552: unchecked hash
