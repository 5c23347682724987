"""Create the AWS resources and the demo force on moto (used by ``make run`` and the tests).

Tables come from :mod:`functions.resources`, the same definitions the CDK stack uses. Officers
are written through the application's own register adapter and sergeants go on duty through its
own service, so the demo data is exactly what the API would have made.
"""

from __future__ import annotations

import functools
import json
import re
import struct
import uuid
import zlib
from dataclasses import asdict, dataclass, field
from datetime import timedelta
from typing import Any, cast

import boto3

from functions.adapters.alerts import SnsAlerts
from functions.adapters.photos import S3Photos
from functions.adapters.register_table import DynamoOfficerRegister
from functions.adapters.sessions_table import DynamoSessionStore
from functions.domain import Officer, Principal, Role
from functions.resources import (
    ALERTS_TOPIC,
    AUDIT,
    IDEMPOTENCY,
    MEETING_EVENTS_QUEUE,
    MEETING_EVENTS_RULE,
    OFFICERS,
    QUEUES,
    RATE_LIMITS,
    SESSIONS,
    TABLES,
    TIMERS_QUEUE,
    EventRule,
    Queue,
)
from functions.services.officers import OfficerService
from functions.services.ports import OfficerEntry, Pager

__all__ = [
    "INSPECTOR_FILTER_POLICY",
    "DemoUser",
    "QueuePair",
    "Stack",
    "create_event_rule",
    "create_queue",
    "create_resources",
    "seed_demo",
]

DEMO_FORCE = "MET"
INSPECTOR_FILTER_POLICY = {"force": [DEMO_FORCE], "area": ["inspector"]}
"""The duty inspector's pager: the last escalation rung publishes with ``area=inspector``."""


@functools.cache
def demo_portrait() -> bytes:
    """A 160x200 PNG head-and-shoulders drawing: the demo officers' register photo.

    Drawn here (no image library) so that the identity card and her page show a face-shaped
    picture in the demo and in the browser tests' screenshots.
    """
    width, height = 160, 200
    background, skin, hair, tunic, collar = (
        (214, 222, 232),
        (224, 182, 150),
        (58, 40, 30),
        (22, 34, 58),
        (240, 240, 240),
    )
    rows = bytearray()
    for y in range(height):
        rows.append(0)  # PNG filter: none
        for x in range(width):
            colour = background
            head = ((x - 80) / 34) ** 2 + ((y - 78) / 44) ** 2
            shoulders = ((x - 80) / 78) ** 2 + ((y - 214) / 64) ** 2
            if shoulders <= 1:
                colour = collar if abs(x - 80) < 14 and y < 168 else tunic
            elif 116 <= y <= 150 and abs(x - 80) <= 17:
                colour = skin  # neck
            if head <= 1:
                colour = hair if y < 58 or (y < 80 and abs(x - 80) > 28) else skin
            rows.extend(colour)

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(bytes(rows), 9))
        + chunk(b"IEND", b"")
    )


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
    timers_queue_url: str = ""
    timers_dlq_url: str = ""
    meeting_events_queue_url: str = ""
    meeting_events_dlq_url: str = ""
    meeting_events_rule_arn: str = ""
    sessions_stream_arn: str = ""
    inspector_pager_queue_url: str = ""
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
            TIMERS_QUEUE.env_var: self.timers_queue_url,
            MEETING_EVENTS_QUEUE.env_var: self.meeting_events_queue_url,
            ALERTS_TOPIC.env_var: self.alerts_topic_arn,
            "PHOTOS_BUCKET": self.photos_bucket,
            "USER_POOL_ID": self.user_pool_id,
            "USER_POOL_CLIENT_IDS": self.user_pool_client_id,
        }

    def to_json(self) -> str:
        return json.dumps(asdict(self), indent=2) + "\n"

    def user(self, username: str) -> DemoUser:
        return next(u for u in self.users if u.username == username)


def _client(service: str, stack_or_url: Stack | str, region: str | None = None) -> Any:
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
    dlq_arn = _queue_arn(sqs, dlq_url)
    url = sqs.create_queue(
        QueueName=name,
        Attributes={
            "VisibilityTimeout": str(queue.visibility_timeout_seconds),
            "RedrivePolicy": json.dumps(
                {"deadLetterTargetArn": dlq_arn, "maxReceiveCount": queue.max_receives}
            ),
        },
    )["QueueUrl"]
    return QueuePair(url=url, arn=_queue_arn(sqs, url), dlq_url=dlq_url, dlq_arn=dlq_arn)


