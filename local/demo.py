"""The demo force that ``make run``, the tests and the bench start from: two areas, officers (one
suspended), two sergeants, an operator and an admin with Cognito logins, the sergeants' pagers and
the duty inspector's, seeded through the application's own adapters (:mod:`.provision` makes the
resources they live in)."""

from __future__ import annotations

import functools
import json
import struct
import uuid
import zlib
from datetime import timedelta
from typing import Any

from functions.adapters.alerts import SnsAlerts
from functions.adapters.photos import S3Photos
from functions.adapters.register_table import DynamoOfficerRegister
from functions.adapters.sessions_table import DynamoSessionStore
from functions.domain import Officer, Principal, Role
from functions.services.officers import OfficerService
from functions.services.ports import OfficerEntry, Pager

from .provision import DemoUser, Stack, aws_client, queue_arn

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
    (
        "supervisor",
        "Supervisor-Service-2026!",
        (Role.SUPERVISOR,),
        {"area": None},
        "duty inspector: service level, staffing and the record of stops (console, Service)",
    ),
]


def seed_demo(stack: Stack) -> Stack:
    """Seed the demo force: two areas, officers (one suspended), two sergeants, an operator and
    an admin, each with a Cognito login; sergeants on duty with an SQS queue as their pager; and
    the duty inspector's pager (an SQS queue subscribed to the force's ``inspector`` alerts);
    and the force's professional-standards contact (a queue on the standards topic)."""
    dynamodb = aws_client("dynamodb", stack)
    sqs = aws_client("sqs", stack)
    stack.inspector_pager_queue_url = _inspector_pager(stack, sqs)
    stack.standards_queue_url = standards_contact(stack, sqs, DEMO_FORCE)
    cognito = aws_client("cognito-idp", stack)
    register = DynamoOfficerRegister(dynamodb, stack.officers_table, stack.sessions_table)
    photos = S3Photos(aws_client("s3", stack), stack.photos_bucket)
    officers = OfficerService(
        register=register,
        sessions=DynamoSessionStore(
            dynamodb, stack.sessions_table, stack.officers_table, timedelta(days=30)
        ),
        alerts=SnsAlerts(aws_client("sns", stack), stack.alerts_topic_arn),
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
    aws_client("sns", stack).subscribe(
        TopicArn=stack.alerts_topic_arn,
        Protocol="sqs",
        Endpoint=queue_arn(sqs, url),
        Attributes={
            "FilterPolicy": json.dumps(INSPECTOR_FILTER_POLICY),
            "FilterPolicyScope": "MessageAttributes",
            "RawMessageDelivery": "false",
        },
        ReturnSubscriptionArn=True,
    )
    return url


def standards_contact(stack: Stack, sqs: Any, force: str) -> str:
    """An SQS queue subscribed to the standards topic for ``force`` only, as a force's
    professional-standards contact subscribes by email in AWS (``-c standardsEmails=...``)."""
    url = str(
        sqs.create_queue(QueueName=f"standards-{force.lower()}-{uuid.uuid4().hex[:6]}")["QueueUrl"]
    )
    aws_client("sns", stack).subscribe(
        TopicArn=stack.standards_topic_arn,
        Protocol="sqs",
        Endpoint=queue_arn(sqs, url),
        Attributes={
            "FilterPolicy": json.dumps({"force": [force]}),
            "FilterPolicyScope": "MessageAttributes",
            "RawMessageDelivery": "false",
        },
        ReturnSubscriptionArn=True,
    )
    return url
