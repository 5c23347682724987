"""The emulator's media side: signaling WebSockets and the WebRTC relay, on their own port.

It runs one asyncio event loop in a background thread beside the emulator's HTTP server. The
HTTP side tells it about meetings that end and attendees that are deleted through the backend's
event sink (:meth:`MediaServer.emit`), and the signaling connections record presence on the
backend, so the two sides share one truth about who is in which meeting.
"""

from __future__ import annotations

import asyncio
import hmac
import logging
import re
import socket
import threading
from collections.abc import Sequence
from concurrent.futures import Future
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs, urlsplit

from websockets.asyncio.server import Server, ServerConnection, serve
from websockets.datastructures import Headers
from websockets.http11 import Request, Response
from websockets.typing import Subprotocol

from .protocol import signaling_pb2 as pb
from .relay import serve_loopback_candidates
from .room import Member, Room, signal
from .signaling import (
    CLOSE_AUTHENTICATION,
    CLOSE_BAD_REQUEST,
    CLOSE_MEETING_ENDED,
    CLOSE_NORMAL,
    STATUS_ATTENDEE_REMOVED,
    STATUS_MEETING_ENDED,
    RefusedError,
    SignalingConnection,
)

if TYPE_CHECKING:
    from local.chime_emulator.backend import ChimeBackend

log = logging.getLogger("chime_emulator.media")

SESSION_SUBPROTOCOL = Subprotocol("_aws_wt_session")
PROTOCOL_VERSION = "3"
_CONTROL_PATH = re.compile(r"^/control/([0-9a-fA-F-]{36})$")
# Server pings find a client that vanished (a closed laptop, a phone out of signal): after
# PING_INTERVAL + PING_TIMEOUT seconds without an answer the attendee is dropped. The SDK's own
# pings (every 10 s) keep a healthy connection busy in between.
PING_INTERVAL = 5.0
PING_TIMEOUT = 10.0
CLOSE_TIMEOUT = 1.0  # seconds to wait for the client's close frame after ours
METADATA_INTERVAL = 0.5  # seconds between two AUDIO_METADATA frames (loudness for the pages)


