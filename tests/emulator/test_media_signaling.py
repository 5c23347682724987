"""The emulator's media side over the real wire: signaling WebSocket frames and the WebRTC relay.

Black-box: each test creates a meeting and attendees with boto3, then connects to the media
port exactly as the Chime SDK for JavaScript 3.32 does (``media_client``: the SDK's URL,
subprotocols and frames; an aiortc peer connection whose SDP offer is laid out as the SDK's).
What is asserted is what the SDK or the product relies on: the close codes and statuses the SDK
maps to meeting-session statuses, the frames it waits for, the meeting events the back end acts
on, and pictures and sound that really cross the relay.

pytest-asyncio is not installed: each test runs its coroutine with :func:`run`. Nothing sleeps to
synchronise: frames are awaited with a timeout, and meeting events through the event log's
wait_for (woken by each event, with a deadline).
"""

from __future__ import annotations

import asyncio
import contextlib
import math
import socket
import time
import uuid
from array import array
from collections.abc import Awaitable, Callable, Coroutine
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
import requests
from av import AudioFrame, VideoFrame
from websockets.exceptions import InvalidStatus

from local.chime_emulator import ChimeEmulator
from local.chime_emulator.media.protocol import signaling_pb2 as pb
from local.chime_emulator.media.sdp import Section, media_sections, reject_in_answer, rejected_mids
from tests.conftest import chime_client

from .helpers import new_meeting
from .media_client import PeerClient, SignalingClient, T, mean_rgb

TEST_TIMEOUT = 20.0  # a whole test's coroutine; each wait inside is much shorter
RED, BLUE = (255, 0, 0), (0, 0, 255)


class Call:
    """One meeting's media connections in a test, all closed at its end whatever happened.

    Parameters
    ----------
    media_url
        The media side's ``ws://`` base URL.
    meeting_id
        The meeting they connect to.
    """

    def __init__(self, media_url: str, meeting_id: str) -> None:
        self.media_url = media_url
        self.meeting_id = meeting_id
        self._parties: list[SignalingClient | PeerClient] = []

    async def connect(self, attendee: dict[str, Any]) -> SignalingClient:
        """A signaling connection with the attendee's join token, as the SDK opens it."""
        client = await SignalingClient.connect(
            self.media_url, self.meeting_id, attendee["JoinToken"]
        )
        self._parties.append(client)
        return client

    async def joined(self, attendee: dict[str, Any]) -> SignalingClient:
        """Connected and past JOIN (JOIN_ACK and the first INDEX taken)."""
        client = await self.connect(attendee)
        await client.join()
        return client

    def peer(self, colour: tuple[int, int, int] | None, *, tone: bool = True) -> PeerClient:
        peer = PeerClient(colour, tone=tone)
        self._parties.insert(0, peer)  # closed before the signaling, as the SDK does
        return peer

    async def in_the_call(
        self, attendee: dict[str, Any], colour: tuple[int, int, int] | None = None
    ) -> tuple[SignalingClient, PeerClient]:
        """Joined and subscribed as the SDK does, receiving every video the first INDEX lists.

        Returns once the meeting's presence (AUDIO_STREAM_ID_INFO naming this attendee) came.
        """
        signaling = await self.connect(attendee)
        _, index = await signaling.join()
        peer = self.peer(colour)
        await peer.subscribe(signaling, [source.stream_id for source in index.sources])
        await signaling.expect(  # what the SDK waits for before audioVideoDidStart
            T.AUDIO_STREAM_ID_INFO,
            lambda f: any(
                s.attendee_id == attendee["AttendeeId"] for s in f.audio_stream_id_info.streams
            ),
        )
        return signaling, peer

    async def hang_up(self) -> None:
        for party in self._parties:
            with contextlib.suppress(Exception):  # already closed by the test or the server
                await party.close()


def run(
    media_url: str, meeting_id: str, scenario: Callable[[Call], Coroutine[Any, Any, None]]
) -> None:
    """Run one test's scenario on a fresh event loop, then close every connection it opened.

    The loop runs in a thread of its own: Playwright's sync API (the browser tests of the same
    run) keeps an event loop running on the main thread, where ``asyncio.run`` is refused.
    """

    async def whole() -> None:
        call = Call(media_url, meeting_id)
        try:
            await asyncio.wait_for(scenario(call), TEST_TIMEOUT)
        finally:
            await call.hang_up()

    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="scenario") as worker:
        worker.submit(asyncio.run, whole()).result()


