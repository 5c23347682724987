"""The web pages as a static site: a private S3 bucket behind CloudFront.

``make web`` builds ``web/`` (Vite) into ``web/dist``: her page (``index.html``, the site root),
the officer app (``officer/``, a PWA with ``manifest.webmanifest`` and ``sw.js``), the
control-room console (``console/``) and content-hashed files under ``assets/``. One build serves
every stage: each page reads ``/config.json`` from its own origin, and this module writes that
file for the stage it deploys (API URL, user pool and clients, forces, the site's own address).
The pages call the API cross-origin (bearer tokens, no cookies; the API answers CORS), so
CloudFront serves only these files and never proxies the API.

Choices
-------
* **Bucket**: private (every public access blocked, ACLs disabled), TLS 1.2+ only, reachable
  only through CloudFront Origin Access Control (the bucket policy names this distribution in
  ``aws:SourceArn``). Encrypted with **SSE-S3**, not the stage key: the files are public by
  design, and SSE-KMS would need a key-policy grant to CloudFront for no confidentiality gain.
  **Not versioned**: the content is a reproducible build of a git commit (roll back by
  deploying that commit), and versioning would keep a copy of every file on every deploy.
  Server access logs go to the stage's access-log bucket, like the photo bucket's.
* **Two deployments**: hashed ``assets/`` are uploaded first and **never pruned**, so a page
  that is already open (an officer mid-shift, or the officer app's service worker) can still
  load the chunk it references after a deploy (the Chime SDK is loaded only when a call
  starts). The pages and ``config.json`` follow, pruned (a removed page disappears), with a
  CloudFront invalidation of ``/*``.
* **Caching**: ``assets/*`` are immutable (``Cache-Control: public, max-age=31536000,
  immutable`` on the objects; CloudFront's managed *CachingOptimized* policy honours it).
  Everything else (HTML, ``config.json``, ``officer/sw.js``, the manifest) is ``no-cache`` for
  browsers and not cached at the edge (managed *CachingDisabled*), so a deploy is seen at once.
* **Viewer side**: HTTPS only (HTTP is redirected), HTTP/2 and HTTP/3, price class 100 (Europe
  and North America edges), security headers on every response (HSTS two years with preload,
  nosniff, ``DENY`` framing, no referrer, a CSP that allows only this origin, the API, Cognito
  and Chime, and a Permissions-Policy for camera, microphone and location). With the default
  ``*.cloudfront.net`` certificate CloudFront negotiates what the viewer offers; a custom
  domain (:class:`.settings.StageSettings` ``web_domain``) gets TLS 1.2 (2021 policy) minimum.
* **Directory paths**: S3 has no directory index behind OAC, so a CloudFront Function
  (``directory_index.js``) serves ``/officer/`` from ``/officer/index.html`` and redirects
  ``/officer`` to ``/officer/``. Unknown paths answer 404 with her page (S3 answers 403 for a
  missing key when CloudFront may not list the bucket).
* **Logs**: CloudFront standard logs (viewer IPs, so kept only as long as the stage's access
  logs) go to their own bucket, which has ACLs enabled because CloudFront's log delivery
  writes with an ACL; every other bucket has ACLs disabled.
* **Deployment role**: the ``BucketDeployment`` custom resource's Lambda runs as a role built
  here, not CDK's default (which attaches ``AWSLambdaBasicExecutionRole`` and grants
  ``s3:GetObject*``/``s3:List*``/``s3:DeleteObject*`` and ``cloudfront:*Invalidation`` on
  ``*``): it may read exactly this deployment's source zips, list and write this site's bucket,
  invalidate this distribution and write its own KMS-encrypted log group.
* **Not here**: a CloudFront web ACL (it must live in ``us-east-1``; the files are static and
  public, and the API behind them has its own regional WAF) and geo restriction (a visitor
  roaming on a foreign SIM appears to be abroad). See the cdk-nag acknowledgments below.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any, cast

import aws_cdk as cdk
from aws_cdk import aws_certificatemanager as acm
from aws_cdk import aws_cloudfront as cloudfront
from aws_cdk import aws_cloudfront_origins as origins
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_logs as logs
from aws_cdk import aws_s3 as s3
from aws_cdk import aws_s3_assets as s3_assets
from aws_cdk import aws_s3_deployment as s3deploy
from constructs import Construct

from .api import log_group_name
from .data import log_expiry
from .nag import acknowledge, nag_resource
from .settings import APP_NAME, StageSettings

__all__ = [
    "ASSETS_CACHE_CONTROL",
    "ASSETS_PREFIX",
    "CONFIG_OBJECT",
    "DEPLOYMENT_HANDLER_ID",
    "DIRECTORY_INDEX_FUNCTION",
    "HSTS_MAX_AGE",
    "PAGES_CACHE_CONTROL",
    "PERMISSIONS_POLICY",
    "SiteNotBuiltError",
    "StaticSite",
    "check_site",
    "content_security_policy",
]

ASSETS_PREFIX = "assets/"
"""Vite's output directory of content-hashed files (``build.assetsDir``)."""
CONFIG_OBJECT = "config.json"
"""The run-time configuration every page fetches from its own origin."""
ASSETS_CACHE_CONTROL = "public, max-age=31536000, immutable"
PAGES_CACHE_CONTROL = "no-cache"
PERMISSIONS_POLICY = "camera=(self), microphone=(self), geolocation=(self)"
HSTS_MAX_AGE = cdk.Duration.days(730)
DEPLOYMENT_HANDLER_ID = "Custom::CDKBucketDeployment"
"""Id prefix of the BucketDeployment singleton function (a child of the stack)."""
DIRECTORY_INDEX_FUNCTION = Path(__file__).with_name("directory_index.js")
"""The CloudFront Function's code (viewer request, default behaviour)."""

