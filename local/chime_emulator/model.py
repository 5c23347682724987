"""What the emulator stores: meetings, attendees and the clock they live by.

Plain data with the rules that belong to it (wire shapes, default and allowed capabilities); the
operations on it are in :mod:`.backend`.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from typing import Any, Protocol

from .service_model import bad_request

DEFAULT_MAX_ATTENDEES = 250  # MeetingFeatures.Attendee.MaxCount when none is given
RECEIVING = ("SendReceive", "Receive")


@dataclass(frozen=True)
class PlacementUrls:
    """Where the emulator's own media side listens, for the meetings' ``MediaPlacement``.

    Every URL points at this machine's loopback address, so a browser that may resolve only
    loopback names still joins (docs/chime-emulator.md, "Media").
    """

    http: str  # the emulator's HTTP front, e.g. http://127.0.0.1:4567
    media: str  # its signaling WebSocket server, e.g. ws://127.0.0.1:4568

    def for_meeting(self, meeting_id: str) -> dict[str, str]:
        audio_host = self.media.split("://", 1)[-1]
        return {
            "AudioHostUrl": audio_host,
            "AudioFallbackUrl": f"{self.media}/calls/{meeting_id}",
            "SignalingUrl": f"{self.media}/control/{meeting_id}",
            "TurnControlUrl": f"{self.http}/_media/turn_sessions",
            "ScreenDataUrl": f"{self.media}/v2/screen/{meeting_id}",
            "ScreenViewingUrl": f"{self.media}/ws/connect?passcode=null&viewer_uuid=null"
            f"&X-BitHub-Call-Id={meeting_id}",
            "ScreenSharingUrl": f"{self.media}/v2/screen/{meeting_id}",
            "EventIngestionUrl": f"{self.http}/_media/client-events",
        }


class Clock(Protocol):
    """Seconds since the epoch; injectable so tests can move time without sleeping."""

    def now(self) -> float: ...


class AdjustableClock:
    """Wall-clock time plus an offset that the control API can advance."""

    def __init__(self) -> None:
        self._offset = 0.0
        self._lock = threading.Lock()

    def now(self) -> float:
        with self._lock:
            return time.time() + self._offset

    def advance(self, seconds: float) -> None:
        with self._lock:
            self._offset += seconds

    def reset(self) -> None:
        with self._lock:
            self._offset = 0.0


class EventSink(Protocol):
    """Where meeting lifecycle events go (EventBridge, a list in tests, nowhere)."""

    def emit(self, event_type: str, detail: dict[str, Any], region: str) -> None: ...


@dataclass
class Attendee:
    attendee_id: str
    external_user_id: str
    join_token: str
    capabilities: dict[str, str]
    created_at: float
    presence: str = "created"  # created | joined | left | dropped

    def to_wire(self) -> dict[str, Any]:
        return {
            "AttendeeId": self.attendee_id,
            "ExternalUserId": self.external_user_id,
            "JoinToken": self.join_token,
            "Capabilities": dict(self.capabilities),
        }


@dataclass
class Meeting:
    meeting_id: str
    external_meeting_id: str
    media_region: str
    control_region: str
    account_id: str
    client_request_token: str
    created_at: float
    features: dict[str, Any]
    extras: dict[str, Any]
    attendees: dict[str, Attendee] = field(default_factory=dict)
    tags: dict[str, str] = field(default_factory=dict)
    empty_since: float = 0.0

    @property
    def arn(self) -> str:
        return f"arn:aws:chime:{self.control_region}:{self.account_id}:meeting/{self.meeting_id}"

    @property
    def max_joined(self) -> int:
        return int(self.features.get("Attendee", {}).get("MaxCount", DEFAULT_MAX_ATTENDEES))

    def joined(self) -> list[Attendee]:
        return [a for a in self.attendees.values() if a.presence == "joined"]

    def to_wire(self, urls: PlacementUrls | None = None) -> dict[str, Any]:
        wire: dict[str, Any] = {
            "MeetingId": self.meeting_id,
            "ExternalMeetingId": self.external_meeting_id,
            "MediaRegion": self.media_region,
            "MeetingArn": self.arn,
            "MediaPlacement": urls.for_meeting(self.meeting_id) if urls else self._aws_placement(),
        }
        if self.features:
            wire["MeetingFeatures"] = self.features
        wire.update(self.extras)
        return wire

    def _aws_placement(self) -> dict[str, str]:
        """Placement URLs shaped like the real hosts (an emulator without its media side)."""
        host = f"{self.media_region}.app.chime.aws"
        short = self.meeting_id.replace("-", "")
        return {
            "AudioHostUrl": f"{short}.k.m3.{host}:3478",
            "AudioFallbackUrl": f"wss://haxrp.m3.{host}:443/calls/{self.meeting_id}",
            "SignalingUrl": f"wss://signal.m3.{host}/control/{self.meeting_id}",
            "TurnControlUrl": f"https://{host}/v2/turn_sessions",
            "ScreenDataUrl": f"wss://bitpw.m3.{host}:443/v2/screen/{self.meeting_id}",
            "ScreenViewingUrl": f"wss://bitpw.m3.{host}:443/ws/connect?passcode=null"
            f"&viewer_uuid=null&X-BitHub-Call-Id={self.meeting_id}",
            "ScreenSharingUrl": f"wss://bitpw.m3.{host}:443/v2/screen/{self.meeting_id}",
            "EventIngestionUrl": f"https://data.svc.{self.media_region}.ingest.chime.aws/v1/"
            "client-events",
        }


def default_capabilities(features: dict[str, Any]) -> dict[str, str]:
    # The documented defaults: everything SendReceive, unless the meeting has no video, in which
    # case video is Receive (content SendReceive requires at least video Receive).
    video_off = features.get("Video", {}).get("MaxResolution") == "None"
    content_off = features.get("Content", {}).get("MaxResolution") == "None"
    return {
        "Audio": "SendReceive",
        "Video": ("None" if content_off else "Receive") if video_off else "SendReceive",
        "Content": "None" if content_off else "SendReceive",
    }


def check_capabilities(caps: dict[str, str], features: dict[str, Any]) -> None:
    if caps.get("Content") in RECEIVING and caps.get("Video") not in RECEIVING:
        raise bad_request(
            "Content capability SendReceive or Receive requires Video capability SendReceive or "
            "Receive"
        )
    for media in ("Video", "Content"):
        if features.get(media, {}).get("MaxResolution") == "None" and caps.get(media) != "None":
            raise bad_request(
                f"{media} capability must be None because the meeting's "
                f"MeetingFeatures.{media}.MaxResolution is None"
            )