@pytest.fixture
def media_url(emulator: ChimeEmulator, chime_url: str) -> str:
    """The media side's ``ws://`` base URL, with the emulator reset for the test."""
    assert emulator.media is not None, "the test emulator serves the media side"
    return emulator.media.url


def meeting_with(chime: Any, *users: str, **overrides: Any) -> tuple[str, list[dict[str, Any]]]:
    """A new meeting and one attendee per external user id (with their join tokens)."""
    meeting_id = new_meeting(chime, **overrides)["MeetingId"]
    attendees = [
        chime.create_attendee(MeetingId=meeting_id, ExternalUserId=user)["Attendee"]
        for user in users
    ]
    return meeting_id, attendees


def attendee_events(emulator: ChimeEmulator, attendee_id: str) -> list[str]:
    """The attendee's meeting events so far, without ``chime:`` (``AttendeeJoined``, ...)."""
    return [
        event["detail"]["eventType"].removeprefix("chime:")
        for event in emulator.event_log.recent()
        if event["detail"].get("attendeeId") == attendee_id
    ]


async def event_arrives(emulator: ChimeEmulator, attendee_id: str, event: str) -> None:
    """Wait (off the event loop, woken by each new event) until ``event`` is in the log."""

    def arrived(events: list[dict[str, Any]]) -> bool:
        return any(
            e["detail"].get("attendeeId") == attendee_id
            and e["detail"]["eventType"] == f"chime:{event}"
            for e in events
        )

    await asyncio.to_thread(emulator.event_log.wait_for, arrived, 5.0)
    assert event in attendee_events(emulator, attendee_id), attendee_events(emulator, attendee_id)


async def audio_stream_of(client: SignalingClient, attendee_id: str) -> int:
    """The audio stream id that AUDIO_STREAM_ID_INFO gives ``attendee_id``, waiting for it."""
    for frame in client.received:
        for stream in frame.audio_stream_id_info.streams:
            if stream.attendee_id == attendee_id:
                return int(stream.audio_stream_id)
    frame = await client.expect(
        T.AUDIO_STREAM_ID_INFO,
        lambda f: any(s.attendee_id == attendee_id for s in f.audio_stream_id_info.streams),
    )
    return next(
        int(s.audio_stream_id)
        for s in frame.audio_stream_id_info.streams
        if s.attendee_id == attendee_id
    )


def streams_info(
    stream_id: int, where: Callable[[pb.SdkAudioStreamIdInfo], bool]
) -> Callable[[pb.SdkSignalFrame], bool]:
    """Matches an AUDIO_STREAM_ID_INFO with an entry for ``stream_id`` that ``where`` accepts."""
    return lambda frame: any(
        s.audio_stream_id == stream_id and where(s) for s in frame.audio_stream_id_info.streams
    )


def the_entry(frame: pb.SdkSignalFrame, stream_id: int) -> pb.SdkAudioStreamIdInfo:
    entry: pb.SdkAudioStreamIdInfo
    entry = next(s for s in frame.audio_stream_id_info.streams if s.audio_stream_id == stream_id)
    return entry


async def first(
    recv: Callable[[], Awaitable[Any]], accept: Callable[[Any], bool], timeout: float = 5.0
) -> Any:
    """The first frame from a track's ``recv`` that ``accept`` takes, within ``timeout``."""

    async def scan() -> Any:
        while not accept(frame := await recv()):
            pass
        return frame

    return await asyncio.wait_for(scan(), timeout)


# --------------------------------------------------------------------- 1. the handshake
def test_a_path_other_than_control_is_a_404_before_the_upgrade(chime: Any, media_url: str) -> None:
    meeting_id, [officer] = meeting_with(chime, "officer-1")

    async def scenario(call: Call) -> None:
        query = "?X-Chime-Control-Protocol-Version=3"
        for path in (f"/signal/{meeting_id}", "/control/not-a-meeting-id", "/"):
            with pytest.raises(InvalidStatus) as refused:
                await SignalingClient.connect(
                    media_url, meeting_id, officer["JoinToken"], path=path + query
                )
            assert refused.value.response.status_code == 404, path

    run(media_url, meeting_id, scenario)


