/** Her page's decisions that are worth testing on their own. */
import type { ApiError } from "../shared/api";
import { ENGLISH, type Translator } from "../shared/i18n";
import { herCallStatus, herStatus, isFinal } from "../shared/states";
import type { DecidedBy, PublicView, SessionState } from "../shared/types";

/** How often her page asks again while the check is live: inside the API's follow limit (720 an hour). */
export const FOLLOW_MS = 5000;

/**
 * What to tell her when a request fails, in plain words in her language. The API's own message
 * (English) is shown only on the English page; elsewhere a sentence of her catalogue replaces it.
 */
export function problemText(error: ApiError, tr: Translator = ENGLISH): string {
  if (error.status === 404) return tr.t("error.notFound");
  if (error.status === 429) {
    if (!error.retryAfter) return tr.t("error.tooMany");
    const minutes = Math.ceil(error.retryAfter / 60);
    return minutes === 1 ? tr.t("error.tooManyOne") : tr.t("error.tooManyWait", { minutes });
  }
  if (error.isOutage) return tr.t("error.outage");
  return tr.lang === "en" ? error.message : tr.t("error.other");
}

/**
 * The heading of the officer's card on her page, or null when the card must not be shown.
 *
 * Only "verified" says the person in front of her is that officer. While the check runs the card
 * says whose code it is; after any other ending it is hidden, so a photo never reassures her
 * about a check that failed.
 */
export function officerCardHeading(state: SessionState, tr: Translator = ENGLISH): string | null {
  if (state === "verified") return tr.t("card.confirmed");
  return isFinal(state) ? null : tr.t("card.pending");
}

/** "PS 118", or "the control room" when the deciding sergeant is not on the register. */
export function decidedBy(who: Partial<DecidedBy> | null, tr: Translator = ENGLISH): string {
  const words = [who?.rank, who?.shoulder_number].filter((part): part is string => Boolean(part));
  return words.length > 0 ? words.join(" ") : tr.t("check.controlRoom");
}

/** Her request for a uniformed officer, as her view carries it. */
export type AttendanceTimes = Pick<PublicView, "attendance_requested_at" | "attendance_sent_at">;

/**
 * What her attendance area says once she has asked: that one is on the way once the control room
 * says it sent one, else that one has been asked to come; null before she asks.
 */
export function attendanceSaid(view: AttendanceTimes, tr: Translator = ENGLISH): string | null {
  if (view.attendance_sent_at) return tr.t("attend.sent", { time: tr.time(view.attendance_sent_at) });
  if (view.attendance_requested_at) return tr.t("attend.asked", { time: tr.time(view.attendance_requested_at) });
  return null;
}

/**
 * Whether her page keeps asking after the check ended: while she has asked for a uniformed
 * officer and the control room has not yet said one was sent (she often asks after the decision).
 */
export function awaitingAttendance(view: AttendanceTimes): boolean {
  return Boolean(view.attendance_requested_at) && !view.attendance_sent_at;
}

/** Her check by code is asked again while it is live, and after it while she waits for "sent". */
export function followsCheck(view: PublicView): boolean {
  return herStatus(view).live || awaitingAttendance(view);
}

/** Her own call is asked again until it has ended, and after it while she waits for "sent". */
export function followsCall(view: PublicView): boolean {
  return herCallStatus(view.state).live || awaitingAttendance(view);
}
