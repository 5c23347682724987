"""Our signaling definitions against the Chime SDK for JavaScript's own compiled protocol module.

``local/chime_emulator/media/protocol/signaling.proto`` is written by us from the compiled
module that the amazon-chime-sdk-js npm package ships. These tests hold it to that module:

- the generated Python module is what ``make proto`` writes today (no drift);
- every message and enum has the SDK's fields, numbers, wire types, labels, types, defaults,
  oneofs and values, read from the SDK module's encode, decode and toObject code by Node;
- frames built here reach the SDK's real ``DefaultSignalingClient`` through its WebSocket message
  handler and decode to the expected objects, and frames that client sends decode here;
- every field of every message crosses both ways with identical bytes;
- the one-byte framing (``framing.py``) is what the SDK writes and reads.

One Node process serves the whole module (the ``sdk`` fixture): it loads the SDK from
``web/node_modules`` and answers one JSON request per line.
"""

from __future__ import annotations

import base64
import json
import os
import re
import shutil
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from google.protobuf import json_format
from google.protobuf.descriptor import Descriptor, EnumDescriptor, FieldDescriptor
from google.protobuf.message import Message

from local.chime_emulator.media.protocol import generate
from local.chime_emulator.media.protocol import signaling_pb2 as pb
from local.chime_emulator.media.protocol.framing import (
    FRAME_TYPE_RTC,
    LEGACY_FRAME_TYPE,
    FrameError,
    decode_frame,
    encode_frame,
)

ROOT = Path(__file__).resolve().parents[2]
SDK_BUILD = ROOT / "web" / "node_modules" / "amazon-chime-sdk-js" / "build"
NODE = shutil.which("node")
TIMESTAMP_MS = 1_767_225_600_123  # a fixed time for frames built here
SAFE_INTEGER = 2**53 - 1  # JavaScript's Number.MAX_SAFE_INTEGER
T = pb.SdkSignalFrame  # and its Type values: T.JOIN, ...