@pytest.mark.parametrize("version", [None, "", "2", "4"])
def test_a_missing_or_other_protocol_version_is_a_400(
    chime: Any, media_url: str, version: str | None
) -> None:
    meeting_id, [officer] = meeting_with(chime, "officer-1")

    async def scenario(call: Call) -> None:
        with pytest.raises(InvalidStatus) as refused:
            await SignalingClient.connect(
                media_url, meeting_id, officer["JoinToken"], version=version
            )
        assert refused.value.response.status_code == 400

    run(media_url, meeting_id, scenario)


def test_an_unknown_meeting_closes_with_4410(chime: Any, media_url: str) -> None:
    _, [officer] = meeting_with(chime, "officer-1")

    async def scenario(call: Call) -> None:
        client = await call.connect(officer)
        code, _ = await client.close_code()
        assert code == 4410  # the SDK's MeetingSessionStatusCode.MeetingEnded

    run(media_url, str(uuid.uuid4()), scenario)


def test_a_join_token_not_of_this_meeting_closes_with_4403(chime: Any, media_url: str) -> None:
    meeting_id, _ = meeting_with(chime, "officer-1")
    _, [stranger] = meeting_with(chime, "officer-2")

    async def scenario(call: Call) -> None:
        for token in (stranger["JoinToken"], "not-a-token", ""):  # "": no token offered
            client = await call.connect({"JoinToken": token})
            code, _ = await client.close_code()
            assert code == 4403, token  # the SDK: authentication rejected, no retry

    run(media_url, meeting_id, scenario)


def test_the_server_picks_the_session_subprotocol(chime: Any, media_url: str) -> None:
    meeting_id, [officer] = meeting_with(chime, "officer-1")

    async def scenario(call: Call) -> None:
        client = await call.connect(officer)
        # Chromium fails the handshake unless the server picks one of the offered subprotocols;
        # the other one the SDK offers is the join token, which must not be echoed back.
        assert client.websocket.subprotocol == "_aws_wt_session"
        await client.join()

    run(media_url, meeting_id, scenario)


# --------------------------------------------------------------------- 2. the frames
def test_join_is_acknowledged_without_turn_credentials_then_indexed(
    chime: Any, media_url: str
) -> None:
    meeting_id, [officer] = meeting_with(chime, "officer-1")

    async def scenario(call: Call) -> None:
        client = await call.connect(officer)
        ack, index = await client.join()
        # No TURN credentials: the SDK then gathers host candidates and does not force relaying.
        assert not ack.HasField("turn_credentials")
        assert ack.HasField("wants_compressed_sdp") and ack.wants_compressed_sdp is False
        assert ack.video_subscription_limit > 0
        assert [T.Type.Name(f.type) for f in client.received[:2]] == ["JOIN_ACK", "INDEX"]
        assert list(index.sources) == []
        assert index.num_participants == 1

    run(media_url, meeting_id, scenario)


def test_the_index_lists_a_camera_once_its_sender_subscribes(chime: Any, media_url: str) -> None:
    meeting_id, [officer, sergeant, inspector] = meeting_with(
        chime, "officer-1", "sergeant-2", "inspector-3"
    )

    async def scenario(call: Call) -> None:
        sergeant_signaling = await call.joined(sergeant)
        officer_signaling = await call.joined(officer)
        _, ack = await call.peer(RED).subscribe(officer_signaling, [])
        [allocation] = ack.allocations
        assert allocation.track_label == "AmazonChimeExpressVideo"

        def names_the_camera(index: pb.SdkIndexFrame) -> None:
            [source] = index.sources
            assert source.stream_id == allocation.stream_id
            assert source.group_id == allocation.group_id
            assert source.attendee_id == officer["AttendeeId"]
            assert source.external_user_id == "officer-1"
            assert source.media_type == pb.VIDEO

        # Someone already present is sent a new INDEX ...
        update = await sergeant_signaling.expect(T.INDEX, lambda f: len(f.index.sources) > 0)
        names_the_camera(update.index)
        # ... and someone who joins later has it in their first one.
        _, index = await (await call.connect(inspector)).join()
        names_the_camera(index)
        assert index.num_participants == 3

    run(media_url, meeting_id, scenario)


def test_ping_is_answered_with_pong_and_the_same_id(chime: Any, media_url: str) -> None:
    meeting_id, [officer] = meeting_with(chime, "officer-1")

    async def scenario(call: Call) -> None:
        client = await call.joined(officer)
        for ping_id in (1, 7, 2**32 - 1):
            assert (await client.ping(ping_id)).ping_id == ping_id

    run(media_url, meeting_id, scenario)


