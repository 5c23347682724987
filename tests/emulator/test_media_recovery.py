"""The relay's picture recovers from packets lost for good, as a browser's receiver does.

Black-box, as in ``test_media_signaling``: two attendees made with boto3 connect as the Chime SDK
does (``media_client``), the officer's camera red. The officer's network (:class:`CameraLoss`)
loses a short run of their camera's RTP packets and every retransmission, so nothing ever fills
the gap. That is what the SDK's camera section going ``inactive`` and back does (nobody watching,
then someone): the packets sent while the relay had already answered "inactive" are dropped.

aiortc's jitter buffer hands on a frame only once every packet before it has come, and would wait
for its 512 packets (17 s of this camera) before skipping ahead: the sergeant would see a frozen
officer. The relay notices packets arriving with no picture, empties the buffer and asks the
officer for a key frame (RTCP PLI), as libwebrtc's receiver does; the test asserts the sergeant
gets a moving picture of the officer again within a few seconds.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from aiortc.rtp import is_rtcp

from local.chime_emulator import ChimeEmulator

from .media_client import PeerClient
from .test_media_signaling import Call, first, is_colour, meeting_with, run

RED, BLUE = (255, 0, 0), (0, 0, 255)
LOST_PACKETS = 5  # a run of the camera's packets never delivered
RECOVERED_FRAMES = 20  # fresh frames the sergeant must get after the loss...
RECOVERY_SECONDS = 5.0  # ...within this (the buffer's own skip-ahead would take about 17 s)


@pytest.fixture
def media_url(emulator: ChimeEmulator, chime_url: str) -> str:
    assert emulator.media is not None, "the test emulator serves the media side"
    return emulator.media.url


class CameraLoss:
    """The officer's network: loses the next ``LOST_PACKETS`` camera packets once armed, and
    every retransmission (RTX) all along, so the lost ones are never resent."""

    def __init__(self, peer: PeerClient) -> None:
        self.to_lose = 0
        self.lost: list[int] = []  # sequence numbers lost
        self.retransmissions_lost = 0
        self._camera_ssrc = peer.video.sender._ssrc
        self._rtx_ssrc = peer.video.sender._rtx_ssrc
        transports = {id(t.sender.transport): t.sender.transport for t in peer.pc.getTransceivers()}
        for transport in transports.values():
            transport._send_rtp = self._wrap(transport._send_rtp)

    def arm(self) -> None:
        self.to_lose = LOST_PACKETS

    def _wrap(self, send: Callable[[bytes], Awaitable[None]]) -> Callable[[bytes], Awaitable[None]]:
        async def maybe_send(data: bytes) -> None:
            if not is_rtcp(data) and len(data) >= 12:
                ssrc = int.from_bytes(data[8:12], "big")
                if ssrc == self._rtx_ssrc:
                    self.retransmissions_lost += 1
                    return
                if ssrc == self._camera_ssrc and self.to_lose > 0:
                    self.to_lose -= 1
                    self.lost.append(int.from_bytes(data[2:4], "big"))
                    return
            await send(data)

        return maybe_send


def test_packets_lost_for_good_do_not_freeze_the_picture(
    chime: Any, media_url: str, emulator: ChimeEmulator
) -> None:
    meeting_id, [officer, sergeant] = meeting_with(chime, "officer-1", "sergeant-2")

    async def scenario(call: Call) -> None:
        _, officer_peer = await call.in_the_call(officer, RED)
        _, sergeant_peer = await call.in_the_call(sergeant, BLUE)
        officer_video = sergeant_peer.remote_video()
        await first(officer_video.recv, is_colour(RED), timeout=10)
        loss = CameraLoss(officer_peer)

        loss.arm()
        lost_at = time.monotonic()
        fresh = 0

        async def frames_after_the_loss() -> None:
            nonlocal fresh
            while fresh < RECOVERED_FRAMES:
                frame = await officer_video.recv()
                if loss.to_lose == 0 and is_colour(RED)(frame):
                    fresh += 1

        try:
            await asyncio.wait_for(frames_after_the_loss(), RECOVERY_SECONDS)
        except TimeoutError:
            pytest.fail(
                f"the officer's picture froze: {fresh} frames in {RECOVERY_SECONDS} s after "
                f"losing packets {loss.lost} ({loss.retransmissions_lost} resends lost too)"
            )
        assert len(loss.lost) == LOST_PACKETS
        print(f"picture back {time.monotonic() - lost_at:.2f} s after losing {loss.lost}")

    run(media_url, meeting_id, scenario)
