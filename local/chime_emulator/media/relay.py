"""The media relay: one aiortc peer connection per attendee, forwarding the others' audio and video.

Chime's media servers are selective forwarding units: they pass each attendee's packets to the
others. aiortc decodes what it receives and encodes what it sends, so the relay forwards decoded
frames. That costs some CPU per stream (measured in docs/chime-emulator.md) and in exchange
every receiver gets a fresh key frame when it asks, and no codec has to match end to end.

What each attendee receives, per media section of their offer:

- the audio section carries the audio of the most recent other attendee who sends audio: enough
  for a one-to-one call, which is what Safe Connection makes (there is no mixer);
- each ``recvonly`` video section carries the video stream that the SUBSCRIBE's
  ``receive_stream_ids`` puts at that position (the SDK lines them up with the video sections, 0
  for its own camera's section or an unused one).

Each attendee's signal strength (AUDIO_METADATA) is what the relay receives from them: their
audio's RTP packets, sampled from aiortc's receiver statistics (:class:`Reception`).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import math
import time
from array import array
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import aioice.ice
from aiortc import (
    MediaStreamTrack,
    RTCBundlePolicy,
    RTCConfiguration,
    RTCPeerConnection,
    RTCSessionDescription,
)
from aiortc.jitterbuffer import JitterBuffer
from aiortc.mediastreams import MediaStreamError
from av.audio.frame import AudioFrame
from av.frame import Frame

from .sdp import media_sections, reject_in_answer, rejected_mids

log = logging.getLogger("chime_emulator.media")

# Frames queued for one receiver before the oldest is dropped: a slow encoder must not make the
# picture lag behind (video) or the sound drift (audio, 100 ms).
_QUEUED_FRAMES = {"audio": 5, "video": 2}
_VOLUME_EVERY = 5  # audio frames (20 ms each) between two loudness readings
SILENT_DB = 127  # the SDK's AUDIO_METADATA volume is an attenuation in dB: 127 is silence
# max-bundle, as the SDK configures its side: with aiortc's default (balanced), the second video
# section of an offer is put on the first video section's transport before BUNDLE moves that one
# to the audio's, and is left on a transport that BUNDLE then stops, so the first SUBSCRIBE of an
# attendee who receives a camera never sends it. No STUN server: the relay's candidates are
# loopback ones (serve_loopback_candidates), which no server outside can reflect.
_CONFIGURATION = RTCConfiguration(iceServers=[], bundlePolicy=RTCBundlePolicy.MAX_BUNDLE)


def serve_loopback_candidates() -> None:
    """Let aiortc offer its loopback address as an ICE host candidate.

    aioice leaves out 127.0.0.1 when it lists the host's addresses, because a real peer cannot
    reach it. The emulator serves only this machine (docs/chime-emulator.md: loopback only), so
    its candidates are loopback ones: Chromium reaches them from any of its own host candidates,
    and a machine with no other interface still works. aioice has no option for this, so the
    emulator replaces its address lister, once, for the whole process.
    """
    aioice.ice.get_host_addresses = _loopback_addresses


def _loopback_addresses(use_ipv4: bool, use_ipv6: bool) -> list[str]:
    return ["127.0.0.1"] if use_ipv4 else []


class ForwardedTrack(MediaStreamTrack):
    """What one attendee receives in one media section: frames that another attendee sent.

    Parameters
    ----------
    kind
        ``"audio"`` or ``"video"``.
    """

    def __init__(self, kind: str) -> None:
        super().__init__()
        self.kind = kind
        self.sent = 0  # frames handed to aiortc's encoder (for the control API and tests)
        self._frames: asyncio.Queue[Frame] = asyncio.Queue(maxsize=_QUEUED_FRAMES[kind])

    def offer(self, frame: Frame) -> None:
        """Queue a frame for sending, dropping the oldest one if the encoder is behind."""
        if self._frames.full():
            self._frames.get_nowait()
        self._frames.put_nowait(frame)

    async def recv(self) -> Frame:
        """The next frame to encode and send (aiortc's sender calls this in a loop)."""
        if self.readyState != "live":
            raise MediaStreamError
        frame = await self._frames.get()
        self.sent += 1
        return frame


VIDEO_STALL_SECONDS = 1.0  # packets arriving with no picture for this long: ask for a key frame


class Stall:
    """Whether a video feed has stalled: its packets keep arriving, and no frame comes of them.

    Each check gives the receiver's packet count and the feed's frame count; it answers True
    once packets have grown with no new frame for :data:`VIDEO_STALL_SECONDS`, then starts over
    (so a key frame is asked for at most once a stall period).
    """

    def __init__(self) -> None:
        self._since: float | None = None  # when frames last moved (or packets first came)
        self._packets = 0
        self._frames = 0

    def check(self, at: float, packets: int, frames: int) -> bool:
        moved = frames != self._frames
        arriving = packets > self._packets
        self._packets, self._frames = packets, frames
        if moved or not arriving:
            self._since = None if not arriving else at
            return False
        if self._since is None:
            self._since = at
            return False
        if at - self._since >= VIDEO_STALL_SECONDS:
            self._since = at
            return True
        return False


async def restart_picture(receiver: Any, ssrcs: list[int]) -> None:
    """Empty a video receiver's jitter buffer and ask its sender for a key frame (RTCP PLI).

    Both through aiortc's internals: it has no public way to do either.
    """
    receiver._RTCRtpReceiver__jitter_buffer = JitterBuffer(capacity=512, is_video=True)
    for ssrc in ssrcs:
        await receiver._send_rtcp_pli(ssrc)


class Feed:
    """One attendee's incoming track, read as it arrives and handed to every receiver of it.

    aiortc decodes every incoming frame into an unbounded queue, so a track that nobody forwards
    yet (the officer's camera before the sergeant subscribes) is still read, and its frames
    dropped.
    """

    def __init__(self, track: MediaStreamTrack, on_ended: Callable[[Feed], None]) -> None:
        self.track = track
        self.kind = track.kind
        self.receivers: set[ForwardedTrack] = set()
        self.frames = 0
        self.volume_db = SILENT_DB  # loudness of the last audio frame, for AUDIO_METADATA
        self.stall = Stall()
        self._on_ended = on_ended
        self._task = asyncio.ensure_future(self._pump())

    async def _pump(self) -> None:
        try:
            while True:
                frame = await self.track.recv()
                if not isinstance(frame, Frame):
                    continue  # a remote track yields decoded frames; packets come from files
                self.frames += 1
                if isinstance(frame, AudioFrame) and self.frames % _VOLUME_EVERY == 0:
                    self.volume_db = attenuation_db(frame)
                for receiver in list(self.receivers):
                    receiver.offer(frame)
        except MediaStreamError:
            pass
        finally:
            self._on_ended(self)

    def stop(self) -> None:
        self._task.cancel()


def attenuation_db(frame: AudioFrame) -> int:
    """How far below full scale a 16-bit audio frame is, in whole dB (0 loud, 127 silent)."""
    samples = array("h", bytes(frame.planes[0]))
    if not samples:
        return SILENT_DB
    rms = math.sqrt(sum(sample * sample for sample in samples) / len(samples)) / 32768.0
    if rms <= 0.0:
        return SILENT_DB
    return min(SILENT_DB, max(0, round(-20.0 * math.log10(rms))))


# Signal strength, as Chime's AUDIO_METADATA gives it: 2 (good), 1 (weak), 0 (no signal).
SIGNAL_SAMPLE_SECONDS = 0.25  # how often the receiver statistics are read
SIGNAL_WINDOW_SECONDS = 3.0  # "the last few seconds" that loss and gaps are judged over
SIGNAL_LOST_SECONDS = 2.0  # nothing received for this long: 0
SIGNAL_GAP_SECONDS = 0.5  # no packet for this long is a gap: 1 while it is in the window
SIGNAL_HIGH_LOSS = 0.05  # this fraction of the packets lost in the window: 1


class Reception:
    """How well the relay hears one attendee, from samples of their audio's packet counters.

    Each sample is the receiver statistics' running totals (``inbound-rtp`` ``packetsReceived``
    and ``packetsLost``) at one moment. The strength is

    - **0** when nothing has arrived for :data:`SIGNAL_LOST_SECONDS` (or nothing yet): their
      phone went offline, or their media never connected;
    - **1** when :data:`SIGNAL_HIGH_LOSS` or more of the packets of the last
      :data:`SIGNAL_WINDOW_SECONDS` were lost, or packets stopped for
      :data:`SIGNAL_GAP_SECONDS` or more in that window (a gap, or one going on now);
    - **2** otherwise: packets arrive with little loss.

    A gap is measured between samples: no packet between two samples ``SIGNAL_GAP_SECONDS``
    apart, so a gap is reported only if it really was that long.
    """

    def __init__(self) -> None:
        self._samples: deque[tuple[float, int, int]] = deque()  # (at, received, lost) totals
        self._last_sample: float | None = None
        self._arrived_by: float | None = None  # the first sample that saw the latest packets
        self._gaps: deque[float] = deque()  # when each gap ended

    def sample(self, at: float, received: int, lost: int) -> None:
        """Record the running totals ``received`` and ``lost`` as they were at ``at``."""
        previous = self._samples[-1] if self._samples else None
        if previous is not None and received < previous[1]:
            # The counters started again (a new audio stream): judge from here on.
            self._samples.clear()
            previous = None
        if received > (previous[1] if previous else 0):
            if (
                self._arrived_by is not None
                and self._last_sample is not None
                and self._last_sample - self._arrived_by >= SIGNAL_GAP_SECONDS
            ):
                self._gaps.append(at)
            self._arrived_by = at
        self._last_sample = at
        self._samples.append((at, received, max(0, lost)))
        # Keep one sample older than the window: the baseline the window's counts start from.
        while len(self._samples) > 1 and self._samples[1][0] <= at - SIGNAL_WINDOW_SECONDS:
            self._samples.popleft()
        while self._gaps and self._gaps[0] < at - SIGNAL_WINDOW_SECONDS:
            self._gaps.popleft()

    def strength(self) -> int:
        """0, 1 or 2, as of the latest sample."""
        if self._arrived_by is None or self._last_sample is None:
            return 0
        silent = self._last_sample - self._arrived_by  # at least this long without a packet
        if silent >= SIGNAL_LOST_SECONDS:
            return 0
        if silent >= SIGNAL_GAP_SECONDS or self._gaps:
            return 1
        (_, received_then, lost_then), (_, received_now, lost_now) = (
            self._samples[0],
            self._samples[-1],
        )
        received, lost = received_now - received_then, max(0, lost_now - lost_then)
        if received + lost and lost / (received + lost) >= SIGNAL_HIGH_LOSS:
            return 1
        return 2


@dataclass
class Answer:
    """The relay's answer to one SUBSCRIBE: the SDP and which stream each sent track carries."""

    sdp: str
    tracks: list[tuple[int, str]] = field(default_factory=list)  # (stream id, track label)


class PeerMedia:
    """One attendee's peer connection: what they send, and what is forwarded to them.

    Parameters
    ----------
    attendee_id
        Whose connection this is (for logs).
    on_feed
        Called with each new incoming :class:`Feed` (their microphone or camera).
    """

    def __init__(self, attendee_id: str, on_feed: Callable[[PeerMedia, Feed], None]) -> None:
        self.attendee_id = attendee_id
        self.pc = RTCPeerConnection(_CONFIGURATION)
        self.feeds: dict[str, Feed] = {}  # kind -> their incoming track
        self.audio_out = ForwardedTrack("audio")
        self.video_out: dict[str, ForwardedTrack] = {}  # media section (mid) -> what it sends
        self.video_sources: dict[str, Feed | None] = {}  # media section -> whose video it carries
        self._on_feed = on_feed
        self.pc.on("track", self._track_arrived)
        self.reception = Reception()
        self._watch = asyncio.ensure_future(self._watch_reception())

    def _track_arrived(self, track: MediaStreamTrack) -> None:
        previous = self.feeds.get(track.kind)
        if previous is not None:
            previous.stop()
        feed = Feed(track, self._feed_ended)
        self.feeds[track.kind] = feed
        self._on_feed(self, feed)

    @property
    def signal_strength(self) -> int:
        """How well the relay receives this attendee: 2 good, 1 weak, 0 nothing (Reception)."""
        return self.reception.strength()

    async def _watch_reception(self) -> None:
        """Sample their audio's receiver statistics every :data:`SIGNAL_SAMPLE_SECONDS`, and
        restart their camera's picture if it has stalled (:meth:`_unstall_video`)."""
        received = lost = 0
        while True:
            try:
                received, lost = await self._audio_packets()
                await self._unstall_video()
            except Exception:  # a connection closing under us: count nothing new, so it fades
                log.debug("no receiver statistics for %s", self.attendee_id, exc_info=True)
            self.reception.sample(time.monotonic(), received, lost)
            await asyncio.sleep(SIGNAL_SAMPLE_SECONDS)  # a pace, not a synchronisation

    async def _unstall_video(self) -> None:
        """Ask for a key frame when their camera's packets arrive but no picture comes of them.

        aiortc's video jitter buffer hands on a frame only once every packet before it is there.
        When the SDK turns its camera's section off and on again (nobody watching, then someone),
        the few packets sent while the relay had already answered "inactive" are dropped, and
        the browser does not resend them: the buffer then waits for its 512 packets to fill (over
        30 s at a low bitrate) before it skips ahead. A browser's own receiver asks for a key
        frame when its picture stalls; so does the relay, after :data:`VIDEO_STALL_SECONDS`: it
        empties the buffer and sends a picture loss indication (RTCP PLI) to the sender.
        """
        feed = self.feeds.get("video")
        if feed is None:
            return
        receiving = [t for t in self.pc.getTransceivers() if t.receiver.track is feed.track]
        if not receiving:
            return
        transceiver = receiving[0]
        packets, ssrcs = 0, []
        for stats in (await transceiver.receiver.getStats()).values():
            if stats.type == "inbound-rtp":
                packets += stats.packetsReceived
                ssrcs.append(stats.ssrc)
        if feed.stall.check(time.monotonic(), packets, feed.frames):
            log.info("video from %s stalled: asking for a key frame", self.attendee_id)
            await restart_picture(transceiver.receiver, ssrcs)

    async def _audio_packets(self) -> tuple[int, int]:
        """Their audio's RTP packets so far: received, and lost (``inbound-rtp`` totals)."""
        received = lost = 0
        for transceiver in self.pc.getTransceivers():
            if transceiver.kind != "audio":
                continue
            report = await transceiver.receiver.getStats()
            for stats in report.values():
                if stats.type == "inbound-rtp":
                    received += stats.packetsReceived
                    lost += stats.packetsLost
        return received, lost

    def _feed_ended(self, feed: Feed) -> None:
        if self.feeds.get(feed.kind) is feed:
            del self.feeds[feed.kind]

    async def answer(
        self, offer_sdp: str, receive_stream_ids: list[int], feeds: dict[int, Feed]
    ) -> Answer:
        """Answer the attendee's offer, forwarding the streams they asked for.

        Parameters
        ----------
        offer_sdp
            The SDP offer of their SUBSCRIBE.
        receive_stream_ids
            Their SUBSCRIBE's stream ids, one per video section in order (0: not a receive one).
        feeds
            The video feeds of the meeting, by the stream id that the INDEX gave them.
        """
        log.debug("offer from %s:\n%s", self.attendee_id, offer_sdp)
        await self.pc.setRemoteDescription(RTCSessionDescription(sdp=offer_sdp, type="offer"))
        rejected = rejected_mids(offer_sdp)
        answer = Answer(sdp="")
        # Walk the offer's sections, not aiortc's transceivers: aiortc keeps a transceiver for
        # every mid it has ever seen, and the browser recycles a rejected section's slot for a
        # new mid, so only the offer's order lines up with ``receive_stream_ids``.
        by_mid: dict[str, Any] = {}
        for transceiver in self.pc.getTransceivers():
            if transceiver.mid is not None:
                by_mid.setdefault(transceiver.mid, transceiver)  # aiortc answers with the first
        video_section = 0
        for section in media_sections(offer_sdp):
            transceiver = by_mid[section.mid]
            offered = transceiver._offerDirection  # our side of what they offered
            if section.kind == "audio":
                if offered in ("sendonly", "sendrecv") and not section.rejected:
                    transceiver.direction = "sendrecv"
                    transceiver.sender.replaceTrack(self.audio_out)
                continue
            position, video_section = video_section, video_section + 1
            stream_id = receive_stream_ids[position] if position < len(receive_stream_ids) else 0
            feed = feeds.get(stream_id)
            if offered not in ("sendonly", "sendrecv") or feed is None or section.rejected:
                transceiver.direction = "recvonly"  # their camera's section, or one left unused
                self._forward(section.mid, None)
                continue
            transceiver.direction = "sendonly"
            transceiver.sender.replaceTrack(self._forward(section.mid, feed))
            # The SDK finds the attendee of a remote track by its stream's id (the first token
            # of a=msid), looked up in SUBSCRIBE_ACK's track mapping: make the two the same.
            label = f"video-{stream_id}"
            transceiver.sender._stream_id = label
            answer.tracks.append((stream_id, label))
        for mid in [mid for mid in self.video_out if mid not in by_mid or mid in rejected]:
            self._forward(mid, None)  # a section the browser has stopped: forward nothing to it
        await self.pc.setLocalDescription(await self.pc.createAnswer())
        answer.sdp = reject_in_answer(self.pc.localDescription.sdp, rejected)
        log.debug("answer to %s:\n%s", self.attendee_id, answer.sdp)
        return answer

    def _forward(self, mid: str, feed: Feed | None) -> ForwardedTrack:
        """Point the media section ``mid`` at ``feed`` (or at nothing), and return its track.

        One track per section lives as long as the connection: aiortc's sender stops for good
        when its track ends, and the SDK reuses a section for another stream when one goes.
        """
        track = self.video_out.get(mid)
        if track is None:
            track = self.video_out[mid] = ForwardedTrack("video")
        previous = self.video_sources.get(mid)
        if previous is not feed:
            if previous is not None:
                previous.receivers.discard(track)
            if feed is not None:
                feed.receivers.add(track)
            self.video_sources[mid] = feed
        return track

    async def packets(self) -> dict[str, int]:
        """RTP packets received from this attendee so far, by kind (``inbound-rtp`` totals)."""
        totals: dict[str, int] = {}
        for transceiver in self.pc.getTransceivers():
            report = await transceiver.receiver.getStats()
            for stats in report.values():
                if stats.type == "inbound-rtp":
                    totals[stats.kind] = totals.get(stats.kind, 0) + stats.packetsReceived
        return totals

    def stats(self) -> dict[str, Any]:
        """Frames received from this attendee, by kind (for the control API and the tests)."""
        return {kind: feed.frames for kind, feed in self.feeds.items()}

    def sent(self) -> dict[str, int]:
        """Frames forwarded to this attendee: audio, and video by media section."""
        sent = {"audio": self.audio_out.sent}
        sent.update({f"video mid {mid}": track.sent for mid, track in self.video_out.items()})
        return sent

    async def close(self) -> None:
        """Close the peer connection and stop forwarding to and from it."""
        self._watch.cancel()
        for feed in list(self.feeds.values()):
            feed.stop()
        self.audio_out.stop()
        for mid, track in self.video_out.items():
            source = self.video_sources.get(mid)
            if source is not None:
                source.receivers.discard(track)
            track.stop()
        with contextlib.suppress(Exception):  # closing must never fail the signaling handler
            await self.pc.close()
