/** Her page's decisions that are worth testing on their own. */
import type { ApiError } from "../shared/api";

/** How often her page asks again while the check is live: inside the API's follow limit (720 an hour). */
export function followDelay(): number {
  return 5000;
}

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
