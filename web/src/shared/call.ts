/**
 * The video call as each end sees it: a pure model, no SDK in it (unit-tested in call.test.ts).
 *
 * `VideoCall` (video.ts) feeds it what happens: the Chime SDK's observer callbacks, the answer to
 * asking for the camera and microphone, the page going to the background and back, the network
 * coming back, the other attendee's presence and signal strength. `reduce` folds each event into
 * a `CallState`; `describe` says what the panel shows (the words, the buttons, the other side's
 * connection as a word); `shouldRunCamera` and `shouldSendVideo` say what the SDK should be doing.
 * docs/web.md ("Video") describes every phase.
 */

/**
 * The SDK's settings, chosen together with the server's drop grace (docs/web.md, "Video";
 * docs/operations.md, "The drop grace and the SDK's reconnecting").
 */
export const CALL_SETTINGS = {
  /**
   * How long the SDK keeps reconnecting before it gives up (its default is 2 minutes). After 30 s
   * a phone on a street is not coming back by itself: the officer is better served by one
   * "Rejoin video" button and the 999 fallback than by a spinner. It also keeps the SDK's latest
   * give-up (≈ 8 s + 30 s) inside the server's drop grace (`DROP_GRACE_SECONDS` = 45 s counted
   * from `AttendeeDropped`, 10-15 s after the phone vanished), so a rejoin then still saves the check.
   */
  reconnectTimeoutMs: 30_000,
  /** How long the first connection may take (the SDK's default, said here on purpose): a join
   *  that has not connected in 15 s on a mobile network will not, and the officer sees rejoin/999. */
  connectionTimeoutMs: 15_000,
  /**
   * Seconds of statistics with no packets received before the SDK reconnects (its default is 25).
   * 8 s notices a dead network quickly, without reconnecting on a short tunnel-length gap.
   */
  connectionUnhealthyThreshold: 8,
  /**
   * After the SDK says the connection is poor it does not re-assess it for this long (its default
   * is 60 s): 20 s brings the officer's video back soon after the signal does. It cannot flap for
   * long: the SDK warns at most twice a call (`maximumTimesToWarn`).
   */
  poorConnectionCooldownMs: 20_000,
  /** What we send: enough to compare a face with the register photo, little enough for 3G. */
  video: { width: 640, height: 360, frameRate: 15, maxBandwidthKbps: 600 },
} as const;

/** How long the other side may be present without video before we say they are on audio only. */
export const VIDEO_GRACE_MS = 5_000;
/** How long a one-off notice ("You were away…") stays in the status line. */
export const NOTICE_MS = 15_000;
/**
 * The SDK calls a connection poor from the audio it received over its last 15 samples (15 s).
 * While nobody else was sending (alone in the meeting, or the other side had no signal) that
 * says nothing about our own connection, so such a warning is not believed.
 */
export const POOR_WINDOW_MS = 16_000;

/** Why the camera or microphone is not available. */
export type MediaProblem = "denied" | "missing" | "busy" | "unsupported" | "failed";

/** What asking for the camera and microphone gave. */
export interface LocalMedia {
  audio: boolean;
  video: boolean;
  cameraProblem: MediaProblem | null;
  microphoneProblem: MediaProblem | null;
}

/** Our own connection to the meeting. */
export type Connection = "ready" | "starting" | "connected" | "reconnecting" | "lost" | "ended";

/** What the panel is in: the connection, refined by what media we have. */
export type Phase = "ready" | "starting" | "connected" | "reconnecting" | "audio_only" | "no_media" | "lost" | "ended";

export interface RemoteAttendee {
  present: boolean;
  /** Their last absence was a drop (their connection failed), not a leave. */
  dropped: boolean;
  /** A video tile from them is up. */
  video: boolean;
  /** A video tile from them has been up in this call. */
  everVideo: boolean;
  /** When they last became present (ms since the epoch). */
  since: number;
  /** The SDK's normalised signal strength (1, 0.5 or 0), null until the first report. */
  signal: number | null;
  muted: boolean | null;
}

