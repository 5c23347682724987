"""Where data lives: the stage's KMS key, the DynamoDB tables and the photo bucket.

Every table is declared from ``functions/resources.py`` (``TABLES``): keys, indexes, TTL and
streams come from there, so the local stack and the deployed one cannot drift.
"""

from __future__ import annotations

from collections.abc import Sequence

import aws_cdk as cdk
from aws_cdk import aws_dynamodb as dynamodb
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_s3 as s3
from constructs import Construct

from functions import resources

from .settings import APP_NAME, StageSettings

__all__ = ["PHOTO_PREFIX", "DataKey", "PhotoStorage", "Tables", "log_expiry"]

PHOTO_PREFIX = "photos/"
"""Key prefix of officer photos (``functions/adapters/photos.py``); IAM is scoped to it."""


def log_expiry(rule_id: str, stage: StageSettings) -> s3.LifecycleRule:
    """The lifecycle of a log bucket: logs kept ``stage.access_log_days``, nothing lingering."""
    return s3.LifecycleRule(
        id=rule_id,
        expiration=cdk.Duration.days(stage.access_log_days),
        noncurrent_version_expiration=cdk.Duration.days(1),
        abort_incomplete_multipart_upload_after=cdk.Duration.days(1),
    )


class DataKey(Construct):
    """The stage's customer-managed KMS key, rotated yearly.

    It encrypts the tables, queues, topics, photo bucket and log groups, so one key policy and
    CloudTrail's record of its use cover every piece of personal data. Services that write on our
    behalf are allowed in the key policy only for this stack's resources:

    * CloudWatch Logs, for log groups named by ``log_group_names`` (encryption context condition);
    * CloudWatch alarms, to publish to the encrypted operations topic.

    Functions get ``kms:Decrypt`` / ``kms:GenerateDataKey`` in their own role policies, restricted
    by ``kms:ViaService`` to the services they use (see :mod:`.api`).
    """

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        stage: StageSettings,
        log_group_names: Sequence[str],
    ) -> None:
        super().__init__(scope, construct_id)
        stack = cdk.Stack.of(self)
        self.key = kms.Key(
            self,
            "Key",
            alias=f"alias/{APP_NAME}-{stage.name}",
            description=f"Safe Connection {stage.name}: tables, queues, topics, photos and logs",
            enable_key_rotation=True,
            pending_window=cdk.Duration.days(30 if stage.production else 7),
            removal_policy=stage.removal_policy,
        )
        self.key.add_to_resource_policy(
            iam.PolicyStatement(
                sid="CloudWatchLogsForThisStackOnly",
                principals=[iam.ServicePrincipal(f"logs.{stack.region}.amazonaws.com")],
                actions=[
                    "kms:Decrypt*",
                    "kms:Describe*",
                    "kms:Encrypt*",
                    "kms:GenerateDataKey*",
                    "kms:ReEncrypt*",
                ],
                resources=["*"],  # in a key policy, "*" is this key
                conditions={
                    "ArnLike": {
                        "kms:EncryptionContext:aws:logs:arn": [
                            stack.format_arn(
                                service="logs",
                                resource="log-group",
                                resource_name=name,
                                arn_format=cdk.ArnFormat.COLON_RESOURCE_NAME,
                            )
                            for name in log_group_names
                        ]
                    }
                },
            )
        )
        self.key.add_to_resource_policy(
            iam.PolicyStatement(
                sid="CloudWatchAlarmsPublishToEncryptedTopics",
                principals=[iam.ServicePrincipal("cloudwatch.amazonaws.com")],
                actions=["kms:Decrypt", "kms:GenerateDataKey*"],
                resources=["*"],
                conditions={"StringEquals": {"aws:SourceAccount": stack.account}},
            )
        )