# Runs in Node. Requests and answers are JSON lines: {"op": ...} -> {"ok": ...} | {"error": ...}
BRIDGE_JS = r"""
"use strict";
const BUILD = process.env.SDK_BUILD;
const need = (path) => require(BUILD + "/" + path);
const proto = need("signalingprotocol/SignalingProtocol.js");
const DefaultSignalingClient = need("signalingclient/DefaultSignalingClient.js").default;
const SignalingClientJoin = need("signalingclient/SignalingClientJoin.js").default;
const SignalingClientSubscribe = need("signalingclient/SignalingClientSubscribe.js").default;
const EventType = need("signalingclient/SignalingClientEventType.js").default;
const VideoStreamDescription = need("videostreamindex/VideoStreamDescription.js").default;
const ReadyState = need("websocketadapter/WebSocketReadyState.js").default;
const MeetingSessionStatus = need("meetingsession/MeetingSessionStatus.js").default;
const StatusCode = need("meetingsession/MeetingSessionStatusCode.js").default;
const TO_OBJECT = { longs: String, enums: String, bytes: String };

// ---- The field set of every class, from its generated code (static classes carry no reflection).
const isMessage = (v) => typeof v === "function" && typeof v.encode === "function";
const isEnum = (v) => v !== null && typeof v === "object" && Object.keys(v).length > 0 &&
  Object.keys(v).every((k) => typeof v[k] === "number");
function defaultOf(v) {
  if (v === null || v === undefined) return null;
  if (v instanceof Uint8Array) return Buffer.from(v).toString("hex");
  if (typeof v === "object" && "low" in v && "high" in v) return v.toString();  // Long
  return v;
}
function describe(name, cls) {
  const encode = cls.encode.toString(), decode = cls.decode.toString();
  const toObject = cls.toObject.toString();
  const lines = encode.split("\n").map((line) => line.trim());
  const fields = [];
  lines.forEach((line, i) => {
    const tag = /\/\* id (\d+), wireType (\d) =\*\/(\d+)\)/.exec(line);
    if (!tag) return;
    const field = /message\.(\w+)/.exec(line)[1];
    const f = { name: field, number: +tag[1], wireType: +tag[2], tag: +tag[3], packed: false };
    const nested = /\$root\.([\w.]+)\.encode\(/.exec(line);
    if (nested) f.type = nested[1];
    else if (/\.fork\(\);$/.test(line)) {  // packed: one length-delimited run of values
      f.packed = true;
      f.type = new RegExp("writer\\.(\\w+)\\(message\\." + field + "\\[i\\]\\)").exec(encode)[1];
    } else f.type = /\)\.(\w+)\(message\./.exec(line)[1];
    let j = i - 1;  // the guard: none (required), hasOwnProperty (optional) or .length (repeated)
    while (j >= 0 && (lines[j].startsWith("for (") || lines[j] === "{" ||
                      (lines[j].startsWith("writer.uint32(") && lines[j].endsWith("fork();")))) j--;
    const guard = j >= 0 ? lines[j] : "";
    const optional = 'Object.hasOwnProperty.call(message, "' + field + '")';
    if (guard.includes("message." + field + ".length)")) f.rule = "repeated";
    else if (guard.includes(optional)) f.rule = "optional";
    else f.rule = "required";
    const e = new RegExp(
      "\\$root\\.([\\w.]+)\\[message\\." + field + "(?:\\[j\\])?\\] === undefined"
    ).exec(toObject);
    f.enumType = e ? e[1] : null;
    f.default = f.rule === "repeated" ? null : defaultOf(cls.prototype[field]);
    fields.push(f);
  });
  const decoded = {};  // what decode reads for each field number, independently of encode
  const caseRe = /case (\d+): \{\s*([\s\S]*?)break;\s*\}/g;
  let m;
  while ((m = caseRe.exec(decode))) {
    const body = m[2].replace("reader.uint32() + reader.pos", "");
    const reader = /\$root\.([\w.]+)\.decode\(/.exec(body) || /reader\.(\w+)\(\)\)?;/.exec(body);
    decoded[m[1]] = { name: /message\.(\w+)/.exec(body)[1], reader: reader[1],
                      repeated: body.includes(".push(") };
  }
  const required = [];
  const requiredRe = /missing required '(\w+)'/g;
  while ((m = requiredRe.exec(decode))) required.push(m[1]);
  const oneofs = {};
  for (const key of Object.getOwnPropertyNames(cls.prototype)) {
    const d = Object.getOwnPropertyDescriptor(cls.prototype, key);
    if (!d.get) continue;
    oneofs[key] = fields.map((f) => f.name).filter((fieldName) => {
      const probe = new cls();
      probe[fieldName] = {};
      return d.get.call(probe) === fieldName;
    });
  }
  return { name, fields, decoded, required, oneofs };
}
function schema() {
  const messages = [], enums = [];
  (function walk(obj, prefix) {
    for (const key of Object.keys(obj)) {
      const v = obj[key], full = prefix ? prefix + "." + key : key;
      if (isMessage(v)) { messages.push(describe(full, v)); walk(v, full); }
      else if (isEnum(v)) enums.push({ name: full, values: Object.keys(v).map((n) => [n, v[n]]) });
    }
  })(proto, "");
  return { messages, enums };
}

// ---- A real DefaultSignalingClient on a WebSocket that records what it is given.
function newClient() {
  const sent = [], listeners = {}, warnings = [], events = [];
  const webSocket = {
    create() {}, close() {}, destroy() {}, removeEventListener() {},
    // DefaultWebSocketAdapter sends message.buffer: these are the bytes on the wire.
    send(message) { sent.push(Buffer.from(message.buffer).toString("hex")); return true; },
    addEventListener(name, fn) { (listeners[name] = listeners[name] || []).push(fn); },
    readyState() { return ReadyState.Open; },
  };
  const logger = { debug() {}, info() {}, error() {}, warn(m) { warnings.push(String(m)); } };
  const client = new DefaultSignalingClient(webSocket, logger);
  client.wasOpened = true;  // as after the socket's open event
  client.setUpEventListeners();
  client.registerObserver({ handleSignalingClientEvent(e) { events.push(e); } });
  return { client, sent, listeners, warnings, events };
}
function receive({ hex }) {
  const c = newClient();
  const data = new Uint8Array(Buffer.from(hex, "hex")).buffer;  // binaryType "arraybuffer"
  for (const fn of c.listeners.message) fn({ data });
  const frame = c.events.find((e) => e.type === EventType.ReceivedSignalFrame);
  return {
    events: c.events.map((e) => EventType[e.type]),
    warnings: c.warnings,
    frame: frame ? proto.SdkSignalFrame.toObject(frame.message, TO_OBJECT) : null,
    status: frame
      ? StatusCode[MeetingSessionStatus.fromSignalFrame(frame.message).statusCode()]
      : null,
  };
}
const sends = {
  join(c, p) {
    const settings = new SignalingClientJoin(p.applicationMetadata);
    const b = p.browser;
    settings.browserBehavior = { name: () => b.name, version: () => b.version,
      deviceName: () => b.deviceName, osName: () => b.osName, osVersion: () => b.osVersion };
    settings.serverSideNetworkAdaption = p.serverSideNetworkAdaption;
    settings.supportedServerSideNetworkAdaptions = p.supportedServerSideNetworkAdaptions;
    c.client.join(settings);
    return { audioSessionId: String(c.client.audioSessionId) };
  },
  subscribe(c, p) {
    const video = p.video.map((v) => {
      const d = new VideoStreamDescription(
        "", v.groupId, v.streamId, v.maxBitrateKbps, v.avgBitrateKbps);
      d.trackLabel = v.trackLabel;
      d.maxFrameRate = v.maxFrameRate;
      return d;
    });
    const compressed = new Uint8Array(Buffer.from(p.compressedSdpOfferHex, "hex"));
    const settings = new SignalingClientSubscribe(p.attendeeId, p.sdpOffer, p.audioHost,
      false, false, p.receiveStreamIds, true, video, true, compressed);
    settings.videoSubscriptionConfiguration = p.videoSubscriptionConfiguration;
    c.client.subscribe(settings);
    return {};
  },
  ping(c, p) {
    const frame = proto.SdkPingPongFrame.create(
      { type: proto.SdkPingPongType.PING, pingId: p.pingId });
    return { timestampMs: String(c.client.pingPong(frame)) };
  },
  leave(c) { c.client.leave(); return {}; },
  clientMetric(c, p) {
    c.client.sendClientMetrics(proto.SdkClientMetricFrame.fromObject(p.frame));
    return {};
  },
};
const lookup = (name) => name.split(".").reduce((o, k) => o[k], proto);
const ops = {
  schema,
  receive,
  send({ call, params }) {
    const c = newClient();
    const result = sends[call](c, params || {});
    return { sent: c.sent, result };
  },
  encode({ type, object }) {
    const cls = lookup(type);
    return Buffer.from(cls.encode(cls.fromObject(object)).finish()).toString("hex");
  },
  decode({ type, hex }) {
    const cls = lookup(type);
    return cls.toObject(cls.decode(Buffer.from(hex, "hex")), TO_OBJECT);
  },
};
require("readline").createInterface({ input: process.stdin }).on("line", (line) => {
  let answer;
  try {
    const request = JSON.parse(line);
    answer = { ok: ops[request.op](request) };
  } catch (e) {
    answer = { error: String(e && e.message ? e.message : e) };
  }
  process.stdout.write(JSON.stringify(answer) + "\n");
});
"""


