/** The officer app's decisions: starting with retries, the address to show, the location. */
import { ApiError, type ApiClient } from "../shared/api";
import type { StartedSession, StartRequest } from "../shared/types";
import { t } from "./messages";

/** How long the officer waits at most, from pressing Start to the 999 advice (docs/operations.md). */
export const START_WINDOW_MS = 8_000;
/** A try that would get less time than this is not worth making: show the 999 advice instead. */
const SHORTEST_TRY_MS = 1_000;

export interface StartRetry {
  /** The whole window for every try together (default 8 s; the API answers within 6 s). */
  windowMs?: number;
  /** The pause before the second try (doubled before the third). */
  pauseMs?: number;
  attempts?: number;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

/**
 * Start a session, retrying a network failure or a 5xx with the same Idempotency-Key, so a lost
 * answer never pages the control room twice. A 4xx is final and is thrown at once. Every try
 * together stays inside `windowMs`: the officer hears "call 999" within 8 s whatever hangs.
 */
export async function startWithRetry(
  api: Pick<ApiClient, "request">,
  body: StartRequest,
  idempotencyKey: string,
  { windowMs = START_WINDOW_MS, pauseMs = 700, attempts = 3, now = Date.now, sleep = pause }: StartRetry = {},
): Promise<StartedSession> {
  const deadline = now() + windowMs;
  let last: unknown = new ApiError(0, "network", t("officer.start.noAnswer"));
  for (let attempt = 0; attempt < attempts; attempt += 1) {
    const left = deadline - now();
    if (left < SHORTEST_TRY_MS) break;
    try {
      return await api.request<StartedSession>("/sessions", {
        method: "POST",
        body,
        headers: { "Idempotency-Key": idempotencyKey },
        timeoutMs: left,
      });
    } catch (error) {
      last = error;
      if (!(error instanceof ApiError) || !error.isOutage) throw error;
      const wait = pauseMs * 2 ** attempt;
      if (attempt + 1 < attempts && deadline - now() - wait >= SHORTEST_TRY_MS) await sleep(wait);
    }
  }
  throw last;
}

function pause(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
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
    return new Error(t("officer.refused.signIn"));
  }
  if (error.status === 404) return new Error(t("officer.refused.gone"));
  return new Error(error.message);
}