def _queue_arn(sqs: Any, url: str) -> str:
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
    dynamodb = _client("dynamodb", aws_endpoint_url, region)
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
    sqs = _client("sqs", aws_endpoint_url, region)
    queues = {
        queue.logical_name: create_queue(sqs, f"{prefix}-{_kebab(queue.logical_name)}", queue)
        for queue in QUEUES
    }
    rule_arn = create_event_rule(
        _client("events", aws_endpoint_url, region),
        sqs,
        f"{prefix}-{_kebab(MEETING_EVENTS_RULE.logical_name)}",
        MEETING_EVENTS_RULE,
        queues[MEETING_EVENTS_RULE.target.logical_name],
    )
    topic_arn = _client("sns", aws_endpoint_url, region).create_topic(
        Name=f"{prefix}-{ALERTS_TOPIC.logical_name.lower()}"
    )["TopicArn"]
    bucket = f"{prefix}-photos-{uuid.uuid4().hex[:8]}"
    _client("s3", aws_endpoint_url, region).create_bucket(
        Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": region}
    )
    cognito = _client("cognito-idp", aws_endpoint_url, region)
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
        photos_bucket=bucket,
        user_pool_id=pool_id,
        user_pool_client_id=client_id,
        audit_table=names[AUDIT.logical_name],
        idempotency_table=names[IDEMPOTENCY.logical_name],
        rate_limits_table=names[RATE_LIMITS.logical_name],
        timers_queue_url=queues[TIMERS_QUEUE.logical_name].url,
        timers_dlq_url=queues[TIMERS_QUEUE.logical_name].dlq_url,
        meeting_events_queue_url=queues[MEETING_EVENTS_QUEUE.logical_name].url,
        meeting_events_dlq_url=queues[MEETING_EVENTS_QUEUE.logical_name].dlq_url,
        meeting_events_rule_arn=rule_arn,
        sessions_stream_arn=stream_arns[SESSIONS.logical_name],
    )


# username, password, roles, officer record (or force/area for staff without one), description
_DEMO: list[tuple[str, str, tuple[Role, ...], dict[str, Any], str]] = [
    (
        "officer.central",
        "Officer-Central-2026!",
        (Role.OFFICER,),
        {
            "officer_id": "met-4521",
            "shoulder_number": "4521",
            "given_name": "Sam",
            "family_name": "Ahmed",
            "rank": "PC",
            "area": "CENTRAL",
            "status": "serving",
            "is_sergeant": False,
            "on_duty": True,
            "photo": True,
        },
        "plain-clothes PC in CENTRAL, on duty, with photo",
    ),
    (
        "officer.north",
        "Officer-North-2026!",
        (Role.OFFICER,),
        {
            "officer_id": "met-7710",
            "shoulder_number": "7710",
            "given_name": "Alex",
            "family_name": "Jones",
            "rank": "DC",
            "area": "NORTH",
            "status": "serving",
            "is_sergeant": False,
            "on_duty": True,
            "photo": False,
        },
        "DC in NORTH, on duty, no photo",
    ),
    (
        "officer.suspended",
        "Officer-Suspended-2026!",
        (Role.OFFICER,),
        {
            "officer_id": "met-3001",
            "shoulder_number": "3001",
            "given_name": "Chris",
            "family_name": "Doyle",
            "rank": "PC",
            "area": "CENTRAL",
            "status": "suspended",
            "is_sergeant": False,
            "on_duty": False,
            "photo": False,
        },
        "SUSPENDED PC in CENTRAL: verified must be refused",
    ),
    (
        "sergeant.central",
        "Sergeant-Central-2026!",
        (Role.SERGEANT, Role.OFFICER),
        {
            "officer_id": "met-0118",
            "shoulder_number": "118",
            "given_name": "Grace",
            "family_name": "Okafor",
            "rank": "PS",
            "area": "CENTRAL",
            "status": "serving",
            "is_sergeant": True,
            "on_duty": True,
            "photo": True,
        },
        "control-room sergeant for CENTRAL, on duty, paged",
    ),
    (
        "sergeant.north",
        "Sergeant-North-2026!",
        (Role.SERGEANT, Role.OFFICER),
        {
            "officer_id": "met-0205",
            "shoulder_number": "205",
            "given_name": "Tom",
            "family_name": "Walsh",
            "rank": "PS",
            "area": "NORTH",
            "status": "serving",
            "is_sergeant": True,
            "on_duty": True,
            "photo": False,
        },
        "control-room sergeant for NORTH, on duty, paged",
    ),
    (
        "operator",
        "Operator-Control-2026!",
        (Role.OPERATOR,),
        {"area": None},
        "999 operator: looks officers up by force and shoulder number",
    ),
    ("admin", "Admin-Register-2026!", (Role.ADMIN,), {"area": None}, "keeps the officer register"),
]


