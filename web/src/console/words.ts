/**
 * The console's words and decisions about the queue and a check: urgency, how a request is named,
 * when "verified" is blocked, the "not verified" reason's problems, and each state's label. Pure,
 * so they are unit-tested; the words are the console catalogue's.
 */
import { type CardWarningCode, REASON_MAX_LENGTH } from "../shared/api.generated";
import type { IdentityCard, QueueItem, SessionState } from "../shared/types";
import { t } from "./messages";

export type Urgency = "waiting" | "amber" | "red";

export interface UrgencyThresholds {
  /** Seconds of waiting after which a request shows amber ("overdue"). */
  amber: number;
  /** Seconds after which it shows red ("urgent"); escalated requests are red at once. */
  red: number;
}

export const DEFAULT_THRESHOLDS: UrgencyThresholds = { amber: 30, red: 60 };

export function urgency(
  waitingSeconds: number,
  escalationLevel: number,
  thresholds: UrgencyThresholds = DEFAULT_THRESHOLDS,
): { level: Urgency; label: string } {
  if (escalationLevel > 0) return { level: "red", label: t("console.urgency.escalated", { level: escalationLevel }) };
  if (waitingSeconds >= thresholds.red) return { level: "red", label: t("console.urgency.urgent") };
  if (waitingSeconds >= thresholds.amber) return { level: "amber", label: t("console.urgency.overdue") };
  return { level: "waiting", label: t("console.urgency.new") };
}

/** Seconds a queued request has waited now, from the server's figure and when it was fetched. */
export function waitedNow(item: Pick<QueueItem, "waiting_seconds">, fetchedAtMs: number, nowMs: number): number {
  return item.waiting_seconds + Math.max(0, (nowMs - fetchedAtMs) / 1000);
}

/** Requests in `next` that were not in `previous`: announced to screen readers as they arrive. */
export function arrivals(previous: readonly QueueItem[] | null, next: readonly QueueItem[]): QueueItem[] {
  if (previous === null) return [];
  const known = new Set(previous.map((item) => item.session_id));
  return next.filter((item) => !known.has(item.session_id));
}

/** How a queued request is named: `PC 4521 Sam Ahmed`, or who called for a public call. */
export function queueTitle(item: QueueItem): string {
  if (item.channel === "public") {
    return item.shoulder_number
      ? t("console.queue.publicAbout", { shoulder: item.shoulder_number })
      : t("console.queue.public");
  }
  return [item.rank, item.shoulder_number, item.display_name].filter(Boolean).join(" ");
}

const BLOCKING_WARNINGS: ReadonlySet<CardWarningCode> = new Set(["officer_suspended", "officer_not_serving"]);

/** Why "verified" may not be pressed for this card, or null. The API refuses it too. */
export function verifyBlocked(card: Pick<IdentityCard, "warnings"> | null | undefined): string | null {
  const blocking = card?.warnings.find((warning) => BLOCKING_WARNINGS.has(warning.code));
  return blocking ? t("console.decision.verifyBlocked", { why: blocking.message }) : null;
}

/** The problem with a "not verified" reason, or null; the API's own limit (REASON_MAX_LENGTH). */
export function reasonProblem(reason: string): string | null {
  const trimmed = reason.trim();
  if (trimmed.length === 0) return t("console.decision.reasonMissing");
  if (trimmed.length > REASON_MAX_LENGTH) {
    return t("console.decision.reasonTooLong", { length: trimmed.length, max: REASON_MAX_LENGTH });
  }
  return null;
}

/** The console's words for a session state (badges, the lookup, the audit view). */
export const STATE_LABEL: Record<SessionState, string> = {
  requested: t("console.state.requested"),
  escalated: t("console.state.escalated"),
  claimed: t("console.state.claimed"),
  verified: t("console.state.verified"),
  not_verified: t("console.state.notVerified"),
  cancelled: t("console.state.cancelled"),
  expired: t("console.state.expired"),
  dropped: t("console.state.dropped"),
};
