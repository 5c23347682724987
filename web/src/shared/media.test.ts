import { describe, expect, it, vi } from "vitest";

import { alreadyGranted, askForMedia, classifyMediaError, codecOrder, H264_QUERY, h264IsPowerEfficient, VIDEO_CONSTRAINTS } from "./media";

/** A stand-in MediaStream: just its tracks. */
function stream(kinds: ("audio" | "video")[]): MediaStream {
  const tracks = kinds.map((kind) => ({ kind, stop: vi.fn() }) as unknown as MediaStreamTrack);
  return {
    getTracks: () => tracks,
    getAudioTracks: () => tracks.filter((t) => t.kind === "audio"),
    getVideoTracks: () => tracks.filter((t) => t.kind === "video"),
  } as unknown as MediaStream;
}
const streamOf = (tracks: MediaStreamTrack[]) => stream(tracks.map((t) => t.kind as "audio" | "video"));
const fail = (name: string) => Object.assign(new Error(name), { name });

/** getUserMedia that answers by what is asked: "both", "audio" or "video". */
function browser(answers: Partial<Record<"both" | "audio" | "video", string | null>>) {
  const asked: string[] = [];
  const getUserMedia = async (constraints: MediaStreamConstraints) => {
    const key = constraints.audio && constraints.video ? "both" : constraints.audio ? "audio" : "video";
    asked.push(key);
    const error = answers[key];
    if (error) throw fail(error);
    return stream(key === "both" ? ["audio", "video"] : [key]);
  };
  return { getUserMedia, asked };
}

describe("classifyMediaError", () => {
  it.each([
    ["NotAllowedError", "denied"],
    ["PermissionDeniedError", "denied"], // the SDK's own class
    ["SecurityError", "denied"],
    ["NotFoundError", "missing"],
    ["OverconstrainedError", "missing"],
    ["NotReadableError", "busy"],
    ["TypeError", "unsupported"],
    ["SomethingElse", "failed"],
  ])("%s is %s", (name, problem) => {
    expect(classifyMediaError(fail(name))).toBe(problem);
  });

  it("copes with no error at all", () => {
    expect(classifyMediaError(null)).toBe("failed");
    expect(classifyMediaError(undefined)).toBe("failed");
  });
});

describe("askForMedia", () => {
  it("asks once for both, with the front camera at the size we send", async () => {
    const seen: MediaStreamConstraints[] = [];
    const got = await askForMedia(async (c) => {
      seen.push(c);
      return stream(["audio", "video"]);
    }, streamOf);
    expect(seen).toHaveLength(1);
    expect(seen[0]?.video).toEqual(VIDEO_CONSTRAINTS);
    expect(VIDEO_CONSTRAINTS).toMatchObject({ facingMode: "user", width: { ideal: 640 }, height: { ideal: 360 }, frameRate: { ideal: 15 } });
    expect(got.local).toEqual({ audio: true, video: true, cameraProblem: null, microphoneProblem: null });
    expect(got.audio?.getTracks().map((t) => t.kind)).toEqual(["audio"]);
    expect(got.video?.getTracks().map((t) => t.kind)).toEqual(["video"]);
  });

  it("camera refused: goes on with the microphone", async () => {
    const b = browser({ both: "NotAllowedError" });
    const got = await askForMedia(b.getUserMedia, streamOf);
    expect(b.asked).toEqual(["both", "audio"]);
    expect(got.local).toEqual({ audio: true, video: false, cameraProblem: "denied", microphoneProblem: null });
    expect(got.video).toBeNull();
  });

  it("both refused: no media, and the camera is not asked again", async () => {
    const b = browser({ both: "NotAllowedError", audio: "NotAllowedError" });
    const got = await askForMedia(b.getUserMedia, streamOf);
    expect(b.asked).toEqual(["both", "audio"]);
    expect(got.local).toEqual({ audio: false, video: false, cameraProblem: "denied", microphoneProblem: "denied" });
  });

  it("no camera: the microphone alone", async () => {
    const b = browser({ both: "NotFoundError" });
    const got = await askForMedia(b.getUserMedia, streamOf);
    expect(got.local).toEqual({ audio: true, video: false, cameraProblem: "missing", microphoneProblem: null });
  });

  it("no microphone: the camera alone", async () => {
    const b = browser({ both: "NotFoundError", audio: "NotFoundError" });
    const got = await askForMedia(b.getUserMedia, streamOf);
    expect(b.asked).toEqual(["both", "audio", "video"]);
    expect(got.local).toEqual({ audio: false, video: true, cameraProblem: null, microphoneProblem: "missing" });
  });

  it("neither: says why for each", async () => {
    const b = browser({ both: "NotReadableError", audio: "NotFoundError", video: "NotReadableError" });
    const got = await askForMedia(b.getUserMedia, streamOf);
    expect(got.local).toEqual({ audio: false, video: false, cameraProblem: "busy", microphoneProblem: "missing" });
  });

  it("no getUserMedia (an insecure page, an old browser): nothing asked", async () => {
    const got = await askForMedia(undefined, streamOf);
    expect(got.local).toEqual({ audio: false, video: false, cameraProblem: "unsupported", microphoneProblem: "unsupported" });
  });
});

describe("alreadyGranted", () => {
  const permissions = (camera: PermissionState, microphone: PermissionState) =>
    ({ query: async ({ name }: { name: string }) => ({ state: name === "camera" ? camera : microphone }) }) as unknown as Permissions;

  it("only when both are granted", async () => {
    expect(await alreadyGranted(permissions("granted", "granted"))).toBe(true);
    expect(await alreadyGranted(permissions("granted", "prompt"))).toBe(false);
    expect(await alreadyGranted(permissions("denied", "granted"))).toBe(false);
  });

  it("not when the browser cannot say", async () => {
    expect(await alreadyGranted(undefined)).toBe(false);
    expect(await alreadyGranted({ query: async () => Promise.reject(new TypeError("camera")) } as unknown as Permissions)).toBe(false);
  });
});

describe("H.264 where the phone encodes it in hardware", () => {
  it("asks about H.264 at 640x360, 15 fps, 600 kbit/s for WebRTC", () => {
    expect(H264_QUERY).toEqual({
      type: "webrtc",
      video: { contentType: "video/H264", width: 640, height: 360, bitrate: 600_000, framerate: 15 },
    });
  });

  it("prefers H.264 only when it is power-efficient", async () => {
    expect(await h264IsPowerEfficient(async () => ({ supported: true, powerEfficient: true }))).toBe(true);
    expect(await h264IsPowerEfficient(async () => ({ supported: true, powerEfficient: false }))).toBe(false);
    expect(await h264IsPowerEfficient(async () => ({ supported: false, powerEfficient: false }))).toBe(false);
    expect(codecOrder(true)).toEqual(["h264", "vp8"]);
    expect(codecOrder(false)).toEqual(["vp8", "h264"]);
  });

  it("falls back to VP8 when the browser has no answer", async () => {
    expect(await h264IsPowerEfficient(undefined)).toBe(false);
    expect(await h264IsPowerEfficient(async () => Promise.reject(new TypeError("webrtc")))).toBe(false);
    expect(await h264IsPowerEfficient(() => new Promise(() => undefined), 10)).toBe(false); // never answers
  });
});
