"""The web pages: private bucket, CloudFront in front, headers, caching and config.json."""

from __future__ import annotations

import dataclasses
import json
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import aws_cdk as cdk
import pytest
from aws_cdk import aws_kms as kms
from aws_cdk import aws_s3 as s3
from aws_cdk.assertions import Template

from infra.safe_connection_infra.settings import STAGES, StageSettings, feature_flags
from infra.safe_connection_infra.synth import build
from infra.safe_connection_infra.web import (
    ASSETS_CACHE_CONTROL,
    DIRECTORY_INDEX_FUNCTION,
    PAGES_CACHE_CONTROL,
    PERMISSIONS_POLICY,
    SiteNotBuiltError,
    StaticSite,
)

from .conftest import FAKE_SITE, Synthesized, write_site
from .test_data import bucket, bucket_policy
from .test_iam import as_list

# CloudFront's managed cache policies (the same ids in every account).
CACHING_DISABLED = "4135ea2d-6df8-44a3-9df3-4b5a84be39ad"
CACHING_OPTIMIZED = "658327ea-f89d-4fab-a63d-7e88639e58f6"
CONFIG_KEYS = {
    "apiUrl",
    "region",
    "userPoolId",
    "officerClientId",
    "consoleClientId",
    "cognitoEndpoint",
    "publicUrl",
    "forces",
}
NODE = shutil.which("node")


def render(node: Any) -> str:
    """A template value as text: ``Ref`` → ``<Id>``, ``GetAtt`` → ``<Id.Attr>``, ``Fn::Join``
    and ``Fn::Sub`` (with or without variables) expanded."""
    if isinstance(node, str):
        return node
    if isinstance(node, dict):
        if "Ref" in node:
            return f"<{node['Ref']}>"
        if "Fn::GetAtt" in node:
            return "<{}.{}>".format(*node["Fn::GetAtt"])
        if "Fn::Join" in node:
            delimiter, items = node["Fn::Join"]
            return str(delimiter).join(render(item) for item in items)
        if "Fn::Sub" in node:
            sub = node["Fn::Sub"]
            text, variables = (sub, {}) if isinstance(sub, str) else sub
            return re.sub(
                r"\$\{([^}]+)\}",
                lambda m: render(variables[m[1]]) if m[1] in variables else f"<{m[1]}>",
                text,
            )
    raise AssertionError(f"cannot render {node!r}")


def resource(stage: Synthesized, construct: Any) -> dict[str, Any]:
    found: dict[str, Any] = stage.template["Resources"][stage.logical_id(construct)]
    return found


def distribution(stage: Synthesized) -> dict[str, Any]:
    config: dict[str, Any] = resource(stage, stage.stack.web.distribution)["Properties"][
        "DistributionConfig"
    ]
    return config


def deployments(stage: Synthesized) -> dict[str, dict[str, Any]]:
    """The two bucket deployments (``Custom::CDKBucketDeployment``), by construct id."""
    found = {}
    for deployment in stage.stack.web.deployments:
        logical_id = stage.stack.resolve(
            deployment.node.find_child("CustomResource").node.default_child.logical_id
        )
        found[deployment.node.id] = stage.template["Resources"][logical_id]
    return found


def api_origin(stage: Synthesized) -> str:
    return f"https://<{stage.logical_id(stage.stack.api.rest_api)}>.execute-api.<AWS::Region>.<AWS::URLSuffix>"


# --------------------------------------------------------------------------- the bucket
def test_site_bucket_is_private_ssl_only_s3_encrypted_and_logged(stage: Synthesized) -> None:
    web = stage.stack.web
    properties = bucket(stage, web.bucket)["Properties"]
    assert properties["PublicAccessBlockConfiguration"] == {
        "BlockPublicAcls": True,
        "BlockPublicPolicy": True,
        "IgnorePublicAcls": True,
        "RestrictPublicBuckets": True,
    }
    assert properties["OwnershipControls"] == {
        "Rules": [{"ObjectOwnership": "BucketOwnerEnforced"}]
    }
    (rule,) = properties["BucketEncryption"]["ServerSideEncryptionConfiguration"]
    assert rule["ServerSideEncryptionByDefault"] == {"SSEAlgorithm": "AES256"}
    assert "VersioningConfiguration" not in properties
    assert "WebsiteConfiguration" not in properties
    assert properties["LoggingConfiguration"] == {
        "DestinationBucketName": {"Ref": stage.logical_id(stage.stack.storage.access_logs)},
        "LogFilePrefix": "web/",
    }
    denies = [s["Condition"] for s in bucket_policy(stage, web.bucket) if s["Effect"] == "Deny"]
    assert {"Bool": {"aws:SecureTransport": "false"}} in denies
    assert {"NumericLessThan": {"s3:TlsVersion": 1.2}} in denies


