"""Tags on meetings: TagResource, UntagResource, ListTagsForResource."""

from __future__ import annotations

from typing import Any

import pytest

from .helpers import new_meeting


def test_tags_given_at_creation_and_added_later_are_listed(chime: Any) -> None:
    meeting = new_meeting(chime, Tags=[{"Key": "force", "Value": "MET"}])
    arn = meeting["MeetingArn"]
    chime.tag_resource(ResourceARN=arn, Tags=[{"Key": "area", "Value": "central"}])

    tags = chime.list_tags_for_resource(ResourceARN=arn)["Tags"]

    assert sorted((t["Key"], t["Value"]) for t in tags) == [("area", "central"), ("force", "MET")]


def test_untag_removes_only_the_named_keys(chime: Any) -> None:
    arn = new_meeting(chime, Tags=[{"Key": "a", "Value": "1"}, {"Key": "b", "Value": "2"}])[
        "MeetingArn"
    ]
    chime.untag_resource(ResourceARN=arn, TagKeys=["a"])
    assert chime.list_tags_for_resource(ResourceARN=arn)["Tags"] == [{"Key": "b", "Value": "2"}]


def test_more_than_fifty_tags_is_refused(chime: Any) -> None:
    arn = new_meeting(chime)["MeetingArn"]
    chime.tag_resource(ResourceARN=arn, Tags=[{"Key": f"k{i}", "Value": "v"} for i in range(50)])
    with pytest.raises(chime.exceptions.TooManyTagsException):
        chime.tag_resource(ResourceARN=arn, Tags=[{"Key": "one-more", "Value": "v"}])


def test_tags_of_an_unknown_meeting_are_not_found(chime: Any) -> None:
    meeting = new_meeting(chime)
    chime.delete_meeting(MeetingId=meeting["MeetingId"])
    with pytest.raises(chime.exceptions.ResourceNotFoundException):
        chime.list_tags_for_resource(ResourceARN=meeting["MeetingArn"])
