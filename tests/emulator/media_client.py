"""A Chime SDK stand-in for the emulator's media tests: signaling frames and an aiortc peer.

:class:`SignalingClient` speaks protocol 3 over a real WebSocket, the way the Chime SDK for
JavaScript 3.32 does (``DefaultSignalingClient``): the same URL, query and subprotocols, one
``0x05``-prefixed protobuf frame per binary message. :class:`PeerClient` builds its SDP offer the
way the SDK's transceiver controller does: the audio section ``sendrecv``, one ``sendrecv``
video section for its own camera, then one ``recvonly`` video section per remote stream, in the
order of the SUBSCRIBE's ``receive_stream_ids`` (whose first entry, 0, is the camera's slot).
It sends synthetic media: a solid-colour picture and a tone.

Everything here is async; the tests run each coroutine with ``asyncio.run``.
"""

from __future__ import annotations

import asyncio
import contextlib
import fractions
import math
import time
from collections.abc import Callable
from typing import Any

import websockets
from aiortc import (
    MediaStreamTrack,
    RTCBundlePolicy,
    RTCConfiguration,
    RTCPeerConnection,
    RTCRtpTransceiver,
    RTCSessionDescription,
    VideoStreamTrack,
)
from aiortc.mediastreams import MediaStreamError
from av import AudioFrame, VideoFrame
from websockets.asyncio.client import ClientConnection
from websockets.exceptions import ConnectionClosed
from websockets.typing import Subprotocol

from local.chime_emulator.media.protocol import signaling_pb2 as pb
from local.chime_emulator.media.protocol.framing import decode_frame, encode_frame

T = pb.SdkSignalFrame  # frame types: T.JOIN, T.SUBSCRIBE_ACK, ...
SESSION_SUBPROTOCOL = "_aws_wt_session"
TIMEOUT = 5.0  # seconds to wait for one frame: generous on a loaded machine, short if broken
SAMPLE_RATE = 48_000
AUDIO_PTIME = 0.020  # 20 ms per audio frame, as WebRTC sends Opus


def control_url(media_url: str, meeting_id: str, version: str | None = "3") -> str:
    """The URL the SDK opens: the SignalingUrl plus the protocol-version query the SDK adds."""
    query = "X-Amzn-Chime-Send-Close-On-Error=1"
    if version is not None:
        query = f"X-Chime-Control-Protocol-Version={version}&{query}"
    return f"{media_url}/control/{meeting_id}?{query}"


