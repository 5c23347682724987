"""One attendee's signaling connection, as the Chime SDK for JavaScript speaks it (protocol 3).

The SDK opens a WebSocket to the ``SignalingUrl`` of the meeting's ``MediaPlacement`` with
``?X-Chime-Control-Protocol-Version=3`` and the join token as its second subprotocol
(``_aws_wt_session``, token). Then, in order:

1. JOIN, answered with JOIN_ACK (no TURN credentials: the SDK then gathers host candidates and
   does not force relaying) and a first INDEX of the others' video;
2. SUBSCRIBE with its SDP offer, answered with SUBSCRIBE_ACK (the relay's SDP answer, the stream
   id given to its camera, and which stream each forwarded track carries), then
   AUDIO_STREAM_ID_INFO naming everyone present, which is what the SDK waits for before it says
   ``audioVideoDidStart``;
3. PING_PONG every 10 s, AUDIO_CONTROL on mute, more SUBSCRIBEs when video starts or stops or
   the INDEX changes;
4. LEAVE, answered with LEAVE_ACK. A connection that closes without LEAVE is a dropped attendee.

Presence (``AttendeeJoined``, ``AttendeeLeft``, ``AttendeeDropped``) is set on the emulator's
backend from these frames, so the meeting events come from a client that really connected.
"""

from __future__ import annotations

import contextlib
import logging
import time
from collections.abc import Callable
from typing import Protocol

from websockets.asyncio.server import ServerConnection
from websockets.exceptions import ConnectionClosed

from local.chime_emulator.service_model import ChimeError

from .protocol import signaling_pb2 as pb
from .protocol.framing import FrameError, decode_frame, encode_frame
from .relay import Feed, PeerMedia
from .room import MAX_VIDEO_SUBSCRIPTIONS, Member, Room, signal, stream_id_info

log = logging.getLogger("chime_emulator.media")

# Close codes the SDK understands (JoinAndReceiveIndexTask, MonitorTask).
CLOSE_NORMAL = 1000
CLOSE_BAD_REQUEST = 4400  # any 4xxx but 4410: MeetingSessionStatusCode.SignalingBadRequest
CLOSE_AUTHENTICATION = 4403
CLOSE_AT_CAPACITY = 4409
CLOSE_MEETING_ENDED = 4410  # MeetingSessionStatusCode.MeetingEnded
# AUDIO_STATUS values the SDK maps (MeetingSessionStatus.fromAudioStatus).
STATUS_MEETING_ENDED = 410
STATUS_ATTENDEE_REMOVED = 411


class Presence(Protocol):
    """Where presence is recorded: the emulator's backend (see :mod:`.server`)."""

    def set_presence(self, meeting_id: str, attendee_id: str, presence: str) -> object:
        """Record ``joined``, ``left`` or ``dropped``; raise ``ChimeError`` if it cannot be."""


class RefusedError(Exception):
    """A JOIN that the meeting cannot take; ``code`` is the WebSocket close code to send."""

    def __init__(self, code: int, reason: str) -> None:
        super().__init__(reason)
        self.code = code
        self.reason = reason


