/**
 * What each end of the call sees: the words of the status line, the other side's connection as
 * a word, the placeholders of the tiles and which buttons are offered, from the call's state
 * (call.ts) and the clock. Pure, unit-tested in call.test.ts; docs/web.md ("Video") lists each.
 */
import { mediaAdvice, type Advice, type Platform } from "./advice";
import { GOOD_SIGNAL, NORMAL_END, otherSide, phaseOf, shouldSendVideo, VIDEO_GRACE_MS, type CallState, type Phase } from "./call";

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
  if (signal >= GOOD_SIGNAL) return "good";
  if (signal > 0) return "weak";
  return "none";
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
  const quality =
    live && other && other.present ? (other.heard ? qualityOf(other.signal) : null) : live && other?.dropped ? "none" : null;
  // A 0 before they were ever heard is their media still connecting, not a failure.
  const remoteReconnecting = live && !!other && (other.present ? other.signal === 0 && other.heard : other.dropped);
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