class SdkError(Exception):
    """The SDK's code threw (the message is its error's)."""


class Sdk:
    """The SDK's protocol module and signaling client in one Node process, one request a line."""

    def __init__(self, process: subprocess.Popen[str]) -> None:
        self._process = process

    def __call__(self, op: str, **request: Any) -> Any:
        assert self._process.stdin is not None and self._process.stdout is not None
        self._process.stdin.write(json.dumps({"op": op, **request}) + "\n")
        self._process.stdin.flush()
        line = self._process.stdout.readline()
        if not line:
            stderr = self._process.stderr.read() if self._process.stderr else ""
            raise RuntimeError(f"the Node bridge exited: {stderr}")
        answer = json.loads(line)
        if "error" in answer:
            raise SdkError(answer["error"])
        return answer["ok"]


@pytest.fixture(scope="module")
def sdk() -> Iterator[Sdk]:
    if NODE is None:
        pytest.skip("node is not installed")
    if not (SDK_BUILD / "signalingprotocol" / "SignalingProtocol.js").is_file():
        pytest.fail("amazon-chime-sdk-js is not in web/node_modules: run `make web-test` (npm ci)")
    process = subprocess.Popen(
        [NODE, "-e", BRIDGE_JS],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=ROOT,
        env={**os.environ, "SDK_BUILD": str(SDK_BUILD), "TZ": "UTC"},
    )
    try:
        yield Sdk(process)
    finally:
        for pipe in (process.stdin, process.stdout, process.stderr):
            if pipe is not None:
                pipe.close()
        process.wait(timeout=10)


@pytest.fixture(scope="module")
def sdk_schema(sdk: Sdk) -> dict[str, Any]:
    schema: dict[str, Any] = sdk("schema")
    return schema


# ---- Our side, from the generated module's descriptors.

PACKAGE = pb.DESCRIPTOR.package + "."
WRITER = {  # protobufjs's writer method for each protobuf type: the SDK's encode calls these
    FieldDescriptor.TYPE_DOUBLE: "double",
    FieldDescriptor.TYPE_FLOAT: "float",
    FieldDescriptor.TYPE_INT64: "int64",
    FieldDescriptor.TYPE_UINT64: "uint64",
    FieldDescriptor.TYPE_INT32: "int32",
    FieldDescriptor.TYPE_FIXED64: "fixed64",
    FieldDescriptor.TYPE_FIXED32: "fixed32",
    FieldDescriptor.TYPE_BOOL: "bool",
    FieldDescriptor.TYPE_STRING: "string",
    FieldDescriptor.TYPE_BYTES: "bytes",
    FieldDescriptor.TYPE_UINT32: "uint32",
    FieldDescriptor.TYPE_ENUM: "int32",
    FieldDescriptor.TYPE_SFIXED32: "sfixed32",
    FieldDescriptor.TYPE_SFIXED64: "sfixed64",
    FieldDescriptor.TYPE_SINT32: "sint32",
    FieldDescriptor.TYPE_SINT64: "sint64",
}
WIRE_TYPE = {"double": 1, "fixed64": 1, "sfixed64": 1, "float": 5, "fixed32": 5, "sfixed32": 5}
LENGTH_DELIMITED = {FieldDescriptor.TYPE_STRING, FieldDescriptor.TYPE_BYTES}


def camel_case(name: str) -> str:
    """protobufjs's util.camelCase, which names the SDK's properties after the .proto's fields."""
    return re.sub(r"_([a-z])", lambda match: match.group(1).upper(), name)


def short(full_name: str) -> str:
    return full_name.removeprefix(PACKAGE)


def our_messages() -> dict[str, Descriptor]:
    found: dict[str, Descriptor] = {}

    def walk(descriptor: Descriptor) -> None:
        found[short(descriptor.full_name)] = descriptor
        for nested in descriptor.nested_types:
            walk(nested)

    for descriptor in pb.DESCRIPTOR.message_types_by_name.values():
        walk(descriptor)
    return found


def our_enums() -> dict[str, EnumDescriptor]:
    found = {short(e.full_name): e for e in pb.DESCRIPTOR.enum_types_by_name.values()}
    for message in our_messages().values():
        found.update({short(e.full_name): e for e in message.enum_types})
    return found


def our_field(field: FieldDescriptor) -> dict[str, Any]:
    if field.type == FieldDescriptor.TYPE_MESSAGE:
        kind, wire_type = short(field.message_type.full_name), 2
    else:
        kind = WRITER[field.type]
        wire_type = 2 if field.type in LENGTH_DELIMITED else WIRE_TYPE.get(kind, 0)
    if field.is_packed:
        wire_type = 2
    rule = "repeated" if field.is_repeated else "required" if field.is_required else "optional"
    default: Any = None
    if rule != "repeated" and field.type != FieldDescriptor.TYPE_MESSAGE:
        default = field.default_value
        if field.type in (FieldDescriptor.TYPE_INT64, FieldDescriptor.TYPE_UINT64):
            default = str(default)  # the SDK's Long defaults, as strings
        elif field.type == FieldDescriptor.TYPE_BYTES:
            default = default.hex()
    return {
        "name": camel_case(field.name),
        "number": field.number,
        "wireType": wire_type,
        "tag": field.number << 3 | wire_type,
        "packed": field.is_packed,
        "type": kind,
        "rule": rule,
        "enumType": short(field.enum_type.full_name) if field.enum_type else None,
        "default": default,
    }