class SignalingConnection:
    """The frames of one attendee's WebSocket, from JOIN to LEAVE or to a drop.

    Parameters
    ----------
    websocket
        The accepted connection.
    room
        The meeting's media state.
    meeting_id, attendee_id, external_user_id
        Who connected (the join token was checked before this object exists).
    presence
        Records joined, left and dropped.
    on_joined, on_replaced
        Told when the JOIN admitted this connection, and when it took over from an older one.
    """

    def __init__(
        self,
        websocket: ServerConnection,
        room: Room,
        meeting_id: str,
        attendee_id: str,
        external_user_id: str,
        presence: Presence,
        on_joined: Callable[[Member, SignalingConnection], None],
        on_replaced: Callable[[Member], None],
    ) -> None:
        self.websocket = websocket
        self.room = room
        self.meeting_id = meeting_id
        self.attendee_id = attendee_id
        self.external_user_id = external_user_id
        self.presence = presence
        self.member: Member | None = None
        self.subscribed = False
        self.left = False
        self._on_joined = on_joined
        self._on_replaced = on_replaced

    async def send(self, frame: pb.SdkSignalFrame) -> None:
        """Send one frame; a connection that has gone is not an error here."""
        frame.timestamp_ms = int(time.time() * 1000)
        with contextlib.suppress(ConnectionClosed):
            await self.websocket.send(encode_frame(frame))

    async def run(self) -> None:
        """Serve frames until LEAVE or until the connection closes, then clean up."""
        try:
            async for message in self.websocket:
                if isinstance(message, str):
                    continue  # the SDK sends only binary frames
                await self.handle(decode_frame(message))
                if self.left:
                    break
        except ConnectionClosed:
            pass
        except RefusedError as refused:
            await self.websocket.close(refused.code, refused.reason)
        except FrameError as error:
            log.warning("attendee %s sent a bad frame: %s", self.attendee_id, error)
            await self.websocket.close(CLOSE_BAD_REQUEST, "not a signaling frame")
        finally:
            await self.finish()

    async def finish(self) -> None:
        member, self.member = self.member, None
        if member is None:
            return
        replaced = self.room.members.get(self.attendee_id) is not member
        dropped = not self.left
        if not replaced:
            # A rejoin over a new connection replaced this one: the attendee never went.
            self._set_presence("dropped" if dropped else "left")
        await self.room.remove(member, dropped=dropped and not replaced)
        log.info(
            "attendee %s %s meeting %s",
            self.attendee_id,
            "replaced its connection in" if replaced else "dropped from" if dropped else "left",
            self.meeting_id,
        )

    def _set_presence(self, presence: str) -> None:
        try:
            self.presence.set_presence(self.meeting_id, self.attendee_id, presence)
        except ChimeError as error:  # the meeting may have ended meanwhile
            log.info("presence %s for %s not recorded: %s", presence, self.attendee_id, error)

    # ----------------------------------------------------------------- frames in
    async def handle(self, frame: pb.SdkSignalFrame) -> None:
        kind = frame.type
        if kind == pb.SdkSignalFrame.JOIN:
            await self.join(frame.join)
        elif kind == pb.SdkSignalFrame.SUBSCRIBE:
            await self.subscribe(frame.sub)
        elif kind == pb.SdkSignalFrame.PING_PONG and frame.ping_pong.type == pb.PING:
            pong = pb.SdkPingPongFrame(type=pb.PONG, ping_id=frame.ping_pong.ping_id)
            await self.send(signal(pb.SdkSignalFrame.PING_PONG, ping_pong=pong))
        elif kind == pb.SdkSignalFrame.AUDIO_CONTROL and self.member is not None:
            self.member.muted = frame.audio_control.muted
            info = pb.SdkAudioStreamIdInfo(
                audio_stream_id=self.member.audio_stream_id, muted=self.member.muted
            )
            await self.room.broadcast(stream_id_info([info]))
        elif kind == pb.SdkSignalFrame.LEAVE:
            self.left = True
            await self.send(signal(pb.SdkSignalFrame.LEAVE_ACK, leave_ack=pb.SdkLeaveAckFrame()))
        # CLIENT_METRIC, DATA_MESSAGE, PAUSE/RESUME, REMOTE_VIDEO_UPDATE: nothing to do here.

    async def join(self, join: pb.SdkJoinFrame) -> None:
        if self.member is not None:
            raise RefusedError(CLOSE_BAD_REQUEST, "JOIN was already sent on this connection")
        previous = self.room.members.get(self.attendee_id)
        if previous is None:
            try:
                self.presence.set_presence(self.meeting_id, self.attendee_id, "joined")
            except ChimeError as error:  # the backend's refusal, in words
                if error.error_type == "LimitExceededException":
                    raise RefusedError(CLOSE_AT_CAPACITY, str(error)) from error
                raise RefusedError(CLOSE_MEETING_ENDED, str(error)) from error
        self.member, replaced = self.room.admit(self.attendee_id, self.external_user_id, self.send)
        self._on_joined(self.member, self)
        if replaced is not None:
            self._on_replaced(replaced)
        ack = pb.SdkJoinAckFrame(
            video_subscription_limit=MAX_VIDEO_SUBSCRIPTIONS, wants_compressed_sdp=False
        )
        await self.send(signal(pb.SdkSignalFrame.JOIN_ACK, joinack=ack))
        await self.send(self.room.index_for(self.member))
        log.info("attendee %s joined meeting %s", self.attendee_id, self.meeting_id)

    async def subscribe(self, sub: pb.SdkSubscribeFrame) -> None:
        member = self.member
        if member is None:
            raise RefusedError(CLOSE_BAD_REQUEST, "SUBSCRIBE before JOIN")
        sending = sub.duplex in (pb.TX, pb.DUPLEX)
        index_changed = self.room.publish(member, list(sub.send_streams) if sending else [])
        if member.media is None:
            member.media = PeerMedia(self.attendee_id, self._feed_arrived)
        answer = await member.media.answer(
            sub.sdp_offer, list(sub.receive_stream_ids), self.room.video_feeds()
        )
        ack = pb.SdkSubscribeAckFrame(
            duplex=sub.duplex,
            sdp_answer=answer.sdp,
            allocations=[
                pb.SdkStreamAllocation(
                    track_label=source.descriptor.track_label,
                    stream_id=source.stream_id,
                    group_id=source.group_id,
                )
                for source in member.video
            ],
            tracks=[
                pb.SdkTrackMapping(stream_id=stream_id, track_label=label, ssrc=0)
                for stream_id, label in answer.tracks
            ],
        )
        await self.send(signal(pb.SdkSignalFrame.SUBSCRIBE_ACK, suback=ack))
        log.info(
            "subscribe from %s: sends %s, asks for streams %s, forwarded %s",
            self.attendee_id,
            [source.stream_id for source in member.video],
            [stream_id for stream_id in sub.receive_stream_ids if stream_id],
            [stream_id for stream_id, _ in answer.tracks],
        )
        self.room.route_audio()
        if not self.subscribed:
            self.subscribed = True
            await self.send(self.room.presence())
            arrived = pb.SdkAudioStreamIdInfo(
                audio_stream_id=member.audio_stream_id,
                attendee_id=member.attendee_id,
                external_user_id=member.external_user_id,
                muted=member.muted,
            )
            await self.room.broadcast(stream_id_info([arrived]), besides=member)
        if index_changed:
            await self.room.broadcast_index(besides=member)

    def _feed_arrived(self, media: PeerMedia, feed: Feed) -> None:
        log.info("%s from %s arrives at the relay", feed.kind, self.attendee_id)
        if feed.kind == "audio":
            self.room.route_audio()
