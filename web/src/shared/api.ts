/** A small client for the Safe Connection API: JSON in and out, errors in the API's envelope. */
import type { ErrorDetail, ErrorResponse } from "./types";

export type { ErrorDetail };

/** Anything that went wrong with a request, in words a person can act on. */
export class ApiError extends Error {
  constructor(
    /** HTTP status; 0 when the network failed before any answer. */
    readonly status: number,
    /** The API's error code (`conflict`, `not_found`, …), or `network`. */
    readonly code: string,
    message: string,
    readonly details: ErrorDetail[] = [],
    /** Seconds to wait before trying again (from `Retry-After`), if the API said. */
    readonly retryAfter: number | null = null,
  ) {
    super(message);
  }

  /** True when the failure is on our side or the network's: the officer should fall back to 999. */
  get isOutage(): boolean {
    return this.status === 0 || this.status >= 500;
  }
}

export type TokenSource = () => Promise<string | null>;

export interface RequestOptions {
  method?: "GET" | "POST" | "PUT";
  body?: unknown;
  headers?: Record<string, string>;
  /** Give up after this many milliseconds (default 15 s: a person is waiting). */
  timeoutMs?: number;
}

/** Turn a failed response into an ApiError, keeping the API's own message. */
export async function errorFrom(response: Response): Promise<ApiError> {
  const retry = Number(response.headers.get("Retry-After"));
  const retryAfter = Number.isFinite(retry) && retry > 0 ? retry : null;
  let code = `http_${response.status}`;
  let message = defaultMessage(response.status);
  let details: ErrorDetail[] = [];
  try {
    // The API's envelope, or a gateway's or proxy's own answer, which may be anything.
    const body = (await response.json()) as { error?: Partial<ErrorResponse["error"]>; message?: string };
    if (body.error) {
      code = body.error.code ?? code;
      message = body.error.message ?? message;
      details = body.error.details ?? [];
    } else if (body.message) {
      message = body.message;
    }
  } catch {
    // Not JSON (a proxy's page): keep the default message.
  }
  return new ApiError(response.status, code, message, details, retryAfter);
}

function defaultMessage(status: number): string {
  if (status === 401 || status === 403) return "You are not signed in, or your sign-in has expired.";
  if (status === 404) return "Not found.";
  if (status === 429) return "Too many requests. Wait a moment and try again.";
  if (status >= 500) return "The service is not answering. If you need to confirm an officer now, call 999.";
  return `The request failed (HTTP ${status}).`;
}

export class ApiClient {
  constructor(
    private readonly baseUrl: string,
    private readonly token: TokenSource = async () => null,
  ) {}

  async request<T>(path: string, options: RequestOptions = {}): Promise<T> {
    const headers: Record<string, string> = { Accept: "application/json", ...options.headers };
    const token = await this.token();
    if (token) headers.Authorization = `Bearer ${token}`;
    let body: string | undefined;
    if (options.body !== undefined) {
      headers["Content-Type"] = "application/json";
      body = JSON.stringify(options.body);
    }
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), options.timeoutMs ?? 15_000);
    let response: Response;
    try {
      response = await fetch(`${this.baseUrl}${path}`, {
        method: options.method ?? "GET",
        headers,
        body,
        signal: controller.signal,
        cache: "no-store",
        credentials: "omit",
      });
    } catch {
      throw new ApiError(0, "network", "No connection to the service. Check your signal; if you need to confirm an officer now, call 999.");
    } finally {
      clearTimeout(timer);
    }
    if (!response.ok) throw await errorFrom(response);
    return (await response.json()) as T;
  }
}

/** For `poll`: a rate-limited request waits what the API said (`Retry-After`), not less. */
export function retryAfterMs(error: unknown): number | null {
  return error instanceof ApiError && error.status === 429 && error.retryAfter ? error.retryAfter * 1000 : null;
}

/** A fresh key for `Idempotency-Key`: the same key is reused when the same action is retried. */
export function newIdempotencyKey(): string {
  return crypto.randomUUID();
}