# ---- The generated module is what `make proto` writes.


def test_the_generated_module_is_what_protoc_writes_from_the_proto(tmp_path: Path) -> None:
    written = generate.generate(tmp_path)
    assert [path.name for path in written] == list(generate.GENERATED)
    for path in written:
        committed = generate.HERE / path.name
        assert committed.read_bytes() == path.read_bytes(), (
            f"{committed.relative_to(ROOT)} is stale: run `make proto` and commit it"
        )


# ---- (a) The definitions are the SDK's, field for field.


def test_every_message_and_enum_of_the_sdk_is_defined_and_nothing_else(
    sdk_schema: dict[str, Any],
) -> None:
    assert sorted(our_messages()) == sorted(m["name"] for m in sdk_schema["messages"])
    assert sorted(our_enums()) == sorted(e["name"] for e in sdk_schema["enums"])
    assert len(our_messages()) == 53 and len(our_enums()) == 13


def test_the_sdk_module_reads_each_field_as_it_writes_it(sdk_schema: dict[str, Any]) -> None:
    """The extraction itself is sound: encode, decode and the required checks agree."""
    for message in sdk_schema["messages"]:
        assert len(message["decoded"]) == len(message["fields"]), message["name"]
        for field in message["fields"]:
            read = message["decoded"][str(field["number"])]
            assert read["name"] == field["name"], message["name"]
            assert read["reader"] == field["type"], (message["name"], field["name"])
            assert read["repeated"] == (field["rule"] == "repeated"), field["name"]
            assert (field["name"] in message["required"]) == (field["rule"] == "required")
            assert field["tag"] == field["number"] << 3 | field["wireType"]


def test_each_message_has_the_sdk_fields_numbers_wire_types_labels_and_defaults(
    sdk_schema: dict[str, Any],
) -> None:
    ours = {
        name: {field.number: our_field(field) for field in descriptor.fields}
        for name, descriptor in our_messages().items()
    }
    theirs = {
        message["name"]: {field["number"]: field for field in message["fields"]}
        for message in sdk_schema["messages"]
    }
    for name in sorted(theirs):
        assert ours[name] == theirs[name], name
    for descriptor in our_messages().values():  # MessageToDict's names are the SDK's too
        for field in descriptor.fields:
            assert field.json_name == camel_case(field.name)


def test_oneofs_and_enum_values_are_the_sdk_ones(sdk_schema: dict[str, Any]) -> None:
    ours = {
        name: {o.name: [camel_case(f.name) for f in o.fields] for o in descriptor.oneofs}
        for name, descriptor in our_messages().items()
    }
    assert ours == {m["name"]: m["oneofs"] for m in sdk_schema["messages"]}
    assert {
        name: [[value.name, value.number] for value in enum.values]
        for name, enum in our_enums().items()
    } == {e["name"]: e["values"] for e in sdk_schema["enums"]}


def test_the_required_fields_and_the_type_values_that_matter(sdk_schema: dict[str, Any]) -> None:
    required = sorted(
        f"{m['name']}.{f['name']}"
        for m in sdk_schema["messages"]
        for f in m["fields"]
        if f["rule"] == "required"
    )
    assert required == [
        "SdkPingPongFrame.pingId",
        "SdkPingPongFrame.type",
        "SdkSignalFrame.timestampMs",
        "SdkSignalFrame.type",
        "SdkVideoSubscriptionConfiguration.mid",
    ]
    assert [T.JOIN, T.JOIN_ACK, T.SUBSCRIBE, T.SUBSCRIBE_ACK, T.INDEX] == [1, 2, 3, 4, 5]
    assert [T.LEAVE, T.LEAVE_ACK, T.PING_PONG, T.AUDIO_STATUS] == [9, 10, 19, 20]
    assert not hasattr(T.Type, "ERROR")  # an error rides on another frame type, in `error`
    assert pb.SdkJoinFrame().protocol_version == 2
    assert pb.SdkNotificationFrame().level == pb.SdkNotificationFrame.ERROR


# ---- (b) Frames built here, through the SDK's real signaling client.


def receive(sdk: Sdk, message: bytes) -> dict[str, Any]:
    received: dict[str, Any] = sdk("receive", hex=message.hex())
    return received


def frame(kind: int, **fields: Any) -> pb.SdkSignalFrame:
    return pb.SdkSignalFrame(timestamp_ms=TIMESTAMP_MS, type=kind, **fields)


