/** Her page's decisions that are worth testing on their own. */
import type { ApiError } from "../shared/api";
import { isFinal } from "../shared/states";
import type { DecidedBy, SessionState } from "../shared/types";

/** How often her page asks again while the check is live: inside the API's follow limit (720 an hour). */
export const FOLLOW_MS = 5000;

/** What to tell her when a request fails, in plain words. */
export function problemText(error: ApiError): string {
  if (error.status === 404) {
    return "We cannot find that code. Check it with the officer. If they cannot show you a working code, call 999.";
  }
  if (error.status === 429) {
    const wait = error.retryAfter ? ` Try again in ${Math.ceil(error.retryAfter / 60)} minute${Math.ceil(error.retryAfter / 60) === 1 ? "" : "s"}.` : "";
    return `Too many tries from this phone.${wait} If you need help now, call 999.`;
  }
  if (error.status === 400) return error.message;
  if (error.isOutage) return "The police service is not answering. Call 999 and ask the control room to confirm the officer.";
  return error.message;
}

/**
 * The heading of the officer's card on her page, or null when the card must not be shown.
 *
 * Only "verified" says the person in front of her is that officer. While the check runs the card
 * says whose code it is; after any other ending it is hidden, so a photo never reassures her
 * about a check that failed.
 */
export function officerCardHeading(state: SessionState): string | null {
  if (state === "verified") return "Confirmed: the officer you should see";
  return isFinal(state) ? null : "Whose code this is (not confirmed yet)";
}

/** "PS 118", or "the control room" when the deciding sergeant is not on the register. */
export function decidedBy(who: DecidedBy | null): string {
  const words = [who?.rank, who?.shoulder_number].filter((part): part is string => Boolean(part));
  return words.length > 0 ? words.join(" ") : "the control room";
}