class SignalingClient:
    """One attendee's signaling WebSocket, read in the background into a list of frames.

    Parameters
    ----------
    websocket
        An open connection (see :meth:`connect`).
    """

    def __init__(self, websocket: ClientConnection) -> None:
        self.websocket = websocket
        self.received: list[pb.SdkSignalFrame] = []  # every frame, in order of arrival
        self._unread: list[pb.SdkSignalFrame] = []
        self._arrived = asyncio.Condition()
        self._reader = asyncio.ensure_future(self._read())

    @classmethod
    async def connect(
        cls,
        media_url: str,
        meeting_id: str,
        join_token: str,
        *,
        version: str | None = "3",
        path: str | None = None,
    ) -> SignalingClient:
        """Open the connection as the SDK does; ``path`` replaces the whole URL path and query."""
        url = control_url(media_url, meeting_id, version) if path is None else media_url + path
        websocket = await websockets.connect(
            url,
            subprotocols=[Subprotocol(SESSION_SUBPROTOCOL)]
            + ([Subprotocol(join_token)] if join_token else []),
            compression=None,
            open_timeout=TIMEOUT,
        )
        return cls(websocket)

    async def _read(self) -> None:
        try:
            async for message in self.websocket:
                assert isinstance(message, bytes), "the server sends only binary frames"
                frame = decode_frame(message)
                async with self._arrived:
                    self.received.append(frame)
                    self._unread.append(frame)
                    self._arrived.notify_all()
        except ConnectionClosed:
            pass
        finally:
            async with self._arrived:
                self._arrived.notify_all()

    async def send(self, frame_type: int, **parts: Any) -> None:
        """Send one frame of ``frame_type`` with its part (``join=...``, ``sub=...``)."""
        now = int(time.time() * 1000)
        frame = pb.SdkSignalFrame(type=frame_type, timestamp_ms=now, **parts)  # type: ignore[arg-type]
        await self.websocket.send(encode_frame(frame))

    async def expect(
        self,
        frame_type: int,
        where: Callable[[pb.SdkSignalFrame], bool] | None = None,
        timeout: float = TIMEOUT,
    ) -> pb.SdkSignalFrame:
        """The first unread frame of ``frame_type`` (matching ``where``), waiting if need be.

        Raises
        ------
        AssertionError
            If none arrives within ``timeout`` seconds, or the connection closes first.
        """

        def found() -> pb.SdkSignalFrame | None:
            for frame in self._unread:
                if frame.type == frame_type and (where is None or where(frame)):
                    self._unread.remove(frame)
                    return frame
            return None

        async def wait() -> pb.SdkSignalFrame | None:
            async with self._arrived:
                while (frame := found()) is None and not self._reader.done():
                    await self._arrived.wait()
                return frame

        try:
            frame = await asyncio.wait_for(wait(), timeout)
        except TimeoutError:
            frame = None
        if frame is None:
            kinds = [T.Type.Name(f.type) for f in self.received]
            raise AssertionError(
                f"no {T.Type.Name(frame_type)} frame (closed: {self._reader.done()}); "
                f"received {kinds}"
            )
        return frame

    def skip_unread(self) -> None:
        """Take every frame received so far as read: :meth:`expect` then waits for new ones."""
        self._unread.clear()

    def unread(self, frame_type: int) -> list[pb.SdkSignalFrame]:
        """Frames of ``frame_type`` received and not yet taken by :meth:`expect`."""
        return [frame for frame in self._unread if frame.type == frame_type]

    async def close_code(self, timeout: float = TIMEOUT) -> tuple[int | None, str]:
        """Wait for the server to close the connection; return its close code and reason."""
        await asyncio.wait_for(asyncio.shield(self._reader), timeout)
        await self.websocket.wait_closed()
        received = self.websocket.protocol.close_rcvd  # what the server sent, not our reply
        return (received.code, received.reason) if received else (None, "")

    # ----------------------------------------------------------------- the SDK's frames
    async def join(self) -> tuple[pb.SdkJoinAckFrame, pb.SdkIndexFrame]:
        """JOIN as the SDK does; return the JOIN_ACK and the first INDEX."""
        join = pb.SdkJoinFrame(
            protocol_version=2,
            max_num_of_videos=25,
            flags=pb.HAS_STREAM_UPDATE,
            client_details=pb.SdkClientDetails(
                app_name="media-tests", chime_sdk_version="3.32.0", platform_name="aiortc"
            ),
            audio_session_id=1,
            wants_compressed_sdp=False,
        )
        await self.send(T.JOIN, join=join)
        ack = await self.expect(T.JOIN_ACK)
        index = await self.expect(T.INDEX)
        return ack.joinack, index.index

    async def subscribe(
        self,
        sdp_offer: str,
        receive_stream_ids: list[int],
        *,
        video: bool = True,
    ) -> pb.SdkSubscribeAckFrame:
        """SUBSCRIBE as the SDK does (audio not a check-in); return the SUBSCRIBE_ACK."""
        audio = pb.SdkStreamDescriptor(
            media_type=pb.AUDIO,
            track_label="AmazonChimeExpressAudio",
            stream_id=1,
            group_id=1,
            framerate=15,
            max_bitrate_kbps=600,
            avg_bitrate_bps=400_000,
        )
        streams = [audio]
        if video:
            camera = pb.SdkStreamDescriptor(
                media_type=pb.VIDEO,
                track_label="AmazonChimeExpressVideo",
                stream_id=2,
                group_id=2,
                framerate=15,
                max_bitrate_kbps=1400,
            )
            streams.append(camera)
        sub = pb.SdkSubscribeFrame(
            duplex=pb.DUPLEX if video else pb.RX,
            send_streams=streams,
            receive_stream_ids=receive_stream_ids,
            sdp_offer=sdp_offer,
            audio_host="127.0.0.1",
            audio_checkin=False,
            audio_muted=False,
        )
        await self.send(T.SUBSCRIBE, sub=sub)
        return (await self.expect(T.SUBSCRIBE_ACK)).suback

    async def ping(self, ping_id: int) -> pb.SdkPingPongFrame:
        ping = pb.SdkPingPongFrame(type=pb.PING, ping_id=ping_id)
        await self.send(T.PING_PONG, ping_pong=ping)
        pong = await self.expect(T.PING_PONG, lambda f: f.ping_pong.type == pb.PONG)
        return pong.ping_pong

    async def leave(self) -> None:
        await self.send(T.LEAVE, leave=pb.SdkLeaveFrame())
        await self.expect(T.LEAVE_ACK)

    async def close(self) -> None:
        """Close the socket (without LEAVE: to the server, a dropped attendee)."""
        await self.websocket.close()
        with contextlib.suppress(Exception):
            await self._reader