class Tables(Construct):
    """One DynamoDB table per entry of ``functions.resources.TABLES``.

    On-demand, point-in-time recovery, encrypted with the stage key, TTL and streams where the
    definition asks for them; deletion protection and RETAIN in production.
    """

    def __init__(
        self, scope: Construct, construct_id: str, *, stage: StageSettings, key: kms.IKey
    ) -> None:
        super().__init__(scope, construct_id)
        self.by_logical_name: dict[str, dynamodb.Table] = {}
        for definition in resources.TABLES:
            self.by_logical_name[definition.logical_name] = self._table(definition, stage, key)

    def _table(
        self, definition: resources.Table, stage: StageSettings, key: kms.IKey
    ) -> dynamodb.Table:
        def attribute(name: str | None) -> dynamodb.Attribute | None:
            return (
                dynamodb.Attribute(name=name, type=dynamodb.AttributeType.STRING) if name else None
            )

        table = dynamodb.Table(
            self,
            definition.logical_name,
            table_name=stage.resource_name(definition.default_name),
            partition_key=dynamodb.Attribute(
                name=definition.partition_key, type=dynamodb.AttributeType.STRING
            ),
            sort_key=attribute(definition.sort_key),
            billing_mode=dynamodb.BillingMode.PAY_PER_REQUEST,
            encryption=dynamodb.TableEncryption.CUSTOMER_MANAGED,
            encryption_key=key,
            point_in_time_recovery_specification=dynamodb.PointInTimeRecoverySpecification(
                point_in_time_recovery_enabled=True, recovery_period_in_days=stage.pitr_days
            ),
            time_to_live_attribute=definition.ttl_attribute,
            stream=dynamodb.StreamViewType.NEW_AND_OLD_IMAGES if definition.stream else None,
            deletion_protection=stage.production,
            removal_policy=stage.removal_policy,
        )
        for index in definition.indexes:
            table.add_global_secondary_index(
                index_name=index.name,
                partition_key=dynamodb.Attribute(
                    name=index.partition_key, type=dynamodb.AttributeType.STRING
                ),
                sort_key=attribute(index.sort_key),
                projection_type=dynamodb.ProjectionType.ALL,
            )
        return table


class PhotoStorage(Construct):
    """The private officer-photo bucket and the bucket that receives its access logs.

    Photos: SSE-KMS with the stage key (bucket key on), TLS 1.2+ only, every public access
    blocked, ACLs disabled, SSE-C refused, versioned (replaced photos recoverable for a while),
    server access logs on. Logs: SSE-S3 (S3 access logging cannot deliver to SSE-KMS buckets),
    TLS only, public access blocked, expired after the stage's retention.
    """

    def __init__(
        self, scope: Construct, construct_id: str, *, stage: StageSettings, key: kms.IKey
    ) -> None:
        super().__init__(scope, construct_id)
        self.access_logs = s3.Bucket(
            self,
            "AccessLogs",
            encryption=s3.BucketEncryption.S3_MANAGED,
            enforce_ssl=True,
            minimum_tls_version=1.2,
            block_public_access=s3.BlockPublicAccess.BLOCK_ALL,
            object_ownership=s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
            versioned=True,
            lifecycle_rules=[log_expiry("expire-access-logs", stage)],
            removal_policy=stage.removal_policy,
        )
        self.photos = s3.Bucket(
            self,
            "Photos",
            encryption=s3.BucketEncryption.KMS,
            encryption_key=key,
            bucket_key_enabled=True,
            blocked_encryption_types=[s3.BlockedEncryptionType.SSE_C],
            enforce_ssl=True,
            minimum_tls_version=1.2,
            block_public_access=s3.BlockPublicAccess.BLOCK_ALL,
            object_ownership=s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
            versioned=True,
            server_access_logs_bucket=self.access_logs,
            server_access_logs_prefix="photos/",
            lifecycle_rules=[
                s3.LifecycleRule(
                    id="expire-replaced-photos",
                    noncurrent_version_expiration=cdk.Duration.days(stage.noncurrent_photo_days),
                    abort_incomplete_multipart_upload_after=cdk.Duration.days(1),
                )
            ],
            removal_policy=stage.removal_policy,
        )

    def photo_objects_arn(self) -> str:
        """ARN pattern of the photo objects, ``<bucket>/photos/*``."""
        return self.photos.arn_for_objects(f"{PHOTO_PREFIX}*")
