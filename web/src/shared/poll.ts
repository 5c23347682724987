/** Follow something that changes on the server: ask again every few seconds until it is final. */

export interface PollOptions<T> {
  /** Milliseconds between answers (default 2 s). */
  intervalMs?: number;
  /** Longest wait between tries after failures (the interval doubles up to this). */
  maxBackoffMs?: number;
  onValue: (value: T) => void;
  onError?: (error: unknown) => void;
  /** Stop once this returns true for an answer. */
  done?: (value: T) => boolean;
  /** Wait this long before the first request (when the page already has a fresh answer). */
  initialDelayMs?: number;
  /** How long a failure says to wait (e.g. a 429's Retry-After), overriding the back-off. */
  retryAfterMs?: (error: unknown) => number | null;
}

/**
 * Call `fetchOnce` now and then again after each answer, never two at once.
 *
 * Returns a function that stops the polling; a result that arrives after stopping is dropped.
 */
export function poll<T>(fetchOnce: () => Promise<T>, options: PollOptions<T>): () => void {
  const interval = options.intervalMs ?? 2000;
  const maxBackoff = options.maxBackoffMs ?? 10_000;
  let stopped = false;
  let delay = interval;
  let timer: ReturnType<typeof setTimeout> | undefined;

  const tick = async (): Promise<void> => {
    if (stopped) return;
    try {
      const value = await fetchOnce();
      if (stopped) return;
      delay = interval;
      options.onValue(value);
      if (options.done?.(value)) {
        stopped = true;
        return;
      }
    } catch (error) {
      if (stopped) return;
      delay = options.retryAfterMs?.(error) ?? Math.min(delay * 2, maxBackoff);
      options.onError?.(error);
    }
    if (!stopped) timer = setTimeout(() => void tick(), delay);
  };
  if (options.initialDelayMs) timer = setTimeout(() => void tick(), options.initialDelayMs);
  else void tick();
  return () => {
    stopped = true;
    if (timer !== undefined) clearTimeout(timer);
  };
}
