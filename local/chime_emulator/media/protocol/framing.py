"""One signaling frame per WebSocket message, the way the Chime SDK for JavaScript frames them.

The SDK (``DefaultSignalingClient`` in amazon-chime-sdk-js 3.32.0) sends every
:class:`SdkSignalFrame` as one binary WebSocket message: a single frame-type byte, ``0x05``
(``FRAME_TYPE_RTC``), then the protobuf encoding of the frame. On receipt it drops the first
byte whatever it is, logs a warning unless it is ``0x05`` or ``0x02`` (an older server value),
and decodes the rest; a frame that does not decode, or lacks a required field, is reported as
``ProtocolDecodeFailure`` and otherwise ignored. There is no length prefix: the WebSocket
message is the frame.

:func:`encode_frame` writes what the SDK expects to receive and :func:`decode_frame` reads what
it sends. The reader is stricter than the SDK about the prefix, since anything else arriving at
the emulator is a bug rather than an old server.
"""

from __future__ import annotations

from google.protobuf.message import DecodeError  # type: ignore[import-untyped]

from .signaling_pb2 import SdkSignalFrame

__all__ = ["FRAME_TYPE_RTC", "LEGACY_FRAME_TYPE", "FrameError", "decode_frame", "encode_frame"]

FRAME_TYPE_RTC = 0x05
"""The prefix byte the SDK writes, and the one the emulator sends."""

LEGACY_FRAME_TYPE = 0x02
"""The other prefix the SDK accepts without a warning; :func:`decode_frame` accepts it too."""

_ACCEPTED_PREFIXES = frozenset({FRAME_TYPE_RTC, LEGACY_FRAME_TYPE})


class FrameError(ValueError):
    """A WebSocket message that is not a well-formed signaling frame."""


def encode_frame(frame: SdkSignalFrame) -> bytes:
    """Serialise a frame as one binary WebSocket message for the SDK.

    Parameters
    ----------
    frame : SdkSignalFrame
        The frame to send. ``timestamp_ms`` and ``type`` are required, as are the fields the
        protocol marks required in nested frames (``SdkPingPongFrame.type`` and ``ping_id``,
        ``SdkVideoSubscriptionConfiguration.mid``).

    Returns
    -------
    bytes
        ``0x05`` followed by the frame's protobuf encoding.

    Raises
    ------
    FrameError
        If a required field is not set; the SDK would refuse to decode the frame.
    """
    missing: list[str] = frame.FindInitializationErrors()
    if missing:
        raise FrameError(f"signal frame is missing required fields: {', '.join(missing)}")
    payload: bytes = frame.SerializeToString()
    return bytes((FRAME_TYPE_RTC,)) + payload


def decode_frame(data: bytes) -> SdkSignalFrame:
    """Parse one binary WebSocket message from the SDK into a frame.

    Parameters
    ----------
    data : bytes
        The whole WebSocket message: the frame-type byte, then the protobuf encoding.

    Returns
    -------
    SdkSignalFrame
        The decoded frame. Fields this version of the definitions does not know are kept as
        unknown fields, as the SDK's own decoder skips them.

    Raises
    ------
    FrameError
        If the message is empty, starts with a byte other than ``0x05`` or ``0x02``, is not a
        valid encoding, or lacks a required field (the SDK's decoder throws on those too).
    """
    if not data:
        raise FrameError("empty WebSocket message: expected a frame-type byte and a signal frame")
    if data[0] not in _ACCEPTED_PREFIXES:
        raise FrameError(
            f"frame-type byte {data[0]:#04x}: the SDK sends {FRAME_TYPE_RTC:#04x} before each frame"
        )
    frame = SdkSignalFrame()
    try:
        frame.ParseFromString(data[1:])
    except DecodeError as error:
        raise FrameError(f"not a signal frame: {error}") from error
    missing: list[str] = frame.FindInitializationErrors()
    if missing:
        raise FrameError(f"signal frame is missing required fields: {', '.join(missing)}")
    return frame
