/**
 * What to do about a refused or missing camera or microphone, in words for the phone in hand
 * (an iPhone with Safari, an Android phone with Chrome) or a control-room computer.
 * Pure functions, unit-tested in call.test.ts with the states that show them.
 */
import type { LocalMedia, MediaProblem } from "./call";

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
