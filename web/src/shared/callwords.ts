/**
 * The video call's sentences about the other side (callview.ts uses them). A module of its own,
 * with no call model in it, so that her page can hand its words to the video panel without
 * loading the panel's code before she starts a call.
 */
import type { Translator } from "./i18n";

function sentence(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/**
 * The sentences about the other side. The officer app and the console build them in English from
 * the other side's name (`englishCallWords("Officer")`); her page takes them from her catalogue,
 * written out whole for the control room (`catalogueCallWords`), because no language but English
 * can be made by pasting "the control room" into a sentence.
 */
export interface CallWords {
  cannotSeeYou: string;
  waitingJoin: string;
  noSignal: string;
  stoppedLeft: string;
  left: string;
  weak: string;
  waitingVideo: string;
  stoppedAudioOnly: string;
  audioOnly: string;
  weakToo: string;
  noVideo: string;
  waitingJoinTile: string;
  leftTile: string;
  audioOnlyTile: string;
}

export function englishCallWords(remoteLabel: string): CallWords {
  const them = `the ${remoteLabel.toLowerCase()}`;
  const Them = sentence(them);
  return {
    cannotSeeYou: `${Them} cannot see or hear you, but the check goes on.`,
    waitingJoin: `Waiting for ${them} to join the video…`,
    noSignal: `No signal from ${them}: they are reconnecting…`,
    stoppedLeft: `The other side's video has stopped: ${them} left the video call.`,
    left: `${Them} left the video call.`,
    weak: `${Them}'s connection is weak: their video may freeze.`,
    waitingVideo: `Waiting for ${them}'s video…`,
    stoppedAudioOnly: `The other side's video has stopped: ${them} is on audio only.`,
    audioOnly: `${Them} is on audio only (no video).`,
    weakToo: "Their connection is weak.",
    noVideo: `No video from ${them}`,
    waitingJoinTile: `Waiting for ${them} to join`,
    leftTile: `${Them} left the video call`,
    audioOnlyTile: `Audio only: no video from ${them}`,
  };
}

/** Her call's words about the control room, in her language. */
export function catalogueCallWords(tr: Translator): CallWords {
  return {
    cannotSeeYou: tr.t("video.them.cannotSeeYou"),
    waitingJoin: tr.t("video.them.waitingJoin"),
    noSignal: tr.t("video.them.noSignal"),
    stoppedLeft: tr.t("video.them.stoppedLeft"),
    left: tr.t("video.them.left"),
    weak: tr.t("video.them.weak"),
    waitingVideo: tr.t("video.them.waitingVideo"),
    stoppedAudioOnly: tr.t("video.them.stoppedAudioOnly"),
    audioOnly: tr.t("video.them.audioOnly"),
    weakToo: tr.t("video.them.weakToo"),
    noVideo: tr.t("video.them.noVideo"),
    waitingJoinTile: tr.t("video.them.waitingJoinTile"),
    leftTile: tr.t("video.them.leftTile"),
    audioOnlyTile: tr.t("video.them.audioOnlyTile"),
  };
}

