/** The supervisor's list of her feedback: the period asked for, its order, its words (pure, unit-tested). */
import type { FeedbackList, FeedbackRow, Verdict } from "../shared/api.generated";
import type { ConsoleKey } from "./messages";
import { isDay } from "./service-model";

export type { Verdict };

/** One piece of her feedback as `GET /reports/feedback` lists it: her own words are text only. */
export type FeedbackItem = FeedbackRow;

export type FeedbackReport = FeedbackList;

/** Days shown at first: the last week, today included. */
export const DEFAULT_DAYS = 7;

/** `day` moved by `days` (negative: earlier), both `YYYY-MM-DD`. */
export function addDays(day: string, days: number): string {
  const date = new Date(`${day}T00:00:00Z`);
  date.setUTCDate(date.getUTCDate() + days);
  return date.toISOString().slice(0, 10);
}

export function defaultRange(today: string): { first: string; last: string } {
  return { first: addDays(today, -(DEFAULT_DAYS - 1)), last: today };
}

/** Why the period cannot be asked for, or null when it can. */
export function rangeProblem(first: string, last: string): ConsoleKey | null {
  if (!isDay(first) || !isDay(last) || first > last) return "console.feedback.badRange";
  return null;
}

/** The query of `GET /reports/feedback`: the same period as the other reports (`from`, `to`, both included). */
export function feedbackQuery(force: string, first: string, last: string): string {
  return new URLSearchParams({ force, from: first, to: last }).toString();
}

/** Newest first, whatever order the answer came in (ties by reference, so the order is stable). */
export function newestFirst(items: readonly FeedbackItem[]): FeedbackItem[] {
  const at = (item: FeedbackItem) => {
    const ms = Date.parse(item.left_at);
    return Number.isNaN(ms) ? -Infinity : ms;
  };
  return [...items].sort((a, b) => at(b) - at(a) || a.reference.localeCompare(b.reference));
}

export function verdictKey(verdict: Verdict): ConsoleKey {
  return verdict === "fine" ? "console.feedback.fine" : "console.feedback.wrong";
}

export function summaryKey(count: number): ConsoleKey {
  if (count === 0) return "console.feedback.none";
  return count === 1 ? "console.feedback.countOne" : "console.feedback.count";
}
