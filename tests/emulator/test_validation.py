"""Validation the service does beyond botocore's client-side checks, read from the model.

botocore only checks types, required members and minimum lengths before sending; everything here
gets past the client and must be refused by the emulator with ``BadRequestException``.
"""

from __future__ import annotations

import uuid
from typing import Any

import pytest
import requests

from tests.conftest import chime_client

from .helpers import REGION, new_meeting

GUID_ZERO = "00000000-0000-0000-0000-000000000000"


def meeting_params(**overrides: Any) -> dict[str, Any]:
    params: dict[str, Any] = {
        "ClientRequestToken": uuid.uuid4().hex,
        "MediaRegion": REGION,
        "ExternalMeetingId": "session-v",
    }
    params.update(overrides)
    return params


CASES = {
    "external meeting id too long": (
        "create_meeting",
        meeting_params(ExternalMeetingId="x" * 65),
        "externalMeetingId",
        "less than or equal to 64",
    ),
    "client request token with a bad character": (
        "create_meeting",
        meeting_params(ClientRequestToken="bad token!"),
        "clientRequestToken",
        "regular expression",
    ),
    "client request token too long": (
        "create_meeting",
        meeting_params(ClientRequestToken="a" * 65),
        "clientRequestToken",
        "less than or equal to 64",
    ),
    "meeting id that is not a GUID": (
        "get_meeting",
        {"MeetingId": "meeting-1"},
        "meetingId",
        "regular expression",
    ),
    "21 attendees with the meeting": (
        "create_meeting_with_attendees",
        meeting_params(Attendees=[{"ExternalUserId": f"user-{i}"} for i in range(21)]),
        "attendees",
        "less than or equal to 20",
    ),
    "101 attendees in a batch": (
        "batch_create_attendee",
        {"MeetingId": GUID_ZERO, "Attendees": [{"ExternalUserId": f"u-{i}"} for i in range(101)]},
        "attendees",
        "less than or equal to 100",
    ),
    "max results over 100": (
        "list_attendees",
        {"MeetingId": GUID_ZERO, "MaxResults": 101},
        "maxResults",
        "less than or equal to 100",
    ),
    "attendee max count over 250": (
        "create_meeting",
        meeting_params(MeetingFeatures={"Attendee": {"MaxCount": 251}}),
        "meetingFeatures.attendee.maxCount",
        "less than or equal to 250",
    ),
    "capability outside the enum": (
        "create_attendee",
        {
            "MeetingId": GUID_ZERO,
            "ExternalUserId": "pc-1",
            "Capabilities": {"Audio": "Loud", "Video": "None", "Content": "None"},
        },
        "capabilities.audio",
        "enum value set",
    ),
    "tenant id breaking its pattern": (
        "create_meeting",
        meeting_params(TenantIds=["aaaaa"]),
        "tenantIds.1.member",
        "regular expression",
    ),
    "too many tenant ids": (
        "create_meeting",
        meeting_params(TenantIds=[f"t{i}x" for i in range(6)]),
        "tenantIds",
        "less than or equal to 5",
    ),
    "external user id too long": (
        "create_attendee",
        {"MeetingId": GUID_ZERO, "ExternalUserId": "u" * 65},
        "externalUserId",
        "less than or equal to 64",
    ),
    "tag resource arn that is not an ARN": (
        "tag_resource",
        {"ResourceARN": "meeting", "Tags": [{"Key": "k", "Value": "v"}]},
        "resourceARN",
        "regular expression",
    ),
}


@pytest.mark.parametrize(
    ("operation", "params", "field", "constraint"), CASES.values(), ids=CASES.keys()
)
def test_model_constraints_are_enforced_by_the_service(
    chime: Any, operation: str, params: dict[str, Any], field: str, constraint: str
) -> None:
    with pytest.raises(chime.exceptions.BadRequestException) as raised:
        getattr(chime, operation)(**params)
    message = raised.value.response["Error"]["Message"]
    assert f"at '{field}'" in message
    assert constraint in message
    assert raised.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400


def test_sensitive_values_are_redacted_in_messages(chime: Any) -> None:
    with pytest.raises(chime.exceptions.BadRequestException) as raised:
        chime.create_meeting(**meeting_params(ExternalMeetingId="secret-" + "x" * 64))
    assert "secret-" not in raised.value.response["Error"]["Message"]


@pytest.mark.parametrize("missing", ["ClientRequestToken", "MediaRegion", "ExternalMeetingId"])
def test_required_members_are_enforced_even_without_client_validation(
    chime_url: str, missing: str
) -> None:
    client = chime_client(chime_url, parameter_validation=False, retries={"total_max_attempts": 1})
    params = meeting_params()
    del params[missing]
    if missing == "ClientRequestToken":
        # botocore fills an idempotency token in automatically; send an empty body member instead
        params[missing] = None
    with pytest.raises(client.exceptions.BadRequestException, match="must not be null"):
        client.create_meeting(**params)


def test_wrong_types_are_refused_on_the_wire(chime_url: str) -> None:
    """botocore cannot even serialise these, so send the JSON a broken client might."""
    body = meeting_params(Attendees="officer-1", MeetingFeatures={"Attendee": {"MaxCount": "2"}})
    response = requests.post(
        f"{chime_url}/meetings?operation=create-attendees", json=body, timeout=5
    )
    assert response.status_code == 400
    assert response.headers["x-amzn-ErrorType"].startswith("BadRequestException:")
    message = response.json()["Message"]
    assert "2 validation errors" in message
    assert "'attendees' failed to satisfy constraint: Member must be a list" in message
    assert "Member must be an integer" in message


def test_a_body_that_is_not_json_is_a_bad_request(chime_url: str) -> None:
    response = requests.post(f"{chime_url}/meetings", data=b"{not json", timeout=5)
    assert response.status_code == 400
    assert "not valid JSON" in response.json()["Message"]


def test_an_unknown_path_is_an_error_not_a_crash(chime_url: str) -> None:
    response = requests.get(f"{chime_url}/nothing-here", timeout=5)
    assert response.status_code == 404
    assert response.headers["x-amzn-ErrorType"].startswith("NotFoundException")


def test_nothing_is_created_by_a_refused_request(chime: Any) -> None:
    meeting_id = new_meeting(chime)["MeetingId"]
    with pytest.raises(chime.exceptions.BadRequestException):
        chime.batch_create_attendee(
            MeetingId=meeting_id,
            Attendees=[{"ExternalUserId": "ok-user"}, {"ExternalUserId": "x" * 65}],
        )
    assert chime.list_attendees(MeetingId=meeting_id)["Attendees"] == []