GEO_REASON = (
    "The site is her public verification page and the officer app: a woman stopped in the UK "
    "may be on a foreign SIM, whose roaming traffic leaves from (and geolocates to) its home "
    "country, so a geo restriction would turn away exactly the people the page is for; the "
    "content is static and public."
)
CDN_WAF_REASON = (
    "A CloudFront web ACL must be created in us-east-1 (this stack is regional), and the "
    "distribution serves only static, public files from S3 with no compute behind it; "
    "CloudFront and Shield Standard absorb floods, and the API the pages call has its own "
    "regional WAF with per-IP rate limits."
)
DEFAULT_CERTIFICATE_REASON = (
    "Until the force gives the site its own domain the distribution uses the default "
    "*.cloudfront.net certificate, for which CloudFront ignores the minimum protocol version; "
    "setting web_domain and web_certificate_arn (ACM, us-east-1) in the stage settings "
    "switches to SNI with the TLSv1.2_2021 policy and this acknowledgment disappears."
)
DEPLOYMENT_RUNTIME_REASON = (
    "The BucketDeployment handler is aws-cdk-lib's own code, bundled with an AWS CLI layer "
    "and pinned by the library to the Python runtime it is tested on; it runs only during a "
    "CloudFormation deploy, and upgrading aws-cdk-lib moves it to a newer runtime."
)
SITE_OBJECTS_REASON = (
    "The BucketDeployment writes the whole built site: file names come from the build "
    "(content-hashed assets) and pruning deletes pages the build no longer has, so the grant "
    "is PutObject/DeleteObject/AbortMultipartUpload on every key of this one site bucket, "
    "which holds nothing but the public site."
)


class SiteNotBuiltError(FileNotFoundError):
    """The web front end has not been built (``web/dist`` is missing or incomplete)."""


def check_site(site: Path) -> None:
    """Fail early and clearly if ``site`` is not a built front end.

    Raises
    ------
    SiteNotBuiltError
        ``site`` has no ``index.html`` or no ``assets/`` directory.
    """
    missing = [name for name in ("index.html", ASSETS_PREFIX) if not (site / name).exists()]
    if missing:
        raise SiteNotBuiltError(
            f"the web front end is not built: {site} has no {' and no '.join(missing)}. "
            "Run `make web` first (it builds web/ into web/dist)."
        )


