"""Create the AWS resources and the demo force on moto (used by ``make run`` and the tests).

Tables come from :mod:`functions.resources`, the same definitions the CDK stack uses. Officers
are written through the application's own register adapter and sergeants go on duty through its
own service, so the demo data is exactly what the API would have made.
"""

from __future__ import annotations

import json
import re
import uuid
from dataclasses import asdict, dataclass, field
from typing import Any, cast

import boto3

from functions.domain import Role
from functions.resources import (
    ALERTS_TOPIC,
    AUDIT,
    IDEMPOTENCY,
    MEETING_EVENTS_QUEUE,
    MEETING_EVENTS_RULE,
    OFFICERS,
    QUEUES,
    RATE_LIMITS,
    RECORDS,
    RUNTIME_ENVIRONMENT,
    SESSIONS,
    STANDARDS_TOPIC,
    TABLES,
    TIMERS_QUEUE,
    EventRule,
    Queue,
)

__all__ = [
    "DemoUser",
    "QueuePair",
    "Stack",
    "aws_client",
    "create_event_rule",
    "create_queue",
    "create_resources",
    "login",
    "queue_arn",
]


@dataclass
class DemoUser:
    """A demo login and who it is."""

    username: str
    password: str
    role: str
    force: str
    area: str | None
    shoulder_number: str | None
    officer_id: str | None
    description: str
    pager_queue_url: str | None = None


@dataclass
class Stack:
    """Everything a client or test needs to reach the local stack."""

    region: str
    aws_endpoint_url: str
    chime_endpoint_url: str
    sessions_table: str
    officers_table: str
    alerts_topic_arn: str
    photos_bucket: str
    user_pool_id: str
    user_pool_client_id: str
    audit_table: str = ""
    idempotency_table: str = ""
    rate_limits_table: str = ""
    records_table: str = ""
    timers_queue_url: str = ""
    timers_dlq_url: str = ""
    meeting_events_queue_url: str = ""
    meeting_events_dlq_url: str = ""
    meeting_events_rule_arn: str = ""
    sessions_stream_arn: str = ""
    inspector_pager_queue_url: str = ""
    standards_topic_arn: str = ""
    standards_queue_url: str = ""
    api_url: str = ""
    users: list[DemoUser] = field(default_factory=list)

    def app_environment(self) -> dict[str, str]:
        """The environment the application runs with (only standard endpoint variables)."""
        return {
            "AWS_REGION": self.region,
            "AWS_DEFAULT_REGION": self.region,
            "AWS_ENDPOINT_URL": self.aws_endpoint_url,
            "AWS_ENDPOINT_URL_CHIME_SDK_MEETINGS": self.chime_endpoint_url,
            SESSIONS.env_var: self.sessions_table,
            OFFICERS.env_var: self.officers_table,
            AUDIT.env_var: self.audit_table,
            IDEMPOTENCY.env_var: self.idempotency_table,
            RATE_LIMITS.env_var: self.rate_limits_table,
            RECORDS.env_var: self.records_table,
            TIMERS_QUEUE.env_var: self.timers_queue_url,
            MEETING_EVENTS_QUEUE.env_var: self.meeting_events_queue_url,
            ALERTS_TOPIC.env_var: self.alerts_topic_arn,
            STANDARDS_TOPIC.env_var: self.standards_topic_arn,
            "PHOTOS_BUCKET": self.photos_bucket,
            "USER_POOL_ID": self.user_pool_id,
            "USER_POOL_CLIENT_IDS": self.user_pool_client_id,
            **RUNTIME_ENVIRONMENT,
        }

    def to_json(self) -> str:
        return json.dumps(asdict(self), indent=2) + "\n"

    def user(self, username: str) -> DemoUser:
        return next(u for u in self.users if u.username == username)


def aws_client(service: str, stack_or_url: Stack | str, region: str | None = None) -> Any:
    url = stack_or_url if isinstance(stack_or_url, str) else stack_or_url.aws_endpoint_url
    reg = region or (stack_or_url.region if isinstance(stack_or_url, Stack) else "eu-west-2")
    return cast(Any, boto3.client)(  # boto3-stubs only types literal service names
        service,
        endpoint_url=url,
        region_name=reg,
        aws_access_key_id="testing",
        aws_secret_access_key="testing",  # noqa: S106 - moto accepts any key
    )


def _kebab(logical_name: str) -> str:
    """``MeetingEvents`` -> ``meeting-events`` (the naming of the CDK stack)."""
    return re.sub(r"(?<!^)(?=[A-Z])", "-", logical_name).lower()


@dataclass(frozen=True)
class QueuePair:
    """A queue and its dead-letter queue."""

    url: str
    arn: str
    dlq_url: str
    dlq_arn: str


def create_queue(sqs: Any, name: str, queue: Queue) -> QueuePair:
    """Create ``name`` and its dead-letter queue ``name-dlq``, as the CDK stack declares them: a
    message that has been received ``queue.max_receives`` times without being deleted is moved
    to the dead-letter queue (moto does this on the next receive, as SQS does)."""
    dlq_url = sqs.create_queue(
        QueueName=f"{name}-dlq",
        Attributes={"MessageRetentionPeriod": str(queue.dlq_retention_days * 86400)},
    )["QueueUrl"]
    dlq_arn = queue_arn(sqs, dlq_url)
    url = sqs.create_queue(
        QueueName=name,
        Attributes={
            "VisibilityTimeout": str(queue.visibility_timeout_seconds),
            "RedrivePolicy": json.dumps(
                {"deadLetterTargetArn": dlq_arn, "maxReceiveCount": queue.max_receives}
            ),
        },
    )["QueueUrl"]
    return QueuePair(url=url, arn=queue_arn(sqs, url), dlq_url=dlq_url, dlq_arn=dlq_arn)


