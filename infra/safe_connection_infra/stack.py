"""One stage of Safe Connection as one CloudFormation stack."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import aws_cdk as cdk
from aws_cdk import aws_sns as sns
from aws_cdk import aws_sns_subscriptions as subscriptions
from constructs import Construct

from functions import resources

from .api import API_LOG_PREFIX, Api, FunctionRoles
from .data import DataKey, PhotoStorage, Tables
from .identity import Identity
from .messaging import Messaging
from .monitoring import Alarms
from .settings import APP_NAME, WEB_DIST, StageSettings
from .web import StaticSite

__all__ = ["SafeConnectionStack"]


class SafeConnectionStack(cdk.Stack):
    """Tables, topics, queues, rule, user pool, photo bucket, functions, API, WAF, alarms and
    the web pages (S3 + CloudFront).

    The construct id **is** the stage name (``dev``, ``prod``): ``chalice.cdk`` packages the
    Chalice stage named after its scope, so the stack must not be nested in another construct.

    Parameters
    ----------
    stage
        The stage's settings.
    ops_email
        Optional address subscribed to the operations topic (alarms).
    standards_emails
        Each force's professional-standards address, subscribed to the standards topic with a
        ``force`` filter: it is told of her feedback on that force's stops, and no other's.
    web_dist
        The built web front end (``make web`` writes ``web/dist``), deployed with the stage's
        ``config.json``; synthesis fails if it has not been built.
    """

    def __init__(
        self,
        scope: Construct,
        stage: StageSettings,
        *,
        ops_email: str | None = None,
        standards_emails: Mapping[str, str] | None = None,
        web_dist: Path = WEB_DIST,
        **kwargs: Any,
    ) -> None:
        super().__init__(
            scope,
            stage.name,
            stack_name=stage.stack_name,
            description=(
                f"Safe Connection ({stage.name}): officer identity verification over video"
            ),
            termination_protection=stage.production,
            **kwargs,
        )
        self.stage = stage
        for tag, value in {
            "project": APP_NAME,
            "stage": stage.name,
            "data-classification": "OFFICIAL-SENSITIVE",
        }.items():
            cdk.Tags.of(self).add(tag, value)

        self.data_key = DataKey(
            self,
            "DataKey",
            stage=stage,
            log_group_names=[
                f"{API_LOG_PREFIX}/{stage.name}/*",
                f"aws-waf-logs-{APP_NAME}-{stage.name}",
            ],
        )
        key = self.data_key.key
        self.tables = Tables(self, "Tables", stage=stage, key=key)
        self.storage = PhotoStorage(self, "Storage", stage=stage, key=key)
        self.messaging = Messaging(self, "Messaging", stage=stage, key=key)
        if ops_email:
            self.messaging.ops_topic.add_subscription(subscriptions.EmailSubscription(ops_email))
        standards = self.messaging.topics[resources.STANDARDS_TOPIC.logical_name]
        for force, address in sorted((standards_emails or {}).items()):
            standards.add_subscription(
                subscriptions.EmailSubscription(
                    address,
                    filter_policy={
                        "force": sns.SubscriptionFilter.string_filter(allowlist=[force])
                    },
                )
            )
        self.identity = Identity(self, "Identity", stage=stage)
        self.function_roles = FunctionRoles(
            self,
            "Functions",
            stage=stage,
            key=key,
            tables=self.tables,
            messaging=self.messaging,
            photos=self.storage,
        )
        self.function_environment = self._environment()
        self.api = Api(
            self,
            "Api",
            stage=stage,
            environment=self.function_environment,
            roles=self.function_roles,
            key=key,
        )
        self.alarms = Alarms(
            self,
            "Alarms",
            prefix=stage.stack_name,
            functions=self.api.functions,
            api_name=self.api.api_name,
            api_stage=self.api.api_stage_name,
            queues=self.messaging.queues,
            stream_failures=self.function_roles.stream_failures,
            topic=self.messaging.ops_topic,
        )
        self.web = StaticSite(
            self,
            "Web",
            stage=stage,
            site=web_dist,
            key=key,
            access_logs=self.storage.access_logs,
            api_url=self.api.url,
            api_origin=self.api.origin,
            user_pool_id=self.identity.user_pool.user_pool_id,
            officer_client_id=self.identity.clients["officer"].user_pool_client_id,
            console_client_id=self.identity.clients["console"].user_pool_client_id,
        )
        self._outputs()

    def _environment(self) -> dict[str, str]:
        """Every variable the functions read (``functions/config.py``), from the resources."""
        stage = self.stage
        env: dict[str, str] = {}
        for table in resources.TABLES:
            env[table.env_var] = self.tables.by_logical_name[table.logical_name].table_name
        for queue in resources.QUEUES:
            env[queue.env_var] = self.messaging.queues[queue.logical_name].queue.queue_url
        for topic in resources.TOPICS:
            env[topic.env_var] = self.messaging.topics[topic.logical_name].topic_arn
        env.update(
            {
                "PHOTOS_BUCKET": self.storage.photos.bucket_name,
                "USER_POOL_ID": self.identity.user_pool.user_pool_id,
                "USER_POOL_CLIENT_IDS": self.identity.client_ids,
                "MEDIA_REGION": stage.media_region,
                "ESCALATION_DELAY_SECONDS": str(stage.escalation_delay_seconds),
                "SESSION_RETENTION_DAYS": str(stage.session_retention_days),
                "PHOTO_URL_SECONDS": str(stage.photo_url_seconds),
                **resources.RUNTIME_ENVIRONMENT,
            }
        )
        return env

    def _outputs(self) -> None:
        values = {
            "ApiUrl": (self.api.url, "Base URL of the API (append a route, e.g. /sessions)"),
            "UserPoolId": (self.identity.user_pool.user_pool_id, "Cognito user pool"),
            "OfficerAppClientId": (
                self.identity.clients["officer"].user_pool_client_id,
                "App client of the officer app",
            ),
            "ConsoleClientId": (
                self.identity.clients["console"].user_pool_client_id,
                "App client of the control-room console",
            ),
            "PhotosBucket": (self.storage.photos.bucket_name, "Private officer-photo bucket"),
            "WebAclArn": (self.api.web_acl.attr_arn, "WAF web ACL in front of the API"),
            "WebUrl": (self.web.url, "The web pages: her page; /officer/ and /console/"),
            "WebBucket": (self.web.bucket.bucket_name, "Bucket of the web pages (deployed by CDK)"),
            "OperationsTopicArn": (
                self.messaging.ops_topic.topic_arn,
                "Alarms are sent here: subscribe the on-call team",
            ),
        }
        for name, (value, description) in values.items():
            cdk.CfnOutput(self, name, value=value, description=description)
