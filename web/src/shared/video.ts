/**
 * The video call, with amazon-chime-sdk-js, joined with the Meeting and Attendee the API returned.
 *
 * The SDK is imported only when a call starts (it is most of the JavaScript), so her page and
 * the queue load fast. The same code joins Amazon Chime deployed and the local emulator's media
 * side (docs/chime-emulator.md): the Meeting's MediaPlacement says where to connect.
 *
 * What the call is in, and what each end sees, is the pure model in call.ts: this class feeds it
 * the SDK's callbacks, the answer to asking for the camera and microphone, the page's visibility
 * and the network, and then makes the SDK do what the model says (camera on or off, video sent
 * or not, remote video paused or not).
 */
import {
  CALL_SETTINGS,
  initialCall,
  RECEPTION_SAMPLE_MS,
  reduce,
  shouldRunCamera,
  shouldSendVideo,
  shouldShowRemoteVideo,
  type CallEvent,
  type CallOptions,
  type CallState,
} from "./call";
import { askForMedia, classifyMediaError, codecOrder, h264IsPowerEfficient, VIDEO_CONSTRAINTS } from "./media";
import { audioTotals, ReceptionMeter } from "./reception";
import type { ChimeAttendee, ChimeMeeting } from "./types";
import type { MessageKey } from "./i18n";

export interface VideoElements {
  local: HTMLVideoElement;
  remote: HTMLVideoElement;
  audio: HTMLAudioElement;
}

type ChimeModule = typeof import("amazon-chime-sdk-js");
type AudioVideo = import("amazon-chime-sdk-js").AudioVideoFacade;
type Observer = import("amazon-chime-sdk-js").AudioVideoObserver;
type PresenceCallback = Parameters<AudioVideo["realtimeSubscribeToAttendeeIdPresence"]>[0];

export class VideoCall {
  private state: CallState;
  private audioVideo: AudioVideo | null = null;
  private observer: Observer | null = null;
  private presence: PresenceCallback | null = null;
  private elements: VideoElements | null = null;
  private readonly remoteTiles = new Map<number, string>(); // tile id → attendee id
  private readonly pausedTiles = new Set<number>();
  private readonly watched = new Set<string>(); // attendees whose signal strength we follow
  private cameraRunning = false;
  private stopped = false; // left by the user (or the panel went away)
  private finished = false; // the SDK stopped: the devices are released
  private rejoinAsked = false;
  private work: Promise<void> = Promise.resolve();
  private readonly reception = new ReceptionMeter();
  private receptionTimer: ReturnType<typeof setInterval> | null = null;
  muted = false;

  constructor(
    private readonly selfId: string,
    private readonly onChange: (state: CallState) => void,
    private readonly onRejoin: (notice: MessageKey) => void,
    options: CallOptions = {},
  ) {
    this.state = initialCall({
      hidden: typeof document !== "undefined" && document.visibilityState === "hidden",
      offline: typeof navigator !== "undefined" && navigator.onLine === false,
      ...options,
    });
  }

  current(): CallState {
    return this.state;
  }

  private dispatch(event: CallEvent): void {
    if (this.stopped) return;
    const next = reduce(this.state, event, Date.now());
    if (next === this.state) return;
    this.state = next;
    this.onChange(next);
    if (next.rejoin && !this.rejoinAsked) {
      this.rejoinAsked = true;
      this.onRejoin(next.rejoin);
      return;
    }
    this.reconcile();
  }

