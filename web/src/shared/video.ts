/**
 * The video call, with amazon-chime-sdk-js, joined with the Meeting and Attendee the API returned.
 *
 * The SDK is imported only when a call starts (it is most of the JavaScript), so her page and
 * the queue load fast. The same code joins Amazon Chime deployed and the local emulator's media
 * side (docs/chime-emulator.md): the Meeting's MediaPlacement says where to connect.
 */
import type { ChimeAttendee, ChimeMeeting } from "./types";

export type VideoPhase = "starting" | "connected" | "unavailable" | "ended";

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

export class VideoCall {
  private audioVideo: AudioVideo | null = null;
  private observer: import("amazon-chime-sdk-js").AudioVideoObserver | null = null;
  private remoteTile: number | null = null;
  private stopped = false;
  muted = false;
  cameraOn = true;

  constructor(private readonly onStatus: (status: VideoStatus) => void) {}

  private report(status: VideoStatus): void {
    if (!this.stopped) this.onStatus(status);
  }

  /**
   * Join the meeting with the camera and microphone, and show the other side when they arrive.
   *
   * Every await may outlast the panel (a permission prompt can wait for minutes): after each one
   * a call that was left meanwhile releases what it started and goes no further.
   */
  async join(meeting: ChimeMeeting, attendee: ChimeAttendee, elements: VideoElements): Promise<void> {
    this.report({ phase: "starting", message: "Starting video…", remoteVideo: false });
    let chime: ChimeModule;
    try {
      chime = await import("amazon-chime-sdk-js");
    } catch {
      this.report({ phase: "unavailable", message: "Video could not be loaded. Carry on without it.", remoteVideo: false });
      return;
    }
    if (this.stopped) return;
    const logger = new chime.ConsoleLogger("SafeConnection", chime.LogLevel.WARN);
    const devices = new chime.DefaultDeviceController(logger, { enableWebAudio: false });
    const configuration = new chime.MeetingSessionConfiguration({ Meeting: meeting }, { Attendee: attendee });
    const session = new chime.DefaultMeetingSession(configuration, logger, devices);
    const audioVideo = session.audioVideo;
    this.audioVideo = audioVideo;

    // Without an earlier permission grant the labels and ids can be empty: `{}` asks the browser
    // for its default device instead of skipping the microphone or camera.
    const camera = await this.firstDevice(() => audioVideo.listVideoInputDevices());
    const microphone = await this.firstDevice(() => audioVideo.listAudioInputDevices());
    if (await this.abandoned(audioVideo)) return;

    this.observer = {
      audioVideoDidStart: () => {
        this.report({ phase: "connected", message: "Connected. Waiting for the other side's video…", remoteVideo: false });
        if (this.cameraOn) audioVideo.startLocalVideoTile();
      },
      audioVideoDidStop: (status) => {
        const code = status.statusCode();
        this.report({
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
          this.remoteTile = tile.tileId;
          audioVideo.bindVideoElement(tile.tileId, elements.remote);
          this.report({ phase: "connected", message: "Connected.", remoteVideo: true });
        }
      },
      videoTileWasRemoved: (tileId) => {
        if (tileId !== this.remoteTile) return; // our own camera going off is not their video stopping
        this.remoteTile = null;
        this.report({ phase: "connected", message: "The other side's video has stopped.", remoteVideo: false });
      },
      connectionDidBecomePoor: () => {
        this.report({ phase: "connected", message: "The connection is poor: video may freeze.", remoteVideo: this.remoteTile !== null });
      },
    };
    audioVideo.addObserver(this.observer);
    try {
      await audioVideo.startAudioInput(microphone || {});
    } catch {
      this.report({ phase: "starting", message: "No microphone: the other side will not hear you.", remoteVideo: false });
    }
    if (await this.abandoned(audioVideo)) return;
    try {
      await audioVideo.startVideoInput(camera || {});
    } catch {
      this.cameraOn = false; // no camera: join with sound only
    }
    if (await this.abandoned(audioVideo)) return;
    try {
      await audioVideo.bindAudioElement(elements.audio);
      if (await this.abandoned(audioVideo)) return;
      audioVideo.start();
    } catch (error) {
      this.report({
        phase: "unavailable",
        message: `Video could not start (${(error as Error)?.message ?? "unknown error"}). Carry on without it.`,
        remoteVideo: false,
      });
    }
  }

  /** True (after releasing the devices) if the call was left while we were waiting. */
  private async abandoned(audioVideo: AudioVideo): Promise<boolean> {
    if (!this.stopped) return false;
    await release(audioVideo);
    return true;
  }

  private async firstDevice(list: () => Promise<MediaDeviceInfo[]>): Promise<string> {
    try {
      const found = await list();
      return found[0]?.deviceId ?? "";
    } catch {
      return "";
    }
  }

  toggleMute(): boolean {
    this.muted = !this.muted;
    if (this.audioVideo) {
      if (this.muted) this.audioVideo.realtimeMuteLocalAudio();
      else this.audioVideo.realtimeUnmuteLocalAudio();
    }
    return this.muted;
  }

  toggleCamera(): boolean {
    this.cameraOn = !this.cameraOn;
    const av = this.audioVideo;
    if (av) {
      if (this.cameraOn) av.startLocalVideoTile();
      else av.stopLocalVideoTile();
    }
    return this.cameraOn;
  }

  /** Leave the call and release the camera and microphone. Safe to call twice. */
  async leave(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    const av = this.audioVideo;
    this.audioVideo = null;
    if (!av) return;
    if (this.observer) av.removeObserver(this.observer);
    av.stop();
    await release(av);
  }
}

async function release(audioVideo: AudioVideo): Promise<void> {
  try {
    await audioVideo.stopVideoInput();
    await audioVideo.stopAudioInput();
  } catch {
    // Releasing must never fail in front of the user.
  }
}