def test_muting_tells_the_other_attendee(chime: Any, media_url: str) -> None:
    meeting_id, [officer, sergeant] = meeting_with(chime, "officer-1", "sergeant-2")

    async def scenario(call: Call) -> None:
        officer_signaling, _ = await call.in_the_call(officer)
        sergeant_signaling, _ = await call.in_the_call(sergeant)
        stream = await audio_stream_of(sergeant_signaling, officer["AttendeeId"])
        for muted in (True, False):
            sergeant_signaling.skip_unread()  # the presence frames name the officer unmuted
            control = pb.SdkAudioControlFrame(muted=muted)
            await officer_signaling.send(T.AUDIO_CONTROL, audio_control=control)
            frame = await sergeant_signaling.expect(
                T.AUDIO_STREAM_ID_INFO, streams_info(stream, lambda s: s.HasField("muted"))
            )
            # The SDK reads a mute change only when "muted" is present, false included.
            assert the_entry(frame, stream).muted is muted

    run(media_url, meeting_id, scenario)


def test_leave_is_acknowledged_then_closed(chime: Any, media_url: str) -> None:
    meeting_id, [officer] = meeting_with(chime, "officer-1")

    async def scenario(call: Call) -> None:
        client = await call.joined(officer)
        await client.leave()
        code, _ = await client.close_code()
        assert code == 1000

    run(media_url, meeting_id, scenario)


# --------------------------------------------------------------------- 3. presence
def test_join_records_attendee_joined(chime: Any, media_url: str, emulator: ChimeEmulator) -> None:
    meeting_id, [officer] = meeting_with(chime, "officer-1")

    async def scenario(call: Call) -> None:
        client = await call.connect(officer)
        assert attendee_events(emulator, officer["AttendeeId"]) == ["AttendeeAdded"]
        await client.join()
        await event_arrives(emulator, officer["AttendeeId"], "AttendeeJoined")

    run(media_url, meeting_id, scenario)


def test_leave_records_attendee_left_and_tells_the_other(
    chime: Any, media_url: str, emulator: ChimeEmulator
) -> None:
    meeting_id, [officer, sergeant] = meeting_with(chime, "officer-1", "sergeant-2")

    async def scenario(call: Call) -> None:
        officer_signaling, _ = await call.in_the_call(officer)
        sergeant_signaling, _ = await call.in_the_call(sergeant)
        stream = await audio_stream_of(sergeant_signaling, officer["AttendeeId"])
        await officer_signaling.leave()
        gone = await sergeant_signaling.expect(
            T.AUDIO_STREAM_ID_INFO, streams_info(stream, lambda s: not s.attendee_id)
        )
        entry = the_entry(gone, stream)
        # The SDK reads an entry with neither attendee id nor "muted" as someone gone.
        assert not entry.HasField("muted") and not entry.dropped
        await event_arrives(emulator, officer["AttendeeId"], "AttendeeLeft")
        assert "AttendeeDropped" not in attendee_events(emulator, officer["AttendeeId"])

    run(media_url, meeting_id, scenario)


def test_a_close_without_leave_records_attendee_dropped_and_tells_the_other(
    chime: Any, media_url: str, emulator: ChimeEmulator
) -> None:
    meeting_id, [officer, sergeant] = meeting_with(chime, "officer-1", "sergeant-2")

    async def scenario(call: Call) -> None:
        officer_signaling, _ = await call.in_the_call(officer)
        sergeant_signaling, _ = await call.in_the_call(sergeant)
        stream = await audio_stream_of(sergeant_signaling, officer["AttendeeId"])
        await officer_signaling.close()  # a lost connection: no LEAVE
        gone = await sergeant_signaling.expect(
            T.AUDIO_STREAM_ID_INFO, streams_info(stream, lambda s: not s.attendee_id)
        )
        entry = the_entry(gone, stream)
        assert entry.dropped and not entry.HasField("muted")
        await event_arrives(emulator, officer["AttendeeId"], "AttendeeDropped")
        assert "AttendeeLeft" not in attendee_events(emulator, officer["AttendeeId"])

    run(media_url, meeting_id, scenario)