  /**
   * After the user's tap (or at once when both are granted already): ask for the camera and
   * microphone, join, and show the other side when they arrive.
   *
   * Every await may outlast the panel (a permission prompt can wait for minutes): after each one
   * a call that was left meanwhile releases what it started and goes no further.
   */
  async join(meeting: ChimeMeeting, attendee: ChimeAttendee, elements: VideoElements): Promise<void> {
    if (this.state.connection !== "ready") return;
    this.elements = elements;
    this.dispatch({ type: "tap" });
    const md = typeof navigator !== "undefined" ? navigator.mediaDevices : undefined;
    const asked = askForMedia(md?.getUserMedia ? (c) => md.getUserMedia(c) : undefined, (tracks) => new MediaStream(tracks));
    let chime: ChimeModule;
    try {
      chime = await import("amazon-chime-sdk-js");
    } catch {
      stopStreams(await asked);
      this.dispatch({ type: "stopped", status: "LoadFailed" });
      return;
    }
    const media = await asked;
    if (this.stopped) {
      stopStreams(media);
      return;
    }
    this.dispatch({ type: "media", local: media.local });

    const logger = new chime.ConsoleLogger("SafeConnection", chime.LogLevel.WARN);
    const devices = new chime.DefaultDeviceController(logger, { enableWebAudio: false });
    // We asked already (one prompt, after a tap): listing devices must never ask again.
    devices.setDeviceLabelTrigger(async () => new MediaStream());
    const configuration = new chime.MeetingSessionConfiguration({ Meeting: meeting }, { Attendee: attendee });
    configuration.reconnectTimeoutMs = CALL_SETTINGS.reconnectTimeoutMs;
    configuration.connectionTimeoutMs = CALL_SETTINGS.connectionTimeoutMs;
    configuration.connectionHealthPolicyConfiguration.connectionUnhealthyThreshold = CALL_SETTINGS.connectionUnhealthyThreshold;
    configuration.connectionHealthPolicyConfiguration.cooldownTimeMs = CALL_SETTINGS.poorConnectionCooldownMs;
    const session = new chime.DefaultMeetingSession(configuration, logger, devices);
    const audioVideo = session.audioVideo;
    this.audioVideo = audioVideo;
    await this.chooseWhatToSend(chime, audioVideo);
    if (await this.abandoned(audioVideo)) return;

    this.observer = this.makeObserver(chime, audioVideo, elements);
    audioVideo.addObserver(this.observer);
    this.presence = (attendeeId, present, _externalUserId, dropped) => {
      if (attendeeId === this.selfId || attendeeId.includes("#")) return; // ourselves, or a content share
      if (present && !this.watched.has(attendeeId)) {
        this.watched.add(attendeeId);
        audioVideo.realtimeSubscribeToVolumeIndicator(attendeeId, (id, _volume, muted, signalStrength) => {
          if (signalStrength !== null || muted !== null) this.dispatch({ type: "signal", attendeeId: id, strength: signalStrength, muted });
        });
      }
      this.dispatch({ type: "presence", attendeeId, present, dropped: dropped === true });
    };
    audioVideo.realtimeSubscribeToAttendeeIdPresence(this.presence);
    elements.remote.addEventListener("loadeddata", this.onRemoteFrames);
    elements.remote.addEventListener("resize", this.onRemoteFrames);

    try {
      // `null` joins with silence: the other side can still be seen and heard.
      await audioVideo.startAudioInput(media.audio ?? null);
    } catch (error) {
      stopStreams({ audio: media.audio, video: null });
      this.dispatch({ type: "media", local: { ...this.state.local, audio: false, microphoneProblem: classifyMediaError(error) } });
      await audioVideo.startAudioInput(null).catch(() => undefined);
    }
    if (await this.abandoned(audioVideo)) return;
    if (media.video) {
      try {
        await audioVideo.startVideoInput(media.video);
        this.cameraRunning = true;
        audioVideo.startVideoPreviewForVideoInput(elements.local);
      } catch (error) {
        stopStreams({ audio: null, video: media.video });
        this.dispatch({ type: "cameraFailed", problem: classifyMediaError(error) });
      }
    }
    if (await this.abandoned(audioVideo)) return;
    try {
      await audioVideo.bindAudioElement(elements.audio);
      if (await this.abandoned(audioVideo)) return;
      document.addEventListener("visibilitychange", this.onVisibility);
      window.addEventListener("online", this.onOnline);
      window.addEventListener("offline", this.onOffline);
      audioVideo.start();
    } catch {
      this.dispatch({ type: "stopped", status: "TaskFailed" });
    }
    this.reconcile();
  }

  /**
   * Send at 640×360, 15 fps, at most 600 kbit/s, H.264 first where the phone encodes it in
   * hardware (battery), else VP8 first. Each call is guarded: a browser or SDK without one of
   * them still joins.
   */
  private async chooseWhatToSend(chime: ChimeModule, audioVideo: AudioVideo): Promise<void> {
    const { width, height, frameRate, maxBandwidthKbps } = CALL_SETTINGS.video;
    try {
      audioVideo.chooseVideoInputQuality(width, height, frameRate);
    } catch {
      // the constraints we ask the camera for say the same
    }
    try {
      audioVideo.setVideoMaxBandwidthKbps(maxBandwidthKbps);
    } catch {
      // the SDK's own default cap applies
    }
    const capabilities = typeof navigator !== "undefined" ? navigator.mediaCapabilities : undefined;
    const hardware = await h264IsPowerEfficient(capabilities?.encodingInfo ? (query) => capabilities.encodingInfo(query) : undefined);
    try {
      const codec = { h264: () => chime.VideoCodecCapability.h264ConstrainedBaselineProfile(), vp8: () => chime.VideoCodecCapability.vp8() };
      audioVideo.setVideoCodecSendPreferences?.(codecOrder(hardware).map((name) => codec[name]()));
    } catch {
      // the SDK's default order applies
    }
  }