SDP_OFFER = "v=0\r\no=- 4611731400430051336 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n"
SDP_ANSWER = "v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=emulator\r\nt=0 0\r\na=ice-lite\r\n"
TO_SDK = {
    "join": (
        frame(
            T.JOIN,
            join=pb.SdkJoinFrame(
                protocol_version=2,
                max_num_of_videos=25,
                flags=pb.HAS_STREAM_UPDATE | pb.COMPLETE_VIDEO_SOURCES_LIST,
                client_details=pb.SdkClientDetails(
                    app_name="Safe Connection",
                    platform_name="Chrome",
                    chime_sdk_version="3.32.0",
                    client_utc_offset="+01:00",
                ),
                audio_session_id=4_294_967_295,
                wants_compressed_sdp=False,
                server_side_network_adaption=pb.BANDWIDTH_PROBING_AND_VIDEO_QUALITY_ADAPTION,
                supported_server_side_network_adaptions=[
                    pb.BANDWIDTH_PROBING_AND_VIDEO_QUALITY_ADAPTION
                ],
            ),
        ),
        {
            "type": "JOIN",
            "join": {
                "protocolVersion": 2,
                "maxNumOfVideos": 25,
                "flags": 18,
                "clientDetails": {
                    "appName": "Safe Connection",
                    "platformName": "Chrome",
                    "chimeSdkVersion": "3.32.0",
                    "clientUtcOffset": "+01:00",
                },
                "audioSessionId": "4294967295",
                "wantsCompressedSdp": False,
                "serverSideNetworkAdaption": "BANDWIDTH_PROBING_AND_VIDEO_QUALITY_ADAPTION",
                "supportedServerSideNetworkAdaptions": [
                    "BANDWIDTH_PROBING_AND_VIDEO_QUALITY_ADAPTION"
                ],
            },
        },
    ),
    "join_ack": (
        frame(
            T.JOIN_ACK,
            joinack=pb.SdkJoinAckFrame(
                turn_credentials=pb.SdkTurnCredentials(
                    username="1767225600:attendee",
                    password="c2VjcmV0",
                    ttl=86_400,
                    uris=["turn:127.0.0.1:3478?transport=udp", "turns:127.0.0.1:5349"],
                ),
                video_subscription_limit=25,
                wants_compressed_sdp=False,
                default_server_side_network_adaption=pb.BANDWIDTH_PROBING_AND_VIDEO_QUALITY_ADAPTION,
            ),
        ),
        {
            "type": "JOIN_ACK",
            "joinack": {
                "turnCredentials": {
                    "username": "1767225600:attendee",
                    "password": "c2VjcmV0",
                    "ttl": 86400,
                    "uris": ["turn:127.0.0.1:3478?transport=udp", "turns:127.0.0.1:5349"],
                },
                "videoSubscriptionLimit": 25,
                "wantsCompressedSdp": False,
                "defaultServerSideNetworkAdaption": "BANDWIDTH_PROBING_AND_VIDEO_QUALITY_ADAPTION",
            },
        },
    ),
    "index_with_two_sources": (
        frame(
            T.INDEX,
            index=pb.SdkIndexFrame(
                at_capacity=False,
                sources=[
                    pb.SdkStreamDescriptor(
                        stream_id=2,
                        group_id=1,
                        attendee_id="officer-attendee",
                        external_user_id="officer#1",
                        media_type=pb.VIDEO,
                        track_label="officer-camera",
                        max_bitrate_kbps=1400,
                        avg_bitrate_bps=900_000,
                        framerate=15,
                        width=1280,
                        height=720,
                    ),
                    pb.SdkStreamDescriptor(
                        stream_id=4, group_id=2, attendee_id="control-room", media_type=pb.VIDEO
                    ),
                ],
                num_participants=2,
                supported_receive_codec_intersection=[pb.VP8, pb.H264_CONSTRAINED_BASELINE_PROFILE],
            ),
        ),
        {
            "type": "INDEX",
            "index": {
                "atCapacity": False,
                "sources": [
                    {
                        "streamId": 2,
                        "groupId": 1,
                        "attendeeId": "officer-attendee",
                        "externalUserId": "officer#1",
                        "mediaType": "VIDEO",
                        "trackLabel": "officer-camera",
                        "maxBitrateKbps": 1400,
                        "avgBitrateBps": 900000,
                        "framerate": 15,
                        "width": 1280,
                        "height": 720,
                    },
                    {
                        "streamId": 4,
                        "groupId": 2,
                        "attendeeId": "control-room",
                        "mediaType": "VIDEO",
                    },
                ],
                "numParticipants": 2,
                "supportedReceiveCodecIntersection": ["VP8", "H264_CONSTRAINED_BASELINE_PROFILE"],
            },
        },
    ),
    "subscribe_with_an_sdp_offer": (
        frame(
            T.SUBSCRIBE,
            sub=pb.SdkSubscribeFrame(
                duplex=pb.DUPLEX,
                send_streams=[pb.SdkStreamDescriptor(stream_id=1, group_id=1, media_type=pb.AUDIO)],
                receive_stream_ids=[2, 4],
                sdp_offer=SDP_OFFER,
                audio_host="127.0.0.1:4567",
                audio_muted=True,
            ),
        ),
        {
            "type": "SUBSCRIBE",
            "sub": {
                "duplex": "DUPLEX",
                "sendStreams": [{"streamId": 1, "groupId": 1, "mediaType": "AUDIO"}],
                "receiveStreamIds": [2, 4],
                "sdpOffer": SDP_OFFER,
                "audioHost": "127.0.0.1:4567",
                "audioMuted": True,
            },
        },
    ),
    "subscribe_ack_with_tracks_and_an_sdp_answer": (
        frame(
            T.SUBSCRIBE_ACK,
            suback=pb.SdkSubscribeAckFrame(
                duplex=pb.DUPLEX,
                allocations=[pb.SdkStreamAllocation(track_label="audio", stream_id=1, group_id=1)],
                sdp_answer=SDP_ANSWER,
                tracks=[
                    pb.SdkTrackMapping(stream_id=2, ssrc=0xDEADBEEF, track_label="officer-camera"),
                    pb.SdkTrackMapping(stream_id=4, ssrc=1, track_label="control-room-camera"),
                ],
            ),
        ),
        {
            "type": "SUBSCRIBE_ACK",
            "suback": {
                "duplex": "DUPLEX",
                "allocations": [{"trackLabel": "audio", "streamId": 1, "groupId": 1}],
                "sdpAnswer": SDP_ANSWER,
                "tracks": [
                    {"streamId": 2, "ssrc": 0xDEADBEEF, "trackLabel": "officer-camera"},
                    {"streamId": 4, "ssrc": 1, "trackLabel": "control-room-camera"},
                ],
            },
        },
    ),
    "audio_stream_id_info": (
        frame(
            T.AUDIO_STREAM_ID_INFO,
            audio_stream_id_info=pb.SdkAudioStreamIdInfoFrame(
                streams=[
                    pb.SdkAudioStreamIdInfo(
                        audio_stream_id=1,
                        attendee_id="officer-attendee",
                        external_user_id="officer#1",
                        muted=False,
                    ),
                    pb.SdkAudioStreamIdInfo(audio_stream_id=2, dropped=True),
                ]
            ),
        ),
        {
            "type": "AUDIO_STREAM_ID_INFO",
            "audioStreamIdInfo": {
                "streams": [
                    {
                        "audioStreamId": 1,
                        "attendeeId": "officer-attendee",
                        "externalUserId": "officer#1",
                        "muted": False,
                    },
                    {"audioStreamId": 2, "dropped": True},
                ]
            },
        },
    ),
    "audio_metadata": (
        frame(
            T.AUDIO_METADATA,
            audio_metadata=pb.SdkAudioMetadataFrame(
                attendee_states=[
                    pb.SdkAudioAttendeeState(
                        audio_stream_id=1, volume=4, muted=False, signal_strength=2
                    )
                ]
            ),
        ),
        {
            "type": "AUDIO_METADATA",
            "audioMetadata": {
                "attendeeStates": [
                    {"audioStreamId": 1, "volume": 4, "muted": False, "signalStrength": 2}
                ]
            },
        },
    ),
    "ping": (
        frame(T.PING_PONG, ping_pong=pb.SdkPingPongFrame(type=pb.PING, ping_id=7)),
        {"type": "PING_PONG", "pingPong": {"type": "PING", "pingId": 7}},
    ),
    "pong": (
        frame(T.PING_PONG, ping_pong=pb.SdkPingPongFrame(type=pb.PONG, ping_id=4_294_967_295)),
        {"type": "PING_PONG", "pingPong": {"type": "PONG", "pingId": 4294967295}},
    ),
    "leave": (frame(T.LEAVE, leave=pb.SdkLeaveFrame()), {"type": "LEAVE", "leave": {}}),
    "leave_ack": (
        frame(T.LEAVE_ACK, leave_ack=pb.SdkLeaveAckFrame()),
        {"type": "LEAVE_ACK", "leaveAck": {}},
    ),
    "error_with_a_status": (
        frame(T.JOIN_ACK, error=pb.SdkErrorFrame(status=403, description="join token rejected")),
        {"type": "JOIN_ACK", "error": {"status": 403, "description": "join token rejected"}},
    ),
}


