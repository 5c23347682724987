"""Every response body the emulator sends conforms to the botocore output shape.

botocore's parser silently drops members it does not know, so this reads the raw bodies (through
botocore's ``before-parse`` event) and checks each member against the model: no member the model
does not define, every value of the modelled type, every member the model requires present.
"""

from __future__ import annotations

import json
import uuid
from typing import Any

import pytest
from botocore.exceptions import ClientError
from botocore.model import ListShape, MapShape, Shape, StructureShape

from .helpers import REGION, presence

# What the application relies on, beyond the (few) members the model itself marks as required.
ESSENTIAL = {
    "Meeting": {"MeetingId", "MeetingArn", "ExternalMeetingId", "MediaRegion", "MediaPlacement"},
    "Attendee": {"AttendeeId", "ExternalUserId", "JoinToken", "Capabilities"},
    "MediaPlacement": {"AudioHostUrl", "AudioFallbackUrl", "SignalingUrl", "TurnControlUrl"},
}


def conforms(shape: Shape, value: Any, path: str, problems: list[str]) -> None:
    if isinstance(shape, StructureShape):
        if not isinstance(value, dict):
            problems.append(f"{path}: expected an object")
            return
        body_members = {
            name
            for name, member in shape.members.items()
            if member.serialization.get("location") is None
        }
        for key in value.keys() - body_members:
            problems.append(f"{path}.{key}: not a member of {shape.name}")
        for key in set(shape.required_members) | ESSENTIAL.get(shape.name, set()):
            if key not in value:
                problems.append(f"{path}.{key}: required member missing")
        for key, item in value.items():
            if key in shape.members:
                conforms(shape.members[key], item, f"{path}.{key}", problems)
    elif isinstance(shape, ListShape):
        if not isinstance(value, list):
            problems.append(f"{path}: expected a list")
            return
        for index, item in enumerate(value):
            conforms(shape.member, item, f"{path}[{index}]", problems)
    elif isinstance(shape, MapShape):
        if not isinstance(value, dict):
            problems.append(f"{path}: expected a map")
    elif shape.type_name == "string":
        if not isinstance(value, str):
            problems.append(f"{path}: expected a string")
        elif shape.enum and value not in shape.enum:
            problems.append(f"{path}: {value!r} is not in the enum")
    elif shape.type_name in ("integer", "long") and not isinstance(value, int):
        problems.append(f"{path}: expected an integer")


def test_every_operation_answers_in_the_modelled_shape(chime: Any, chime_url: str) -> None:
    captured: list[tuple[Any, dict[str, Any]]] = []
    chime.meta.events.register(
        "before-parse.chime-sdk-meetings.*",
        lambda operation_model, response_dict, **_: captured.append(
            (operation_model, response_dict)
        ),
    )
    created = chime.create_meeting_with_attendees(
        ClientRequestToken=uuid.uuid4().hex,
        MediaRegion=REGION,
        ExternalMeetingId="conf-1",
        MeetingFeatures={"Audio": {"EchoReduction": "AVAILABLE"}, "Attendee": {"MaxCount": 5}},
        TenantIds=["tenant-1"],
        Attendees=[{"ExternalUserId": "officer-1"}],
        Tags=[{"Key": "force", "Value": "MET"}],
    )
    meeting = created["Meeting"]
    meeting_id = meeting["MeetingId"]
    chime.create_meeting(
        ClientRequestToken=uuid.uuid4().hex, MediaRegion=REGION, ExternalMeetingId="conf-2"
    )
    chime.get_meeting(MeetingId=meeting_id)
    attendee = chime.create_attendee(MeetingId=meeting_id, ExternalUserId="sgt-1")["Attendee"]
    chime.batch_create_attendee(
        MeetingId=meeting_id, Attendees=[{"ExternalUserId": "a-1"}, {"ExternalUserId": "a-2"}]
    )
    chime.get_attendee(MeetingId=meeting_id, AttendeeId=attendee["AttendeeId"])
    chime.list_attendees(MeetingId=meeting_id, MaxResults=2)
    chime.update_attendee_capabilities(
        MeetingId=meeting_id,
        AttendeeId=attendee["AttendeeId"],
        Capabilities={"Audio": "SendReceive", "Video": "Receive", "Content": "Receive"},
    )
    chime.batch_update_attendee_capabilities_except(
        MeetingId=meeting_id,
        ExcludedAttendeeIds=[{"AttendeeId": attendee["AttendeeId"]}],
        Capabilities={"Audio": "Receive", "Video": "Receive", "Content": "None"},
    )
    presence(chime_url, meeting_id, attendee["AttendeeId"], "join").raise_for_status()
    chime.tag_resource(ResourceARN=meeting["MeetingArn"], Tags=[{"Key": "a", "Value": "b"}])
    chime.list_tags_for_resource(ResourceARN=meeting["MeetingArn"])
    chime.untag_resource(ResourceARN=meeting["MeetingArn"], TagKeys=["a"])
    chime.delete_attendee(MeetingId=meeting_id, AttendeeId=attendee["AttendeeId"])
    chime.delete_meeting(MeetingId=meeting_id)

    problems: list[str] = []
    seen = set()
    for operation, response in captured:
        seen.add(operation.name)
        expected = int(operation.http.get("responseCode", 200))
        assert response["status_code"] == expected, operation.name
        body = response["body"]
        if operation.output_shape is None or not body:
            assert not body or json.loads(body) == {}, operation.name
            continue
        conforms(operation.output_shape, json.loads(body), operation.name, problems)

    assert problems == []
    assert seen >= {
        "CreateMeeting",
        "CreateMeetingWithAttendees",
        "GetMeeting",
        "DeleteMeeting",
        "CreateAttendee",
        "BatchCreateAttendee",
        "GetAttendee",
        "ListAttendees",
        "DeleteAttendee",
        "UpdateAttendeeCapabilities",
        "TagResource",
        "UntagResource",
        "ListTagsForResource",
    }


def test_an_operation_the_emulator_does_not_cover_says_so(chime: Any) -> None:
    with pytest.raises(ClientError) as raised:
        chime.start_meeting_transcription(
            MeetingId=str(uuid.uuid4()),
            TranscriptionConfiguration={"EngineTranscribeSettings": {"LanguageCode": "en-GB"}},
        )
    assert raised.value.response["Error"]["Code"] == "NotImplementedException"
    assert "not implemented by the emulator" in raised.value.response["Error"]["Message"]
    # 501, so that retrying clients give up at once instead of hammering a missing feature
    assert raised.value.response["ResponseMetadata"]["HTTPStatusCode"] == 501
