"""Per-stage settings: everything that differs between ``dev`` and ``prod`` lives here.

A stage's name is also its Chalice stage in ``.chalice/config.json`` (Lambda memory, timeout and
API Gateway stage name come from there) and its CloudFormation stack is ``safe-connection-<stage>``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aws_cdk as cdk
from aws_cdk import aws_logs as logs

__all__ = [
    "APP_NAME",
    "CDK_JSON",
    "DEFAULT_FORCES",
    "REPO_ROOT",
    "STAGES",
    "WEB_DIST",
    "StageSettings",
    "feature_flags",
    "stage_settings",
]

APP_NAME = "safe-connection"
REPO_ROOT = Path(__file__).resolve().parents[2]
CDK_JSON = REPO_ROOT / "infra" / "cdk.json"
WEB_DIST = REPO_ROOT / "web" / "dist"
"""Where ``make web`` (``npm run build`` in ``web/``) writes the built site."""

DEFAULT_FORCES: tuple[tuple[str, str], ...] = (("MET", "Metropolitan Police Service"),)
"""Forces offered by the web pages unless a stage lists its own (code, name)."""


@dataclass(frozen=True)
class StageSettings:
    """How one stage is built.

    Attributes
    ----------
    name
        Stage name; also the Chalice stage in ``.chalice/config.json``.
    production
        Production keeps its data: RETAIN removal policies, DynamoDB and Cognito deletion
        protection, KMS key kept 30 days after removal.
    log_retention
        CloudWatch Logs retention of function, API access and WAF logs.
    access_log_days
        Days the S3 server access logs are kept.
    noncurrent_photo_days
        Days a replaced or deleted officer photo stays recoverable (bucket versioning).
    api_rate_limit, api_burst_limit
        API Gateway stage throttling: steady requests per second and burst, for all methods.
    waf_rate_limit
        Requests per client IP in any 5 minutes before WAF blocks it, on every route. Officers
        behind one force NAT share an IP, so this is generous; the per-user limits are in the app.
    waf_public_rate_limit
        The same, for the unauthenticated public routes (``/verify/…``, ``/public/…``).
    pitr_days
        DynamoDB point-in-time recovery window.
    escalation_delay_seconds, session_retention_days, photo_url_seconds, media_region
        Application settings passed to the functions (see ``functions/config.py``).
    id_token_minutes, refresh_token_hours
        Cognito token lifetimes. ID/access tokens are short; the refresh token covers a shift.
    forces
        ``(code, name)`` of every force the web pages offer (her "which force stopped you?" and
        the console's look-up); written into the site's ``config.json``.
    service_level_alarm_percent
        The service level (answered within the target, out of requests, over the last hour) below
        which the service-level alarm pages the operations topic (default 80, the control room's
        goal; see docs/operations.md).
    web_domain, web_certificate_arn
        Optional custom domain of the web site (e.g. ``safeconnection.example.police.uk``) and
        the ARN of its ACM certificate, which CloudFront requires in ``us-east-1``. Both or
        neither; without them the site is served on its ``*.cloudfront.net`` address.
    """

    name: str
    production: bool
    log_retention: logs.RetentionDays
    access_log_days: int
    noncurrent_photo_days: int
    api_rate_limit: int
    api_burst_limit: int
    waf_rate_limit: int
    waf_public_rate_limit: int
    pitr_days: int = 35
    escalation_delay_seconds: int = 30
    session_retention_days: int = 30
    photo_url_seconds: int = 300
    media_region: str = "eu-west-2"
    id_token_minutes: int = 15
    refresh_token_hours: int = 12
    forces: tuple[tuple[str, str], ...] = DEFAULT_FORCES
    service_level_alarm_percent: float = 80.0
    web_domain: str | None = None
    web_certificate_arn: str | None = None

    def __post_init__(self) -> None:
        if (self.web_domain is None) != (self.web_certificate_arn is None):
            raise ValueError(
                f"stage {self.name}: set both web_domain and web_certificate_arn, or neither"
            )
        if self.web_certificate_arn and ":us-east-1:" not in self.web_certificate_arn:
            raise ValueError(
                f"stage {self.name}: CloudFront only accepts ACM certificates from us-east-1, "
                f"not {self.web_certificate_arn}"
            )
        if not self.forces:
            raise ValueError(f"stage {self.name}: the web pages need at least one force")
        if not 0 < self.service_level_alarm_percent <= 100:
            raise ValueError(
                f"stage {self.name}: service_level_alarm_percent must be in (0, 100], "
                f"not {self.service_level_alarm_percent}"
            )

    @property
    def stack_name(self) -> str:
        """The CloudFormation stack name, e.g. ``safe-connection-prod``."""
        return f"{APP_NAME}-{self.name}"

    @property
    def removal_policy(self) -> cdk.RemovalPolicy:
        """RETAIN in production (data outlives the stack), DESTROY elsewhere."""
        return cdk.RemovalPolicy.RETAIN if self.production else cdk.RemovalPolicy.DESTROY

    def resource_name(self, default_name: str, suffix: str = "") -> str:
        """A deployed name from a logical default, e.g. ``safe-connection-sessions-prod``."""
        return f"{default_name}-{self.name}{suffix}"


STAGES: dict[str, StageSettings] = {
    "dev": StageSettings(
        name="dev",
        production=False,
        log_retention=logs.RetentionDays.ONE_MONTH,
        access_log_days=90,
        noncurrent_photo_days=7,
        api_rate_limit=20,
        api_burst_limit=40,
        waf_rate_limit=1000,
        waf_public_rate_limit=100,
    ),
    "prod": StageSettings(
        name="prod",
        production=True,
        log_retention=logs.RetentionDays.THIRTEEN_MONTHS,
        access_log_days=400,
        noncurrent_photo_days=90,
        api_rate_limit=100,
        api_burst_limit=200,
        waf_rate_limit=3000,
        waf_public_rate_limit=100,
    ),
}


def stage_settings(name: str) -> StageSettings:
    """The settings of stage ``name``; a clear error for an unknown one."""
    try:
        return STAGES[name]
    except KeyError:
        known = ", ".join(sorted(STAGES))
        raise ValueError(f"unknown stage {name!r}: use one of {known}") from None


def feature_flags() -> dict[str, Any]:
    """CDK feature flags from ``infra/cdk.json``, so a plain ``python infra/app.py`` (no CDK CLI)
    and the tests synthesise exactly what ``cdk deploy`` does."""
    context: dict[str, Any] = json.loads(CDK_JSON.read_text())["context"]
    return context
