/**
 * Asking for the camera and microphone, and choosing what to send: small helpers with no SDK in
 * them, each taking the browser API it uses as a parameter (unit-tested in media.test.ts).
 */
import { CALL_SETTINGS, type LocalMedia, type MediaProblem } from "./call";

const { width, height, frameRate, maxBandwidthKbps } = CALL_SETTINGS.video;

/** The front camera (the officer films their own face), at the size we send; all `ideal`, so never over-constrained. */
export const VIDEO_CONSTRAINTS: MediaTrackConstraints = {
  facingMode: "user",
  width: { ideal: width },
  height: { ideal: height },
  frameRate: { ideal: frameRate },
};

export const AUDIO_CONSTRAINTS: MediaTrackConstraints = {
  echoCancellation: true,
  noiseSuppression: true,
  autoGainControl: true,
};

/**
 * What a getUserMedia failure means, by its name (the browser's `DOMException`, or the Chime
 * SDK's own error classes, which keep the same meaning under their own names).
 */
export function classifyMediaError(error: unknown): MediaProblem {
  const name = (error as { name?: unknown } | null)?.name;
  switch (name) {
    case "NotAllowedError":
    case "PermissionDeniedError":
    case "SecurityError":
      return "denied";
    case "NotFoundError":
    case "DevicesNotFoundError":
    case "OverconstrainedError":
    case "ConstraintNotSatisfiedError":
      return "missing";
    case "NotReadableError":
    case "TrackStartError":
    case "AbortError":
      return "busy";
    case "TypeError":
      return "unsupported";
    default:
      return "failed";
  }
}

export interface AskedMedia {
  local: LocalMedia;
  audio: MediaStream | null;
  video: MediaStream | null;
}

type GetUserMedia = (constraints: MediaStreamConstraints) => Promise<MediaStream>;
type StreamOf = (tracks: MediaStreamTrack[]) => MediaStream;

/**
 * Ask for the camera and microphone together (one prompt), and when that fails ask for what may
 * still work on its own: the microphone (no camera, or the camera refused), else the camera alone
 * (no microphone). Called only after the user's tap. `getUserMedia` is absent in an insecure page
 * or an old browser: then nothing is asked and the call goes on without media.
 */
export async function askForMedia(getUserMedia: GetUserMedia | undefined, streamOf: StreamOf): Promise<AskedMedia> {
  if (!getUserMedia) {
    return { local: { audio: false, video: false, cameraProblem: "unsupported", microphoneProblem: "unsupported" }, audio: null, video: null };
  }
  try {
    const both = await getUserMedia({ audio: AUDIO_CONSTRAINTS, video: VIDEO_CONSTRAINTS });
    const audioTracks = both.getAudioTracks();
    const videoTracks = both.getVideoTracks();
    return {
      local: {
        audio: audioTracks.length > 0,
        video: videoTracks.length > 0,
        cameraProblem: videoTracks.length > 0 ? null : "missing",
        microphoneProblem: audioTracks.length > 0 ? null : "missing",
      },
      audio: audioTracks.length > 0 ? streamOf(audioTracks) : null,
      video: videoTracks.length > 0 ? streamOf(videoTracks) : null,
    };
  } catch (first) {
    const together = classifyMediaError(first);
    try {
      const audio = await getUserMedia({ audio: AUDIO_CONSTRAINTS });
      return { local: { audio: true, video: false, cameraProblem: together, microphoneProblem: null }, audio, video: null };
    } catch (second) {
      const microphoneProblem = classifyMediaError(second);
      if (together === "denied") {
        return { local: { audio: false, video: false, cameraProblem: "denied", microphoneProblem }, audio: null, video: null };
      }
      try {
        const video = await getUserMedia({ video: VIDEO_CONSTRAINTS });
        return { local: { audio: false, video: true, cameraProblem: null, microphoneProblem }, audio: null, video };
      } catch (third) {
        return { local: { audio: false, video: false, cameraProblem: classifyMediaError(third), microphoneProblem }, audio: null, video: null };
      }
    }
  }
}

/** The camera and microphone are both granted already: starting them asks the person nothing. */
export async function alreadyGranted(permissions: Permissions | undefined): Promise<boolean> {
  if (!permissions?.query) return false;
  try {
    const [camera, microphone] = await Promise.all([
      permissions.query({ name: "camera" as PermissionName }),
      permissions.query({ name: "microphone" as PermissionName }),
    ]);
    return camera.state === "granted" && microphone.state === "granted";
  } catch {
    return false; // Firefox and older Safari cannot be asked about the camera: show the button
  }
}

/** The question put to `navigator.mediaCapabilities.encodingInfo` about H.264 at the size we send. */
export const H264_QUERY = {
  type: "webrtc",
  video: { contentType: "video/H264", width, height, bitrate: maxBandwidthKbps * 1000, framerate: frameRate },
} as const;

interface EncodingInfo {
  supported: boolean;
  powerEfficient: boolean;
}
type EncodingInfoFn = (query: typeof H264_QUERY) => Promise<EncodingInfo>;

/**
 * Whether this device encodes H.264 at our size in hardware (`powerEfficient`): then H.264 costs
 * the phone less battery than VP8, which is always in software. False when the browser cannot say.
 */
export async function h264IsPowerEfficient(encodingInfo: EncodingInfoFn | undefined, timeoutMs = 1_000): Promise<boolean> {
  if (!encodingInfo) return false;
  try {
    const answer = await Promise.race([
      encodingInfo(H264_QUERY),
      new Promise<null>((resolve) => setTimeout(() => resolve(null), timeoutMs)),
    ]);
    return !!answer && answer.supported && answer.powerEfficient;
  } catch {
    return false;
  }
}

/** The order of codecs to offer: hardware H.264 first where the device has it, else VP8 first. */
export function codecOrder(h264InHardware: boolean): ("h264" | "vp8")[] {
  return h264InHardware ? ["h264", "vp8"] : ["vp8", "h264"];
}