# --------------------------------------------------------------------- synthetic media
class ColourTrack(VideoStreamTrack):
    """A camera that shows one solid colour, at aiortc's pace (30 frames a second).

    Parameters
    ----------
    rgb
        The colour, as 0-255 red, green and blue.
    width, height
        The picture's size.
    """

    def __init__(self, rgb: tuple[int, int, int], width: int = 320, height: int = 240) -> None:
        super().__init__()
        picture = VideoFrame(width, height, "rgb24")
        fill_plane(picture.planes[0], bytes(rgb) * width, height)
        picture = picture.reformat(format="yuv420p")
        self.width, self.height = width, height
        self._planes = [(bytes(plane), plane.line_size, plane.height) for plane in picture.planes]
        self.sent = 0

    async def recv(self) -> VideoFrame:
        pts, time_base = await self.next_timestamp()
        frame = VideoFrame(self.width, self.height, "yuv420p")
        for plane, (data, line_size, _) in zip(frame.planes, self._planes, strict=True):
            if plane.line_size == line_size:
                plane.update(data)
            else:  # another allocation's padding: copy row by row
                visible = min(line_size, plane.line_size)
                rows = [data[r * line_size : r * line_size + visible] for r in range(plane.height)]
                fill_plane(plane, rows, plane.height)
        frame.pts, frame.time_base = pts, time_base
        self.sent += 1
        return frame


def fill_plane(plane: Any, rows: bytes | list[bytes], height: int) -> None:
    """Write ``height`` rows (one row repeated, or one per line) into a frame plane."""
    buffer = bytearray(plane.line_size * height)
    for row in range(height):
        line = rows if isinstance(rows, bytes) else rows[row]
        buffer[row * plane.line_size : row * plane.line_size + len(line)] = line
    plane.update(bytes(buffer))


class ToneTrack(MediaStreamTrack):
    """A microphone that plays a sine tone (or silence), 20 ms of 48 kHz mono at a time."""

    kind = "audio"

    def __init__(self, hertz: float = 440.0, amplitude: float = 0.3) -> None:
        super().__init__()
        samples = int(SAMPLE_RATE * AUDIO_PTIME)
        period = [
            round(amplitude * 32767 * math.sin(2 * math.pi * hertz * n / SAMPLE_RATE))
            for n in range(samples)
        ]
        self._pcm = b"".join(sample.to_bytes(2, "little", signed=True) for sample in period)
        self._samples = samples
        self._start: float | None = None
        self._timestamp = 0

    async def recv(self) -> AudioFrame:
        if self.readyState != "live":
            raise MediaStreamError
        if self._start is None:
            self._start = time.time()
        else:
            self._timestamp += self._samples
            # A pace, as a microphone has: one frame every 20 ms of wall time.
            await asyncio.sleep(self._start + self._timestamp / SAMPLE_RATE - time.time())
        frame = AudioFrame(format="s16", layout="mono", samples=self._samples)
        frame.planes[0].update(self._pcm)
        frame.pts = self._timestamp
        frame.sample_rate = SAMPLE_RATE
        frame.time_base = fractions.Fraction(1, SAMPLE_RATE)
        return frame