@pytest.mark.parametrize(("built", "expected"), TO_SDK.values(), ids=TO_SDK.keys())
def test_a_frame_built_here_reaches_the_sdk_client_as_expected(
    sdk: Sdk, built: pb.SdkSignalFrame, expected: dict[str, Any]
) -> None:
    received = receive(sdk, encode_frame(built))
    assert received["warnings"] == []
    assert received["events"] == ["WebSocketMessage", "ReceivedSignalFrame"]
    assert received["frame"] == {"timestampMs": str(TIMESTAMP_MS), **expected}
    # The SDK's own reading of an error frame (MeetingSessionStatus.fromSignalFrame).
    error = "error" in expected
    assert received["status"] == ("AudioAuthenticationRejected" if error else "OK")


def test_the_sdk_refuses_a_frame_without_its_required_fields(sdk: Sdk) -> None:
    without_ping_id = frame(T.PING_PONG, ping_pong=pb.SdkPingPongFrame(type=pb.PING))
    with pytest.raises(SdkError, match="missing required 'pingId'"):
        sdk("decode", type="SdkSignalFrame", hex=without_ping_id.SerializePartialToString().hex())
    received = receive(sdk, bytes([FRAME_TYPE_RTC]) + without_ping_id.SerializePartialToString())
    assert received["events"] == ["WebSocketMessage", "ProtocolDecodeFailure"]
    with pytest.raises(FrameError, match=r"ping_pong\.ping_id"):
        encode_frame(without_ping_id)


# ---- (b) Frames the SDK's signaling client sends, decoded here.


def sent_by_sdk(sdk: Sdk, call: str, **params: Any) -> tuple[pb.SdkSignalFrame, dict[str, Any]]:
    before = int(time.time() * 1000)
    answer = sdk("send", call=call, params=params)
    after = int(time.time() * 1000)
    [message] = [bytes.fromhex(sent) for sent in answer["sent"]]
    assert message[0] == FRAME_TYPE_RTC
    decoded = decode_frame(message)
    assert before <= decoded.timestamp_ms <= after  # sendMessage stamps Date.now()
    return decoded, answer["result"]


