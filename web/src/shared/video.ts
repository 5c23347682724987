/**
 * The video call, with amazon-chime-sdk-js, joined with the Meeting and Attendee the API returned.
 *
 * The SDK is imported only when a call starts (it is most of the JavaScript), so her page and
 * the queue load fast. With `video: "emulator"` (the local stack) there is no media service to
 * connect to: the call builds the same session configuration from the API's objects, shows the
 * camera preview, and says plainly that video to the other side is unavailable.
 */
import type { ChimeAttendee, ChimeMeeting } from "./types";

export type VideoPhase = "starting" | "connected" | "preview_only" | "unavailable" | "ended";

export interface VideoStatus {
  phase: VideoPhase;
  message: string;
  remoteVideo: boolean;
}

export interface VideoElements {
  local: HTMLVideoElement;
  remote: HTMLVideoElement;
  audio: HTMLAudioElement;
}

type ChimeModule = typeof import("amazon-chime-sdk-js");
type AudioVideo = import("amazon-chime-sdk-js").AudioVideoFacade;

export const EMULATOR_MESSAGE =
  "Video is unavailable on this local test stack: its Chime emulator carries no sound or pictures. Everything else works.";

export class VideoCall {
  private audioVideo: AudioVideo | null = null;
  private previewing = false;
  private stopped = false;
  muted = false;
  cameraOn = true;

  constructor(
    private readonly mode: "chime" | "emulator",
    private readonly onStatus: (status: VideoStatus) => void,
  ) {}

  /** Join the meeting (or, on the emulator, prepare the session and show the camera preview). */
  async join(meeting: ChimeMeeting, attendee: ChimeAttendee, elements: VideoElements): Promise<void> {
    this.onStatus({ phase: "starting", message: "Starting video…", remoteVideo: false });
    let chime: ChimeModule;
    try {
      chime = await import("amazon-chime-sdk-js");
    } catch {
      this.onStatus({ phase: "unavailable", message: "Video could not be loaded. Carry on without it.", remoteVideo: false });
      return;
    }
    if (this.stopped) return;
    const logger = new chime.ConsoleLogger("SafeConnection", chime.LogLevel.WARN);
    const devices = new chime.DefaultDeviceController(logger, { enableWebAudio: false });
    const configuration = new chime.MeetingSessionConfiguration({ Meeting: meeting }, { Attendee: attendee });
    const session = new chime.DefaultMeetingSession(configuration, logger, devices);
    const audioVideo = session.audioVideo;
    this.audioVideo = audioVideo;

    const camera = await this.firstDevice(() => audioVideo.listVideoInputDevices());
    const microphone = await this.firstDevice(() => audioVideo.listAudioInputDevices());

    if (this.mode === "emulator") {
      if (camera) {
        try {
          await audioVideo.startVideoInput(camera);
          audioVideo.startVideoPreviewForVideoInput(elements.local);
          this.previewing = true;
        } catch {
          // No camera permission: the message below still holds.
        }
      }
      this.onStatus({ phase: "preview_only", message: EMULATOR_MESSAGE, remoteVideo: false });
      return;
    }

    audioVideo.addObserver({
      audioVideoDidStart: () => {
        this.onStatus({ phase: "connected", message: "Connected. Waiting for the other side's video…", remoteVideo: false });
        if (this.cameraOn && camera) audioVideo.startLocalVideoTile();
      },
      audioVideoDidStop: (status) => {
        if (this.stopped) return;
        const code = status.statusCode();
        this.onStatus({
          phase: "ended",
          message: `The video call ended (${chime.MeetingSessionStatusCode[code] ?? code}).`,
          remoteVideo: false,
        });
      },
      videoTileDidUpdate: (tile) => {
        if (tile.tileId === null || tile.tileId === undefined) return;
        if (tile.localTile) {
          audioVideo.bindVideoElement(tile.tileId, elements.local);
        } else if (!tile.isContent && tile.boundAttendeeId) {
          audioVideo.bindVideoElement(tile.tileId, elements.remote);
          this.onStatus({ phase: "connected", message: "Connected.", remoteVideo: true });
        }
      },
      videoTileWasRemoved: () => {
        this.onStatus({ phase: "connected", message: "The other side's video has stopped.", remoteVideo: false });
      },
      connectionDidBecomePoor: () => {
        this.onStatus({ phase: "connected", message: "The connection is poor: video may freeze.", remoteVideo: true });
      },
    });
    try {
      if (microphone) await audioVideo.startAudioInput(microphone);
      if (camera) await audioVideo.startVideoInput(camera);
      await audioVideo.bindAudioElement(elements.audio);
      audioVideo.start();
    } catch (error) {
      this.onStatus({
        phase: "unavailable",
        message: `Video could not start (${(error as Error)?.message ?? "unknown error"}). Carry on without it.`,
        remoteVideo: false,
      });
    }
  }

  private async firstDevice(list: () => Promise<MediaDeviceInfo[]>): Promise<string | null> {
    try {
      const found = await list();
      return found[0]?.deviceId ?? null;
    } catch {
      return null;
    }
  }

  toggleMute(): boolean {
    this.muted = !this.muted;
    if (this.audioVideo && this.mode === "chime") {
      if (this.muted) this.audioVideo.realtimeMuteLocalAudio();
      else this.audioVideo.realtimeUnmuteLocalAudio();
    }
    return this.muted;
  }

  toggleCamera(local: HTMLVideoElement): boolean {
    this.cameraOn = !this.cameraOn;
    const av = this.audioVideo;
    if (av) {
      if (this.mode === "emulator") {
        if (this.cameraOn) av.startVideoPreviewForVideoInput(local);
        else av.stopVideoPreviewForVideoInput(local);
      } else if (this.cameraOn) {
        av.startLocalVideoTile();
      } else {
        av.stopLocalVideoTile();
      }
    }
    return this.cameraOn;
  }

  /** Leave the call and release the camera and microphone. Safe to call twice. */
  async leave(local?: HTMLVideoElement): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    const av = this.audioVideo;
    this.audioVideo = null;
    if (!av) return;
    try {
      if (this.previewing && local) av.stopVideoPreviewForVideoInput(local);
      if (this.mode === "chime") av.stop();
      await av.stopVideoInput();
      await av.stopAudioInput();
    } catch {
      // Leaving must never fail in front of the user.
    }
  }
}