def mean_rgb(frame: VideoFrame) -> tuple[float, float, float]:
    """The average colour of a decoded picture, as 0-255 red, green and blue."""
    rgb = frame.reformat(format="rgb24")
    plane = rgb.planes[0]
    data = bytes(plane)
    row_bytes = rgb.width * 3
    rows = b"".join(
        data[r * plane.line_size : r * plane.line_size + row_bytes] for r in range(rgb.height)
    )
    pixels = rgb.width * rgb.height
    return (sum(rows[0::3]) / pixels, sum(rows[1::3]) / pixels, sum(rows[2::3]) / pixels)


# --------------------------------------------------------------------- the peer connection
class PeerClient:
    """The SDK's peer connection, as aiortc: audio, its camera, and one section per remote video.

    Parameters
    ----------
    colour
        What its camera shows; ``None`` for no camera (the section is still offered, as the SDK
        keeps its camera transceiver).
    tone
        Whether its microphone plays a tone (else it sends silence).
    """

    def __init__(self, colour: tuple[int, int, int] | None, *, tone: bool = True) -> None:
        # As the SDK configures it (CreatePeerConnectionTask: max-bundle, one transport for
        # every section), and with no STUN server: everything is on loopback.
        configuration = RTCConfiguration(iceServers=[], bundlePolicy=RTCBundlePolicy.MAX_BUNDLE)
        self.pc = RTCPeerConnection(configuration)
        self.microphone = ToneTrack(amplitude=0.3 if tone else 0.0)
        self.camera = ColourTrack(colour) if colour is not None else None
        self.audio = self.pc.addTransceiver(self.microphone, direction="sendrecv")
        self.video = self.pc.addTransceiver(self.camera or "video", direction="sendrecv")
        self.remote: list[RTCRtpTransceiver] = []  # one per remote stream, in subscribe order

    async def offer(self, remote_streams: int) -> str:
        """An offer with at least ``remote_streams`` receive-only video sections."""
        while len(self.remote) < remote_streams:
            self.remote.append(self.pc.addTransceiver("video", direction="recvonly"))
        await self.pc.setLocalDescription(await self.pc.createOffer())
        return self.pc.localDescription.sdp

    async def accept(self, answer_sdp: str) -> None:
        await self.pc.setRemoteDescription(RTCSessionDescription(sdp=answer_sdp, type="answer"))

    async def subscribe(
        self, signaling: SignalingClient, remote_stream_ids: list[int]
    ) -> tuple[str, pb.SdkSubscribeAckFrame]:
        """Offer, SUBSCRIBE with the SDK's stream ids, and take the answer; return both SDPs."""
        offer = await self.offer(len(remote_stream_ids))
        ack = await signaling.subscribe(offer, [0, *remote_stream_ids])
        await self.accept(ack.sdp_answer)
        return offer, ack

    def remote_video(self, position: int = 0) -> MediaStreamTrack:
        """The track of the ``position``-th remote video section."""
        track = self.remote[position].receiver.track
        assert track is not None, "the section has no remote track yet (no answer taken?)"
        return track

    def remote_audio(self) -> MediaStreamTrack:
        track = self.audio.receiver.track
        assert track is not None, "the audio section has no remote track yet"
        return track

    async def close(self) -> None:
        await self.pc.close()