def test_only_this_distribution_may_read_the_bucket(stage: Synthesized) -> None:
    web = stage.stack.web
    allows = [s for s in bucket_policy(stage, web.bucket) if s["Effect"] == "Allow"]
    (statement,) = allows
    assert statement["Principal"] == {"Service": "cloudfront.amazonaws.com"}
    assert statement["Action"] == "s3:GetObject"
    assert render(statement["Resource"]) == f"<{stage.logical_id(web.bucket)}.Arn>/*"
    source = statement["Condition"]["StringEquals"]["AWS:SourceArn"]
    assert render(source) == (
        f"arn:<AWS::Partition>:cloudfront::<AWS::AccountId>:distribution/"
        f"<{stage.logical_id(web.distribution)}>"
    )


def test_the_origin_uses_origin_access_control_not_an_identity(stage: Synthesized) -> None:
    (origin,) = distribution(stage)["Origins"]
    assert origin["DomainName"] == {
        "Fn::GetAtt": [stage.logical_id(stage.stack.web.bucket), "RegionalDomainName"]
    }
    assert origin["S3OriginConfig"] == {"OriginAccessIdentity": ""}
    oac_id = origin["OriginAccessControlId"]["Fn::GetAtt"][0]
    oac = stage.template["Resources"][oac_id]
    assert oac["Type"] == "AWS::CloudFront::OriginAccessControl"
    config = oac["Properties"]["OriginAccessControlConfig"]
    assert config["OriginAccessControlOriginType"] == "s3"
    assert config["SigningBehavior"] == "always"
    assert config["SigningProtocol"] == "sigv4"
    assert not stage.resources("AWS::CloudFront::CloudFrontOriginAccessIdentity")


# --------------------------------------------------------------------------- the distribution
def test_the_distribution_is_https_only_http2_and_3_and_european(stage: Synthesized) -> None:
    config = distribution(stage)
    behaviors = [config["DefaultCacheBehavior"], *config["CacheBehaviors"]]
    assert all(b["ViewerProtocolPolicy"] == "redirect-to-https" for b in behaviors)
    assert all(b["Compress"] is True for b in behaviors)
    assert config["HttpVersion"] == "http2and3"
    assert config["PriceClass"] == "PriceClass_100"
    assert config["DefaultRootObject"] == "index.html"
    assert config["Enabled"] is True
    # No custom domain yet: the default certificate (its policy is not configurable).
    assert "ViewerCertificate" not in config
    assert "Aliases" not in config


def test_the_distribution_logs_to_its_own_bucket(stage: Synthesized) -> None:
    web = stage.stack.web
    assert distribution(stage)["Logging"] == {
        "Bucket": {"Fn::GetAtt": [stage.logical_id(web.cdn_logs), "RegionalDomainName"]},
        "Prefix": "cloudfront/",
    }
    properties = bucket(stage, web.cdn_logs)["Properties"]
    # CloudFront standard logging delivers with an ACL; this is the one bucket with ACLs on.
    assert properties["OwnershipControls"] == {
        "Rules": [{"ObjectOwnership": "BucketOwnerPreferred"}]
    }
    assert properties["PublicAccessBlockConfiguration"]["BlockPublicAcls"] is True
    expirations = [r.get("ExpirationInDays") for r in properties["LifecycleConfiguration"]["Rules"]]
    assert stage.settings.access_log_days in expirations
    assert properties["LoggingConfiguration"]["DestinationBucketName"] == {
        "Ref": stage.logical_id(stage.stack.storage.access_logs)
    }


def test_unknown_paths_answer_404_with_her_page(stage: Synthesized) -> None:
    assert distribution(stage)["CustomErrorResponses"] == [
        {
            "ErrorCode": 403,
            "ResponseCode": 404,
            "ResponsePagePath": "/index.html",
            "ErrorCachingMinTTL": 10,
        }
    ]


