"""One meeting's media state: who is connected, their stream ids, and what the SDK is told.

The signaling connections (:mod:`.signaling`) report frames here; the room answers with the
frames every attendee must see: INDEX (whose video can be received), AUDIO_STREAM_ID_INFO (who
is present, muted, or dropped) and AUDIO_METADATA (how loud each one is, and how well the relay
receives them).
"""

from __future__ import annotations

import itertools
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from .protocol import signaling_pb2 as pb
from .relay import Feed, PeerMedia

log = logging.getLogger("chime_emulator.media")

Send = Callable[[pb.SdkSignalFrame], Awaitable[None]]
MAX_VIDEO_SUBSCRIPTIONS = 25  # what JOIN_ACK tells the SDK it may receive (Chime's default)


@dataclass
class VideoSource:
    """A video stream that one attendee sends and the others may subscribe to."""

    stream_id: int
    group_id: int
    descriptor: pb.SdkStreamDescriptor


@dataclass(eq=False)
class Member:
    """One attendee's signaling connection in the room."""

    attendee_id: str
    external_user_id: str
    send: Send
    audio_stream_id: int
    group_id: int
    media: PeerMedia | None = None
    muted: bool = False
    video: list[VideoSource] = field(default_factory=list)


class Room:
    """The media side of one meeting.

    Parameters
    ----------
    meeting_id
        The meeting's id (for logs).
    """

    def __init__(self, meeting_id: str) -> None:
        self.meeting_id = meeting_id
        self.members: dict[str, Member] = {}  # attendee id -> connection
        # Stream and group ids only grow: the SDK keeps the highest one when an attendee
        # rejoins, and takes a lower one for a stale entry.
        self._ids = itertools.count(1)

    # ----------------------------------------------------------------- membership
    def admit(
        self, attendee_id: str, external_user_id: str, send: Send
    ) -> tuple[Member, Member | None]:
        """Add an attendee's connection; return it and the connection it replaces, if any."""
        replaced = self.members.get(attendee_id)
        member = Member(
            attendee_id=attendee_id,
            external_user_id=external_user_id,
            send=send,
            audio_stream_id=next(self._ids),
            group_id=next(self._ids),
        )
        self.members[attendee_id] = member
        return member, replaced

    async def remove(self, member: Member, *, dropped: bool) -> None:
        """Take a connection out, tell the others it left (or dropped), and stop its media."""
        if self.members.get(member.attendee_id) is member:
            del self.members[member.attendee_id]
        gone = pb.SdkAudioStreamIdInfo(audio_stream_id=member.audio_stream_id)
        if dropped:
            gone.dropped = True
        await self.broadcast(stream_id_info([gone]))
        if member.video:
            member.video = []
            await self.broadcast_index()
        if member.media is not None:
            await member.media.close()
            member.media = None
        self.route_audio()

    # ----------------------------------------------------------------- frames out
    async def broadcast(self, frame: pb.SdkSignalFrame, *, besides: Member | None = None) -> None:
        for member in list(self.members.values()):
            if member is not besides:
                await member.send(frame)

    def index_for(self, member: Member) -> pb.SdkSignalFrame:
        """The INDEX one attendee sees: every other attendee's video sources."""
        sources = [
            source.descriptor
            for other in self.members.values()
            if other is not member
            for source in other.video
        ]
        return signal(
            pb.SdkSignalFrame.INDEX,
            index=pb.SdkIndexFrame(
                at_capacity=False, sources=sources, num_participants=len(self.members)
            ),
        )

    async def broadcast_index(self, *, besides: Member | None = None) -> None:
        for member in list(self.members.values()):
            if member is not besides:
                await member.send(self.index_for(member))

    def presence(self) -> pb.SdkSignalFrame:
        """AUDIO_STREAM_ID_INFO naming everyone connected (what a new connection is told)."""
        return stream_id_info(
            [
                pb.SdkAudioStreamIdInfo(
                    audio_stream_id=m.audio_stream_id,
                    attendee_id=m.attendee_id,
                    external_user_id=m.external_user_id,
                    muted=m.muted,
                )
                for m in self.members.values()
            ]
        )

    def metadata(self) -> pb.SdkSignalFrame:
        """AUDIO_METADATA: each connected attendee's loudness and signal strength.

        The strength is how the relay receives them (:class:`~.relay.Reception`): 2 with little
        loss, 1 with high loss or gaps, 0 when nothing has come for 2 s or they have no media.
        It is always set, 0 included: the SDK takes an attendee left out of a frame that gives
        others a strength as being at full strength (``IMPLICIT_SIGNAL_STRENGTH``), and reports
        ``signalStrength`` 0, 0.5 or 1 (the level over 2).
        """
        states = []
        for member in self.members.values():
            feed = member.media.feeds.get("audio") if member.media else None
            state = pb.SdkAudioAttendeeState(
                audio_stream_id=member.audio_stream_id,
                signal_strength=member.media.signal_strength if member.media else 0,
            )
            if feed is not None:
                state.volume = feed.volume_db
            states.append(state)
        return signal(
            pb.SdkSignalFrame.AUDIO_METADATA,
            audio_metadata=pb.SdkAudioMetadataFrame(attendee_states=states),
        )

    # ----------------------------------------------------------------- media
    def publish(self, member: Member, send_streams: list[pb.SdkStreamDescriptor]) -> bool:
        """Record the video streams a SUBSCRIBE says it sends; True if the room's index changed."""
        video = [s for s in send_streams if s.media_type == pb.VIDEO]
        before = [(s.descriptor.track_label, s.descriptor.max_bitrate_kbps) for s in member.video]
        after = [(s.track_label, s.max_bitrate_kbps) for s in video]
        if before == after:
            return False
        published = []
        for index, stream in enumerate(video):
            old = member.video[index] if index < len(member.video) else None
            stream_id = old.stream_id if old is not None else next(self._ids)
            descriptor = pb.SdkStreamDescriptor()
            descriptor.CopyFrom(stream)
            descriptor.stream_id = stream_id
            descriptor.group_id = member.group_id
            descriptor.attendee_id = member.attendee_id
            descriptor.external_user_id = member.external_user_id
            descriptor.media_type = pb.VIDEO
            published.append(VideoSource(stream_id, member.group_id, descriptor))
        member.video = published
        return True

    def video_feeds(self) -> dict[int, Feed]:
        """The meeting's incoming camera feeds, by the stream id the INDEX gives them."""
        feeds: dict[int, Feed] = {}
        for member in self.members.values():
            feed = member.media.feeds.get("video") if member.media else None
            if feed is not None:
                for source in member.video:
                    feeds[source.stream_id] = feed
        return feeds

    def route_audio(self) -> None:
        """Send each attendee the audio of the latest other attendee who sends audio."""
        members = list(self.members.values())
        for member in members:
            if member.media is None:
                continue
            track = member.media.audio_out
            source = None
            for other in reversed(members):
                feed = other.media.feeds.get("audio") if other.media else None
                if other is not member and feed is not None:
                    source = feed
                    break
            for other in members:
                feed = other.media.feeds.get("audio") if other.media else None
                if feed is not None and feed is not source:
                    feed.receivers.discard(track)
            if source is not None:
                source.receivers.add(track)


def signal(frame_type: int, **parts: object) -> pb.SdkSignalFrame:
    """A frame of ``frame_type`` with its part set (``index=...``, ``joinack=...``)."""
    return pb.SdkSignalFrame(type=frame_type, timestamp_ms=0, **parts)  # type: ignore[arg-type]


def stream_id_info(streams: list[pb.SdkAudioStreamIdInfo]) -> pb.SdkSignalFrame:
    return signal(
        pb.SdkSignalFrame.AUDIO_STREAM_ID_INFO,
        audio_stream_id_info=pb.SdkAudioStreamIdInfoFrame(streams=streams),
    )