  private makeObserver(chime: ChimeModule, audioVideo: AudioVideo, elements: VideoElements): Observer {
    return {
      audioVideoDidStartConnecting: (reconnecting) => this.dispatch({ type: "connecting", reconnecting }),
      audioVideoDidStart: () => {
        this.dispatch({ type: "started" });
        this.measureReception(audioVideo);
      },
      audioVideoDidStop: (status) => {
        const code = status.statusCode();
        this.dispatch({ type: "stopped", status: chime.MeetingSessionStatusCode[code] ?? String(code) });
        this.finish();
      },
      videoTileDidUpdate: (tile) => {
        if (tile.tileId === null || tile.tileId === undefined || tile.localTile || tile.isContent || !tile.boundAttendeeId) return;
        if (!this.remoteTiles.has(tile.tileId)) {
          this.remoteTiles.set(tile.tileId, tile.boundAttendeeId);
          audioVideo.bindVideoElement(tile.tileId, elements.remote);
        }
        this.dispatch({ type: "remoteVideo", attendeeId: tile.boundAttendeeId, on: true });
        this.reconcile();
      },
      videoTileWasRemoved: (tileId) => {
        const attendeeId = this.remoteTiles.get(tileId);
        if (attendeeId === undefined) return; // our own camera going off is not their video stopping
        this.remoteTiles.delete(tileId);
        this.pausedTiles.delete(tileId);
        if (![...this.remoteTiles.values()].includes(attendeeId)) this.dispatch({ type: "remoteVideo", attendeeId, on: false });
      },
      connectionDidBecomePoor: () => this.dispatch({ type: "poor" }),
      connectionDidSuggestStopVideo: () => this.dispatch({ type: "poor" }),
      connectionDidBecomeGood: () => this.dispatch({ type: "good" }),
    };
  }

  /**
   * Sample our own received audio every second (reception.ts), so that the SDK's word "poor" is
   * believed only when it is true now. Started once; stopped when the SDK stops or we leave.
   */
  private measureReception(audioVideo: AudioVideo): void {
    if (this.receptionTimer !== null) return;
    let reading = false;
    this.receptionTimer = setInterval(() => {
      if (reading) return; // a slow getStats is not queued behind itself
      reading = true;
      // The SDK answers null instead of a promise while it has no peer connection (reconnecting).
      Promise.resolve()
        .then(() => audioVideo.getRTCPeerConnectionStats())
        .then((report: RTCStatsReport | null | undefined) => {
          const totals = report ? audioTotals(report.values()) : null;
          this.dispatch({ type: "reception", healthy: this.reception.add(Date.now(), totals) });
        })
        .catch(() => this.dispatch({ type: "reception", healthy: this.reception.add(Date.now(), null) }))
        .finally(() => {
          reading = false;
        });
    }, RECEPTION_SAMPLE_MS);
  }

  private stopMeasuring(): void {
    if (this.receptionTimer !== null) clearInterval(this.receptionTimer);
    this.receptionTimer = null;
  }

  private readonly onVisibility = () => this.dispatch({ type: "visibility", hidden: document.visibilityState === "hidden" });
  private readonly onOnline = () => this.dispatch({ type: "network", online: true });
  private readonly onOffline = () => this.dispatch({ type: "network", online: false });
  private readonly onRemoteFrames = () => {
    if (this.elements && this.elements.remote.videoWidth > 0) this.dispatch({ type: "remoteFrames" });
  };

  /** Make the SDK do what the model says, one step at a time (device changes are async). */
  private reconcile(): void {
    this.work = this.work.then(() => this.apply()).catch(() => undefined);
  }

  private async apply(): Promise<void> {
    const av = this.audioVideo;
    const elements = this.elements;
    if (!av || !elements || this.stopped || this.finished) return;
    if (shouldRunCamera(this.state) && !this.cameraRunning) {
      try {
        await av.startVideoInput(VIDEO_CONSTRAINTS);
        if (this.stopped || this.finished) {
          await av.stopVideoInput(); // left while the camera was opening: close it again
          return;
        }
        this.cameraRunning = true;
        av.startVideoPreviewForVideoInput(elements.local);
      } catch (error) {
        this.dispatch({ type: "cameraFailed", problem: classifyMediaError(error) });
        return;
      }
    } else if (!shouldRunCamera(this.state) && this.cameraRunning) {
      // In the background, or turned off: the camera is released (battery, and the light goes off).
      if (av.hasStartedLocalVideoTile()) av.stopLocalVideoTile();
      av.stopVideoPreviewForVideoInput(elements.local);
      this.cameraRunning = false;
      await av.stopVideoInput();
    }
    const send = shouldSendVideo(this.state) && this.cameraRunning;
    if (send && !av.hasStartedLocalVideoTile()) av.startLocalVideoTile();
    else if (!send && av.hasStartedLocalVideoTile()) av.stopLocalVideoTile();
    const show = shouldShowRemoteVideo(this.state);
    for (const tileId of this.remoteTiles.keys()) {
      if (!show && !this.pausedTiles.has(tileId)) {
        this.pausedTiles.add(tileId);
        av.pauseVideoTile(tileId);
      } else if (show && this.pausedTiles.has(tileId)) {
        this.pausedTiles.delete(tileId);
        av.unpauseVideoTile(tileId);
      }
    }
  }