def test_html_config_and_service_worker_are_not_cached_assets_are(stage: Synthesized) -> None:
    config = distribution(stage)
    assert config["DefaultCacheBehavior"]["CachePolicyId"] == CACHING_DISABLED
    (assets,) = config["CacheBehaviors"]
    assert assets["PathPattern"] == "assets/*"
    assert assets["CachePolicyId"] == CACHING_OPTIMIZED
    deployed = deployments(stage)
    assert deployed["DeployAssets"]["Properties"]["SystemMetadata"] == {
        "cache-control": ASSETS_CACHE_CONTROL
    }
    assert ASSETS_CACHE_CONTROL == "public, max-age=31536000, immutable"
    assert deployed["DeployPages"]["Properties"]["SystemMetadata"] == {
        "cache-control": PAGES_CACHE_CONTROL
    }
    assert PAGES_CACHE_CONTROL == "no-cache"


# --------------------------------------------------------------------------- directory indexes
def test_the_directory_index_function_rewrites_viewer_requests(stage: Synthesized) -> None:
    function = resource(stage, stage.stack.web.directory_index)["Properties"]
    assert function["FunctionConfig"]["Runtime"] == "cloudfront-js-2.0"
    assert function["AutoPublish"] is True
    assert function["FunctionCode"] == DIRECTORY_INDEX_FUNCTION.read_text()
    config = distribution(stage)
    assert config["DefaultCacheBehavior"]["FunctionAssociations"] == [
        {
            "EventType": "viewer-request",
            "FunctionARN": {
                "Fn::GetAtt": [stage.logical_id(stage.stack.web.directory_index), "FunctionARN"]
            },
        }
    ]
    assert "FunctionAssociations" not in config["CacheBehaviors"][0]


def run_function(uri: str, querystring: dict[str, Any] | None = None) -> dict[str, Any]:
    """Run ``directory_index.js``'s handler with node on a viewer-request event."""
    assert NODE is not None
    event = {"request": {"method": "GET", "uri": uri, "querystring": querystring or {}}}
    script = (
        DIRECTORY_INDEX_FUNCTION.read_text()
        + "\nprocess.stdout.write(JSON.stringify(handler(JSON.parse(process.argv[1]))));\n"
    )
    result = subprocess.run(
        [NODE, "-e", script, json.dumps(event)],
        capture_output=True,
        text=True,
        timeout=30,
        check=True,
    )
    output: dict[str, Any] = json.loads(result.stdout)
    return output


@pytest.mark.skipif(NODE is None, reason="node is not installed")
@pytest.mark.parametrize(
    ("uri", "rewritten"),
    [
        ("/", "/index.html"),
        ("/officer/", "/officer/index.html"),
        ("/console/", "/console/index.html"),
        ("/assets/x.js", "/assets/x.js"),
        ("/config.json", "/config.json"),
        ("/officer/sw.js", "/officer/sw.js"),
        ("/officer/manifest.webmanifest", "/officer/manifest.webmanifest"),
    ],
)
def test_directory_paths_serve_their_index_and_files_are_unchanged(
    uri: str, rewritten: str
) -> None:
    request = run_function(uri)
    assert request["uri"] == rewritten
    assert "statusCode" not in request


@pytest.mark.skipif(NODE is None, reason="node is not installed")
@pytest.mark.parametrize(
    ("uri", "querystring", "location"),
    [
        ("/officer", {}, "/officer/"),
        ("/console", {}, "/console/"),
        ("/officer", {"code": {"value": "ABC123"}}, "/officer/?code=ABC123"),
        (
            "/console",
            {
                "a": {"value": "1", "multiValue": [{"value": "1"}, {"value": "2"}]},
                "b": {"value": ""},
            },
            "/console/?a=1&a=2&b",
        ),
    ],
)
def test_a_directory_without_its_slash_is_redirected(
    uri: str, querystring: dict[str, Any], location: str
) -> None:
    response = run_function(uri, querystring)
    assert response["statusCode"] == 301
    assert response["headers"] == {"location": {"value": location}}


