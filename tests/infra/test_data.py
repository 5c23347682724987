"""Tables, the stage key and the photo buckets."""

from __future__ import annotations

from typing import Any

import pytest
from aws_cdk.assertions import Match

from functions import resources

from .conftest import Synthesized


def table_resource(stage: Synthesized, definition: resources.Table) -> dict[str, Any]:
    name = stage.settings.resource_name(definition.default_name)
    found = [
        r
        for r in stage.resources("AWS::DynamoDB::Table").values()
        if r["Properties"]["TableName"] == name
    ]
    assert len(found) == 1, f"table {name} not declared exactly once"
    table: dict[str, Any] = found[0]
    return table


def test_every_table_of_resources_py_is_declared_and_nothing_else(stage: Synthesized) -> None:
    names = {r["Properties"]["TableName"] for r in stage.resources("AWS::DynamoDB::Table").values()}
    assert names == {stage.settings.resource_name(t.default_name) for t in resources.TABLES}


@pytest.mark.parametrize("definition", resources.TABLES, ids=lambda t: t.logical_name)
def test_table_is_on_demand_recoverable_and_encrypted_with_the_stage_key(
    stage: Synthesized, definition: resources.Table
) -> None:
    properties = table_resource(stage, definition)["Properties"]
    assert properties["BillingMode"] == "PAY_PER_REQUEST"
    assert properties["PointInTimeRecoverySpecification"] == {
        "PointInTimeRecoveryEnabled": True,
        "RecoveryPeriodInDays": stage.settings.pitr_days,
    }
    key = stage.logical_id(stage.stack.data_key.key)
    assert properties["SSESpecification"] == {
        "SSEEnabled": True,
        "SSEType": "KMS",
        "KMSMasterKeyId": {"Fn::GetAtt": [key, "Arn"]},
    }


@pytest.mark.parametrize("definition", resources.TABLES, ids=lambda t: t.logical_name)
def test_ttl_and_stream_are_exactly_what_resources_py_says(
    stage: Synthesized, definition: resources.Table
) -> None:
    properties = table_resource(stage, definition)["Properties"]
    if definition.ttl_attribute:
        assert properties["TimeToLiveSpecification"] == {
            "AttributeName": definition.ttl_attribute,
            "Enabled": True,
        }
    else:
        assert "TimeToLiveSpecification" not in properties
    if definition.stream:
        assert properties["StreamSpecification"] == {"StreamViewType": "NEW_AND_OLD_IMAGES"}
    else:
        assert "StreamSpecification" not in properties


@pytest.mark.parametrize("definition", resources.TABLES, ids=lambda t: t.logical_name)
def test_prod_tables_are_protected_and_retained_dev_tables_are_not(
    dev: Synthesized, prod: Synthesized, definition: resources.Table
) -> None:
    prod_table = table_resource(prod, definition)
    assert prod_table["Properties"]["DeletionProtectionEnabled"] is True
    assert prod_table["DeletionPolicy"] == "Retain"
    assert prod_table["UpdateReplacePolicy"] == "Retain"
    dev_table = table_resource(dev, definition)
    assert dev_table["Properties"].get("DeletionProtectionEnabled", False) is False
    assert dev_table["DeletionPolicy"] == "Delete"


def test_the_stage_key_rotates_and_prod_keeps_it(dev: Synthesized, prod: Synthesized) -> None:
    for stage in (dev, prod):
        stage.assertions.has_resource_properties("AWS::KMS::Key", {"EnableKeyRotation": True})
    prod.assertions.has_resource(
        "AWS::KMS::Key", {"DeletionPolicy": "Retain", "Properties": {"PendingWindowInDays": 30}}
    )


def test_key_policy_lets_logs_use_it_only_for_this_stacks_log_groups(stage: Synthesized) -> None:
    key = stage.resources("AWS::KMS::Key")[stage.logical_id(stage.stack.data_key.key)]
    statements = key["Properties"]["KeyPolicy"]["Statement"]
    logs = next(s for s in statements if s.get("Sid") == "CloudWatchLogsForThisStackOnly")
    patterns = logs["Condition"]["ArnLike"]["kms:EncryptionContext:aws:logs:arn"]
    tails = [p["Fn::Join"][1][-1] for p in patterns]
    name = stage.settings.name
    assert tails == [
        f":log-group:/safe-connection/{name}/*",
        f":log-group:aws-waf-logs-safe-connection-{name}",
    ]
    service_statements = [s for s in statements if "Service" in s["Principal"]]
    assert all("Condition" in s for s in service_statements)