def content_security_policy(*, api_origin: str, region: str) -> str:
    """The pages' Content-Security-Policy.

    Only this origin's scripts and styles; the API, Cognito and Chime (signalling over HTTPS
    and WebSocket, media from camera and microphone streams) to connect to; presigned S3 URLs
    (officer photos) as images; nothing may frame the pages, change their base URL or embed
    plugins.

    Parameters
    ----------
    api_origin
        ``https://<api id>.execute-api.<region>.amazonaws.com`` (may be a token).
    region
        The user pool's region (may be a token).
    """
    directives: dict[str, Sequence[str]] = {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:", "blob:", "https://*.amazonaws.com"],
        "media-src": ["'self'", "blob:", "mediastream:"],
        "connect-src": [
            "'self'",
            api_origin,
            f"https://cognito-idp.{region}.amazonaws.com",
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
    return "; ".join(f"{name} {' '.join(sources)}" for name, sources in directives.items())


class StaticSite(Construct):
    """The web pages' bucket, CloudFront distribution and deployment (see the module docstring).

    Parameters
    ----------
    stage
        Removal policy, log retention, forces and the optional custom domain.
    site
        The built front end (``web/dist``); checked with :func:`check_site`.
    key
        The stage key: encrypts the deployment function's log group.
    access_logs
        Where the buckets' S3 server access logs go.
    api_url
        The API's base URL without a trailing slash (``config.json`` ``apiUrl``).
    api_origin
        The API's origin (allowed by the CSP's ``connect-src``).
    user_pool_id, officer_client_id, console_client_id
        Cognito, for ``config.json``.
    """

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        stage: StageSettings,
        site: Path,
        key: kms.IKey,
        access_logs: s3.IBucket,
        api_url: str,
        api_origin: str,
        user_pool_id: str,
        officer_client_id: str,
        console_client_id: str,
    ) -> None:
        super().__init__(scope, construct_id)
        check_site(site)
        stack = cdk.Stack.of(self)
        self.bucket = s3.Bucket(
            self,
            "Bucket",
            encryption=s3.BucketEncryption.S3_MANAGED,
            enforce_ssl=True,
            minimum_tls_version=1.2,
            block_public_access=s3.BlockPublicAccess.BLOCK_ALL,
            object_ownership=s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
            versioned=False,
            server_access_logs_bucket=access_logs,
            server_access_logs_prefix="web/",
            lifecycle_rules=[
                s3.LifecycleRule(
                    id="abort-incomplete-uploads",
                    abort_incomplete_multipart_upload_after=cdk.Duration.days(1),
                )
            ],
            removal_policy=stage.removal_policy,
        )
        self.cdn_logs = s3.Bucket(
            self,
            "CdnLogs",
            encryption=s3.BucketEncryption.S3_MANAGED,
            enforce_ssl=True,
            minimum_tls_version=1.2,
            block_public_access=s3.BlockPublicAccess.BLOCK_ALL,
            # CloudFront standard logging delivers with an ACL: the one bucket with ACLs on.
            object_ownership=s3.ObjectOwnership.BUCKET_OWNER_PREFERRED,
            versioned=True,
            server_access_logs_bucket=access_logs,
            server_access_logs_prefix="cdn-logs/",
            lifecycle_rules=[log_expiry("expire-cdn-logs", stage)],
            removal_policy=stage.removal_policy,
        )
        self.directory_index = cloudfront.Function(
            self,
            "DirectoryIndex",
            code=cloudfront.FunctionCode.from_file(file_path=str(DIRECTORY_INDEX_FUNCTION)),
            runtime=cloudfront.FunctionRuntime.JS_2_0,
            comment=f"{APP_NAME} {stage.name}: /officer/ -> /officer/index.html",
        )
        self.headers = cloudfront.ResponseHeadersPolicy(
            self,
            "Headers",
            comment=f"{APP_NAME} {stage.name}: security headers of the web pages",
            security_headers_behavior=cloudfront.ResponseSecurityHeadersBehavior(
                content_security_policy=cloudfront.ResponseHeadersContentSecurityPolicy(
                    content_security_policy=content_security_policy(
                        api_origin=api_origin, region=stack.region
                    ),
                    override=True,
                ),
                content_type_options=cloudfront.ResponseHeadersContentTypeOptions(override=True),
                frame_options=cloudfront.ResponseHeadersFrameOptions(
                    frame_option=cloudfront.HeadersFrameOption.DENY, override=True
                ),
                referrer_policy=cloudfront.ResponseHeadersReferrerPolicy(
                    referrer_policy=cloudfront.HeadersReferrerPolicy.NO_REFERRER, override=True
                ),
                strict_transport_security=cloudfront.ResponseHeadersStrictTransportSecurity(
                    access_control_max_age=HSTS_MAX_AGE,
                    include_subdomains=True,
                    preload=True,
                    override=True,
                ),
            ),
            custom_headers_behavior=cloudfront.ResponseCustomHeadersBehavior(
                custom_headers=[
                    cloudfront.ResponseCustomHeader(
                        header="Permissions-Policy", value=PERMISSIONS_POLICY, override=True
                    )
                ]
            ),
        )
        self.distribution = self._distribution(stage)
        self.url = (
            f"https://{stage.web_domain}/"
            if stage.web_domain
            else f"https://{self.distribution.distribution_domain_name}/"
        )
        """The site's own address, with a trailing slash (``config.json`` ``publicUrl``)."""
        self.config: dict[str, Any] = {
            "apiUrl": api_url,
            "region": stack.region,
            "userPoolId": user_pool_id,
            "officerClientId": officer_client_id,
            "consoleClientId": console_client_id,
            "cognitoEndpoint": None,
            "publicUrl": self.url,
            "forces": [{"code": code, "name": name} for code, name in stage.forces],
        }
        """``config.json`` (tokens resolved at deploy time)."""
        self.deployment_logs = logs.LogGroup(
            self,
            "DeploymentLogs",
            log_group_name=log_group_name(stage, "web-deployment"),
            encryption_key=key,
            retention=stage.log_retention,
            removal_policy=stage.removal_policy,
        )
        self.deployment_role = iam.Role(
            self,
            "DeploymentRole",
            assumed_by=iam.ServicePrincipal("lambda.amazonaws.com"),
            description=f"{APP_NAME} {stage.name}: deploys the web site to its bucket",
        )
        self.deployments = self._deploy(site)
        self.deployment_handler = self._deployment_handler()
        """The deployments' (shared, singleton) handler function."""
        self._grant_deployment(self.deployments)
        self._acknowledge(stage)

    def _distribution(self, stage: StageSettings) -> cloudfront.Distribution:
        origin = origins.S3BucketOrigin.with_origin_access_control(self.bucket)
        certificate = (
            acm.Certificate.from_certificate_arn(self, "Certificate", stage.web_certificate_arn)
            if stage.web_certificate_arn
            else None
        )
        return cloudfront.Distribution(
            self,
            "Distribution",
            comment=f"{APP_NAME} {stage.name}: her page, the officer app and the console",
            default_behavior=cloudfront.BehaviorOptions(
                origin=origin,
                viewer_protocol_policy=cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
                cache_policy=cloudfront.CachePolicy.CACHING_DISABLED,
                response_headers_policy=self.headers,
                function_associations=[
                    cloudfront.FunctionAssociation(
                        function=self.directory_index,
                        event_type=cloudfront.FunctionEventType.VIEWER_REQUEST,
                    )
                ],
            ),
            additional_behaviors={
                f"{ASSETS_PREFIX}*": cloudfront.BehaviorOptions(
                    origin=origin,
                    viewer_protocol_policy=cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
                    cache_policy=cloudfront.CachePolicy.CACHING_OPTIMIZED,
                    response_headers_policy=self.headers,
                )
            },
            default_root_object="index.html",
            error_responses=[
                cloudfront.ErrorResponse(
                    http_status=403,
                    response_http_status=404,
                    response_page_path="/index.html",
                    ttl=cdk.Duration.seconds(10),
                )
            ],
            domain_names=[stage.web_domain] if stage.web_domain else None,
            certificate=certificate,
            # Only a custom certificate has a configurable policy (the default one is fixed).
            minimum_protocol_version=(
                cloudfront.SecurityPolicyProtocol.TLS_V1_2_2021 if certificate else None
            ),
            http_version=cloudfront.HttpVersion.HTTP2_AND_3,
            price_class=cloudfront.PriceClass.PRICE_CLASS_100,
            enable_logging=True,
            log_bucket=self.cdn_logs,
            log_file_prefix="cloudfront/",
        )

    def _deploy(self, site: Path) -> list[s3deploy.BucketDeployment]:
        """Hashed assets first (never pruned), then the pages and ``config.json``."""
        handler_role = self.deployment_role.without_policy_updates()  # grants: see below
        assets = s3deploy.BucketDeployment(
            self,
            "DeployAssets",
            destination_bucket=self.bucket,
            destination_key_prefix=ASSETS_PREFIX,
            sources=[s3deploy.Source.asset(str(site / ASSETS_PREFIX))],
            prune=False,
            cache_control=[s3deploy.CacheControl.from_string(ASSETS_CACHE_CONTROL)],
            role=handler_role,
            log_group=self.deployment_logs,
        )
        pages = s3deploy.BucketDeployment(
            self,
            "DeployPages",
            destination_bucket=self.bucket,
            sources=[
                # `assets` and a stray config.json stay out of the upload (glob, any depth).
                s3deploy.Source.asset(str(site), exclude=["assets", CONFIG_OBJECT]),
                # Source.json_data would drop the null cognitoEndpoint (jsii turns None into
                # undefined); the JSON text is written here, tokens JSON-escaped at deploy time.
                s3deploy.Source.data(
                    CONFIG_OBJECT, json.dumps(self.config, indent=2) + "\n", json_escape=True
                ),
            ],
            exclude=[f"{ASSETS_PREFIX}*"],  # neither uploaded nor pruned by this deployment
            prune=True,
            cache_control=[s3deploy.CacheControl.from_string(PAGES_CACHE_CONTROL)],
            distribution=self.distribution,
            distribution_paths=["/*"],
            role=handler_role,
            log_group=self.deployment_logs,
        )
        pages.node.add_dependency(assets)  # new pages only ever reference uploaded assets
        return [assets, pages]

    def _deployment_handler(self) -> lambda_.Function:
        """aws-s3-deployment creates one handler per stack, as a child of the stack."""
        handlers = [
            child
            for child in cdk.Stack.of(self).node.children
            if isinstance(child, lambda_.Function)
            and child.node.id.startswith(DEPLOYMENT_HANDLER_ID)
        ]
        if len(handlers) != 1:  # pragma: no cover - guards a change in aws-s3-deployment
            raise ValueError(f"expected one BucketDeployment handler, found {len(handlers)}")
        return handlers[0]

    def _grant_deployment(self, deployments: Sequence[s3deploy.BucketDeployment]) -> None:
        """Exactly what the deployment handler does (``aws s3 cp`` of each source zip, ``aws
        s3 sync [--delete]`` into the bucket, ``CreateInvalidation`` and its waiter)."""
        zips: list[str] = []
        for deployment in deployments:
            # Each source's asset is created in the deployment's own scope when it is bound.
            sources = [c for c in deployment.node.children if isinstance(c, s3_assets.Asset)]
            if not sources:  # pragma: no cover - guards a change in aws-s3-deployment
                raise ValueError(f"{deployment.node.path}: no source assets found to grant")
            zips += [source.bucket.arn_for_objects(source.s3_object_key) for source in sources]
        role = self.deployment_role
        for statement in (
            iam.PolicyStatement(
                sid="WriteOwnLogGroup",
                actions=["logs:CreateLogStream", "logs:PutLogEvents"],
                resources=[self.deployment_logs.log_group_arn],
            ),
            iam.PolicyStatement(
                sid="ReadThisSitesSourceZips", actions=["s3:GetObject"], resources=zips
            ),
            iam.PolicyStatement(
                sid="ListSiteBucket", actions=["s3:ListBucket"], resources=[self.bucket.bucket_arn]
            ),
            iam.PolicyStatement(
                sid="WriteSiteObjects",
                actions=["s3:AbortMultipartUpload", "s3:DeleteObject", "s3:PutObject"],
                resources=[self.bucket.arn_for_objects("*")],
            ),
            iam.PolicyStatement(
                sid="InvalidateThisDistribution",
                actions=["cloudfront:CreateInvalidation", "cloudfront:GetInvalidation"],
                resources=[self.distribution.distribution_arn],
            ),
        ):
            role.add_to_policy(statement)
        # The handler must not run before its policy is attached. CDK makes the function depend
        # on the role and its policy; the role is already referenced (GetAtt Arn), so only the
        # policy is kept (cfn-lint W3005). The deployments depend on the function.
        policy = cast(cdk.CfnResource, role.node.find_child("DefaultPolicy").node.default_child)
        function = cast(cdk.CfnResource, self.deployment_handler.node.default_child)
        function.add_override("DependsOn", [cdk.Stack.of(self).resolve(policy.logical_id)])

    def _acknowledge(self, stage: StageSettings) -> None:
        acknowledge(self.distribution, "AwsSolutions-CFR1", GEO_REASON)
        acknowledge(self.distribution, "AwsSolutions-CFR2", CDN_WAF_REASON)
        if not stage.web_certificate_arn:
            acknowledge(self.distribution, "AwsSolutions-CFR4", DEFAULT_CERTIFICATE_REASON)
        acknowledge(self.deployment_handler, "AwsSolutions-L1", DEPLOYMENT_RUNTIME_REASON)
        objects = nag_resource(self, self.bucket.arn_for_objects("*"))
        acknowledge(
            self.deployment_role, f"AwsSolutions-IAM5[Resource::{objects}]", SITE_OBJECTS_REASON
        )