# --------------------------------------------------------------------------- headers
def headers_policy(stage: Synthesized) -> dict[str, Any]:
    policy_id = distribution(stage)["DefaultCacheBehavior"]["ResponseHeadersPolicyId"]["Ref"]
    config: dict[str, Any] = stage.template["Resources"][policy_id]["Properties"][
        "ResponseHeadersPolicyConfig"
    ]
    return config


def test_every_response_carries_the_security_headers(stage: Synthesized) -> None:
    config = distribution(stage)
    behaviors = [config["DefaultCacheBehavior"], *config["CacheBehaviors"]]
    assert {json.dumps(b["ResponseHeadersPolicyId"]) for b in behaviors} == {
        json.dumps({"Ref": stage.logical_id(stage.stack.web.headers)})
    }
    security = headers_policy(stage)["SecurityHeadersConfig"]
    assert security["StrictTransportSecurity"] == {
        "AccessControlMaxAgeSec": 63072000,
        "IncludeSubdomains": True,
        "Preload": True,
        "Override": True,
    }
    assert security["ContentTypeOptions"] == {"Override": True}
    assert security["FrameOptions"] == {"FrameOption": "DENY", "Override": True}
    assert security["ReferrerPolicy"] == {"ReferrerPolicy": "no-referrer", "Override": True}
    assert headers_policy(stage)["CustomHeadersConfig"]["Items"] == [
        {"Header": "Permissions-Policy", "Value": PERMISSIONS_POLICY, "Override": True}
    ]
    assert PERMISSIONS_POLICY == "camera=(self), microphone=(self), geolocation=(self)"


def test_the_content_security_policy(stage: Synthesized) -> None:
    csp = headers_policy(stage)["SecurityHeadersConfig"]["ContentSecurityPolicy"]
    assert csp["Override"] is True
    directives = {}
    for directive in render(csp["ContentSecurityPolicy"]).split("; "):
        name, *sources = directive.split(" ")
        directives[name] = sources
    assert directives == {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:", "blob:", "https://*.amazonaws.com"],
        "media-src": ["'self'", "blob:", "mediastream:"],
        "connect-src": [
            "'self'",
            api_origin(stage),
            "https://cognito-idp.<AWS::Region>.amazonaws.com",
            "https://*.chime.aws",
            "wss://*.chime.aws",
            "https://*.amazonaws.com",
        ],
        "worker-src": ["'self'", "blob:"],
        "frame-ancestors": ["'none'"],
        "base-uri": ["'none'"],
        "form-action": ["'self'"],
        "object-src": ["'none'"],
    }


# --------------------------------------------------------------------------- deployment
def staged_asset(stage: Synthesized, object_key: str) -> Path:
    """The directory CDK staged for an asset (``<hash>.zip`` is zipped from it on publish)."""
    path = stage.template_path.parent / f"asset.{object_key.removesuffix('.zip')}"
    assert path.is_dir(), path
    return path


def deployed_config(stage: Synthesized) -> dict[str, Any]:
    """``config.json`` exactly as the deployment will write it, tokens rendered."""
    properties = deployments(stage)["DeployPages"]["Properties"]
    (_, config_key) = properties["SourceObjectKeys"]
    assert properties["SourceMarkersConfig"][1] == {"jsonEscape": True}
    text = (staged_asset(stage, config_key) / "config.json").read_text()
    for marker, value in properties["SourceMarkers"][1].items():
        text = text.replace(marker, render(value))
    config: dict[str, Any] = json.loads(text)
    return config


def test_config_json_tells_the_pages_where_everything_is(stage: Synthesized) -> None:
    config = deployed_config(stage)
    stack = stage.stack
    assert set(config) == CONFIG_KEYS
    assert config["apiUrl"] == f"{api_origin(stage)}/api"
    assert not config["apiUrl"].endswith("/")
    assert config["region"] == "<AWS::Region>"
    assert config["userPoolId"] == f"<{stage.logical_id(stack.identity.user_pool)}>"
    assert config["officerClientId"] == (f"<{stage.logical_id(stack.identity.clients['officer'])}>")
    assert config["consoleClientId"] == (f"<{stage.logical_id(stack.identity.clients['console'])}>")
    assert config["cognitoEndpoint"] is None
    assert (
        config["publicUrl"] == f"https://<{stage.logical_id(stack.web.distribution)}.DomainName>/"
    )
    assert config["forces"] == [{"code": "MET", "name": "Metropolitan Police Service"}]
    assert [(f["code"], f["name"]) for f in config["forces"]] == list(stage.settings.forces)