def test_a_rejoin_replaces_the_open_connection_without_a_drop(
    chime: Any, media_url: str, emulator: ChimeEmulator
) -> None:
    meeting_id, [officer, sergeant] = meeting_with(chime, "officer-1", "sergeant-2")

    async def scenario(call: Call) -> None:
        sergeant_signaling, _ = await call.in_the_call(sergeant)
        old_signaling, _ = await call.in_the_call(officer)
        old_stream = await audio_stream_of(sergeant_signaling, officer["AttendeeId"])

        # The page reloaded: a new connection JOINs while the old one is still open.
        new_signaling, _ = await call.in_the_call(officer)
        code, _ = await old_signaling.close_code()
        assert code == 1000  # closed by the server, quietly
        # The sergeant learns the new stream, and that the old one is gone but did not drop.
        await sergeant_signaling.expect(
            T.AUDIO_STREAM_ID_INFO,
            lambda frame: any(
                s.attendee_id == officer["AttendeeId"] and s.audio_stream_id > old_stream
                for s in frame.audio_stream_id_info.streams
            ),
        )
        gone = await sergeant_signaling.expect(
            T.AUDIO_STREAM_ID_INFO, streams_info(old_stream, lambda s: not s.attendee_id)
        )
        assert not the_entry(gone, old_stream).dropped
        # The old connection's end has been handled (its stream is gone): it made no event.
        assert attendee_events(emulator, officer["AttendeeId"]) == [
            "AttendeeAdded",
            "AttendeeJoined",
        ]
        assert (await new_signaling.ping(42)).ping_id == 42
        await new_signaling.leave()
        await event_arrives(emulator, officer["AttendeeId"], "AttendeeLeft")

    run(media_url, meeting_id, scenario)


def test_delete_attendee_sends_it_status_411_and_closes_it(chime: Any, media_url: str) -> None:
    meeting_id, [officer, sergeant] = meeting_with(chime, "officer-1", "sergeant-2")

    async def scenario(call: Call) -> None:
        officer_signaling, _ = await call.in_the_call(officer)
        sergeant_signaling, _ = await call.in_the_call(sergeant)
        stream = await audio_stream_of(sergeant_signaling, officer["AttendeeId"])
        await asyncio.to_thread(
            chime.delete_attendee, MeetingId=meeting_id, AttendeeId=officer["AttendeeId"]
        )
        status = await officer_signaling.expect(T.AUDIO_STATUS)
        assert status.audio_status.audio_status == 411  # the SDK: AudioAttendeeRemoved
        code, _ = await officer_signaling.close_code()
        assert code == 1000
        # The sergeant stays, and is told the officer is gone.
        await sergeant_signaling.expect(
            T.AUDIO_STREAM_ID_INFO, streams_info(stream, lambda s: not s.attendee_id)
        )
        assert sergeant_signaling.unread(T.AUDIO_STATUS) == []
        assert (await sergeant_signaling.ping(1)).ping_id == 1

    run(media_url, meeting_id, scenario)


def test_delete_meeting_sends_everyone_status_410_and_closes(chime: Any, media_url: str) -> None:
    meeting_id, attendees = meeting_with(chime, "officer-1", "sergeant-2")

    async def scenario(call: Call) -> None:
        clients = [(await call.in_the_call(attendee))[0] for attendee in attendees]
        await asyncio.to_thread(chime.delete_meeting, MeetingId=meeting_id)
        for client in clients:
            code, _ = await client.close_code()
            assert code == 1000
            # One status, and it says the meeting ended (the SDK: MeetingEnded), not that this
            # attendee was removed (411), though the meeting's end deletes its attendees too.
            statuses = [
                frame.audio_status.audio_status
                for frame in client.received
                if frame.type == T.AUDIO_STATUS
            ]
            assert statuses == [410]

    run(media_url, meeting_id, scenario)


def test_a_join_beyond_max_count_closes_with_4409(
    chime: Any, media_url: str, emulator: ChimeEmulator
) -> None:
    meeting_id, [officer, sergeant] = meeting_with(
        chime, "officer-1", "sergeant-2", MeetingFeatures={"Attendee": {"MaxCount": 1}}
    )

    async def scenario(call: Call) -> None:
        await call.joined(officer)
        refused = await call.connect(sergeant)
        await refused.send(T.JOIN, join=pb.SdkJoinFrame(protocol_version=2))
        code, _ = await refused.close_code()
        assert code == 4409  # the SDK: AudioCallAtCapacity
        assert "AttendeeJoined" not in attendee_events(emulator, sergeant["AttendeeId"])

    run(media_url, meeting_id, scenario)


