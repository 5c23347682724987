/** Her page's decisions that are worth testing on their own. */
import type { ApiError } from "../shared/api";
import { ENGLISH, type Translator } from "../shared/i18n";
import { isFinal } from "../shared/states";
import type { DecidedBy, SessionState } from "../shared/types";

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