def test_the_pages_and_assets_are_deployed_separately_assets_never_pruned(
    stage: Synthesized,
) -> None:
    deployed = deployments(stage)
    assets = deployed["DeployAssets"]["Properties"]
    pages = deployed["DeployPages"]["Properties"]
    bucket_ref = {"Ref": stage.logical_id(stage.stack.web.bucket)}
    assert assets["DestinationBucketName"] == pages["DestinationBucketName"] == bucket_ref
    assert assets["DestinationBucketKeyPrefix"] == "assets/"
    assert assets["Prune"] is False
    assert "DistributionId" not in assets
    assert pages["Prune"] is True
    assert pages["Exclude"] == ["assets/*"]  # nor uploaded, nor pruned by the pages deployment
    assert "DestinationBucketKeyPrefix" not in pages
    (asset_key,) = assets["SourceObjectKeys"]
    assert {p.name for p in staged_asset(stage, asset_key).iterdir()} == {"app-abc123.js"}
    site_key, _ = pages["SourceObjectKeys"]
    site = staged_asset(stage, site_key)
    uploaded = {str(p.relative_to(site)) for p in site.rglob("*") if p.is_file()}
    assert uploaded == {name for name in FAKE_SITE if not name.startswith("assets/")}
    # New pages only ever reference assets already uploaded.
    assets_deployment = stage.stack.web.deployments[0]
    assert assets_deployment.node.id == "DeployAssets"
    assets_id = stage.stack.resolve(
        assets_deployment.node.find_child("CustomResource").node.default_child.logical_id
    )
    assert assets_id in deployed["DeployPages"]["DependsOn"]


def test_a_deploy_invalidates_the_whole_distribution(stage: Synthesized) -> None:
    pages = deployments(stage)["DeployPages"]["Properties"]
    assert pages["DistributionId"] == {"Ref": stage.logical_id(stage.stack.web.distribution)}
    assert pages["DistributionPaths"] == ["/*"]


def test_the_deployment_role_can_do_exactly_what_the_handler_does(stage: Synthesized) -> None:
    web = stage.stack.web
    role_id = stage.logical_id(web.deployment_role)
    role = stage.template["Resources"][role_id]["Properties"]
    assert "ManagedPolicyArns" not in role
    assert "Policies" not in role
    (trust,) = role["AssumeRolePolicyDocument"]["Statement"]
    assert trust["Principal"] == {"Service": "lambda.amazonaws.com"}
    statements = [
        statement
        for policy in stage.resources("AWS::IAM::Policy").values()
        if {"Ref": role_id} in policy["Properties"]["Roles"]
        for statement in policy["Properties"]["PolicyDocument"]["Statement"]
    ]
    assert all(s["Effect"] == "Allow" and "Condition" not in s for s in statements)
    deployed = deployments(stage)
    zips = {
        f"arn:<AWS::Partition>:s3:::cdk-hnb659fds-assets-<AWS::AccountId>-<AWS::Region>/{key}"
        for d in deployed.values()
        for key in d["Properties"]["SourceObjectKeys"]
    }
    assert len(zips) == 3  # assets, pages, config.json
    site = stage.logical_id(web.bucket)
    assert _rendered_grants(statements) == {
        f"<{stage.logical_id(web.deployment_logs)}.Arn>": {
            "logs:CreateLogStream",
            "logs:PutLogEvents",
        },
        **{key: {"s3:GetObject"} for key in zips},
        f"<{site}.Arn>": {"s3:ListBucket"},
        f"<{site}.Arn>/*": {"s3:AbortMultipartUpload", "s3:DeleteObject", "s3:PutObject"},
        "arn:<AWS::Partition>:cloudfront::<AWS::AccountId>:distribution/"
        f"<{stage.logical_id(web.distribution)}>": {
            "cloudfront:CreateInvalidation",
            "cloudfront:GetInvalidation",
        },
    }
    # The handler runs as this role, logs to its own encrypted log group, and starts only once
    # the policy is attached.
    handler = resource(stage, web.deployment_handler)
    assert handler["Properties"]["Role"] == {"Fn::GetAtt": [role_id, "Arn"]}
    assert handler["Properties"]["LoggingConfig"] == {
        "LogGroup": {"Ref": stage.logical_id(web.deployment_logs)}
    }
    policy_id = stage.stack.resolve(
        web.deployment_role.node.find_child("DefaultPolicy").node.default_child.logical_id
    )
    assert handler["DependsOn"] == [policy_id]
    for deployment in deployed.values():
        assert deployment["Properties"]["ServiceToken"] == {
            "Fn::GetAtt": [stage.logical_id(web.deployment_handler), "Arn"]
        }


