"""What answers in front of the app: API Gateway's own responses and the WAF, in the envelope.

Every error the API gives is ``{"error": {"code", "message", "details"}}``, whoever writes it
(docs/api.md). The app writes its own; this module makes API Gateway's and WAF's the same:

* :func:`gateway_responses`: the gateway-response extension for every response type of
  :data:`functions.http.envelope.GATEWAY_RESPONSES` (the same table ``local.gateway`` answers
  from on the local stack), with CORS, no caching and ``Retry-After`` on 429s;
* :func:`method_not_allowed`: an ``ANY`` method on every path that answers ``405`` with
  ``Allow`` (a mock integration: no Lambda call), as Chalice does locally; API Gateway would
  otherwise answer a known path's missing method as an unknown route;
* :func:`web_acl`: the WAF, whose blocks (429 rate limits, 413 bodies far over the app's limits)
  carry the envelope as custom response bodies.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

import aws_cdk as cdk
from aws_cdk import aws_kms as kms
from aws_cdk import aws_logs as logs
from aws_cdk import aws_wafv2 as wafv2
from constructs import Construct

from functions.http.envelope import GATEWAY_RESPONSES, envelope

from .settings import APP_NAME, StageSettings

__all__ = [
    "ERROR_ENVELOPE_RESPONSES",
    "PUBLIC_ROUTE_PREFIXES",
    "gateway_responses",
    "method_not_allowed",
    "web_acl",
]

PUBLIC_ROUTE_PREFIXES = ("/verify/", "/public/")
"""Routes without login (her side); WAF gives them a much lower per-IP rate."""
ERROR_ENVELOPE_RESPONSES: Mapping[str, tuple[int | None, str, str]] = GATEWAY_RESPONSES
"""Gateway responses (answers API Gateway gives without reaching the app) and the envelope each
uses: ``(status or None to keep API Gateway's, code, message)``."""
THROTTLE_RETRY_SECONDS = 1
"""Stage throttling is a token bucket refilled every second."""
WAF_WINDOW_SECONDS = 300
"""The WAF rate rules' evaluation window: a blocked client waits at most this long."""
BODY_OVER_1_MB = r"^0*[1-9][0-9]{6,}$"
"""A ``Content-Length`` of 1,000,000 or more."""
BODY_OVER_3_MB = r"^0*([3-9][0-9]{6}|[1-9][0-9]{7,})$"
"""A ``Content-Length`` of 3,000,000 or more."""

_SECURITY_HEADERS = {
    "gatewayresponse.header.Cache-Control": "'no-store'",
    "gatewayresponse.header.Strict-Transport-Security": "'max-age=31536000; includeSubDomains'",
    "gatewayresponse.header.X-Content-Type-Options": "'nosniff'",
    # The web pages (another origin: CloudFront) must be able to read a 401, 403 or 429 to tell
    # the user what happened; without it the browser reports only a network error. Tokens are
    # bearer headers, never cookies, so "*" exposes nothing a credentialed request could.
    "gatewayresponse.header.Access-Control-Allow-Origin": "'*'",
}


def web_acl(
    scope: Construct, stage: StageSettings, key: kms.IKey, api_stage_name: str
) -> wafv2.CfnWebACL:
    """The stage's web ACL: IP reputation, common exploits, per-IP rate limits, body sizes.

    WAF answers what it blocks by itself, each in the error envelope.
    """
    name = f"{APP_NAME}-{stage.name}"

    def visibility(metric: str) -> wafv2.CfnWebACL.VisibilityConfigProperty:
        return wafv2.CfnWebACL.VisibilityConfigProperty(
            cloud_watch_metrics_enabled=True,
            metric_name=f"{name}-{metric}",
            sampled_requests_enabled=True,
        )

    def block(code: int, body: str) -> wafv2.CfnWebACL.RuleActionProperty:
        # WAF answers itself (no gateway response): the web pages must be able to read it.
        headers = {"Access-Control-Allow-Origin": "*", "Cache-Control": "no-store"}
        if code == 429:
            headers["Retry-After"] = str(WAF_WINDOW_SECONDS)
        return wafv2.CfnWebACL.RuleActionProperty(
            block=wafv2.CfnWebACL.BlockActionProperty(
                custom_response=wafv2.CfnWebACL.CustomResponseProperty(
                    response_code=code,
                    custom_response_body_key=body,
                    response_headers=[
                        wafv2.CfnWebACL.CustomHTTPHeaderProperty(name=k, value=v)
                        for k, v in headers.items()
                    ],
                )
            )
        )

    def content_length_matches(pattern: str) -> wafv2.CfnWebACL.StatementProperty:
        return wafv2.CfnWebACL.StatementProperty(
            regex_match_statement=wafv2.CfnWebACL.RegexMatchStatementProperty(
                field_to_match=wafv2.CfnWebACL.FieldToMatchProperty(
                    single_header={"Name": "content-length"}
                ),
                regex_string=pattern,
                text_transformations=[
                    wafv2.CfnWebACL.TextTransformationProperty(priority=0, type="NONE")
                ],
            )
        )

    def path_starts_with(prefix: str) -> wafv2.CfnWebACL.StatementProperty:
        return wafv2.CfnWebACL.StatementProperty(
            byte_match_statement=wafv2.CfnWebACL.ByteMatchStatementProperty(
                field_to_match=wafv2.CfnWebACL.FieldToMatchProperty(uri_path={}),
                positional_constraint="STARTS_WITH",
                search_string=f"/{api_stage_name}{prefix}",
                text_transformations=[
                    wafv2.CfnWebACL.TextTransformationProperty(priority=0, type="LOWERCASE")
                ],
            )
        )

    def managed(
        priority: int, group: str, overrides: Sequence[str] = (), **extra: Any
    ) -> wafv2.CfnWebACL.RuleProperty:
        return wafv2.CfnWebACL.RuleProperty(
            name=group,
            priority=priority,
            override_action=wafv2.CfnWebACL.OverrideActionProperty(none={}),
            statement=wafv2.CfnWebACL.StatementProperty(
                managed_rule_group_statement=wafv2.CfnWebACL.ManagedRuleGroupStatementProperty(
                    vendor_name="AWS",
                    name=group,
                    rule_action_overrides=[
                        wafv2.CfnWebACL.RuleActionOverrideProperty(
                            name=rule,
                            action_to_use=wafv2.CfnWebACL.RuleActionProperty(count={}),
                        )
                        for rule in overrides
                    ]
                    or None,
                    **extra,
                )
            ),
            visibility_config=visibility(group),
        )

    public_routes = [path_starts_with(p) for p in PUBLIC_ROUTE_PREFIXES]
    photo_upload = wafv2.CfnWebACL.StatementProperty(
        byte_match_statement=wafv2.CfnWebACL.ByteMatchStatementProperty(
            field_to_match=wafv2.CfnWebACL.FieldToMatchProperty(uri_path={}),
            positional_constraint="ENDS_WITH",
            search_string="/photo",
            text_transformations=[
                wafv2.CfnWebACL.TextTransformationProperty(priority=0, type="LOWERCASE")
            ],
        )
    )
    web_acl = wafv2.CfnWebACL(
        scope,
        "WebAcl",
        name=name,
        description="Safe Connection API: reputation, common exploits, per-IP rate limits",
        scope="REGIONAL",
        default_action=wafv2.CfnWebACL.DefaultActionProperty(allow={}),
        visibility_config=visibility("web-acl"),
        custom_response_bodies={
            "payload_too_large": wafv2.CfnWebACL.CustomResponseBodyProperty(
                content_type="APPLICATION_JSON",
                content=json.dumps(envelope("payload_too_large", "The request body is too large.")),
            ),
            "rate_limited": wafv2.CfnWebACL.CustomResponseBodyProperty(
                content_type="APPLICATION_JSON",
                content=json.dumps(
                    envelope(
                        "rate_limited",
                        "Too many requests from your network; wait a few minutes. "
                        "In an emergency call 999.",
                    )
                ),
            ),
        },
        rules=[
            managed(0, "AWSManagedRulesAmazonIpReputationList"),
            wafv2.CfnWebACL.RuleProperty(
                name="public-routes-per-ip",
                priority=1,
                action=block(429, "rate_limited"),
                statement=wafv2.CfnWebACL.StatementProperty(
                    rate_based_statement=wafv2.CfnWebACL.RateBasedStatementProperty(
                        aggregate_key_type="IP",
                        limit=stage.waf_public_rate_limit,
                        evaluation_window_sec=300,
                        scope_down_statement=wafv2.CfnWebACL.StatementProperty(
                            or_statement=wafv2.CfnWebACL.OrStatementProperty(
                                statements=public_routes
                            )
                        ),
                    )
                ),
                visibility_config=visibility("public-routes-per-ip"),
            ),
            wafv2.CfnWebACL.RuleProperty(
                name="all-routes-per-ip",
                priority=2,
                action=block(429, "rate_limited"),
                statement=wafv2.CfnWebACL.StatementProperty(
                    rate_based_statement=wafv2.CfnWebACL.RateBasedStatementProperty(
                        aggregate_key_type="IP",
                        limit=stage.waf_rate_limit,
                        evaluation_window_sec=300,
                    )
                ),
                visibility_config=visibility("all-routes-per-ip"),
            ),
            # Photo uploads (up to 2 MB of JPEG/PNG) and HR CSV imports exceed the common rule
            # set's 8 KB body limit and binary images trip its body rules: the size rule only
            # counts, and photo uploads (admin-only, content-type checked by the app) skip it.
            managed(
                3,
                "AWSManagedRulesCommonRuleSet",
                overrides=("SizeRestrictions_BODY",),
                scope_down_statement=wafv2.CfnWebACL.StatementProperty(
                    not_statement=wafv2.CfnWebACL.NotStatementProperty(statement=photo_upload)
                ),
            ),
            managed(4, "AWSManagedRulesKnownBadInputsRuleSet"),
            # The app refuses a body over its route's limit itself (413, in the envelope), but
            # Lambda refuses an event over 6 MB before the app sees it. Far over the app's
            # limits, WAF answers 413 first: from 1 MB (7 digits) on every route but the photo
            # upload, from 3 MB on that one (2 MiB photos; API Gateway's own limit is 10 MB).
            wafv2.CfnWebACL.RuleProperty(
                name="body-too-large",
                priority=5,
                action=block(413, "payload_too_large"),
                statement=wafv2.CfnWebACL.StatementProperty(
                    or_statement=wafv2.CfnWebACL.OrStatementProperty(
                        statements=[
                            content_length_matches(BODY_OVER_3_MB),
                            wafv2.CfnWebACL.StatementProperty(
                                and_statement=wafv2.CfnWebACL.AndStatementProperty(
                                    statements=[
                                        content_length_matches(BODY_OVER_1_MB),
                                        wafv2.CfnWebACL.StatementProperty(
                                            not_statement=wafv2.CfnWebACL.NotStatementProperty(
                                                statement=photo_upload
                                            )
                                        ),
                                    ]
                                )
                            ),
                        ]
                    )
                ),
                visibility_config=visibility("body-too-large"),
            ),
        ],
    )
    wafv2.CfnWebACLAssociation(
        scope,
        "WebAclAssociation",
        web_acl_arn=web_acl.attr_arn,
        # ${RestAPI.Stage} is SAM's reference to the generated stage: the association waits
        # for the stage to exist.
        resource_arn=cdk.Fn.sub(
            "arn:${AWS::Partition}:apigateway:${AWS::Region}::/restapis/${RestAPI}"
            "/stages/${RestAPI.Stage}"
        ),
    )
    waf_logs = logs.LogGroup(
        scope,
        "WafLogs",
        log_group_name=f"aws-waf-logs-{name}",  # WAF requires this prefix
        encryption_key=key,
        retention=stage.log_retention,
        removal_policy=stage.removal_policy,
    )
    wafv2.CfnLoggingConfiguration(
        scope,
        "WafLogging",
        resource_arn=web_acl.attr_arn,
        log_destination_configs=[
            cdk.Stack.of(scope).format_arn(
                service="logs",
                resource="log-group",
                resource_name=waf_logs.log_group_name,
                arn_format=cdk.ArnFormat.COLON_RESOURCE_NAME,
            )
        ],
        # Bearer tokens never reach the WAF logs.
        redacted_fields=[
            wafv2.CfnLoggingConfiguration.FieldToMatchProperty(
                single_header={"Name": "authorization"}
            )
        ],
    )
    return web_acl


def gateway_responses() -> dict[str, Any]:
    """The API Gateway gateway-responses extension for :data:`ERROR_ENVELOPE_RESPONSES`."""
    responses: dict[str, Any] = {}
    for response_type, (status, code, message) in ERROR_ENVELOPE_RESPONSES.items():
        parameters = dict(_SECURITY_HEADERS)
        if response_type == "UNAUTHORIZED":
            parameters["gatewayresponse.header.WWW-Authenticate"] = "'Bearer'"
        if status == 429:
            # The document promises Retry-After on every 429 (docs/openapi.json).
            parameters["gatewayresponse.header.Retry-After"] = f"'{THROTTLE_RETRY_SECONDS}'"
        response: dict[str, Any] = {
            "responseParameters": parameters,
            "responseTemplates": {"application/json": json.dumps(envelope(code, message))},
        }
        if status is not None:
            response["statusCode"] = str(status)
        responses[response_type] = response
    return responses


def method_not_allowed(paths: Mapping[str, Mapping[str, Any]]) -> dict[str, Any]:
    """An ``x-amazon-apigateway-any-method`` for each path of the packaged API: ``405``.

    API Gateway sends a method the path defines to its own integration and any other to
    ``ANY``, here a mock integration answering ``405`` in the envelope with ``Allow`` (what
    Chalice answers locally), without calling Lambda. A request whose ``Content-Type`` has no
    mapping template gets the ``UNSUPPORTED_MEDIA_TYPE`` gateway response (``415``), also in
    the envelope.

    Parameters
    ----------
    paths
        The swagger ``paths`` of the packaged API (method names in lower case).

    Returns
    -------
    dict
        ``{path: method definition}`` to add to each path.
    """
    body = json.dumps(
        envelope(
            "method_not_allowed",
            "This route does not take that method; the Allow header lists those it takes.",
        )
    )
    added: dict[str, Any] = {}
    for path, methods in sorted(paths.items()):
        allowed = ", ".join(sorted(m.upper() for m in methods if not m.startswith("x-")))
        headers = {
            "Allow": f"'{allowed}'",
            "Access-Control-Allow-Origin": "'*'",
            "Cache-Control": "'no-store'",
            "Content-Type": "'application/json'",
        }
        added[path] = {
            "responses": {
                "405": {
                    "description": "Method not allowed",
                    "headers": {name: {"type": "string"} for name in headers},
                }
            },
            "x-amazon-apigateway-integration": {
                "type": "mock",
                "passthroughBehavior": "when_no_templates",
                "requestTemplates": {"application/json": '{"statusCode": 405}'},
                "responses": {
                    "default": {
                        "statusCode": "405",
                        "responseParameters": {
                            f"method.response.header.{name}": value
                            for name, value in headers.items()
                        },
                        "responseTemplates": {"application/json": body},
                    }
                },
            },
        }
    return added