def test_the_sdk_join_decodes_with_client_details_and_flags(sdk: Sdk) -> None:
    browser = {
        "name": "chrome",
        "version": "131.0.0",
        "deviceName": "Pixel 9",
        "osName": "Android",
        "osVersion": "15",
    }
    joined, result = sent_by_sdk(
        sdk,
        "join",
        applicationMetadata={"appName": "Safe Connection", "appVersion": "1.4.0"},
        browser=browser,
        serverSideNetworkAdaption=3,  # ServerSideNetworkAdaption.BandwidthProbingAndRemote...
        supportedServerSideNetworkAdaptions=[3],
    )
    assert joined.type == T.JOIN
    join = joined.join
    assert join.HasField("protocol_version") and join.protocol_version == 2
    assert join.flags == pb.HAS_STREAM_UPDATE
    assert not join.HasField("max_num_of_videos")
    assert join.client_details == pb.SdkClientDetails(
        app_name="Safe Connection",
        app_version="1.4.0",
        device_model="Pixel 9",
        platform_name="chrome",
        platform_version="131.0.0",
        client_source="amazon-chime-sdk-js",
        chime_sdk_version="3.32.0",
        client_utc_offset="+00:00",  # the bridge runs with TZ=UTC
        os_name="Android",
        os_version="15",
    )
    assert join.audio_session_id == int(result["audioSessionId"])
    assert join.wants_compressed_sdp is True
    assert join.server_side_network_adaption == pb.BANDWIDTH_PROBING_AND_VIDEO_QUALITY_ADAPTION
    assert list(join.supported_server_side_network_adaptions) == [
        pb.BANDWIDTH_PROBING_AND_VIDEO_QUALITY_ADAPTION
    ]
    assert join.HasField("wants_all_temporal_layers_in_index")
    assert join.wants_all_temporal_layers_in_index is False
    assert join.disable_periodic_keyframe_request_on_content_sender is False
    assert [field.name for field, _ in joined.ListFields()] == ["timestamp_ms", "type", "join"]


def test_the_sdk_subscribe_decodes_with_send_streams_and_receive_stream_ids(sdk: Sdk) -> None:
    subscribed, _ = sent_by_sdk(
        sdk,
        "subscribe",
        attendeeId="officer-attendee",
        sdpOffer=SDP_OFFER,
        audioHost="127.0.0.1:4567",
        receiveStreamIds=[2, 4],
        video=[
            {
                "groupId": 1,
                "streamId": 2,
                "maxBitrateKbps": 1400,
                "avgBitrateKbps": 900,
                "trackLabel": "officer-camera",
                "maxFrameRate": 15,
            }
        ],
        compressedSdpOfferHex="00ff10",
        videoSubscriptionConfiguration=[
            {
                "mid": "1",
                "attendeeId": "control-room",
                "streamId": 4,
                "groupId": 2,
                "priority": 1,
                "targetBitrateKbps": 1000,
                "qualityAdaptationPreference": 2,  # the SDK's MaintainResolution
            }
        ],
    )
    assert subscribed.type == T.SUBSCRIBE
    sub = subscribed.sub
    assert sub.duplex == pb.DUPLEX  # local video is enabled
    assert list(sub.send_streams) == [
        pb.SdkStreamDescriptor(  # the audio stream the SDK always describes when not checking in
            stream_id=1,
            framerate=15,
            max_bitrate_kbps=600,
            track_label="AmazonChimeExpressAudio",
            group_id=1,
            avg_bitrate_bps=400_000,
            attendee_id="officer-attendee",
            media_type=pb.AUDIO,
        ),
        pb.SdkStreamDescriptor(  # avg_bitrate_bps carries the description's kbps figure as is
            stream_id=2,
            framerate=15,
            max_bitrate_kbps=1400,
            track_label="officer-camera",
            group_id=1,
            avg_bitrate_bps=900,
            attendee_id="officer-attendee",
            media_type=pb.VIDEO,
        ),
    ]
    assert list(sub.receive_stream_ids) == [2, 4]
    assert sub.sdp_offer == SDP_OFFER
    assert sub.audio_host == "127.0.0.1:4567"
    assert (sub.audio_checkin, sub.audio_muted) == (False, False)
    assert sub.compressed_sdp_offer == b"\x00\xff\x10"
    assert list(sub.video_subscription_configuration) == [
        pb.SdkVideoSubscriptionConfiguration(
            mid="1",
            attendee_id="control-room",
            stream_id=4,
            priority=1,
            target_bitrate_kbps=1000,
            group_id=2,
            quality_adaptation_preference=pb.MAINTAIN_RESOLUTION,
        )
    ]


def test_the_sdk_ping_and_leave_decode(sdk: Sdk) -> None:
    ping, result = sent_by_sdk(sdk, "ping", pingId=42)
    assert ping.type == T.PING_PONG
    assert ping.ping_pong == pb.SdkPingPongFrame(type=pb.PING, ping_id=42)
    assert ping.timestamp_ms == int(result["timestampMs"])  # pingPong() returns the stamp
    leave, _ = sent_by_sdk(sdk, "leave")
    assert leave.type == T.LEAVE and leave.HasField("leave")
    assert leave.leave == pb.SdkLeaveFrame()


def test_the_sdk_client_metric_decodes(sdk: Sdk) -> None:
    metrics, _ = sent_by_sdk(
        sdk,
        "clientMetric",
        frame={
            "globalMetrics": [{"type": "STUN_RTT_MS", "value": 12.5}],
            "streamMetricFrames": [
                {
                    "streamId": 2,
                    "groupId": 1,
                    "mediaType": "VIDEO",
                    "metrics": [{"type": "VIDEO_DECODE_FPS", "value": 14.75}],
                    "dimensions": [
                        {"type": "VIDEO_DECODER_NAME", "value": {"stringValue": "libvpx"}}
                    ],
                }
            ],
        },
    )
    assert metrics.type == T.CLIENT_METRIC
    assert metrics.client_metric == pb.SdkClientMetricFrame(
        global_metrics=[pb.SdkMetric(type=pb.SdkMetric.STUN_RTT_MS, value=12.5)],
        stream_metric_frames=[
            pb.SdkStreamMetricFrame(
                stream_id=2,
                group_id=1,
                media_type=pb.VIDEO,
                metrics=[pb.SdkMetric(type=pb.SdkMetric.VIDEO_DECODE_FPS, value=14.75)],
                dimensions=[
                    pb.SdkStreamDimension(
                        type=pb.SdkStreamDimension.VIDEO_DECODER_NAME,
                        value=pb.SdkDimensionValue(string_value="libvpx"),
                    )
                ],
            )
        ],
    )


