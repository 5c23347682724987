/**
 * What to do about a refused or missing camera or microphone, in words for the phone in hand
 * (an iPhone with Safari, an Android phone with Chrome) or a control-room computer.
 * Pure functions, unit-tested in call.test.ts with the states that show them.
 */
import type { LocalMedia, MediaProblem } from "./call";
import { ENGLISH, type MessageKey, type Translator } from "./i18n";

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

const PROBLEM_KEY: Record<MediaProblem, MessageKey> = {
  denied: "media.denied",
  missing: "media.missing",
  busy: "media.busy",
  unsupported: "media.unsupported",
  failed: "media.failed",
};

/** What to do, in the page's language (English for the officer app and the console). */
export function mediaAdvice(local: LocalMedia, platform: Platform, tr: Translator = ENGLISH): Advice | null {
  const camera = local.video ? null : local.cameraProblem;
  const microphone = local.audio ? null : local.microphoneProblem;
  if (!camera && !microphone) return null;
  const both = camera && microphone;
  const what = tr.t(both ? "media.both" : camera ? "media.camera" : "media.microphone");
  const setting = tr.t(both ? "media.settingBoth" : camera ? "media.settingCamera" : "media.settingMicrophone");
  const problem = (both && camera !== microphone ? "denied" : (camera ?? microphone)) as MediaProblem;
  const t = (key: MessageKey) => tr.t(key, { what, setting });
  const again = t("media.again");
  let ios: string[];
  let android: string[];
  let other: string[];
  switch (problem) {
    case "denied":
      ios = [t("media.iosDenied1"), t("media.iosDenied2"), t(both ? "media.iosDenied3Both" : "media.iosDenied3"), again];
      android = [t("media.androidDenied1"), t("media.androidDenied2"), t("media.androidDenied3"), again];
      other = [t("media.otherDenied"), again];
      break;
    case "busy":
      ios = [t("media.phoneBusy"), again];
      android = [t("media.phoneBusy"), again];
      other = [t("media.otherBusy"), again];
      break;
    case "missing":
      ios = [t("media.iosMissing1"), t("media.iosMissing2"), again];
      android = [t("media.androidMissing"), again];
      other = [t("media.otherMissing"), again];
      break;
    case "unsupported":
      ios = [t("media.iosUnsupported")];
      android = [t("media.androidUnsupported")];
      other = [t("media.otherUnsupported")];
      break;
    case "failed":
      ios = [again, t("media.iosFailed")];
      android = [again, t("media.androidFailed")];
      other = [again, t("media.otherFailed")];
      break;
  }
  const problemKey = problem === "denied" && both ? "media.deniedBoth" : PROBLEM_KEY[problem];
  return { problem: t(problemKey), ios, android, other, first: platform === "android" ? "android" : "ios" };
}
