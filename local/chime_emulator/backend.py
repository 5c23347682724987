"""In-memory state and semantics of Amazon Chime SDK Meetings.

One lock guards all state: the emulator serves a handful of clients, and a single lock makes every
operation atomic, the way the real service's per-meeting consistency appears to callers.
"""

from __future__ import annotations

import base64
import json
import secrets
import threading
import uuid
from collections.abc import Callable, Iterable
from typing import Any

from .faults import FaultTable
from .model import (
    AdjustableClock,
    Attendee,
    Clock,
    EventSink,
    Meeting,
    PlacementUrls,
    check_capabilities,
    default_capabilities,
)
from .service_model import ChimeError, bad_request

DEFAULT_ACCOUNT_ID = "123456789012"  # moto's default account, so ARNs line up with the rest
DEFAULT_IDLE_TIMEOUT = 5 * 60.0  # a meeting nobody is in ends after five minutes
DEFAULT_MAX_DURATION = 24 * 60 * 60.0  # and every meeting ends after 24 hours
ATTENDEES_PER_MEETING = 250  # attendees that may exist (created, not deleted) at once
TAGS_PER_RESOURCE = 50


class ChimeBackend:
    """The meetings, attendees and tags of one emulated account, with the real semantics.

    Parameters
    ----------
    events
        Receives ``chime:*`` lifecycle events; see :mod:`.events`.
    clock
        Source of time; an :class:`AdjustableClock` lets tests jump past timeouts.
    idle_timeout
        Seconds after which a meeting with nobody joined ends (AWS: 5 minutes).
    max_duration
        Seconds after which any meeting ends (AWS: 24 hours).
    """

    def __init__(
        self,
        events: EventSink,
        clock: Clock | None = None,
        idle_timeout: float = DEFAULT_IDLE_TIMEOUT,
        max_duration: float = DEFAULT_MAX_DURATION,
        account_id: str = DEFAULT_ACCOUNT_ID,
    ) -> None:
        self.events = events
        self.clock: Clock = clock or AdjustableClock()
        self.idle_timeout = idle_timeout
        self.max_duration = max_duration
        self.account_id = account_id
        self.lock = threading.RLock()
        self.meetings: dict[str, Meeting] = {}
        self.tokens: dict[str, str] = {}  # ClientRequestToken -> MeetingId, while it lives
        self.faults = FaultTable()  # read by the server around each call
        self.placement: PlacementUrls | None = None  # set when the media side runs

    # ------------------------------------------------------------------ control
    def reset(self) -> None:
        """Forget every meeting, token and fault."""
        with self.lock:
            self.meetings.clear()
            self.tokens.clear()
            self.faults.clear()

    def snapshot(self) -> list[dict[str, Any]]:
        """Live meetings with their attendees' presence, for the control API."""
        with self.lock:
            self.sweep()
            return [
                {
                    "MeetingId": m.meeting_id,
                    "ExternalMeetingId": m.external_meeting_id,
                    "MediaRegion": m.media_region,
                    "CreatedAt": m.created_at,
                    "MaxCount": m.max_joined,
                    "Attendees": [
                        {
                            "AttendeeId": a.attendee_id,
                            "ExternalUserId": a.external_user_id,
                            "Presence": a.presence,
                        }
                        for a in m.attendees.values()
                    ],
                }
                for m in self.meetings.values()
            ]

    def set_presence(self, meeting_id: str, attendee_id: str, presence: str) -> Attendee:
        """Mark an attendee ``joined``, ``left`` or ``dropped`` as a media client would.

        Raises
        ------
        ChimeError
            ``NotFoundException`` for an unknown meeting or attendee, ``LimitExceededException``
            when joining would pass the meeting's ``MaxCount``.
        """
        event = {"joined": "AttendeeJoined", "left": "AttendeeLeft", "dropped": "AttendeeDropped"}
        if presence not in event:
            raise bad_request("presence must be one of joined, left, dropped")
        with self.lock:
            meeting = self._meeting(meeting_id)
            attendee = self._attendee(meeting, attendee_id)
            if presence == "joined" and attendee.presence != "joined":
                if len(meeting.joined()) >= meeting.max_joined:
                    raise ChimeError(
                        "LimitExceededException",
                        f"The meeting already has its maximum of {meeting.max_joined} attendees "
                        "joined",
                    )
            elif presence != "joined" and attendee.presence != "joined":
                raise ChimeError("ConflictException", "The attendee is not in the meeting")
            attendee.presence = presence
            if not meeting.joined():
                meeting.empty_since = self.clock.now()
            self._emit(meeting, event[presence], attendee)
            return attendee

    # ------------------------------------------------------------------ lifecycle
    def sweep(self) -> list[str]:
        """End meetings that passed the idle timeout or the maximum duration.

        Called before every operation and by the server's background sweeper, so ended meetings
        disappear whether or not anyone is calling.
        """
        ended = []
        with self.lock:
            now = self.clock.now()
            for meeting in list(self.meetings.values()):
                too_old = now - meeting.created_at >= self.max_duration
                idle = not meeting.joined() and now - meeting.empty_since >= self.idle_timeout
                if too_old or idle:
                    self._end(meeting)
                    ended.append(meeting.meeting_id)
        return ended

    def _end(self, meeting: Meeting) -> None:
        for attendee in meeting.attendees.values():
            if attendee.presence == "joined":
                self._emit(meeting, "AttendeeLeft", attendee)
            self._emit(meeting, "AttendeeDeleted", attendee)
        self._emit(meeting, "MeetingEnded")
        del self.meetings[meeting.meeting_id]
        self.tokens.pop(meeting.client_request_token, None)

    def _emit(self, meeting: Meeting, event: str, attendee: Attendee | None = None) -> None:
        detail: dict[str, Any] = {
            "version": "0",
            "eventType": f"chime:{event}",
            "timestamp": int(self.clock.now() * 1000),
            "meetingId": meeting.meeting_id,
            "externalMeetingId": meeting.external_meeting_id,
            "mediaRegion": meeting.media_region,
        }
        if attendee is not None:
            detail["attendeeId"] = attendee.attendee_id
            detail["externalUserId"] = attendee.external_user_id
        self.events.emit(event, detail, meeting.control_region)

    # ------------------------------------------------------------------ AWS operations
    def create_meeting(self, params: dict[str, Any], region: str) -> dict[str, Any]:
        with self.lock:
            self.sweep()
            meeting = self._create_or_reuse(params, region)
            return {"Meeting": meeting.to_wire(self.placement)}

    def create_meeting_with_attendees(self, params: dict[str, Any], region: str) -> dict[str, Any]:
        with self.lock:
            self.sweep()
            meeting = self._create_or_reuse(params, region)
            attendees, errors = self._add_attendees(meeting, params["Attendees"])
            out: dict[str, Any] = {
                "Meeting": meeting.to_wire(self.placement),
                "Attendees": attendees,
            }
            if errors:
                out["Errors"] = errors
            return out

    def get_meeting(self, params: dict[str, Any]) -> dict[str, Any]:
        with self.lock:
            self.sweep()
            return {"Meeting": self._meeting(params["MeetingId"]).to_wire(self.placement)}

    def delete_meeting(self, params: dict[str, Any]) -> dict[str, Any]:
        with self.lock:
            self.sweep()
            self._end(self._meeting(params["MeetingId"]))
            return {}

    def create_attendee(self, params: dict[str, Any]) -> dict[str, Any]:
        with self.lock:
            self.sweep()
            meeting = self._meeting(params["MeetingId"])
            item: dict[str, Any] = {
                k: params[k] for k in ("ExternalUserId", "Capabilities") if k in params
            }
            attendees, errors = self._add_attendees(meeting, [item])
            if errors:
                code = errors[0]["ErrorCode"]
                raise ChimeError(f"{code}Exception", errors[0]["ErrorMessage"])
            return {"Attendee": attendees[0]}

    def batch_create_attendee(self, params: dict[str, Any]) -> dict[str, Any]:
        with self.lock:
            self.sweep()
            meeting = self._meeting(params["MeetingId"])
            attendees, errors = self._add_attendees(meeting, params["Attendees"])
            return {"Attendees": attendees, "Errors": errors}

    def get_attendee(self, params: dict[str, Any]) -> dict[str, Any]:
        with self.lock:
            self.sweep()
            meeting = self._meeting(params["MeetingId"])
            return {"Attendee": self._attendee(meeting, params["AttendeeId"]).to_wire()}

    def list_attendees(self, params: dict[str, Any]) -> dict[str, Any]:
        with self.lock:
            self.sweep()
            meeting = self._meeting(params["MeetingId"])
            ordered = list(meeting.attendees.values())
            start = 0
            if params.get("NextToken"):
                start = self._decode_token(params["NextToken"], meeting.meeting_id)
            size = int(params.get("MaxResults", 10))
            page = ordered[start : start + size]
            out: dict[str, Any] = {"Attendees": [a.to_wire() for a in page]}
            if start + size < len(ordered):
                out["NextToken"] = self._encode_token(meeting.meeting_id, start + size)
            return out

    def delete_attendee(self, params: dict[str, Any]) -> dict[str, Any]:
        with self.lock:
            self.sweep()
            meeting = self._meeting(params["MeetingId"])
            attendee = self._attendee(meeting, params["AttendeeId"])
            if attendee.presence == "joined":
                self._emit(meeting, "AttendeeLeft", attendee)
            del meeting.attendees[attendee.attendee_id]
            if not meeting.joined() and attendee.presence == "joined":
                meeting.empty_since = self.clock.now()
            self._emit(meeting, "AttendeeDeleted", attendee)
            return {}

    def update_attendee_capabilities(self, params: dict[str, Any]) -> dict[str, Any]:
        with self.lock:
            self.sweep()
            meeting = self._meeting(params["MeetingId"])
            attendee = self._attendee(meeting, params["AttendeeId"])
            check_capabilities(params["Capabilities"], meeting.features)
            attendee.capabilities = dict(params["Capabilities"])
            return {"Attendee": attendee.to_wire()}

    def batch_update_attendee_capabilities_except(self, params: dict[str, Any]) -> dict[str, Any]:
        with self.lock:
            self.sweep()
            meeting = self._meeting(params["MeetingId"])
            excluded = {e["AttendeeId"] for e in params["ExcludedAttendeeIds"]}
            check_capabilities(params["Capabilities"], meeting.features)
            for attendee in meeting.attendees.values():
                if attendee.attendee_id not in excluded:
                    attendee.capabilities = dict(params["Capabilities"])
            return {}

    def tag_resource(self, params: dict[str, Any]) -> dict[str, Any]:
        with self.lock:
            meeting = self._by_arn(params["ResourceARN"])
            merged = dict(meeting.tags)
            merged.update({t["Key"]: t["Value"] for t in params["Tags"]})
            if len(merged) > TAGS_PER_RESOURCE:
                raise ChimeError(
                    "TooManyTagsException",
                    f"A meeting can have at most {TAGS_PER_RESOURCE} tags",
                )
            meeting.tags = merged
            return {}

    def untag_resource(self, params: dict[str, Any]) -> dict[str, Any]:
        with self.lock:
            meeting = self._by_arn(params["ResourceARN"])
            for key in params["TagKeys"]:
                meeting.tags.pop(key, None)
            return {}

    def list_tags_for_resource(self, params: dict[str, Any]) -> dict[str, Any]:
        with self.lock:
            meeting = self._by_arn(params["ResourceARN"])
            return {"Tags": [{"Key": k, "Value": v} for k, v in meeting.tags.items()]}

    # ------------------------------------------------------------------ helpers
    def _create_or_reuse(self, params: dict[str, Any], region: str) -> Meeting:
        token = params["ClientRequestToken"]
        external_id = params["ExternalMeetingId"]
        if external_id.lower().startswith("aws:"):
            raise bad_request("ExternalMeetingId values that begin with 'aws:' are reserved")
        existing = self.meetings.get(self.tokens.get(token, ""))
        if existing is not None:
            # The same token is a retry of the same request: same meeting. A token reused for a
            # different meeting is a caller bug that AWS answers with a conflict.
            if (existing.external_meeting_id, existing.media_region) != (
                external_id,
                params["MediaRegion"],
            ):
                raise ChimeError(
                    "ConflictException",
                    "ClientRequestToken was already used for a different meeting",
                )
            return existing
        features = params.get("MeetingFeatures") or {}
        now = self.clock.now()
        meeting = Meeting(
            meeting_id=str(uuid.uuid4()),
            external_meeting_id=external_id,
            media_region=params["MediaRegion"],
            control_region=region,
            account_id=self.account_id,
            client_request_token=token,
            created_at=now,
            empty_since=now,
            features=features,
            extras={
                k: params[k]
                for k in ("MeetingHostId", "PrimaryMeetingId", "TenantIds")
                if k in params
            },
            tags={t["Key"]: t["Value"] for t in params.get("Tags", [])},
        )
        self.meetings[meeting.meeting_id] = meeting
        self.tokens[token] = meeting.meeting_id
        self._emit(meeting, "MeetingStarted")
        return meeting

    def _add_attendees(
        self, meeting: Meeting, items: Iterable[dict[str, Any]]
    ) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
        created: list[dict[str, Any]] = []
        errors: list[dict[str, Any]] = []
        by_user = {a.external_user_id: a for a in meeting.attendees.values()}
        for item in items:
            user = item["ExternalUserId"]

            def refuse(code: str, message: str, user: str = user) -> None:
                errors.append({"ExternalUserId": user, "ErrorCode": code, "ErrorMessage": message})

            if user.lower().startswith("aws:"):
                refuse("BadRequest", "ExternalUserId values that begin with 'aws:' are reserved")
                continue
            caps = item.get("Capabilities") or default_capabilities(meeting.features)
            try:
                check_capabilities(caps, meeting.features)
            except ChimeError as exc:
                refuse("BadRequest", exc.message)
                continue
            if user in by_user:  # ExternalUserId is the idempotency key within a meeting
                created.append(by_user[user].to_wire())
                continue
            if len(meeting.attendees) >= ATTENDEES_PER_MEETING:
                refuse(
                    "LimitExceeded", f"A meeting can have at most {ATTENDEES_PER_MEETING} attendees"
                )
                continue
            attendee = Attendee(
                attendee_id=str(uuid.uuid4()),
                external_user_id=user,
                join_token=secrets.token_urlsafe(96),
                capabilities=dict(caps),
                created_at=self.clock.now(),
            )
            meeting.attendees[attendee.attendee_id] = attendee
            by_user[user] = attendee
            self._emit(meeting, "AttendeeAdded", attendee)
            created.append(attendee.to_wire())
        return created, errors

    def _meeting(self, meeting_id: str) -> Meeting:
        meeting = self.meetings.get(meeting_id.lower())
        if meeting is None:
            raise ChimeError("NotFoundException", f"The meeting {meeting_id} does not exist")
        return meeting

    @staticmethod
    def _attendee(meeting: Meeting, attendee_id: str) -> Attendee:
        attendee = meeting.attendees.get(attendee_id.lower())
        if attendee is None:
            raise ChimeError(
                "NotFoundException",
                f"The attendee {attendee_id} does not exist in meeting {meeting.meeting_id}",
            )
        return attendee

    def _by_arn(self, arn: str) -> Meeting:
        for meeting in self.meetings.values():
            if meeting.arn == arn:
                return meeting
        raise ChimeError("ResourceNotFoundException", f"Resource {arn} not found")

    @staticmethod
    def _encode_token(meeting_id: str, offset: int) -> str:
        raw = json.dumps({"m": meeting_id, "o": offset}).encode()
        return base64.urlsafe_b64encode(raw).decode()

    @staticmethod
    def _decode_token(token: str, meeting_id: str) -> int:
        try:
            data = json.loads(base64.urlsafe_b64decode(token.encode()))
            if data["m"] != meeting_id or not isinstance(data["o"], int) or data["o"] < 0:
                raise ValueError
            return int(data["o"])
        except (ValueError, KeyError, TypeError):
            raise bad_request("The NextToken is not valid for this meeting") from None


