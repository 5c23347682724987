"""Signal strength in AUDIO_METADATA: what the relay really receives from each attendee.

Black-box, as in ``test_media_signaling``: attendees made with boto3 connect to the media port as
the Chime SDK does (``media_client``), and what is asserted is the ``signal_strength`` that the
other attendee's AUDIO_METADATA frames give them (the SDK reports it as ``signalStrength``: the
level over 2). Chime's levels, as the emulator gives them:

- 2 while their audio arrives with little loss;
- 1 while 5 % or more of it was lost over the last few seconds, or it arrived with gaps;
- 0 once nothing has arrived from them for 2 s (their phone went offline), or never did.

The stand-in's network is its peer connection's way out (:class:`Network`): it lets every packet
through, loses every n-th audio packet, or none at all (offline), while its signaling socket stays
open, as a phone's can for a while when its media path fails. Nothing sleeps to synchronise:
each step waits for the frames that show it, with a deadline; the only sleeps are the length of
an outage the test makes.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable, Coroutine
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from aiortc.rtp import is_rtcp

from local.chime_emulator import ChimeEmulator

from .media_client import PeerClient, SignalingClient, T, ToneTrack
from .test_media_signaling import Call, audio_stream_of, meeting_with

SCENARIO_TIMEOUT = 40.0  # a whole test's coroutine; each wait inside is much shorter
RED, BLUE = (255, 0, 0), (0, 0, 255)
GOOD, WEAK, NONE = 2, 1, 0


@pytest.fixture
def media_url(emulator: ChimeEmulator, chime_url: str) -> str:
    """The media side's ``ws://`` base URL, with the emulator reset for the test."""
    assert emulator.media is not None, "the test emulator serves the media side"
    return emulator.media.url


def run(
    media_url: str, meeting_id: str, scenario: Callable[[Call], Coroutine[Any, Any, None]]
) -> None:
    """Run one scenario on its own event loop in a worker thread, then hang every party up."""

    async def whole() -> None:
        call = Call(media_url, meeting_id)
        try:
            await asyncio.wait_for(scenario(call), SCENARIO_TIMEOUT)
        finally:
            await call.hang_up()

    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="scenario") as worker:
        worker.submit(asyncio.run, whole()).result()


class Network:
    """The stand-in's network: what of its peer connection's packets leave the phone.

    Parameters
    ----------
    peer
        A peer past its first answer (its transports are the negotiated ones).
    """

    def __init__(self, peer: PeerClient) -> None:
        self.offline = False
        self.lose_every = 0  # lose every n-th audio RTP packet (0: none)
        self.lost = 0
        self._audio_ssrc = peer.audio.sender._ssrc
        self._counted = 0
        transports = {id(t.sender.transport): t.sender.transport for t in peer.pc.getTransceivers()}
        for transport in transports.values():
            transport._send_rtp = self._wrap(transport._send_rtp)

    def _wrap(self, send: Callable[[bytes], Awaitable[None]]) -> Callable[[bytes], Awaitable[None]]:
        async def maybe_send(data: bytes) -> None:
            if self.offline:
                return  # RTP and RTCP alike: nothing gets out
            if self.lose_every and not is_rtcp(data) and self._is_audio(data):
                self._counted += 1
                if self._counted % self.lose_every == 0:
                    self.lost += 1
                    return
            await send(data)

        return maybe_send

    def _is_audio(self, packet: bytes) -> bool:
        return len(packet) >= 12 and int.from_bytes(packet[8:12], "big") == self._audio_ssrc


async def strength(client: SignalingClient, stream_id: int, timeout: float = 5.0) -> int:
    """The signal strength of ``stream_id`` in the next AUDIO_METADATA frame that names it."""
    frame = await client.expect(
        T.AUDIO_METADATA,
        lambda f: any(s.audio_stream_id == stream_id for s in f.audio_metadata.attendee_states),
        timeout=timeout,
    )
    [state] = [s for s in frame.audio_metadata.attendee_states if s.audio_stream_id == stream_id]
    # Always sent, 0 included: the SDK takes an attendee left out as being at full strength.
    assert state.HasField("signal_strength")
    return int(state.signal_strength)


async def strength_becomes(
    client: SignalingClient, stream_id: int, wanted: int, within: float
) -> list[int]:
    """Read ``stream_id``'s strength from the frames arriving now on until it is ``wanted``.

    Returns every value read, the last being ``wanted``.
    """
    client.skip_unread()
    loop = asyncio.get_running_loop()
    deadline = loop.time() + within
    seen: list[int] = []
    while not seen or seen[-1] != wanted:
        left = deadline - loop.time()
        assert left > 0, f"strength never became {wanted} within {within} s: {seen}"
        with contextlib.suppress(AssertionError):  # no frame before the deadline: say so above
            seen.append(await strength(client, stream_id, timeout=left))
    return seen


async def strengths(client: SignalingClient, stream_id: int, frames: int) -> list[int]:
    """``stream_id``'s strength in each of the next ``frames`` AUDIO_METADATA frames."""
    client.skip_unread()
    return [await strength(client, stream_id) for _ in range(frames)]