def test_the_emulator_stops_though_a_client_never_answers_the_close() -> None:
    own = ChimeEmulator(media=True).start()
    try:
        meeting_id, [officer] = meeting_with(chime_client(own.url), "officer-1")
        assert own.media is not None
        host, port = own.media.host, own.media.port
        with socket.create_connection((host, port), timeout=5) as frozen:
            # A tab that froze after the upgrade: its socket stays open and nothing reads it.
            frozen.sendall(
                (
                    f"GET /control/{meeting_id}?X-Chime-Control-Protocol-Version=3 HTTP/1.1\r\n"
                    f"Host: {host}:{port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                    "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n"
                    f"Sec-WebSocket-Protocol: _aws_wt_session, {officer['JoinToken']}\r\n\r\n"
                ).encode()
            )
            assert frozen.recv(4096).startswith(b"HTTP/1.1 101")
            started = time.monotonic()
            own.stop()  # must neither raise nor wait out websockets' 10 s close timeout
            assert time.monotonic() - started < 5
    finally:
        own.stop()  # a second stop is harmless; this one only matters if the test failed
    with pytest.raises(requests.ConnectionError):
        requests.get(f"{own.url}/_emulator/health", timeout=2)


# --------------------------------------------------------------------- 4. media through the relay
def loudness(frame: AudioFrame) -> float:
    """RMS of a 16-bit audio frame, 0 (silence) to 1 (full scale)."""
    samples = array("h", bytes(frame.planes[0])[: frame.samples * 2 * len(frame.layout.channels)])
    return math.sqrt(sum(s * s for s in samples) / max(1, len(samples))) / 32768.0


def is_colour(rgb: tuple[int, int, int]) -> Callable[[VideoFrame], bool]:
    """Accepts a picture whose average colour is within 40 of ``rgb`` on every channel."""
    return lambda frame: all(abs(m - c) < 40 for m, c in zip(mean_rgb(frame), rgb, strict=True))


def msid_stream_of_sendonly_sections(sdp: str) -> list[str]:
    """The stream id (first ``a=msid`` token) of each ``sendonly`` video section of an SDP."""
    found = []
    for section in sdp.split("\r\nm=")[1:]:
        lines = section.splitlines()
        if lines[0].startswith("video") and "a=sendonly" in lines:
            [msid] = [line for line in lines if line.startswith("a=msid:")]
            found.append(msid.removeprefix("a=msid:").split()[0])
    return found


def test_pictures_and_sound_cross_the_relay_both_ways(chime: Any, media_url: str) -> None:
    meeting_id, [officer, sergeant] = meeting_with(chime, "officer-1", "sergeant-2")

    async def scenario(call: Call) -> None:
        officer_signaling = await call.joined(officer)
        officer_peer = call.peer(RED, tone=True)
        _, officer_ack = await officer_peer.subscribe(officer_signaling, [])
        officer_stream = officer_ack.allocations[0].stream_id

        sergeant_signaling = await call.connect(sergeant)
        _, index = await sergeant_signaling.join()
        assert [s.stream_id for s in index.sources] == [officer_stream]
        sergeant_peer = call.peer(BLUE, tone=False)
        _, sergeant_ack = await sergeant_peer.subscribe(sergeant_signaling, [officer_stream])
        # The SDK finds whose video a track is by its a=msid stream id, in the ack's tracks.
        [label] = msid_stream_of_sendonly_sections(sergeant_ack.sdp_answer)
        assert [(t.stream_id, t.track_label) for t in sergeant_ack.tracks] == [
            (officer_stream, label)
        ]

        # The officer is told of the sergeant's camera and subscribes to it, as the SDK does:
        # a new offer with one more receive-only section.
        update = await officer_signaling.expect(T.INDEX, lambda f: len(f.index.sources) > 0)
        sergeant_stream = update.index.sources[0].stream_id
        assert sergeant_stream == sergeant_ack.allocations[0].stream_id
        _, officer_ack = await officer_peer.subscribe(officer_signaling, [sergeant_stream])
        [label] = msid_stream_of_sendonly_sections(officer_ack.sdp_answer)
        assert [(t.stream_id, t.track_label) for t in officer_ack.tracks] == [
            (sergeant_stream, label)
        ]

        red = await first(sergeant_peer.remote_video().recv, is_colour(RED))
        blue = await first(officer_peer.remote_video().recv, is_colour(BLUE))
        assert (red.width, red.height) == (blue.width, blue.height) == (320, 240)
        # The officer's tone reaches the sergeant; the officer hears the sergeant's silence,
        # and not their own tone back.
        await first(sergeant_peer.remote_audio().recv, lambda frame: loudness(frame) > 0.1)
        heard = [await first(officer_peer.remote_audio().recv, lambda _: True) for _ in range(10)]
        assert max(loudness(frame) for frame in heard) < 0.01

    run(media_url, meeting_id, scenario)