def queue_arn(sqs: Any, url: str) -> str:
    attributes = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])
    return str(attributes["Attributes"]["QueueArn"])


def create_event_rule(events: Any, sqs: Any, name: str, rule: EventRule, target: QueuePair) -> str:
    """Put ``rule`` on the default event bus with ``target`` as its target, and give the queue
    the policy that lets only this rule send to it (moto does not enforce it; AWS does).
    Returns the rule's ARN."""
    rule_arn = str(events.put_rule(Name=name, EventPattern=json.dumps(rule.pattern))["RuleArn"])
    events.put_targets(
        Rule=name, Targets=[{"Id": _kebab(rule.target.logical_name), "Arn": target.arn}]
    )
    policy = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"Service": "events.amazonaws.com"},
                "Action": "sqs:SendMessage",
                "Resource": target.arn,
                "Condition": {"ArnEquals": {"aws:SourceArn": rule_arn}},
            }
        ],
    }
    sqs.set_queue_attributes(QueueUrl=target.url, Attributes={"Policy": json.dumps(policy)})
    return rule_arn


def create_resources(
    aws_endpoint_url: str, chime_endpoint_url: str, region: str, prefix: str = "safe-connection"
) -> Stack:
    """Create tables (with the sessions stream), queues with their dead-letter queues, the
    meeting-events rule on the default event bus, topic, bucket and user pool on moto; return
    where they are."""
    dynamodb = aws_client("dynamodb", aws_endpoint_url, region)
    names = {table.logical_name: f"{prefix}-{table.logical_name.lower()}" for table in TABLES}
    stream_arns: dict[str, str] = {}
    for table in TABLES:
        name = names[table.logical_name]
        description = dynamodb.create_table(**table.create_table_params(name))["TableDescription"]
        if table.stream:
            stream_arns[table.logical_name] = description["LatestStreamArn"]
        if table.ttl_attribute:
            dynamodb.update_time_to_live(
                TableName=name,
                TimeToLiveSpecification={"Enabled": True, "AttributeName": table.ttl_attribute},
            )
    sqs = aws_client("sqs", aws_endpoint_url, region)
    queues = {
        queue.logical_name: create_queue(sqs, f"{prefix}-{_kebab(queue.logical_name)}", queue)
        for queue in QUEUES
    }
    rule_arn = create_event_rule(
        aws_client("events", aws_endpoint_url, region),
        sqs,
        f"{prefix}-{_kebab(MEETING_EVENTS_RULE.logical_name)}",
        MEETING_EVENTS_RULE,
        queues[MEETING_EVENTS_RULE.target.logical_name],
    )
    sns = aws_client("sns", aws_endpoint_url, region)
    topic_arn, standards_arn = (
        sns.create_topic(Name=f"{prefix}-{topic.logical_name.lower()}")["TopicArn"]
        for topic in (ALERTS_TOPIC, STANDARDS_TOPIC)
    )
    bucket = f"{prefix}-photos-{uuid.uuid4().hex[:8]}"
    aws_client("s3", aws_endpoint_url, region).create_bucket(
        Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": region}
    )
    cognito = aws_client("cognito-idp", aws_endpoint_url, region)
    pool_id = cognito.create_user_pool(
        PoolName=f"{prefix}-users",
        Policies={
            "PasswordPolicy": {
                "MinimumLength": 12,
                "RequireUppercase": True,
                "RequireLowercase": True,
                "RequireNumbers": True,
                "RequireSymbols": True,
            }
        },
        AdminCreateUserConfig={"AllowAdminCreateUserOnly": True},
        Schema=[
            {"Name": name, "AttributeDataType": "String", "Mutable": True}
            for name in ("force", "area", "officer_id")
        ],
    )["UserPool"]["Id"]
    for role in Role:
        cognito.create_group(GroupName=role.value, UserPoolId=pool_id)
    client_id = cognito.create_user_pool_client(
        UserPoolId=pool_id,
        ClientName=f"{prefix}-apps",
        ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
    )["UserPoolClient"]["ClientId"]
    return Stack(
        region=region,
        aws_endpoint_url=aws_endpoint_url,
        chime_endpoint_url=chime_endpoint_url,
        sessions_table=names[SESSIONS.logical_name],
        officers_table=names[OFFICERS.logical_name],
        alerts_topic_arn=topic_arn,
        standards_topic_arn=standards_arn,
        photos_bucket=bucket,
        user_pool_id=pool_id,
        user_pool_client_id=client_id,
        audit_table=names[AUDIT.logical_name],
        idempotency_table=names[IDEMPOTENCY.logical_name],
        rate_limits_table=names[RATE_LIMITS.logical_name],
        records_table=names[RECORDS.logical_name],
        timers_queue_url=queues[TIMERS_QUEUE.logical_name].url,
        timers_dlq_url=queues[TIMERS_QUEUE.logical_name].dlq_url,
        meeting_events_queue_url=queues[MEETING_EVENTS_QUEUE.logical_name].url,
        meeting_events_dlq_url=queues[MEETING_EVENTS_QUEUE.logical_name].dlq_url,
        meeting_events_rule_arn=rule_arn,
        sessions_stream_arn=stream_arns[SESSIONS.logical_name],
    )


def login(stack: Stack, username: str, password: str | None = None) -> str:
    """A Cognito ID token for a demo user, by the standard ``InitiateAuth`` call."""
    secret = password or stack.user(username).password
    response = aws_client("cognito-idp", stack).initiate_auth(
        AuthFlow="USER_PASSWORD_AUTH",
        ClientId=stack.user_pool_client_id,
        AuthParameters={"USERNAME": username, "PASSWORD": secret},
    )
    return str(response["AuthenticationResult"]["IdToken"])