class MediaServer:
    """Serve Chime SDK signaling at ``ws://host:port/control/<MeetingId>``.

    Parameters
    ----------
    backend
        The emulator's meetings and attendees: join tokens are checked there, and presence is
        recorded there.
    host, port
        Where to listen (port 0 picks a free one).
    """

    def __init__(self, backend: ChimeBackend, host: str = "127.0.0.1", port: int = 0) -> None:
        self.backend = backend
        self.host = host
        # Bound now, so that the meetings' MediaPlacement can name the port before serving.
        self._socket = socket.create_server((host, port))
        self.port = self._socket.getsockname()[1]
        self.rooms: dict[str, Room] = {}
        self.connections: dict[Member, SignalingConnection] = {}
        self._loop = asyncio.new_event_loop()
        self._server: Server | None = None
        self._ready = threading.Event()
        self._ticker: asyncio.Task[None] | None = None
        self._thread = threading.Thread(target=self._run, name="chime-media", daemon=True)

    # ----------------------------------------------------------------- lifecycle
    def start(self) -> MediaServer:
        """Start listening; returns when the port is bound."""
        serve_loopback_candidates()
        self._thread.start()
        self._ready.wait(10)
        if self._server is None:
            raise RuntimeError(f"the media server could not listen on {self.host}:{self.port}")
        return self

    @property
    def url(self) -> str:
        return f"ws://{self.host}:{self.port}"

    def _run(self) -> None:
        asyncio.set_event_loop(self._loop)
        self._loop.run_until_complete(self._start())
        self._ready.set()
        if self._server is not None:
            self._ticker = self._loop.create_task(self._tick_metadata())
            self._loop.run_forever()

    async def _start(self) -> None:
        try:
            self._server = await serve(
                self._handle,
                sock=self._socket,
                subprotocols=[SESSION_SUBPROTOCOL],
                select_subprotocol=_select_subprotocol,
                process_request=_check_request,
                ping_interval=PING_INTERVAL,
                ping_timeout=PING_TIMEOUT,
                # A client that never answers our close (a frozen tab) must not hold up a
                # meeting's end or the emulator's stop for websockets' default 10 s each.
                close_timeout=CLOSE_TIMEOUT,
                compression=None,  # the SDK's frames are small; deflate only costs CPU
            )
        except OSError as error:
            log.error("media server: %s", error)

    def close(self) -> None:
        """Close every connection and stop the loop (it gives up on connections after 10 s)."""
        if not self._thread.is_alive():
            return
        try:
            self._call(self._shutdown()).result(10)
        except TimeoutError:
            # Stopping must not fail: the emulator's HTTP side still has to stop after this.
            log.warning("media server: connections still closing after 10 s; stopping anyway")
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(10)

    async def _shutdown(self) -> None:
        if self._ticker is not None:
            self._ticker.cancel()
        for room in list(self.rooms.values()):
            await self._end_room(room, STATUS_MEETING_ENDED)
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()

    def _call(self, coroutine: Any) -> Future[Any]:
        return asyncio.run_coroutine_threadsafe(coroutine, self._loop)

    # ----------------------------------------------------------------- the backend's events
    def emit(self, event_type: str, detail: dict[str, Any], region: str) -> None:
        """An event sink beside EventBridge: end the media of meetings and attendees that end."""
        meeting_id = detail.get("meetingId", "")
        if event_type == "MeetingEnded":
            self._loop.call_soon_threadsafe(self._ended, meeting_id, None)
        elif event_type == "AttendeeDeleted":
            self._loop.call_soon_threadsafe(self._ended, meeting_id, detail.get("attendeeId"))

    def _ended(self, meeting_id: str, attendee_id: str | None) -> None:
        room = self.rooms.get(meeting_id)
        if room is None:
            return
        # The backend ends a meeting by deleting its attendees one by one (AttendeeDeleted) and
        # then the meeting (MeetingEnded), all under its lock. Once the lock is free, a meeting
        # that is gone means those deletions were its end: the attendees must hear "meeting
        # ended" (410, the SDK's MeetingEnded), not "you were removed" (411).
        with self.backend.lock:
            meeting_over = meeting_id not in self.backend.meetings
        if attendee_id is None or meeting_over:
            self._loop.create_task(self._end_room(room, STATUS_MEETING_ENDED))
        elif attendee_id in room.members:
            member = room.members[attendee_id]
            self._loop.create_task(self._end_member(member, STATUS_ATTENDEE_REMOVED))

    async def _end_room(self, room: Room, status: int) -> None:
        for member in list(room.members.values()):
            await self._end_member(member, status)
        self.rooms.pop(room.meeting_id, None)

    async def _end_member(self, member: Member, status: int) -> None:
        connection = self.connections.get(member)
        if connection is None or connection.left:
            return  # gone, leaving, or already ended: one AUDIO_STATUS is all the SDK reads
        connection.left = True  # ended by the service: neither a leave nor a drop to record
        audio_status = pb.SdkAudioStatusFrame(audio_status=status)
        await connection.send(signal(pb.SdkSignalFrame.AUDIO_STATUS, audio_status=audio_status))
        await connection.websocket.close(CLOSE_NORMAL, "ended")

    # ----------------------------------------------------------------- connections
    async def _handle(self, websocket: ServerConnection) -> None:
        assert websocket.request is not None  # a connection the handshake accepted
        match = _CONTROL_PATH.match(urlsplit(websocket.request.path).path)
        if match is None:  # _check_request refused anything else; keep mypy and readers sure
            await websocket.close(CLOSE_BAD_REQUEST, "unknown path")
            return
        meeting_id = match.group(1).lower()
        token = join_token(websocket.request.headers)
        try:
            attendee_id, external_user_id = self._attendee_for(meeting_id, token)
        except RefusedError as refused:
            log.info("signaling for meeting %s refused: %s", meeting_id, refused.reason)
            await websocket.close(refused.code, refused.reason)
            return
        room = self.rooms.setdefault(meeting_id, Room(meeting_id))
        connection = SignalingConnection(
            websocket,
            room,
            meeting_id,
            attendee_id,
            external_user_id,
            self.backend,
            self.track,
            self._replaced,
        )
        try:
            await connection.run()
        finally:
            for member, open_connection in list(self.connections.items()):
                if open_connection is connection:
                    del self.connections[member]
            if not room.members:
                self.rooms.pop(meeting_id, None)

    def _attendee_for(self, meeting_id: str, token: str) -> tuple[str, str]:
        """The ``(attendee id, external user id)`` whose join token this is.

        Raises
        ------
        RefusedError
            With the close code the SDK understands: the meeting ended, or the token is wrong.
        """
        with self.backend.lock:
            meeting = self.backend.meetings.get(meeting_id)
            if meeting is None:
                raise RefusedError(CLOSE_MEETING_ENDED, "The meeting already ended")
            for attendee in meeting.attendees.values():
                if token and hmac.compare_digest(attendee.join_token, token):
                    return attendee.attendee_id, attendee.external_user_id
        raise RefusedError(CLOSE_AUTHENTICATION, "The join token is not valid for this meeting")

    def _replaced(self, member: Member) -> None:
        """A rejoin took over from an older connection: close the old one quietly."""
        old = self.connections.get(member)
        if old is not None:
            old.left = True
            self._loop.create_task(old.websocket.close(CLOSE_NORMAL, "replaced"))

    def track(self, member: Member, connection: SignalingConnection) -> None:
        self.connections[member] = connection

    async def _tick_metadata(self) -> None:
        while True:
            await asyncio.sleep(METADATA_INTERVAL)  # a pace, not a synchronisation
            for room in list(self.rooms.values()):
                if any(member.media for member in room.members.values()):
                    await room.broadcast(room.metadata())

    # ----------------------------------------------------------------- inspection
    def snapshot(self) -> list[dict[str, Any]]:
        """Who is connected to which meeting, and the frames the relay received from each."""
        return self._call(self._snapshot()).result(5)  # type: ignore[no-any-return]

    async def _snapshot(self) -> list[dict[str, Any]]:
        return [
            {
                "MeetingId": room.meeting_id,
                "Attendees": [
                    {
                        "AttendeeId": member.attendee_id,
                        "AudioStreamId": member.audio_stream_id,
                        "VideoStreamIds": [source.stream_id for source in member.video],
                        "FramesReceived": member.media.stats() if member.media else {},
                        "PacketsReceived": await member.media.packets() if member.media else {},
                        "FramesSent": member.media.sent() if member.media else {},
                    }
                    for member in room.members.values()
                ],
            }
            for room in self.rooms.values()
        ]