export interface CallState {
  connection: Connection;
  /** The SDK's `MeetingSessionStatusCode` name when it stopped. */
  stopStatus: string | null;
  everConnected: boolean;
  local: LocalMedia;
  /** The user's own camera button. */
  cameraWanted: boolean;
  /** The SDK said the connection is poor (or suggested stopping video), until it says it is good. */
  poor: boolean;
  hidden: boolean;
  /** The browser says it is offline (`navigator.onLine`). */
  offline: boolean;
  /** Since when someone else has been present with a signal (null: nobody now). */
  remoteOkSince: number | null;
  /** The page was hidden while the call was live, and is not back yet. */
  awaySince: number | null;
  /** What happened while away, said when the page is back. */
  awayEvents: { reconnected: boolean; lost: boolean };
  /** This session may rejoin by itself once when the page comes back (or the network does). */
  autoRejoinAllowed: boolean;
  /** Set when this session should be replaced by a new one: the notice the new one shows. */
  rejoin: string | null;
  notice: { text: string; until: number | null } | null;
  remotes: Record<string, RemoteAttendee>;
  /** Frames from the other side have been shown in this session. */
  remoteSeen: boolean;
}

export type CallEvent =
  | { type: "tap" }
  | { type: "media"; local: LocalMedia }
  | { type: "connecting"; reconnecting: boolean }
  | { type: "started" }
  | { type: "stopped"; status: string }
  | { type: "poor" }
  | { type: "good" }
  | { type: "presence"; attendeeId: string; present: boolean; dropped: boolean }
  | { type: "signal"; attendeeId: string; strength: number | null; muted: boolean | null }
  | { type: "remoteVideo"; attendeeId: string; on: boolean }
  | { type: "remoteFrames" }
  | { type: "visibility"; hidden: boolean }
  | { type: "network"; online: boolean }
  | { type: "camera"; on: boolean }
  | { type: "cameraFailed"; problem: MediaProblem };

export interface CallOptions {
  /** This session is itself an automatic rejoin: it may not rejoin by itself again before it connects. */
  automatic?: boolean;
  /** Said once connected (an automatic rejoin says why it happened). */
  notice?: string | null;
  hidden?: boolean;
  offline?: boolean;
}

const NO_MEDIA: LocalMedia = { audio: false, video: false, cameraProblem: null, microphoneProblem: null };

export function initialCall(options: CallOptions = {}): CallState {
  return {
    connection: "ready",
    stopStatus: null,
    everConnected: false,
    local: NO_MEDIA,
    cameraWanted: true,
    poor: false,
    hidden: options.hidden ?? false,
    offline: options.offline ?? false,
    remoteOkSince: null,
    awaySince: null,
    awayEvents: { reconnected: false, lost: false },
    autoRejoinAllowed: !options.automatic,
    rejoin: null,
    notice: options.notice ? { text: options.notice, until: null } : null,
    remotes: {},
    remoteSeen: false,
  };
}

/**
 * How the SDK's stop reads: a normal end of the call (nothing to retry) or a lost connection.
 * `Left` is our own leave; the meeting ending is the check being decided or ended.
 */
const NORMAL_END: Record<string, string> = {
  Left: "You left the video call.",
  MeetingEnded: "The video call has ended.",
  TURNCredentialsForbidden: "The video call has ended.",
  AudioCallEnded: "The video call has ended.",
  AudioAttendeeRemoved: "You were removed from the video call.",
  AudioJoinedFromAnotherDevice: "This video call was opened on another tab or device, so it has ended here.",
};

export function isNormalEnd(status: string): boolean {
  return Object.prototype.hasOwnProperty.call(NORMAL_END, status);
}

const LIVE: ReadonlySet<Connection> = new Set<Connection>(["starting", "connected", "reconnecting"]);

export function reduce(state: CallState, event: CallEvent, now: number): CallState {
  const next = step(state, event, now);
  if (next === state) return next;
  const ok = Object.values(next.remotes).some((r) => r.present && r.signal !== 0);
  const since = ok ? (next.remoteOkSince ?? now) : null;
  return since === next.remoteOkSince ? next : { ...next, remoteOkSince: since };
}

