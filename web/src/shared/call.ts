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

import { RECEPTION_WINDOW_MS } from "./reception";
import type { MessageKey } from "./i18n";

/** The SDK's normalised signal strength of a connection the server receives well (level 2 of 2). */
export const GOOD_SIGNAL = 0.75;

/** How often the page samples its own reception (video.ts). */
export const RECEPTION_SAMPLE_MS = 1_000;

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
 * says nothing about our own connection, nor while the server itself received them badly (their
 * signal weak: the loss is theirs). Its warning is believed when our own measurement
 * (reception.ts) agrees over a window that lies wholly after the other side was heard well and we
 * were connected and online; without a measurement of our own, after the SDK's whole window.
 */
export const POOR_WINDOW_MS = 16_000;
/**
 * Once believed, "poor" lasts until the SDK says the connection is good, or until our own
 * reception has been good for this long: longer than the SDK's cooldown and window, so this
 * only ends a warning the SDK has stopped re-assessing (it read a stream that has gone).
 */
export const STALE_POOR_MS = 25_000;

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
  /** A signal above 0 has come from them since they joined: a 0 after it means they are failing. */
  heard: boolean;
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
  /** The SDK's latest word: poor (or stop video) until it says good. */
  sdkPoor: boolean;
  /** We believe the connection is poor (the SDK said so and our own reception agrees): audio only. */
  poor: boolean;
  /** Our own measurement of received audio (reception.ts): true well, false badly, null unknown. */
  reception: boolean | null;
  /** Since when `reception` has had its value. */
  receptionSince: number;
  /** Since when we have been connected and online (null: not now). */
  steadySince: number | null;
  hidden: boolean;
  /** The browser says it is offline (`navigator.onLine`). */
  offline: boolean;
  /** Since when someone else has been present with a good signal (null: nobody now). */
  remoteOkSince: number | null;
  /** The page was hidden while the call was live, and is not back yet. */
  awaySince: number | null;
  /** What happened while away, said when the page is back. */
  awayEvents: { reconnected: boolean; lost: boolean };
  /** This session may rejoin by itself once when the page comes back (or the network does). */
  autoRejoinAllowed: boolean;
  /** Set when this session should be replaced by a new one: the notice the new one shows. */
  rejoin: MessageKey | null;
  /** A one-off notice: a catalogue key, put into words by callview.ts in the page's language. */
  notice: { text: MessageKey; until: number | null } | null;
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
  | { type: "reception"; healthy: boolean | null }
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
  notice?: MessageKey | null;
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
    sdkPoor: false,
    poor: false,
    reception: null,
    receptionSince: 0,
    steadySince: null,
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
/** The SDK's normal ends, and the catalogue's words for each. */
export const NORMAL_END: Record<string, MessageKey> = {
  Left: "video.endLeft",
  MeetingEnded: "video.ended",
  TURNCredentialsForbidden: "video.ended",
  AudioCallEnded: "video.ended",
  AudioAttendeeRemoved: "video.endRemoved",
  AudioJoinedFromAnotherDevice: "video.endOtherDevice",
};

export function isNormalEnd(status: string): boolean {
  return Object.prototype.hasOwnProperty.call(NORMAL_END, status);
}

const LIVE: ReadonlySet<Connection> = new Set<Connection>(["starting", "connected", "reconnecting"]);

export function reduce(state: CallState, event: CallEvent, now: number): CallState {
  return settle(state, step(state, event, now), now);
}

/** What follows from the event and the clock: the times things have held since, and our belief in "poor". */
function settle(before: CallState, next: CallState, now: number): CallState {
  // Heard well: a weak signal means the server loses their packets, and the loss we see is theirs.
  const ok = Object.values(next.remotes).some((r) => r.present && r.signal !== null && r.signal >= GOOD_SIGNAL);
  const remoteOkSince = ok ? (next.remoteOkSince ?? now) : null;
  const steady = next.connection === "connected" && !next.offline;
  const steadySince = steady ? (next.steadySince ?? now) : null;
  const timed = { ...next, remoteOkSince, steadySince };
  const poor = believePoor(timed, now);
  if (next === before && remoteOkSince === next.remoteOkSince && steadySince === next.steadySince && poor === next.poor) return before;
  const better = next.poor && !poor && next.connection === "connected";
  return {
    ...timed,
    poor,
    notice: better ? { text: "video.noticeBetter", until: now + NOTICE_MS } : timed.notice,
  };
}

function believePoor(state: CallState, now: number): boolean {
  if (!state.sdkPoor) return false;
  if (state.poor) {
    // The SDK has stopped re-assessing a warning (a stream that has gone): our own reception says otherwise.
    return !(state.reception === true && now - state.receptionSince >= STALE_POOR_MS);
  }
  if (state.steadySince === null || state.remoteOkSince === null) return false;
  const since = Math.max(state.steadySince, state.remoteOkSince);
  if (state.reception === null) return now - since >= POOR_WINDOW_MS;
  // The measurement's window (plus one sample's interval) lies after `since`.
  return state.reception === false && now - since >= RECEPTION_WINDOW_MS + RECEPTION_SAMPLE_MS;
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
        // A fresh connection starts from a good one: believed again only if our reception agrees.
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
      // Kept even when not believed yet: the SDK does not say it again (see POOR_WINDOW_MS).
      return state.sdkPoor ? state : { ...state, sdkPoor: true };
    case "good":
      return state.sdkPoor ? { ...state, sdkPoor: false } : state;
    case "reception":
      return state.reception === event.healthy ? state : { ...state, reception: event.healthy, receptionSince: now };
    case "presence": {
      const before = state.remotes[event.attendeeId];
      const next: RemoteAttendee = before
        ? { ...before }
        : { present: false, dropped: false, video: false, everVideo: false, since: now, signal: null, heard: false, muted: null };
      if (event.present) {
        if (!next.present) {
          next.since = now;
          next.heard = false; // their media connects after their presence: a 0 until then is not a failure
        }
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
      if (event.strength !== null && event.strength > 0) next.heard = true;
      if (event.muted !== null) next.muted = event.muted;
      if (next.signal === before.signal && next.muted === before.muted && next.heard === before.heard) return state;
      return { ...state, remotes: { ...state.remotes, [event.attendeeId]: next } };
    }
    case "remoteVideo": {
      const before = state.remotes[event.attendeeId] ?? {
        present: true, dropped: false, video: false, everVideo: false, since: now, signal: null, heard: false, muted: null,
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
        return { ...next, rejoin: "video.noticeOnline" };
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
    if (state.autoRejoinAllowed && !state.rejoin) return { ...back, rejoin: "video.noticeAwayLost" };
    return back;
  }
  if (state.connection === "connected") {
    const text = state.awayEvents.reconnected
      ? "video.noticeAwayReconnected"
      : state.local.video && state.cameraWanted
        ? "video.noticeAwayCamera"
        : "video.noticeAwayCarriedOn";
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
