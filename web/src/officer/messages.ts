/**
 * The officer app's words, in English (docs/web.md, "Languages": the officer app stays
 * English-first). The one sentence the officer shows her in her language is hers
 * (`say.typeThis`, in her seven catalogues), not here.
 */
import { lookup } from "../shared/staff-messages";

export const messages = {
  "officer.title": "Officer",
  "officer.noRole": "This app is for officers. Your account has no officer role: ask your administrator.",
  "officer.signInPurpose": "Sign in once per shift. Your code is on your authenticator app.",
  "officer.cannotStart": "Safe Connection cannot start. Call 999 and ask the control room to confirm you.",

  // Before a check
  "officer.start.heading": "Prove who you are",
  "officer.start.lede":
    "Press the button. The control room will see you on video and confirm you to the person you stopped.",
  "officer.start.failed999": "Call 999 and ask the control room to confirm you.",
  "officer.start.busy": "Starting…",
  "officer.start.button": "Start Safe Connection",
  "officer.start.noAnswer": "No answer in time. If you need to confirm an officer now, call 999.",

  // During a check
  "officer.urge999": "Give your force and shoulder number; the operator can confirm you.",
  "officer.code.heading": "Show her this code",
  "officer.code.label": "Code: {spelled}",
  "officer.code.address": "Ask her to type this address on her own phone, then the code:",
  "officer.code.hint": "Do not give her a link or a QR code: she should type the address herself.",
  "officer.video.remote": "Control room",
  "officer.video.purpose":
    "The sergeant in the control room must see your face and hear you to confirm who you are, in front of the person you stopped. Your phone will ask to use the camera and microphone.",
  "officer.video.fallback999":
    "If the video will not come back, call 999 and give your force and shoulder number: the operator can confirm you.",
  "officer.reference": "Reference:",
  "officer.cancel.question": "Cancel this check? She will see that you cancelled.",
  "officer.cancel.yes": "Yes, cancel the check",
  "officer.cancel.no": "No, keep waiting",
  "officer.cancel.button": "Cancel",
  "officer.done": "Done",
  "officer.footer999": "If anything goes wrong, call 999: the control room can confirm you.",
  "officer.refused.signIn": "Your sign-in has expired: sign out and in again. To be confirmed now, call 999.",
  "officer.refused.gone": "This check no longer exists. Start again, or call 999.",

  // Her language: the one sentence to show her
  "officer.say.heading": "Her language",
  "officer.say.hint": "If she reads another language better, choose it: the sentence below is what to show her.",
  "officer.say.loading": "Loading…",
  "officer.say.failed": "That language could not be loaded. Show her the address and the code.",

  // After the stop: her record and her feedback (never its text)
  "officer.after.heading": "After the stop",
  "officer.after.record": "Her record",
  "officer.after.recordKept": "She kept her record",
  "officer.after.recordNotKept": "She has not kept her record (yet)",
  "officer.after.feedback": "Her feedback",
  "officer.after.feedbackLeft": "She left feedback",
  "officer.after.feedbackNone": "No feedback yet",
  "officer.after.private": "What she wrote is not shown to you: supervisors read it.",
  "officer.after.checking": "Checking…",
  "officer.after.checkAgain": "Check again",
  "officer.after.checkedAt": "Checked at {time}.",

  // The status panel, by state (status.ts)
  "officer.status.call999": "Call 999 and ask the control room to confirm you: give your force and shoulder number.",
  "officer.status.dropped.detail": "Start again, or call 999 and ask the control room to confirm you: give your force and shoulder number.",
  "officer.status.failed": "Safe Connection is not answering",
  "officer.status.ready": "Ready",
  "officer.status.requested": "Waiting for the control room",
  "officer.status.requested.detail": "A sergeant has been alerted. Show her the code and the address below.",
  "officer.status.escalated": "Still waiting: the alert has gone wider",
  "officer.status.escalated.detail":
    "More sergeants have been alerted. If she prefers, she can call 999 now and ask the control room to confirm you.",
  "officer.status.claimed": "A sergeant is checking you now",
  "officer.status.claimed.detail": "Stay on the call and show your warrant card to the camera.",
  "officer.status.verified": "Verified",
  "officer.status.verified.detail": "The control room has confirmed you. She sees the same on her own phone.",
  "officer.status.notVerified": "Not verified",
  "officer.status.notVerified.detail": "The control room could not confirm you.",
  "officer.status.notVerified.reason": "The control room could not confirm you: {reason}",
  "officer.status.cancelled": "Cancelled",
  "officer.status.cancelled.detail": "You cancelled this check.",
  "officer.status.expired": "Nobody answered: call 999",
  "officer.status.dropped": "The call dropped before a decision",
} as const satisfies Record<string, string>;

export type OfficerKey = keyof typeof messages;

export const t = lookup<OfficerKey>(messages);
