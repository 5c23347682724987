import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";

import { ApiError, retryAfterMs } from "./api";
import { poll } from "./poll";

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe("following a live state", () => {
  it("asks at once, then again after each answer, and stops at a final answer", async () => {
    const answers = ["first", "second", "final", "never asked"];
    const fetchOnce = vi.fn(async () => answers.shift() as string);
    const seen: string[] = [];
    poll(fetchOnce, { intervalMs: 1000, onValue: (v) => seen.push(v), done: (v) => v === "final" });
    await vi.advanceTimersByTimeAsync(0);
    expect(seen).toEqual(["first"]);
    await vi.advanceTimersByTimeAsync(1000);
    expect(seen).toEqual(["first", "second"]);
    await vi.advanceTimersByTimeAsync(10_000);
    expect(seen).toEqual(["first", "second", "final"]);
    expect(fetchOnce).toHaveBeenCalledTimes(3);
  });

  it("backs off after failures, reports them, and recovers", async () => {
    let fail = 3;
    const fetchOnce = vi.fn(async () => {
      if (fail > 0) {
        fail -= 1;
        throw new Error("offline");
      }
      return "ok";
    });
    const errors: unknown[] = [];
    const seen: string[] = [];
    poll(fetchOnce, { intervalMs: 1000, maxBackoffMs: 4000, onValue: (v) => seen.push(v), onError: (e) => errors.push(e) });
    await vi.advanceTimersByTimeAsync(0); // fail 1, next in 2 s
    await vi.advanceTimersByTimeAsync(1999);
    expect(fetchOnce).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(1); // fail 2, next in 4 s
    await vi.advanceTimersByTimeAsync(4000); // fail 3, next in 4 s (capped)
    await vi.advanceTimersByTimeAsync(4000); // ok
    expect(errors).toHaveLength(3);
    expect(seen).toEqual(["ok"]);
  });

  it("drops an answer that arrives after it was stopped, and asks no more", async () => {
    let release: (value: string) => void = () => undefined;
    const fetchOnce = vi.fn(() => new Promise<string>((resolve) => (release = resolve)));
    const seen: string[] = [];
    const stop = poll(fetchOnce, { intervalMs: 1000, onValue: (v) => seen.push(v) });
    stop();
    release("late");
    await vi.advanceTimersByTimeAsync(5000);
    expect(seen).toEqual([]);
    expect(fetchOnce).toHaveBeenCalledTimes(1);
  });
});

describe("pacing", () => {
  it("waits before the first request when the page already has an answer", async () => {
    const fetchOnce = vi.fn(async () => "x");
    poll(fetchOnce, { intervalMs: 1000, initialDelayMs: 5000, onValue: () => undefined });
    await vi.advanceTimersByTimeAsync(4999);
    expect(fetchOnce).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(1);
    expect(fetchOnce).toHaveBeenCalledTimes(1);
  });

  it("waits as long as a rate limit says, not the usual back-off", async () => {
    const limited = new ApiError(429, "rate_limited", "slow down", [], 600);
    let first = true;
    const fetchOnce = vi.fn(async () => {
      if (first) {
        first = false;
        throw limited;
      }
      return "ok";
    });
    poll(fetchOnce, { intervalMs: 1000, onValue: () => undefined, retryAfterMs });
    await vi.advanceTimersByTimeAsync(0);
    await vi.advanceTimersByTimeAsync(599_999);
    expect(fetchOnce).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(fetchOnce).toHaveBeenCalledTimes(2);
  });
});