def bucket(stage: Synthesized, construct: Any) -> dict[str, Any]:
    resource: dict[str, Any] = stage.resources("AWS::S3::Bucket")[stage.logical_id(construct)]
    return resource


def bucket_policy(stage: Synthesized, construct: Any) -> list[dict[str, Any]]:
    logical_id = stage.logical_id(construct)
    for policy in stage.resources("AWS::S3::BucketPolicy").values():
        if policy["Properties"]["Bucket"] == {"Ref": logical_id}:
            statements: list[dict[str, Any]] = policy["Properties"]["PolicyDocument"]["Statement"]
            return statements
    raise AssertionError(f"no bucket policy for {logical_id}")


def test_photo_bucket_is_private_versioned_kms_encrypted_and_logged(stage: Synthesized) -> None:
    storage = stage.stack.storage
    properties = bucket(stage, storage.photos)["Properties"]
    assert properties["PublicAccessBlockConfiguration"] == {
        "BlockPublicAcls": True,
        "BlockPublicPolicy": True,
        "IgnorePublicAcls": True,
        "RestrictPublicBuckets": True,
    }
    assert properties["VersioningConfiguration"] == {"Status": "Enabled"}
    (rule,) = properties["BucketEncryption"]["ServerSideEncryptionConfiguration"]
    assert rule["BucketKeyEnabled"] is True
    assert rule["ServerSideEncryptionByDefault"]["SSEAlgorithm"] == "aws:kms"
    assert rule["ServerSideEncryptionByDefault"]["KMSMasterKeyID"] == {
        "Fn::GetAtt": [stage.logical_id(stage.stack.data_key.key), "Arn"]
    }
    assert properties["OwnershipControls"] == {
        "Rules": [{"ObjectOwnership": "BucketOwnerEnforced"}]
    }
    assert properties["LoggingConfiguration"]["DestinationBucketName"] == {
        "Ref": stage.logical_id(storage.access_logs)
    }


@pytest.mark.parametrize("which", ["photos", "access_logs"])
def test_buckets_refuse_plain_http_and_old_tls(stage: Synthesized, which: str) -> None:
    construct = getattr(stage.stack.storage, which)
    statements = bucket_policy(stage, construct)
    denies = [s for s in statements if s["Effect"] == "Deny"]
    conditions = [s["Condition"] for s in denies]
    assert {"Bool": {"aws:SecureTransport": "false"}} in conditions
    assert {"NumericLessThan": {"s3:TlsVersion": 1.2}} in conditions
    for statement in denies:
        assert statement["Principal"] == {"AWS": "*"}
        assert statement["Action"] == "s3:*"
    assert bucket(stage, construct)["Properties"]["PublicAccessBlockConfiguration"][
        "RestrictPublicBuckets"
    ]


def test_access_log_bucket_uses_s3_managed_keys_and_expires_logs(stage: Synthesized) -> None:
    properties = bucket(stage, stage.stack.storage.access_logs)["Properties"]
    (rule,) = properties["BucketEncryption"]["ServerSideEncryptionConfiguration"]
    assert rule["ServerSideEncryptionByDefault"] == {"SSEAlgorithm": "AES256"}
    expirations = [r.get("ExpirationInDays") for r in properties["LifecycleConfiguration"]["Rules"]]
    assert stage.settings.access_log_days in expirations


def test_only_prod_has_stack_termination_protection(dev: Synthesized, prod: Synthesized) -> None:
    assert prod.stack.termination_protection is True
    assert dev.stack.termination_protection is False
    assert prod.stack.stack_name == "safe-connection-prod"


def test_prod_buckets_are_retained(prod: Synthesized) -> None:
    prod.assertions.all_resources("AWS::S3::Bucket", {"DeletionPolicy": "Retain"})
    prod.assertions.all_resources("AWS::Logs::LogGroup", {"DeletionPolicy": "Retain"})
    prod.assertions.has_resource("AWS::Cognito::UserPool", {"DeletionPolicy": "Retain"})


def test_log_groups_are_encrypted_and_expire(stage: Synthesized) -> None:
    key = stage.logical_id(stage.stack.data_key.key)
    stage.assertions.all_resources_properties(
        "AWS::Logs::LogGroup",
        {
            "KmsKeyId": {"Fn::GetAtt": [key, "Arn"]},
            "RetentionInDays": Match.any_value(),
        },
    )