function step(state: CallState, event: CallEvent, now: number): CallState {
  switch (event.type) {
    case "tap":
      return state.connection === "ready" ? { ...state, connection: "starting" } : state;
    case "media":
      return { ...state, local: event.local };
    case "connecting":
      if (state.connection === "lost" || state.connection === "ended") return state;
      if (!event.reconnecting) return state.connection === "ready" ? { ...state, connection: "starting" } : state;
      return { ...state, connection: "reconnecting" };
    case "started": {
      if (state.connection === "lost" || state.connection === "ended") return state;
      const wasReconnecting = state.connection === "reconnecting";
      const notice = state.notice && state.notice.until === null ? { ...state.notice, until: now + NOTICE_MS } : state.notice;
      return {
        ...state,
        connection: "connected",
        everConnected: true,
        // A fresh connection starts from a good one: the SDK says again if it is poor.
        poor: wasReconnecting ? false : state.poor,
        notice,
        autoRejoinAllowed: true,
        awayEvents: state.hidden && wasReconnecting ? { ...state.awayEvents, reconnected: true } : state.awayEvents,
      };
    }
    case "stopped": {
      if (state.connection === "ended" || state.connection === "lost") return state;
      const normal = isNormalEnd(event.status);
      const remotes = mapRemotes(state.remotes, (r) => ({ ...r, present: false, video: false }));
      return {
        ...state,
        connection: normal ? "ended" : "lost",
        stopStatus: event.status,
        remotes,
        awayEvents: state.hidden && !normal ? { ...state.awayEvents, lost: true } : state.awayEvents,
      };
    }
    case "poor":
      if (state.poor) return state;
      // Received audio was lost, but was anyone sending it? (see POOR_WINDOW_MS)
      if (state.remoteOkSince === null || now - state.remoteOkSince < POOR_WINDOW_MS) return state;
      return { ...state, poor: true };
    case "good":
      return state.poor ? { ...state, poor: false, notice: { text: "The connection is better: your video is back on.", until: now + NOTICE_MS } } : state;
    case "presence": {
      const before = state.remotes[event.attendeeId];
      const next: RemoteAttendee = before
        ? { ...before }
        : { present: false, dropped: false, video: false, everVideo: false, since: now, signal: null, muted: null };
      if (event.present) {
        if (!next.present) next.since = now;
        next.present = true;
        next.dropped = false;
      } else {
        // Their video tile says whether their video is up (the SDK removes it when they go);
        // presence can blink during a reconnection while the tile stays.
        next.present = false;
        next.dropped = event.dropped;
        next.signal = null;
      }
      return { ...state, remotes: { ...state.remotes, [event.attendeeId]: next } };
    }
    case "signal": {
      const before = state.remotes[event.attendeeId];
      if (!before) return state;
      const next = { ...before };
      if (event.strength !== null) next.signal = event.strength;
      if (event.muted !== null) next.muted = event.muted;
      if (next.signal === before.signal && next.muted === before.muted) return state;
      return { ...state, remotes: { ...state.remotes, [event.attendeeId]: next } };
    }
    case "remoteVideo": {
      const before = state.remotes[event.attendeeId] ?? {
        present: true, dropped: false, video: false, everVideo: false, since: now, signal: null, muted: null,
      };
      if (before.video === event.on && state.remotes[event.attendeeId]) return state;
      const next = { ...before, video: event.on, everVideo: before.everVideo || event.on };
      return { ...state, remotes: { ...state.remotes, [event.attendeeId]: next } };
    }
    case "remoteFrames":
      return state.remoteSeen ? state : { ...state, remoteSeen: true };
    case "visibility":
      return visibility(state, event.hidden, now);
    case "network": {
      if (state.offline === !event.online) return state;
      const next = { ...state, offline: !event.online };
      if (event.online && state.connection === "lost" && !state.hidden && state.autoRejoinAllowed && !state.rejoin) {
        // iOS does not rejoin by itself when the network returns: rejoin once for it.
        return { ...next, rejoin: "Your connection came back, so the video call was rejoined." };
      }
      return next;
    }
    case "camera":
      return { ...state, cameraWanted: event.on };
    case "cameraFailed":
      return { ...state, local: { ...state.local, video: false, cameraProblem: event.problem } };
  }
}

function visibility(state: CallState, hidden: boolean, now: number): CallState {
  if (hidden === state.hidden) return state;
  if (hidden) {
    const away = LIVE.has(state.connection) ? now : null;
    return { ...state, hidden: true, awaySince: away, awayEvents: { reconnected: false, lost: false } };
  }
  const back: CallState = { ...state, hidden: false, awaySince: null, awayEvents: { reconnected: false, lost: false } };
  if (state.awaySince === null) return back;
  if (state.connection === "lost") {
    // The SDK gave up while nobody was looking (iOS does not rejoin by itself): try once more.
    if (state.autoRejoinAllowed && !state.rejoin) return { ...back, rejoin: "You were away and the call was lost, so it was rejoined." };
    return back;
  }
  if (state.connection === "connected") {
    const text = state.awayEvents.reconnected
      ? "You were away; the call reconnected."
      : state.local.video && state.cameraWanted
        ? "You were away: your camera was paused and is back on."
        : "You were away; the call carried on.";
    return { ...back, notice: { text, until: now + NOTICE_MS } };
  }
  return back;
}

