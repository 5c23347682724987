"""The Chalice app inside the stack: functions, their roles and logs, the REST API and its WAF.

``chalice.cdk.Chalice`` runs ``chalice package`` (the Lambda zip and a SAM template) and includes
the template; :class:`CompiledChalice` adds bytecode to the zip first. This module then

* passes the configuration as ``stage_config.environment_variables`` and the API handler's role
  as ``stage_config.iam_role_arn`` (``manage_iam_role`` is false in ``.chalice/config.json``);
* gives **every** function its own role built from :mod:`.access` (Chalice's stage config has no
  per-function role, so the ``Role`` of each included function is overridden), and its own
  KMS-encrypted log group (Lambda ``LoggingConfig``), so no role can create log groups (both
  made by :class:`.roles.FunctionRoles`);
* sets stage throttling, execution and access logging on the API, and (:mod:`.front`) gateway
  responses and a ``405`` for every path's missing methods, all in the API's error envelope;
* connects the event handlers to the queue or table stream :mod:`.access` says they consume;
* puts a WAF web ACL (:func:`.front.web_acl`: managed rule groups, per-IP rate limits, body
  sizes) in front of the stage.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import aws_cdk as cdk
from aws_cdk import aws_apigateway as apigateway
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_logs as logs
from chalice.cdk import Chalice
from constructs import Construct

from .access import API_HANDLER, FUNCTIONS, QueueSource, StreamSource
from .bytecode import compile_package
from .front import (
    ERROR_ENVELOPE_RESPONSES,
    PUBLIC_ROUTE_PREFIXES,
    gateway_responses,
    method_not_allowed,
    web_acl,
)
from .nag import acknowledge
from .roles import API_LOG_PREFIX, FunctionRoles, log_group_name
from .settings import APP_NAME, REPO_ROOT, StageSettings

__all__ = [
    "API_LOG_PREFIX",
    "ERROR_ENVELOPE_RESPONSES",
    "PUBLIC_ROUTE_PREFIXES",
    "TLS_POLICY",
    "Api",
    "FunctionRoles",
    "log_group_name",
]

SAM_FUNCTION = "AWS::Serverless::Function"
REST_API = "RestAPI"
TLS_POLICY = "SecurityPolicy_TLS13_1_2_PFS_PQ_2025_09"

API_GATEWAY_LOGGING_REASON = (
    "API Gateway writes REST API execution and access logs through one account-level role per "
    "region, shared by every REST API in it; this role is assumable only by "
    "apigateway.amazonaws.com on behalf of this account, and the AWS-maintained service-role "
    "policy is the one AWS documents for it."
)


class CompiledChalice(Chalice):
    """``chalice.cdk.Chalice`` whose deployment zip carries bytecode (:func:`.compile_package`),
    added after ``chalice package`` writes it and before it becomes the functions' asset."""

    def _package_app(self) -> None:
        super()._package_app()
        compile_package(Path(self._sam_package_dir) / "deployment.zip")


