"""Amazon Chime SDK Meetings."""

from __future__ import annotations

import contextlib
from typing import TYPE_CHECKING, Any, cast

if TYPE_CHECKING:
    from mypy_boto3_chime_sdk_meetings import ChimeSDKMeetingsClient
    from mypy_boto3_chime_sdk_meetings.type_defs import AttendeeTypeDef, MeetingTypeDef

__all__ = ["ChimeMeetings"]


class ChimeMeetings:
    """:class:`~functions.services.ports.MeetingGateway` over a ``chime-sdk-meetings`` client.

    Parameters
    ----------
    client
        A boto3 ``chime-sdk-meetings`` client.
    max_attendees
        ``MeetingFeatures.Attendee.MaxCount``: the officer, the sergeant, and room for a second
        sergeant or a supervisor. A verification call is small on purpose.
    """

    def __init__(self, client: ChimeSDKMeetingsClient, max_attendees: int = 4) -> None:
        self.client = client
        self.max_attendees = max_attendees

    def create_with_attendee(
        self, *, session_id: str, request_token: str, external_user_id: str, media_region: str
    ) -> tuple[dict[str, Any], dict[str, Any]]:
        """Create the meeting and the first attendee in one call.

        ``request_token`` is the ``ClientRequestToken``: a retry of the same request gets the same
        meeting back instead of a second one.
        """
        response = self.client.create_meeting_with_attendees(
            ClientRequestToken=request_token,
            MediaRegion=media_region,
            ExternalMeetingId=session_id,
            MeetingFeatures={"Attendee": {"MaxCount": self.max_attendees}},
            Attendees=[{"ExternalUserId": external_user_id}],
        )
        errors = response.get("Errors") or []
        if errors or not response.get("Attendees"):
            # The meeting exists but its attendee does not: remove it rather than orphan it.
            self.delete(response["Meeting"]["MeetingId"])
            detail = errors[0].get("ErrorMessage") if errors else "no attendee returned"
            raise RuntimeError(f"Chime refused the attendee: {detail}")
        return _public_meeting(response["Meeting"]), _plain(response["Attendees"][0])

    def add_attendee(self, meeting_id: str, external_user_id: str) -> dict[str, Any]:
        """Add (or, for the same ``external_user_id``, return again) an attendee."""
        response = self.client.create_attendee(
            MeetingId=meeting_id, ExternalUserId=external_user_id
        )
        return _plain(response["Attendee"])

    def delete(self, meeting_id: str) -> None:
        # Already ended (idle timeout, or an earlier delete) is fine: the goal is met.
        with contextlib.suppress(self.client.exceptions.NotFoundException):
            self.client.delete_meeting(MeetingId=meeting_id)


def _public_meeting(meeting: MeetingTypeDef) -> dict[str, Any]:
    # The Meeting object goes to clients as AWS returned it, minus nothing: it holds no secret.
    return dict(meeting)


def _plain(shape: AttendeeTypeDef) -> dict[str, Any]:
    """The response's object itself, as the port's plain JSON dict (a TypedDict is one)."""
    return cast("dict[str, Any]", shape)