function mapRemotes(remotes: Record<string, RemoteAttendee>, f: (r: RemoteAttendee) => RemoteAttendee): Record<string, RemoteAttendee> {
  const out: Record<string, RemoteAttendee> = {};
  for (const [id, r] of Object.entries(remotes)) out[id] = f(r);
  return out;
}

/** The other side: whoever is present (with video first), else whoever was here last. */
export function otherSide(state: CallState): RemoteAttendee | null {
  const all = Object.values(state.remotes);
  if (all.length === 0) return null;
  const present = all.filter((r) => r.present);
  if (present.length > 0) return present.find((r) => r.video) ?? present.reduce((a, b) => (b.since > a.since ? b : a));
  return all.reduce((a, b) => (b.since > a.since ? b : a));
}

export function phaseOf(state: CallState): Phase {
  switch (state.connection) {
    case "ready":
    case "starting":
    case "reconnecting":
    case "lost":
    case "ended":
      return state.connection;
    case "connected":
      // The browser knows it is offline before the SDK notices (8 s): say so at once.
      if (state.offline) return "reconnecting";
      if (!state.local.audio && !state.local.video) return "no_media";
      if (state.poor || !state.local.video) return "audio_only";
      return "connected";
  }
}

/** The camera is open: the call is live, it was granted, the user wants it, and the page is seen. */
export function shouldRunCamera(state: CallState): boolean {
  return LIVE.has(state.connection) && state.local.video && state.cameraWanted && !state.hidden;
}

/**
 * We send our video only while someone is there to watch it and the connection can carry it:
 * not before the other side joins, not in the background, not on a poor connection.
 */
export function shouldSendVideo(state: CallState): boolean {
  if (!shouldRunCamera(state) || state.connection !== "connected" || state.poor || state.offline) return false;
  return Object.values(state.remotes).some((r) => r.present);
}

/** Remote video is shown (not paused) while the page is seen. */
export function shouldShowRemoteVideo(state: CallState): boolean {
  return !state.hidden;
}

/** The other side's connection as a word (never colour alone). */
export type Quality = "good" | "weak" | "none";

export const QUALITY_WORD: Record<Quality, string> = {
  good: "Good",
  weak: "Weak",
  none: "No signal — reconnecting…",
};

/** The SDK normalises the server's 0-2 signal strength to 0, 0.5 and 1. */
export function qualityOf(signal: number | null): Quality | null {
  if (signal === null || Number.isNaN(signal)) return null;
  if (signal >= 0.75) return "good";
  if (signal > 0) return "weak";
  return "none";
}

export type Platform = "ios" | "android" | "other";

export function platformOf(userAgent: string, maxTouchPoints = 0): Platform {
  if (/iPhone|iPad|iPod/.test(userAgent) || (/Macintosh/.test(userAgent) && maxTouchPoints > 1)) return "ios";
  if (/Android/.test(userAgent)) return "android";
  return "other";
}

/** What to do about a refused or missing camera or microphone, on each kind of phone. */
export interface Advice {
  /** One sentence: what is wrong. */
  problem: string;
  ios: string[];
  android: string[];
  /** Which list to show first (the phone in hand when we can tell). */
  first: "ios" | "android";
  /** The list for browsers that are neither (a control-room computer). */
  other: string[];
}

const PROBLEM_TEXT: Record<MediaProblem, (what: string) => string> = {
  denied: (what) => `The ${what} ${what.includes(" and ") ? "are" : "is"} blocked for this site.`,
  missing: (what) => `No ${what} was found on this device.`,
  busy: (what) => `Another app is using the ${what}.`,
  unsupported: (what) => `This browser cannot use the ${what} on this page.`,
  failed: (what) => `The ${what} could not start.`,
};

