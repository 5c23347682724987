/** The officer app's decisions: starting with retries, the address to show, the location. */
import { ApiError, type ApiClient } from "../shared/api";
import type { Session } from "../shared/types";

/**
 * Start a session, retrying a network failure or a 5xx twice with the same Idempotency-Key, so a
 * lost answer never pages the control room twice. A 4xx is final and is thrown at once.
 */
export async function startWithRetry(
  api: Pick<ApiClient, "request">,
  body: Record<string, unknown>,
  idempotencyKey: string,
  attempts = 3,
  pauseMs = 700,
): Promise<Session> {
  let last: unknown;
  for (let attempt = 0; attempt < attempts; attempt += 1) {
    try {
      return await api.request<Session>("/sessions", { method: "POST", body, headers: { "Idempotency-Key": idempotencyKey } });
    } catch (error) {
      last = error;
      if (!(error instanceof ApiError) || !error.isOutage) throw error;
      if (attempt + 1 < attempts) await new Promise((resolve) => setTimeout(resolve, pauseMs * (attempt + 1)));
    }
  }
  throw last;
}

/** The address she types: no scheme, no trailing slash (`safe.police.uk`, `localhost:8080`). */
export function publicAddress(publicUrl: string): string {
  return publicUrl.replace(/^https?:\/\//, "").replace(/\/+$/, "");
}

/** The phone's position if it is known within `timeoutMs`; never delays the start for longer. */
export function currentPosition(timeoutMs: number): Promise<{ lat: number; lon: number; accuracy_m: number } | null> {
  if (typeof navigator === "undefined" || !navigator.geolocation) return Promise.resolve(null);
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(null), timeoutMs);
    navigator.geolocation.getCurrentPosition(
      (position) => {
        clearTimeout(timer);
        resolve({
          lat: Number(position.coords.latitude.toFixed(6)),
          lon: Number(position.coords.longitude.toFixed(6)),
          accuracy_m: Math.round(position.coords.accuracy),
        });
      },
      () => {
        clearTimeout(timer);
        resolve(null);
      },
      { enableHighAccuracy: true, maximumAge: 60_000, timeout: timeoutMs },
    );
  });
}

/**
 * What to tell the officer when following the session is refused (not an outage): a sign-in that
 * expired, a session that is gone, a limit. Outages are said by the status panel, with 999.
 */
export function explainRefusal(error: ApiError): Error {
  if (error.status === 401 || error.status === 403) {
    return new Error("Your sign-in has expired: sign out and in again. To be confirmed now, call 999.");
  }
  if (error.status === 404) return new Error("This check no longer exists. Start again, or call 999.");
  return new Error(error.message);
}