def join_token(headers: Headers) -> str:
    """The join token the SDK sends as the subprotocol after ``_aws_wt_session``."""
    offered = [
        part.strip()
        for header in headers.get_all("Sec-WebSocket-Protocol")
        for part in header.split(",")
    ]
    if SESSION_SUBPROTOCOL in offered:
        position = offered.index(SESSION_SUBPROTOCOL)
        if position + 1 < len(offered):
            return offered[position + 1]
    return ""


def _select_subprotocol(
    connection: ServerConnection, subprotocols: Sequence[Subprotocol]
) -> Subprotocol | None:
    return SESSION_SUBPROTOCOL if SESSION_SUBPROTOCOL in subprotocols else None


def _check_request(connection: ServerConnection, request: Request) -> Response | None:
    """Refuse, before the upgrade, what is not a protocol-3 signaling connection."""
    url = urlsplit(request.path)
    if _CONTROL_PATH.match(url.path) is None:
        return connection.respond(404, "Not a signaling URL: /control/<MeetingId>\n")
    version = parse_qs(url.query).get("X-Chime-Control-Protocol-Version", [""])[0]
    if version != PROTOCOL_VERSION:
        return connection.respond(
            400, f"X-Chime-Control-Protocol-Version must be {PROTOCOL_VERSION}\n"
        )
    return None