def _rendered_grants(statements: list[dict[str, Any]]) -> dict[str, set[str]]:
    """Like :func:`.test_iam.grants`, with ``Fn::Sub`` rendered too."""
    granted: dict[str, set[str]] = {}
    for statement in statements:
        for resource_ in as_list(statement["Resource"]):
            granted.setdefault(render(resource_), set()).update(as_list(statement["Action"]))
    return granted


def test_outputs_give_the_site_address_and_bucket(stage: Synthesized) -> None:
    outputs = stage.template["Outputs"]
    assert render(outputs["WebUrl"]["Value"]) == (
        f"https://<{stage.logical_id(stage.stack.web.distribution)}.DomainName>/"
    )
    assert outputs["WebBucket"]["Value"] == {"Ref": stage.logical_id(stage.stack.web.bucket)}


# --------------------------------------------------------------------------- building
@pytest.mark.parametrize(
    "files",
    [{}, {"officer/index.html": "x"}, {"index.html": "x"}],
    ids=["empty", "no-index", "no-assets"],
)
def test_synthesis_fails_clearly_without_a_built_site(
    tmp_path: Path, files: dict[str, str]
) -> None:
    site = write_site(tmp_path / "dist", files)
    with pytest.raises(SiteNotBuiltError, match=r"make web"):
        build([STAGES["dev"]], outdir=str(tmp_path / "cdk.out"), web_dist=site)


def test_a_custom_domain_needs_both_settings_and_a_us_east_1_certificate() -> None:
    dev = STAGES["dev"]
    with pytest.raises(ValueError, match="both"):
        dataclasses.replace(dev, web_domain="safeconnection.example.police.uk")
    with pytest.raises(ValueError, match="us-east-1"):
        dataclasses.replace(
            dev,
            web_domain="safeconnection.example.police.uk",
            web_certificate_arn="arn:aws:acm:eu-west-2:111111111111:certificate/abc",
        )
    with pytest.raises(ValueError, match="force"):
        dataclasses.replace(dev, forces=())


def test_a_custom_domain_gets_its_certificate_and_tls_1_2(tmp_path: Path) -> None:
    """The site on its own, in a bare stack (no Chalice packaging needed)."""
    settings: StageSettings = dataclasses.replace(
        STAGES["prod"],
        web_domain="safeconnection.example.police.uk",
        web_certificate_arn="arn:aws:acm:us-east-1:111111111111:certificate/abc",
    )
    app = cdk.App(outdir=str(tmp_path / "cdk.out"), context=feature_flags())
    stack = cdk.Stack(app, "site")
    site = StaticSite(
        stack,
        "Web",
        stage=settings,
        site=write_site(tmp_path / "dist"),
        key=kms.Key(stack, "Key"),
        access_logs=s3.Bucket(stack, "AccessLogs"),
        api_url="https://api.example/api",
        api_origin="https://api.example",
        user_pool_id="pool",
        officer_client_id="officer",
        console_client_id="console",
    )
    template = Template.from_stack(stack).to_json()
    (dist,) = [
        r for r in template["Resources"].values() if r["Type"] == "AWS::CloudFront::Distribution"
    ]
    config = dist["Properties"]["DistributionConfig"]
    assert config["Aliases"] == ["safeconnection.example.police.uk"]
    assert config["ViewerCertificate"] == {
        "AcmCertificateArn": "arn:aws:acm:us-east-1:111111111111:certificate/abc",
        "MinimumProtocolVersion": "TLSv1.2_2021",
        "SslSupportMethod": "sni-only",
    }
    assert site.url == "https://safeconnection.example.police.uk/"
    assert site.config["publicUrl"] == site.url