  /** Ask again for the camera and microphone (after the person changed the site's settings). */
  async retryMedia(): Promise<void> {
    const av = this.audioVideo;
    if (!av || this.stopped || this.finished) return;
    const md = typeof navigator !== "undefined" ? navigator.mediaDevices : undefined;
    const media = await askForMedia(md?.getUserMedia ? (c) => md.getUserMedia(c) : undefined, (tracks) => new MediaStream(tracks));
    if (this.stopped || this.finished) {
      stopStreams(media);
      return;
    }
    const local = { ...media.local };
    if (media.audio) {
      try {
        await av.startAudioInput(media.audio);
        if (this.muted) av.realtimeMuteLocalAudio();
      } catch (error) {
        local.audio = false;
        local.microphoneProblem = classifyMediaError(error);
      }
    } else if (this.state.local.audio) {
      local.audio = true; // the microphone we had still works
      local.microphoneProblem = null;
    }
    // The camera is opened by `apply` (with our constraints), when the model says so.
    stopStreams({ audio: null, video: media.video });
    this.dispatch({ type: "media", local });
    this.reconcile();
  }

  toggleMute(): boolean {
    this.muted = !this.muted;
    if (this.audioVideo) {
      if (this.muted) this.audioVideo.realtimeMuteLocalAudio();
      else this.audioVideo.realtimeUnmuteLocalAudio();
    }
    return this.muted;
  }

  setCamera(on: boolean): void {
    this.dispatch({ type: "camera", on });
  }

  /** True (after releasing the devices) if the call was left while we were waiting. */
  private async abandoned(audioVideo: AudioVideo): Promise<boolean> {
    if (!this.stopped) return false;
    await release(audioVideo);
    return true;
  }

  /** The SDK stopped: release the camera and microphone; the panel offers what comes next. */
  private finish(): void {
    if (this.finished) return;
    this.finished = true;
    this.stopMeasuring();
    // The visibility and network listeners stay: coming back may rejoin (see call.ts).
    const av = this.audioVideo;
    if (!av) return;
    if (this.elements) av.stopVideoPreviewForVideoInput(this.elements.local);
    this.cameraRunning = false;
    this.work = this.work.then(() => release(av));
  }

  private detach(): void {
    this.stopMeasuring();
    if (typeof document !== "undefined") document.removeEventListener("visibilitychange", this.onVisibility);
    if (typeof window !== "undefined") {
      window.removeEventListener("online", this.onOnline);
      window.removeEventListener("offline", this.onOffline);
    }
    this.elements?.remote.removeEventListener("loadeddata", this.onRemoteFrames);
    this.elements?.remote.removeEventListener("resize", this.onRemoteFrames);
  }

  /** Leave the call and release the camera and microphone. Safe to call twice. */
  async leave(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    this.detach();
    const av = this.audioVideo;
    this.audioVideo = null;
    if (!av) return;
    if (this.observer) av.removeObserver(this.observer);
    if (this.presence) av.realtimeUnsubscribeToAttendeeIdPresence(this.presence);
    for (const id of this.watched) av.realtimeUnsubscribeFromVolumeIndicator(id);
    if (this.elements) av.stopVideoPreviewForVideoInput(this.elements.local);
    av.stop();
    // A camera still opening is closed once it has (apply checks `stopped`); do not wait for it.
    this.work = this.work.then(() => release(av));
    await release(av);
  }
}

function stopStreams(media: { audio: MediaStream | null; video: MediaStream | null }): void {
  for (const stream of [media.audio, media.video]) stream?.getTracks().forEach((track) => track.stop());
}

async function release(audioVideo: AudioVideo): Promise<void> {
  try {
    await audioVideo.stopVideoInput();
    await audioVideo.stopAudioInput();
  } catch {
    // Releasing must never fail in front of the user.
  }
}