# --------------------------------------------------------------------- 5. the SDP edits
OFFER = "\r\n".join(
    [
        "v=0",
        "o=- 1 2 IN IP4 127.0.0.1",
        "s=-",
        "t=0 0",
        "a=group:BUNDLE 0 1",
        "m=audio 9 UDP/TLS/RTP/SAVPF 111",
        "a=mid:0",
        "a=sendrecv",
        "m=video 9 UDP/TLS/RTP/SAVPF 96",
        "a=mid:1",
        "a=sendrecv",
        "m=video 0 UDP/TLS/RTP/SAVPF 96",  # a remote video the SDK stopped receiving
        "a=mid:2",
        "a=recvonly",
        "",
    ]
)
ANSWER = "\r\n".join(
    [
        "v=0",
        "o=- 3 4 IN IP4 0.0.0.0",
        "s=-",
        "t=0 0",
        "a=group:BUNDLE 0 1 2",
        "m=audio 9 UDP/TLS/RTP/SAVPF 111",
        "a=mid:0",
        "a=sendrecv",
        "a=candidate:1 1 udp 2130706431 127.0.0.1 40000 typ host",
        "a=end-of-candidates",
        "m=video 9 UDP/TLS/RTP/SAVPF 96",
        "a=mid:1",
        "a=recvonly",
        "m=video 9 UDP/TLS/RTP/SAVPF 96",
        "a=mid:2",
        "a=sendonly",
        "a=msid:video-3 track-3",
        "a=candidate:1 1 udp 2130706431 127.0.0.1 40000 typ host",
        "a=end-of-candidates",
        "",
    ]
)


def sections_of(sdp: str) -> dict[str, list[str]]:
    """Each media section's lines, by mid."""
    sections: dict[str, list[str]] = {}
    current: list[str] = []
    for line in sdp.splitlines():
        if line.startswith("m="):
            current = [line]
        elif current:
            current.append(line)
        if line.startswith("a=mid:"):
            sections[line.removeprefix("a=mid:")] = current
    return sections


def test_media_sections_are_the_offer_audio_and_video_in_order() -> None:
    offer = OFFER + "m=application 9 UDP/DTLS/SCTP webrtc-datachannel\r\na=mid:3\r\n"
    assert media_sections(offer) == [
        Section(kind="audio", mid="0", rejected=False),
        Section(kind="video", mid="1", rejected=False),
        Section(kind="video", mid="2", rejected=True),
    ]


def test_rejected_mids_are_the_offer_sections_with_port_zero() -> None:
    assert rejected_mids(OFFER) == {"2"}
    assert rejected_mids(OFFER.replace("m=video 0 ", "m=video 9 ")) == set()
    assert rejected_mids(OFFER.replace("m=audio 9 ", "m=audio 0 ")) == {"0", "2"}


def test_reject_in_answer_rejects_the_same_sections_and_leaves_the_rest() -> None:
    edited = reject_in_answer(ANSWER, {"2"})
    sections = sections_of(edited)
    rejected = sections["2"]
    assert rejected[0] == "m=video 0 UDP/TLS/RTP/SAVPF 96"
    assert "a=inactive" in rejected and "a=sendonly" not in rejected
    assert not any(line.startswith(("a=candidate:", "a=end-of-candidates")) for line in rejected)
    # The browser refuses an answer whose BUNDLE group names a mid its offer left out.
    assert "a=group:BUNDLE 0 1" in edited.splitlines()
    original = sections_of(ANSWER)
    assert sections["0"] == original["0"] and sections["1"] == original["1"]
    assert edited.endswith("\r\n") and "\n" not in edited.replace("\r\n", "")


def test_reject_in_answer_without_rejected_sections_changes_nothing() -> None:
    assert reject_in_answer(ANSWER, set()) == ANSWER
    assert reject_in_answer(ANSWER, rejected_mids(ANSWER)) == ANSWER
