/**
 * What each end of the call sees: the words of the status line, the other side's connection as
 * a word, the placeholders of the tiles and which buttons are offered, from the call's state
 * (call.ts) and the clock. Pure, unit-tested in call.test.ts; docs/web.md ("Video") lists each.
 */
import { mediaAdvice, type Advice, type Platform } from "./advice";
import { englishCallWords, type CallWords } from "./callwords";
import { GOOD_SIGNAL, NORMAL_END, otherSide, phaseOf, shouldSendVideo, VIDEO_GRACE_MS, type CallState, type Phase } from "./call";
import { ENGLISH, type MessageKey, type Translator } from "./i18n";

export { catalogueCallWords, englishCallWords, type CallWords } from "./callwords";

/** The other side's connection as a word (never colour alone). */
export type Quality = "good" | "weak" | "none";

const QUALITY_KEY: Record<Quality, MessageKey> = {
  good: "video.qualityGood",
  weak: "video.qualityWeak",
  none: "video.qualityNone",
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

/**
 * What each end sees. `remote` names the other side as the tile does ("Officer", "Control room",
 * "Member of the public"; sentences then say "the officer", "the control room", in English), or is
 * the sentences themselves (her page, in her language: `catalogueCallWords`). `tr` gives every
 * other word.
 */
export function describe(
  state: CallState,
  remote: string | CallWords,
  now: number,
  platform: Platform = "other",
  tr: Translator = ENGLISH,
): CallView {
  const t = (key: MessageKey, params?: Record<string, string>) => tr.t(key, params);
  const words = typeof remote === "string" ? englishCallWords(remote) : remote;
  const phase = phaseOf(state);
  const other = otherSide(state);
  // What we know of the other side is current only while we are connected ourselves.
  const live = phase === "connected" || phase === "audio_only" || phase === "no_media";
  const quality =
    live && other && other.present ? (other.heard ? qualityOf(other.signal) : null) : live && other?.dropped ? "none" : null;
  // A 0 before they were ever heard is their media still connecting, not a failure.
  const remoteReconnecting = live && !!other && (other.present ? other.signal === 0 && other.heard : other.dropped);
  const waitingForVideo = !!other && other.present && !other.video && !other.everVideo && now - other.since < VIDEO_GRACE_MS;
  const remoteAudioOnly = live && !!other && other.present && !other.video && !waitingForVideo;
  const advice = phase === "ready" || phase === "starting" ? null : mediaAdvice(state.local, platform, tr);

  let own: string;
  switch (phase) {
    case "ready":
      own = t("video.ready");
      break;
    case "starting":
      own = t("video.starting");
      break;
    case "connected":
      own = t("video.connected");
      break;
    case "reconnecting":
      own = t("video.reconnecting");
      break;
    case "audio_only":
      own = state.poor ? t("video.poor") : t("video.audioOnly", { problem: lowerFirst(advice?.problem ?? t("video.yourCameraIsOff")) });
      break;
    case "no_media":
      own = `${t("video.noMedia", { problem: lowerFirst(advice?.problem ?? t("video.noneCouldStart")) })} ${words.cannotSeeYou}`;
      break;
    case "lost":
      own = state.everConnected ? t("video.lost") : t("video.couldNotConnect");
      break;
    case "ended":
      own = t(NORMAL_END[state.stopStatus ?? ""] ?? "video.ended");
      break;
  }

  let theirs = "";
  if (live) {
    if (!other) theirs = words.waitingJoin;
    else if (remoteReconnecting) theirs = words.noSignal;
    else if (!other.present) theirs = other.everVideo ? words.stoppedLeft : words.left;
    else if (other.video) theirs = quality === "weak" ? words.weak : "";
    else if (waitingForVideo) theirs = words.waitingVideo;
    else if (other.everVideo) theirs = words.stoppedAudioOnly;
    else theirs = words.audioOnly;
    if (theirs && quality === "weak" && !other?.video && other?.present) theirs += ` ${words.weakToo}`;
  }
  const notice = live && state.notice && state.notice.until !== null && now <= state.notice.until ? t(state.notice.text) : "";
  const message = [own, notice, theirs].filter(Boolean).join(" ");

  let remotePlaceholder: string | null = null;
  if (!live) remotePlaceholder = words.noVideo;
  else if (state.hidden) remotePlaceholder = t("video.pausedTile");
  else if (!other) remotePlaceholder = words.waitingJoinTile;
  else if (remoteReconnecting) remotePlaceholder = t(QUALITY_KEY.none);
  else if (!other.present) remotePlaceholder = words.leftTile;
  else if (!other.video) remotePlaceholder = waitingForVideo ? words.waitingVideo : words.audioOnlyTile;
  if (phase === "reconnecting") remotePlaceholder = t("video.reconnectingTile");

  const sending = shouldSendVideo(state);
  let localPlaceholder: string | null = null;
  if (!state.local.video) localPlaceholder = phase === "ready" || phase === "starting" ? t("video.cameraOffTile") : t("video.noCameraTile");
  else if (!state.cameraWanted) localPlaceholder = t("video.yourCameraOffTile");
  else if (state.hidden) localPlaceholder = t("video.cameraPausedTile");
  else if (phase === "lost" || phase === "ended") localPlaceholder = t("video.cameraOffTile");

  return {
    phase,
    message,
    quality: quality ? { level: quality, word: t(QUALITY_KEY[quality]) } : null,
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