class Api(Construct):
    """The packaged Chalice app and everything in front of it.

    Parameters
    ----------
    stage
        The stage; its name is the Chalice stage packaged (a stage of ``.chalice/config.json``).
    environment
        Environment variables of every function (``stage_config.environment_variables``).
    roles
        Where each function's role, log group and event-source permissions come from.
    key
        The stage key (API access logs, WAF logs).
    """

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        stage: StageSettings,
        environment: Mapping[str, str],
        roles: FunctionRoles,
        key: kms.IKey,
    ) -> None:
        super().__init__(scope, construct_id)
        self._stage = stage
        api_handler_role = roles.role_for(API_HANDLER)
        self.chalice = CompiledChalice(
            scope,  # Chalice takes its stage name from its scope: the stack, named after the stage
            "ChaliceApp",
            source_dir=str(REPO_ROOT),
            stage_config={
                "api_gateway_endpoint_type": "REGIONAL",
                "manage_iam_role": False,
                "iam_role_arn": api_handler_role.role_arn,
                "autogen_policy": False,
                "environment_variables": dict(environment),
            },
        )
        if self.chalice.stage_name != stage.name:
            raise ValueError(
                f"Chalice packaged stage {self.chalice.stage_name!r}, expected {stage.name!r}: "
                "the stack's construct id must be the stage name"
            )
        self.functions: dict[str, cdk.CfnResource] = {}
        for child in self.chalice.sam_template.node.children:
            if isinstance(child, cdk.CfnResource) and child.cfn_resource_type == SAM_FUNCTION:
                self.functions[child.node.id] = child
        for name, function in sorted(self.functions.items()):
            role = roles.role_for(name)
            function.add_property_override("Role", role.role_arn)
            function.add_property_override(
                "LoggingConfig", {"LogGroup": roles.log_groups[name].log_group_name}
            )
            # The role's policy must be attached before the function can run (the role and log
            # group are already dependencies through Role and LoggingConfig).
            policy = role.node.try_find_child("DefaultPolicy")
            if policy is not None:
                function.node.add_dependency(policy)
        self.event_sources = {
            name: self._event_source(name, function, roles)
            for name, function in sorted(self.functions.items())
            if name in FUNCTIONS and FUNCTIONS[name].source is not None
        }
        self.api_name = f"{APP_NAME}-{stage.name}"
        self.rest_api = self.chalice.get_resource(REST_API)
        self.api_stage_name = self._api_gateway_stage()
        self.access_logs = logs.LogGroup(
            self,
            "AccessLogs",
            log_group_name=log_group_name(stage, "api-access"),
            encryption_key=key,
            retention=stage.log_retention,
            removal_policy=stage.removal_policy,
        )
        self._configure_rest_api()
        self.account = self._api_gateway_account()
        self.rest_api.node.add_dependency(self.account)
        self.web_acl = web_acl(self, stage, key, self.api_stage_name)
        host = "https://${Api}.execute-api.${AWS::Region}.${AWS::URLSuffix}"
        self.origin = cdk.Fn.sub(host, {"Api": self.rest_api.ref})
        """``https://<id>.execute-api.<region>.amazonaws.com``: the web pages' CSP allows it."""
        self.url = cdk.Fn.sub(f"{host}/{self.api_stage_name}", {"Api": self.rest_api.ref})
        """The API's base URL (the stage path, no trailing slash)."""

    def _event_source(
        self, name: str, function: cdk.CfnResource, roles: FunctionRoles
    ) -> lambda_.CfnEventSourceMapping:
        """Connect ``function`` to the queue or stream :mod:`.access` says it consumes."""
        source = FUNCTIONS[name].source
        if isinstance(source, QueueSource):
            mapping = lambda_.CfnEventSourceMapping(
                self,
                f"{name}Source",
                function_name=function.ref,
                event_source_arn=roles.queue_pair(source.queue).queue.queue_arn,
                batch_size=source.batch_size,
                maximum_batching_window_in_seconds=0,
                function_response_types=["ReportBatchItemFailures"],
            )
        elif isinstance(source, StreamSource):
            table = roles.tables.by_logical_name[source.table]
            mapping = lambda_.CfnEventSourceMapping(
                self,
                f"{name}Source",
                function_name=function.ref,
                event_source_arn=table.table_stream_arn,
                starting_position="TRIM_HORIZON",
                batch_size=source.batch_size,
                parallelization_factor=1,
                bisect_batch_on_function_error=True,
                maximum_retry_attempts=source.retry_attempts,
                function_response_types=["ReportBatchItemFailures"],
                destination_config=lambda_.CfnEventSourceMapping.DestinationConfigProperty(
                    on_failure=lambda_.CfnEventSourceMapping.OnFailureProperty(
                        destination=roles.stream_failure_queue(source.table).queue_arn
                    )
                ),
            )
        else:  # pragma: no cover - guarded by the caller
            raise ValueError(name)
        # Lambda checks the role can read the source when the mapping is created.
        policy = roles.roles[name].node.try_find_child("DefaultPolicy")
        if policy is not None:
            mapping.node.add_dependency(policy)
        return mapping

    def _api_gateway_stage(self) -> str:
        config = json.loads((REPO_ROOT / ".chalice" / "config.json").read_text())
        stage_config = config.get("stages", {}).get(self._stage.name, {})
        return str(stage_config.get("api_gateway_stage") or config.get("api_gateway_stage", "api"))

    def _configure_rest_api(self) -> None:
        stage = self._stage
        api = self.rest_api
        api.add_property_override("Name", self.api_name)
        # A regional API's default is TLS_1_0: accept only TLS 1.3, or TLS 1.2 with forward
        # secrecy (hybrid post-quantum key exchange), and requests whose SNI is this API's host.
        api.add_property_override("SecurityPolicy", TLS_POLICY)
        api.add_property_override("EndpointAccessMode", "STRICT")
        api.add_property_override(
            "MethodSettings",
            [
                {
                    "ResourcePath": "/*",
                    "HttpMethod": "*",
                    "ThrottlingRateLimit": stage.api_rate_limit,
                    "ThrottlingBurstLimit": stage.api_burst_limit,
                    "MetricsEnabled": True,
                    "LoggingLevel": "ERROR",
                    "DataTraceEnabled": False,  # never log request or response bodies
                }
            ],
        )
        api.add_property_override(
            "AccessLogSetting",
            {
                "DestinationArn": cdk.Stack.of(self).format_arn(
                    service="logs",
                    resource="log-group",
                    resource_name=self.access_logs.log_group_name,
                    arn_format=cdk.ArnFormat.COLON_RESOURCE_NAME,
                ),
                "Format": json.dumps(
                    {
                        "requestId": "$context.requestId",
                        "ip": "$context.identity.sourceIp",
                        "principal": "$context.authorizer.principalId",
                        "requestTime": "$context.requestTimeEpoch",
                        "method": "$context.httpMethod",
                        "resourcePath": "$context.resourcePath",
                        # the session id: the function logs no line of its own for a success
                        "path": "$context.path",
                        "status": "$context.status",
                        "responseLength": "$context.responseLength",
                        "latencyMs": "$context.responseLatency",
                        "integrationLatencyMs": "$context.integrationLatency",
                        "errorType": "$context.error.responseType",
                        "authorizerError": "$context.authorizer.error",
                        "wafStatus": "$context.waf.status",
                        "tls": "$context.tlsVersion",
                        "userAgent": "$context.identity.userAgent",
                    },
                    separators=(",", ":"),
                ),
            },
        )
        api.add_property_override(
            "DefinitionBody.x-amazon-apigateway-gateway-responses", gateway_responses()
        )
        for path, method in method_not_allowed(self._packaged_paths()).items():
            # An override's path splits on "."; a literal one (``/reports/stops.csv``) is "\.".
            escaped = path.replace(".", "\\.")
            api.add_property_override(
                f"DefinitionBody.paths.{escaped}.x-amazon-apigateway-any-method", method
            )

    def _packaged_paths(self) -> dict[str, Any]:
        """The swagger paths ``chalice package`` wrote for the API (its ``sam.json``)."""
        # chalice.cdk keeps the package directory on the construct; the included template is
        # only a CDK view of it, whose properties cannot be read back.
        template = json.loads((Path(self.chalice._sam_package_dir) / "sam.json").read_text())
        paths: dict[str, Any] = template["Resources"][REST_API]["Properties"]["DefinitionBody"][
            "paths"
        ]
        return paths

    def _api_gateway_account(self) -> cdk.CfnResource:
        """The account-level role API Gateway uses to write execution and access logs.

        It is a per-account, per-region setting; a landing zone that already manages it can keep
        this one (CloudFormation only updates the setting to this role).
        """
        role = iam.Role(
            self,
            "ApiGatewayLoggingRole",
            assumed_by=iam.ServicePrincipal(
                "apigateway.amazonaws.com",
                conditions={"StringEquals": {"aws:SourceAccount": cdk.Stack.of(self).account}},
            ),
            managed_policies=[
                iam.ManagedPolicy.from_aws_managed_policy_name(
                    "service-role/AmazonAPIGatewayPushToCloudWatchLogs"
                )
            ],
            description="API Gateway (this account and region) writes REST API logs",
        )
        acknowledge(
            role,
            "AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/"
            "AmazonAPIGatewayPushToCloudWatchLogs]",
            API_GATEWAY_LOGGING_REASON,
        )
        account = apigateway.CfnAccount(
            self, "ApiGatewayAccount", cloud_watch_role_arn=role.role_arn
        )
        account.apply_removal_policy(cdk.RemovalPolicy.RETAIN)  # other APIs may rely on it
        return account