def seed_demo(stack: Stack) -> Stack:
    """Seed the demo force: two areas, officers (one suspended), two sergeants, an operator and
    an admin, each with a Cognito login; sergeants on duty with an SQS queue as their pager; and
    the duty inspector's pager (an SQS queue subscribed to the force's ``inspector`` alerts)."""
    dynamodb = _client("dynamodb", stack)
    sqs = _client("sqs", stack)
    stack.inspector_pager_queue_url = _inspector_pager(stack, sqs)
    cognito = _client("cognito-idp", stack)
    register = DynamoOfficerRegister(dynamodb, stack.officers_table, stack.sessions_table)
    photos = S3Photos(_client("s3", stack), stack.photos_bucket)
    officers = OfficerService(
        register=register,
        sessions=DynamoSessionStore(
            dynamodb, stack.sessions_table, stack.officers_table, timedelta(days=30)
        ),
        alerts=SnsAlerts(_client("sns", stack), stack.alerts_topic_arn),
        photos=photos,
    )
    users: list[DemoUser] = []
    for username, password, roles, record, description in _DEMO:
        officer_id = record.get("officer_id")
        area = record.get("area")
        pager_url = None
        if officer_id:
            fields = {k: v for k, v in record.items() if k not in {"photo", "on_duty"}}
            officer = Officer.model_validate({**fields, "force": DEMO_FORCE})
            pager = None
            if Role.SERGEANT in roles:
                queue_name = f"pager-{username.replace('.', '-')}-{uuid.uuid4().hex[:6]}"
                pager_url = sqs.create_queue(QueueName=queue_name)["QueueUrl"]
                arn = sqs.get_queue_attributes(QueueUrl=pager_url, AttributeNames=["QueueArn"])
                pager = Pager("sqs", arn["Attributes"]["QueueArn"])
            entry = register.save(
                OfficerEntry(officer=officer, pager=pager), expected_revision=None
            )
            if record.get("photo"):
                key = photos.put(officer.officer_id, demo_portrait(), "image/png")
                entry = register.save(
                    OfficerEntry(
                        officer=officer.model_copy(update={"photo_key": key}), pager=pager
                    ),
                    expected_revision=entry.revision,
                )
            if record.get("on_duty"):
                principal = Principal(
                    user_id=username,
                    roles=frozenset(roles),
                    force=DEMO_FORCE,
                    area=officer.area,
                    officer_id=officer.officer_id,
                )
                officers.set_duty(principal, True)
        attributes = [{"Name": "custom:force", "Value": DEMO_FORCE}]
        if area:
            attributes.append({"Name": "custom:area", "Value": area})
        if officer_id:
            attributes.append({"Name": "custom:officer_id", "Value": officer_id})
        cognito.admin_create_user(
            UserPoolId=stack.user_pool_id,
            Username=username,
            UserAttributes=attributes,
            MessageAction="SUPPRESS",
        )
        cognito.admin_set_user_password(
            UserPoolId=stack.user_pool_id, Username=username, Password=password, Permanent=True
        )
        for role in roles:
            cognito.admin_add_user_to_group(
                UserPoolId=stack.user_pool_id, Username=username, GroupName=role.value
            )
        users.append(
            DemoUser(
                username=username,
                password=password,
                role=roles[0].value,
                force=DEMO_FORCE,
                area=area,
                shoulder_number=record.get("shoulder_number"),
                officer_id=officer_id,
                description=description,
                pager_queue_url=pager_url,
            )
        )
    stack.users = users
    return stack


def _inspector_pager(stack: Stack, sqs: Any) -> str:
    """An SQS queue subscribed to the alerts topic with :data:`INSPECTOR_FILTER_POLICY`, the way
    the application subscribes a sergeant's pager (SNS envelope, filter on message attributes).
    Only the last rung of the escalation ladder reaches it; force-wide (``area=all``) alerts
    do not."""
    url = str(sqs.create_queue(QueueName=f"pager-inspector-{uuid.uuid4().hex[:6]}")["QueueUrl"])
    _client("sns", stack).subscribe(
        TopicArn=stack.alerts_topic_arn,
        Protocol="sqs",
        Endpoint=_queue_arn(sqs, url),
        Attributes={
            "FilterPolicy": json.dumps(INSPECTOR_FILTER_POLICY),
            "FilterPolicyScope": "MessageAttributes",
            "RawMessageDelivery": "false",
        },
        ReturnSubscriptionArn=True,
    )
    return url


def login(stack: Stack, username: str, password: str | None = None) -> str:
    """A Cognito ID token for a demo user, by the standard ``InitiateAuth`` call."""
    secret = password or stack.user(username).password
    response = _client("cognito-idp", stack).initiate_auth(
        AuthFlow="USER_PASSWORD_AUTH",
        ClientId=stack.user_pool_client_id,
        AuthParameters={"USERNAME": username, "PASSWORD": secret},
    )
    return str(response["AuthenticationResult"]["IdToken"])