export function mediaAdvice(local: LocalMedia, platform: Platform): Advice | null {
  const camera = local.video ? null : local.cameraProblem;
  const microphone = local.audio ? null : local.microphoneProblem;
  if (!camera && !microphone) return null;
  const both = camera && microphone;
  const what = both ? "camera and microphone" : camera ? "camera" : "microphone";
  const Setting = both ? "Camera and Microphone" : camera ? "Camera" : "Microphone";
  const problem = (both && camera !== microphone ? "denied" : (camera ?? microphone)) as MediaProblem;
  const again = "Come back to this page and tap “Try camera and microphone again”.";
  let ios: string[];
  let android: string[];
  let other: string[];
  switch (problem) {
    case "denied":
      ios = [
        "Tap “aA” at the left of the address bar, then “Website Settings”.",
        `Set ${Setting} to “Allow”.`,
        `If ${both ? "they are" : "it is"} already allowed: open the Settings app, then Apps, Safari, and set ${Setting} to “Ask” or “Allow”.`,
        again,
      ];
      android = [
        "Tap the icon at the left of the address bar (a padlock or two sliders), then “Permissions”.",
        `Turn on ${Setting}.`,
        `If Chrome itself is not allowed: open Android Settings, then Apps, Chrome, Permissions, and allow ${Setting}.`,
        again,
      ];
      other = [`Click the icon at the left of the address bar and allow ${Setting} for this site.`, again];
      break;
    case "busy":
      ios = [`Close any other app using the ${what} (a phone or video call, the Camera app).`, again];
      android = [`Close any other app using the ${what} (a phone or video call, the Camera app).`, again];
      other = [`Close any other program using the ${what}.`, again];
      break;
    case "missing":
      ios = [
        `Check that the ${what} works in another app.`,
        `If Screen Time is on: Settings, Screen Time, Content & Privacy Restrictions, and allow the ${what}.`,
        again,
      ];
      android = [`Check that the ${what} works in another app, then restart Chrome.`, again];
      other = [`Plug in a ${what}, or choose it in the browser's settings.`, again];
      break;
    case "unsupported":
      ios = ["Open this page in Safari (the address must start with https://)."];
      android = ["Open this page in Chrome (the address must start with https://)."];
      other = ["Open this page in an up-to-date Chrome, Edge, Firefox or Safari, at an https:// address."];
      break;
    case "failed":
      ios = [again, "If it fails again, close Safari completely and open this page again."];
      android = [again, "If it fails again, close Chrome completely and open this page again."];
      other = [again, "If it fails again, restart the browser."];
      break;
  }
  return { problem: PROBLEM_TEXT[problem](what), ios, android, other, first: platform === "android" ? "android" : "ios" };
}

/** What the panel shows, from the state and the clock. */
export interface CallView {
  phase: Phase;
  /** The status line (role="status"): our own connection first, then the other side. */
  message: string;
  /** The other side's connection as a word, when known. */
  quality: { level: Quality; word: string } | null;
  /** The other side is here but sends no video. */
  remoteAudioOnly: boolean;
  /** The other side's connection is failing (no signal, or their presence dropped). */
  remoteReconnecting: boolean;
  remoteMuted: boolean;
  /** What the remote tile says when it shows no picture; null while it shows one. */
  remotePlaceholder: string | null;
  /** What the own tile says when it shows no picture; null while it shows one. */
  localPlaceholder: string | null;
  /** Our camera is being sent to the other side. */
  sending: boolean;
  advice: Advice | null;
  /** Offer "Try camera and microphone again". */
  canRetryMedia: boolean;
  /** Offer "Rejoin video" (the SDK gave up). */
  canRejoin: boolean;
  /** Show mute, camera and leave. */
  controls: boolean;
  /** Frames from the other side have been shown. */
  remoteSeen: boolean;
}