OperationHandler = Callable[[ChimeBackend, dict[str, Any], str], dict[str, Any]]

# Operation name -> handler; the server looks operations up here. Names not listed are in the
# model but not emulated, and get an honest NotImplemented error.
OPERATIONS: dict[str, OperationHandler] = {
    "CreateMeeting": lambda b, p, r: b.create_meeting(p, r),
    "CreateMeetingWithAttendees": lambda b, p, r: b.create_meeting_with_attendees(p, r),
    "GetMeeting": lambda b, p, r: b.get_meeting(p),
    "DeleteMeeting": lambda b, p, r: b.delete_meeting(p),
    "CreateAttendee": lambda b, p, r: b.create_attendee(p),
    "BatchCreateAttendee": lambda b, p, r: b.batch_create_attendee(p),
    "GetAttendee": lambda b, p, r: b.get_attendee(p),
    "ListAttendees": lambda b, p, r: b.list_attendees(p),
    "DeleteAttendee": lambda b, p, r: b.delete_attendee(p),
    "UpdateAttendeeCapabilities": lambda b, p, r: b.update_attendee_capabilities(p),
    "BatchUpdateAttendeeCapabilitiesExcept": (
        lambda b, p, r: b.batch_update_attendee_capabilities_except(p)
    ),
    "TagResource": lambda b, p, r: b.tag_resource(p),
    "UntagResource": lambda b, p, r: b.untag_resource(p),
    "ListTagsForResource": lambda b, p, r: b.list_tags_for_resource(p),
}