async def officer_and_sergeant(
    call: Call, officer: dict[str, Any], sergeant: dict[str, Any]
) -> tuple[PeerClient, SignalingClient, int]:
    """Both in the call, the officer heard well: their peer, the sergeant's signaling, and the
    officer's audio stream id (what the sergeant's frames name them by)."""
    _, officer_peer = await call.in_the_call(officer, RED)
    sergeant_signaling, _ = await call.in_the_call(sergeant, BLUE)
    officer_stream = await audio_stream_of(sergeant_signaling, officer["AttendeeId"])
    await strength_becomes(sergeant_signaling, officer_stream, GOOD, within=5)
    return officer_peer, sergeant_signaling, officer_stream


def test_an_attendee_heard_well_is_at_2_and_one_with_no_media_at_0(
    chime: Any, media_url: str, emulator: ChimeEmulator
) -> None:
    meeting_id, [officer, sergeant, listener] = meeting_with(
        chime, "officer-1", "sergeant-2", "operator-3"
    )

    async def scenario(call: Call) -> None:
        _, sergeant_signaling, officer_stream = await officer_and_sergeant(call, officer, sergeant)
        await call.joined(listener)  # signaling only: no peer connection, so no media at all
        assert emulator.media is not None
        [room] = [r for r in emulator.media.snapshot() if r["MeetingId"] == meeting_id]
        listener_stream = next(
            a["AudioStreamId"]
            for a in room["Attendees"]
            if a["AttendeeId"] == listener["AttendeeId"]
        )

        assert await strengths(sergeant_signaling, officer_stream, frames=6) == [GOOD] * 6
        assert await strength(sergeant_signaling, listener_stream) == NONE

    run(media_url, meeting_id, scenario)


def test_offline_for_a_few_seconds_falls_to_1_then_0_and_comes_back_without_a_drop(
    chime: Any, media_url: str, emulator: ChimeEmulator
) -> None:
    meeting_id, [officer, sergeant] = meeting_with(chime, "officer-1", "sergeant-2")

    async def scenario(call: Call) -> None:
        officer_peer, sergeant_signaling, officer_stream = await officer_and_sergeant(
            call, officer, sergeant
        )
        network = Network(officer_peer)

        network.offline = True
        fading = await strength_becomes(sergeant_signaling, officer_stream, NONE, within=5)
        assert WEAK in fading, fading  # weak first: a gap, before 2 s of nothing
        assert await strengths(sergeant_signaling, officer_stream, frames=3) == [NONE] * 3

        network.offline = False
        back = await strength_becomes(sergeant_signaling, officer_stream, GOOD, within=8)
        assert NONE not in back[1:], back  # packets again: weak (what was lost), then good
        assert WEAK in back, back

        # Only the media path failed: the officer never left the meeting.
        dropped = [
            s
            for f in sergeant_signaling.received
            if f.type == T.AUDIO_STREAM_ID_INFO
            for s in f.audio_stream_id_info.streams
            if s.audio_stream_id == officer_stream and s.dropped
        ]
        assert dropped == []
        assert not [
            e
            for e in emulator.event_log.recent()
            if e["detail"].get("attendeeId") == officer["AttendeeId"]
            and e["detail"]["eventType"] == "chime:AttendeeDropped"
        ]

    run(media_url, meeting_id, scenario)


def test_high_loss_is_1_while_it_lasts_and_2_once_it_is_over(chime: Any, media_url: str) -> None:
    meeting_id, [officer, sergeant] = meeting_with(chime, "officer-1", "sergeant-2")

    async def scenario(call: Call) -> None:
        officer_peer, sergeant_signaling, officer_stream = await officer_and_sergeant(
            call, officer, sergeant
        )
        network = Network(officer_peer)

        network.lose_every = 5  # 20 % of the audio lost, nothing else
        await strength_becomes(sergeant_signaling, officer_stream, WEAK, within=5)
        assert await strengths(sergeant_signaling, officer_stream, frames=6) == [WEAK] * 6
        assert network.lost > 0

        network.lose_every = 0
        await strength_becomes(sergeant_signaling, officer_stream, GOOD, within=6)

    run(media_url, meeting_id, scenario)


def test_a_little_loss_stays_at_2(chime: Any, media_url: str) -> None:
    meeting_id, [officer, sergeant] = meeting_with(chime, "officer-1", "sergeant-2")

    async def scenario(call: Call) -> None:
        officer_peer, sergeant_signaling, officer_stream = await officer_and_sergeant(
            call, officer, sergeant
        )
        network = Network(officer_peer)

        network.lose_every = 50  # 2 %: below the 5 % that makes a connection weak
        assert await strengths(sergeant_signaling, officer_stream, frames=8) == [GOOD] * 8
        assert network.lost > 0

    run(media_url, meeting_id, scenario)


def test_audio_that_stops_for_a_second_is_1_not_0_then_2_again(chime: Any, media_url: str) -> None:
    meeting_id, [officer, sergeant] = meeting_with(chime, "officer-1", "sergeant-2")

    async def scenario(call: Call) -> None:
        officer_peer, sergeant_signaling, officer_stream = await officer_and_sergeant(
            call, officer, sergeant
        )
        sender = officer_peer.audio.sender

        # The microphone's packets stop for a second and resume, with none lost: a gap.
        sender.replaceTrack(None)
        await strength_becomes(sergeant_signaling, officer_stream, WEAK, within=3)
        await asyncio.sleep(0.5)  # the length of the gap, not a synchronisation
        sender.replaceTrack(ToneTrack())
        after = await strength_becomes(sergeant_signaling, officer_stream, GOOD, within=6)
        assert NONE not in after, after

    run(media_url, meeting_id, scenario)
