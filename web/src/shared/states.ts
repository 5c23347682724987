/**
 * What each face says in each session state. Pure functions, so the wording and the decisions
 * (when to show 999, when to stop polling, what the sergeant may press) are unit-tested.
 */
import { type CardWarningCode, FINAL_STATES, REASON_MAX_LENGTH } from "./api.generated";
import { ENGLISH, type MessageKey, type Translator } from "./i18n";
import type { IdentityCard, PublicView, QueueItem, SessionState } from "./types";

/** The visual tone of a status panel; every tone also has words and an icon, never colour alone. */
export type Tone = "waiting" | "active" | "good" | "bad" | "ended";

export interface Status {
  tone: Tone;
  headline: string;
  detail: string;
  /** Show the 999 fallback prominently. */
  urge999: boolean;
  /** The state can still change: keep following it. */
  live: boolean;
}

const FINAL: ReadonlySet<SessionState> = new Set(FINAL_STATES);

/** True for a state with no way out (the server's terminal states): stop following it. */
export function isFinal(state: SessionState): boolean {
  return FINAL.has(state);
}

export const TONE_ICON: Record<Tone, string> = {
  waiting: "○",
  active: "●",
  good: "✔",
  bad: "✖",
  ended: "■",
};

/**
 * Her page's status for her view of the session, in her language.
 *
 * The API's `message` is English: it is preferred in English, and the catalogue's words (the same
 * sentences, translated) in every other language, so no English is left on a translated page.
 */
export function herStatus(view: Pick<PublicView, "state" | "message">, tr: Translator = ENGLISH): Status {
  const api = tr.lang === "en" ? view.message?.trim() : "";
  const say = (key: MessageKey): string => api || tr.t(key);
  const t = (key: MessageKey) => tr.t(key);
  switch (view.state) {
    case "requested":
    case "escalated":
      return {
        tone: "waiting",
        headline: t("her.waiting"),
        detail: say(view.state === "requested" ? "her.waitingDetail" : "her.escalatedDetail"),
        urge999: false,
        live: true,
      };
    case "claimed":
      return { tone: "active", headline: t("her.claimed"), detail: say("her.claimedDetail"), urge999: false, live: true };
    case "verified":
      return { tone: "good", headline: t("her.verified"), detail: say("her.verifiedDetail"), urge999: false, live: false };
    case "not_verified":
      return { tone: "bad", headline: t("her.notVerified"), detail: say("her.notVerifiedDetail"), urge999: true, live: false };
    case "cancelled":
      return { tone: "ended", headline: t("her.cancelled"), detail: say("her.cancelledDetail"), urge999: true, live: false };
    case "expired":
      return { tone: "bad", headline: t("her.expired"), detail: say("her.expiredDetail"), urge999: true, live: false };
    case "dropped":
      return { tone: "bad", headline: t("her.dropped"), detail: say("her.droppedDetail"), urge999: true, live: false };
  }
}

/** Her own call to the ops room (no code): the same states, her words, in her language. */
export function herCallStatus(state: SessionState, tr: Translator = ENGLISH): Status {
  const t = (key: MessageKey) => tr.t(key);
  switch (state) {
    case "requested":
    case "escalated":
      return { tone: "waiting", headline: t("herCall.calling"), detail: t("herCall.callingDetail"), urge999: false, live: true };
    case "claimed":
      return { tone: "active", headline: t("herCall.joined"), detail: t("herCall.joinedDetail"), urge999: false, live: true };
    case "verified":
      return { tone: "good", headline: t("herCall.verified"), detail: "", urge999: false, live: false };
    case "not_verified":
      return { tone: "bad", headline: t("herCall.notVerified"), detail: t("herCall.notVerifiedDetail"), urge999: true, live: false };
    default:
      return { tone: "bad", headline: t("herCall.ended"), detail: t("herCall.endedDetail"), urge999: true, live: false };
  }
}

// --- The console -------------------------------------------------------------------------------

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
  if (escalationLevel > 0) return { level: "red", label: `Escalated (level ${escalationLevel})` };
  if (waitingSeconds >= thresholds.red) return { level: "red", label: "Urgent" };
  if (waitingSeconds >= thresholds.amber) return { level: "amber", label: "Overdue" };
  return { level: "waiting", label: "New" };
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
    return item.shoulder_number ? `Member of the public, about officer ${item.shoulder_number}` : "Member of the public";
  }
  return [item.rank, item.shoulder_number, item.display_name].filter(Boolean).join(" ");
}

const BLOCKING_WARNINGS: ReadonlySet<CardWarningCode> = new Set(["officer_suspended", "officer_not_serving"]);

/** Why "verified" may not be pressed for this card, or null. The API refuses it too. */
export function verifyBlocked(card: Pick<IdentityCard, "warnings"> | null | undefined): string | null {
  const blocking = card?.warnings.find((warning) => BLOCKING_WARNINGS.has(warning.code));
  return blocking ? `Verified is not possible: ${blocking.message}` : null;
}

/** The problem with a "not verified" reason, or null; the API's own limit (REASON_MAX_LENGTH). */
export function reasonProblem(reason: string): string | null {
  const trimmed = reason.trim();
  if (trimmed.length === 0) return "Give a reason: the officer and the audit trail will see it.";
  if (trimmed.length > REASON_MAX_LENGTH) return `The reason is ${trimmed.length} characters; at most ${REASON_MAX_LENGTH}.`;
  return null;
}

/** The console's words for a session state (badges, the lookup, the audit view). */
export const STATE_LABEL: Record<SessionState, string> = {
  requested: "Waiting for a sergeant",
  escalated: "Escalated: waiting",
  claimed: "Being checked",
  verified: "Verified",
  not_verified: "Not verified",
  cancelled: "Cancelled by the officer",
  expired: "Expired: nobody answered",
  dropped: "Dropped: call ended before a decision",
};