function sentence(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/**
 * What each end sees. `remoteLabel` names the other side as the tile does ("Officer", "Control
 * room", "Member of the public"); sentences say "the officer", "the control room".
 */
export function describe(state: CallState, remoteLabel: string, now: number, platform: Platform = "other"): CallView {
  const phase = phaseOf(state);
  const them = `the ${remoteLabel.toLowerCase()}`;
  const other = otherSide(state);
  // What we know of the other side is current only while we are connected ourselves.
  const live = phase === "connected" || phase === "audio_only" || phase === "no_media";
  const quality = live && other && other.present ? qualityOf(other.signal) : live && other?.dropped ? "none" : null;
  const remoteReconnecting = live && !!other && (other.present ? other.signal === 0 : other.dropped);
  const waitingForVideo = !!other && other.present && !other.video && !other.everVideo && now - other.since < VIDEO_GRACE_MS;
  const remoteAudioOnly = live && !!other && other.present && !other.video && !waitingForVideo;
  const advice = phase === "ready" || phase === "starting" ? null : mediaAdvice(state.local, platform);

  let own: string;
  switch (phase) {
    case "ready":
      own = "Your camera and microphone are off. Turn them on to join the video call.";
      break;
    case "starting":
      own = "Starting video…";
      break;
    case "connected":
      own = "Connected.";
      break;
    case "reconnecting":
      own = "Reconnecting… The call comes back by itself when the connection returns.";
      break;
    case "audio_only":
      own = state.poor
        ? "Audio only: your connection is poor, so your video is off and the call goes on by voice. Your video comes back on by itself when the connection improves."
        : `Audio only: ${lowerFirst(advice?.problem ?? "your camera is off.")} The call goes on by voice.`;
      break;
    case "no_media":
      own = `No camera or microphone: ${lowerFirst(advice?.problem ?? "none could start.")} ${sentence(them)} cannot see or hear you, but the check goes on.`;
      break;
    case "lost":
      own = state.everConnected
        ? "The video call was lost: the connection did not come back in time."
        : "The video call could not connect.";
      break;
    case "ended":
      own = NORMAL_END[state.stopStatus ?? ""] ?? "The video call has ended.";
      break;
  }

  let theirs = "";
  if (live) {
    if (!other) theirs = `Waiting for ${them} to join the video…`;
    else if (remoteReconnecting) theirs = `No signal from ${them}: they are reconnecting…`;
    else if (!other.present) theirs = other.everVideo ? `The other side's video has stopped: ${them} left the video call.` : `${sentence(them)} left the video call.`;
    else if (other.video) theirs = quality === "weak" ? `${sentence(them)}'s connection is weak: their video may freeze.` : "";
    else if (waitingForVideo) theirs = `Waiting for ${them}'s video…`;
    else if (other.everVideo) theirs = `The other side's video has stopped: ${them} is on audio only.`;
    else theirs = `${sentence(them)} is on audio only (no video).`;
    if (theirs && quality === "weak" && !other?.video && other?.present) theirs += ` Their connection is weak.`;
  }
  const notice = live && state.notice && state.notice.until !== null && now <= state.notice.until ? state.notice.text : "";
  const message = [own, notice, theirs].filter(Boolean).join(" ");

  let remotePlaceholder: string | null = null;
  if (!live) remotePlaceholder = `No video from ${them}`;
  else if (state.hidden) remotePlaceholder = "Video paused while this page is in the background";
  else if (!other) remotePlaceholder = `Waiting for ${them} to join`;
  else if (remoteReconnecting) remotePlaceholder = `${QUALITY_WORD.none}`;
  else if (!other.present) remotePlaceholder = `${sentence(them)} left the video call`;
  else if (!other.video) remotePlaceholder = waitingForVideo ? `Waiting for ${them}'s video…` : `Audio only: no video from ${them}`;
  if (phase === "reconnecting") remotePlaceholder = "Reconnecting…";

  const sending = shouldSendVideo(state);
  let localPlaceholder: string | null = null;
  if (!state.local.video) localPlaceholder = phase === "ready" || phase === "starting" ? "Camera off" : "No camera";
  else if (!state.cameraWanted) localPlaceholder = "Your camera is off";
  else if (state.hidden) localPlaceholder = "Camera paused";
  else if (phase === "lost" || phase === "ended") localPlaceholder = "Camera off";

  return {
    phase,
    message,
    quality: quality ? { level: quality, word: QUALITY_WORD[quality] } : null,
    remoteAudioOnly,
    remoteReconnecting,
    remoteMuted: live && !!other?.present && other.muted === true,
    remotePlaceholder,
    localPlaceholder,
    sending,
    advice,
    canRetryMedia: live && advice !== null,
    canRejoin: phase === "lost",
    controls: live || phase === "starting" || phase === "reconnecting",
    remoteSeen: state.remoteSeen,
  };
}

function lowerFirst(text: string): string {
  return text.charAt(0).toLowerCase() + text.slice(1);
}