# ---- Every field of every message, both ways, byte for byte.


def sample(schema: dict[str, Any], name: str) -> dict[str, Any]:
    """A value for every field of ``name`` (first member only of a oneof), in the SDK's JSON."""
    messages = {m["name"]: m for m in schema["messages"]}
    enums = {e["name"]: e["values"] for e in schema["enums"]}
    message = messages[name]
    later_members = {f for members in message["oneofs"].values() for f in members[1:]}

    def value(field: dict[str, Any], i: int) -> Any:
        n = field["number"]
        if field["enumType"]:
            values = enums[field["enumType"]]
            return values[-1 - i][0]  # not the default, which is the first
        if field["type"] in messages:
            return sample(schema, field["type"])
        return {
            "uint32": 4_000_000_000 + 100 * n + i,
            # Beyond 32 bits but within 2**53: the SDK holds 64-bit fields as JS numbers.
            "uint64": str(SAFE_INTEGER - 100 * n - i),
            "int64": str(-SAFE_INTEGER + 100 * n + i),
            "bool": i == 0,
            "string": f"{field['name']} {i} ✓",
            "bytes": base64.b64encode(bytes([0, 255, n, i])).decode(),
            "double": n + 0.25 + i,
        }[field["type"]]

    return {
        field["name"]: [value(field, 0), value(field, 1)]
        if field["rule"] == "repeated"
        else value(field, 0)
        for field in message["fields"]
        if field["name"] not in later_members
    }


def python_class(name: str) -> type[Message]:
    cls: Any = pb
    for part in name.split("."):
        cls = getattr(cls, part)
    return cls  # type: ignore[no-any-return]


def test_every_field_of_every_message_crosses_both_ways_with_the_same_bytes(
    sdk: Sdk, sdk_schema: dict[str, Any]
) -> None:
    for name in sorted(m["name"] for m in sdk_schema["messages"]):
        values = sample(sdk_schema, name)
        sdk_bytes = bytes.fromhex(sdk("encode", type=name, object=values))
        ours = json_format.ParseDict(values, python_class(name)())
        assert ours.SerializeToString() == sdk_bytes, name
        decoded = python_class(name).FromString(sdk_bytes)
        assert json_format.MessageToDict(decoded) == values, name
        assert sdk("decode", type=name, hex=ours.SerializeToString().hex()) == values, name


def test_the_sdk_reads_64_bit_fields_as_javascript_numbers(sdk: Sdk) -> None:
    """Its module ends with ``$util.Long = undefined``: beyond 2**53 a uint64 loses precision."""
    seen = {
        SAFE_INTEGER: "9007199254740991",
        2**53 + 1: "9007199254740992",
        2**64 - 1: "18446744073709552000",
    }
    for timestamp, string in seen.items():
        leave = pb.SdkSignalFrame(timestamp_ms=timestamp, type=T.LEAVE)
        assert receive(sdk, encode_frame(leave))["frame"]["timestampMs"] == string


# ---- The framing: one type byte, then the frame.


def test_encode_frame_puts_the_sdk_type_byte_before_the_frame() -> None:
    leave = frame(T.LEAVE, leave=pb.SdkLeaveFrame())
    message = encode_frame(leave)
    assert message[0] == FRAME_TYPE_RTC == 0x05
    assert message[1:] == leave.SerializeToString()
    assert decode_frame(message) == leave
    assert decode_frame(bytes([LEGACY_FRAME_TYPE]) + message[1:]) == leave


@pytest.mark.parametrize(
    ("message", "error"),
    [
        (b"", "empty"),
        (b"\x07" + frame(T.LEAVE).SerializeToString(), "frame-type byte 0x07"),
        (frame(T.LEAVE).SerializeToString(), "frame-type byte 0x08"),  # no prefix at all
        (b"\x05\xff\xff", "not a signal frame"),
        (b"\x05" + pb.SdkSignalFrame(type=T.LEAVE).SerializePartialToString(), "timestamp_ms"),
    ],
    ids=["empty", "unknown-type-byte", "no-type-byte", "corrupt", "missing-timestamp"],
)
def test_decode_frame_refuses_what_is_not_a_frame(message: bytes, error: str) -> None:
    with pytest.raises(FrameError, match=error):
        decode_frame(message)


def test_encode_frame_refuses_a_frame_without_its_required_fields() -> None:
    with pytest.raises(FrameError, match="timestamp_ms"):
        encode_frame(pb.SdkSignalFrame(type=T.LEAVE))


def test_what_the_sdk_does_with_the_type_byte(sdk: Sdk) -> None:
    """It drops the first byte whatever it is, warning unless it is 0x05 or 0x02."""
    payload = frame(T.LEAVE_ACK, leave_ack=pb.SdkLeaveAckFrame()).SerializeToString()
    expected = {"timestampMs": str(TIMESTAMP_MS), "type": "LEAVE_ACK", "leaveAck": {}}
    for prefix in (FRAME_TYPE_RTC, LEGACY_FRAME_TYPE):
        received = receive(sdk, bytes([prefix]) + payload)
        assert (received["frame"], received["warnings"]) == (expected, [])
    received = receive(sdk, b"\x07" + payload)
    assert received["frame"] == expected
    assert received["warnings"] == ["expected FrameTypeRTC for message but got 7"]
    # Without the byte, the SDK eats the frame's first tag and cannot decode the rest.
    received = receive(sdk, payload)
    assert received["frame"] is None
    assert received["events"] == ["WebSocketMessage", "ProtocolDecodeFailure"]
