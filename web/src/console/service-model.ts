/** The supervisor's Service view: what the figures, the staffing table and the export say (pure, unit-tested). */
import type { AnswerBucket, Outcomes, ServiceMeasures, ServiceReport, HourOfStaffing } from "../shared/api.generated";
import { formatWaiting } from "../shared/format";
import { t } from "./messages";

/** The zone the reports' days and hours are in (`REPORT_TIME_ZONE`); the report itself says which. */
export const REPORT_TIME_ZONE = "Europe/London";

/** The view asks again this often while it is open. */
export const SERVICE_REFRESH_MS = 30_000;

/** Today's date (`YYYY-MM-DD`) in `zone`, whatever the machine's own zone. */
export function todayIn(zone: string, now: Date = new Date()): string {
  // en-CA writes dates as YYYY-MM-DD.
  return new Intl.DateTimeFormat("en-CA", { timeZone: zone, year: "numeric", month: "2-digit", day: "2-digit" }).format(now);
}

/** True for a real calendar date written `YYYY-MM-DD`. */
export function isDay(text: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(text)) return false;
  const date = new Date(`${text}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === text;
}

/** The query string of a report for `force` on `day`: a period of one day (`from`, `to`) or a `date`. */
export function reportQuery(force: string, day: string, kind: "period" | "day"): string {
  const params = new URLSearchParams({ force });
  if (kind === "period") {
    params.set("from", day);
    params.set("to", day);
  } else {
    params.set("date", day);
  }
  return params.toString();
}

/** `0.6667` → `67%`; null (nothing to measure) → `—`. */
export function percent(share: number | null | undefined): string {
  if (share === null || share === undefined || !Number.isFinite(share)) return "—";
  return `${Math.round(share * 100)}%`;
}

/** Seconds as a waiting time (`1:05`), or `—` when there is none. */
export function seconds(value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return "—";
  return formatWaiting(value);
}

/** The hour an ISO timestamp (already in the report's zone, with its offset) starts: `07:00`. */
export function hourLabel(iso: string): string {
  const match = /T(\d{2}):(\d{2})/.exec(iso);
  return match ? `${match[1]}:${match[2]}` : iso;
}

/** An hour as a span, `07:00–08:00`, for tables and what a focused bar says. */
export function hourSpan(iso: string): string {
  const start = hourLabel(iso);
  const h = Number(start.slice(0, 2));
  return Number.isFinite(h) ? `${start}–${String((h + 1) % 24).padStart(2, "0")}:00` : start;
}

/** The histogram's buckets in words: `0–10 s`, `10–20 s`, …, `over 120 s`. */
export function bucketLabels(buckets: AnswerBucket[]): string[] {
  let previous = 0;
  return buckets.map((b) => {
    if (b.up_to_seconds === null) return t("console.service.bucketOver", { from: previous });
    const label = t("console.service.bucket", { from: previous, to: b.up_to_seconds });
    previous = b.up_to_seconds;
    return label;
  });
}

/** How the service level stands against the goal, in words (never colour alone). */
export function againstGoal(level: number | null, goal: number): { word: string; met: boolean | null } {
  if (level === null) return { word: t("console.service.goalNone"), met: null };
  return level >= goal
    ? { word: t("console.service.goalMet"), met: true }
    : { word: t("console.service.goalMissed"), met: false };
}

export interface Figure {
  key: string;
  label: string;
  value: string;
  /** More words under the value (what it is out of, against what). */
  note?: string;
  /** "bad" when it falls short; the note says so in words too. */
  tone?: "good" | "bad";
}

export const OUTCOME_LABEL: Record<keyof Outcomes, string> = {
  verified: t("console.outcome.verified"),
  not_verified: t("console.outcome.notVerified"),
  dropped: t("console.outcome.dropped"),
  cancelled: t("console.outcome.cancelled"),
  expired: t("console.outcome.expired"),
};

/** The day's headline figures, in the order the view shows them. */
export function figures(report: ServiceReport): Figure[] {
  const m: ServiceMeasures = report.totals;
  const goal = againstGoal(m.service_level, report.goal);
  const target = t("console.service.seconds", { seconds: report.target_seconds });
  return [
    {
      key: "requests",
      label: t("console.service.requests"),
      value: String(m.requests),
      note: t("console.service.requestsNote", { officers: m.officer_requests, public: m.public_requests }),
    },
    {
      key: "within-target",
      label: t("console.service.withinTarget", { target }),
      value: String(m.answered_within_target),
      note: t("console.service.withinTargetNote", { answered: m.answered }),
    },
    {
      key: "service-level",
      label: t("console.service.serviceLevel"),
      value: percent(m.service_level),
      note: t("console.service.levelNote", { goal: percent(report.goal), target, word: goal.word }),
      tone: goal.met === null ? undefined : goal.met ? "good" : "bad",
    },
    { key: "median", label: t("console.service.median"), value: seconds(m.answer_seconds_median) },
    { key: "p90", label: t("console.service.p90"), value: seconds(m.answer_seconds_p90) },
    {
      key: "abandoned",
      label: t("console.service.abandoned"),
      value: String(m.abandoned),
      note: t("console.service.abandonedNote", { share: percent(m.abandonment_rate) }),
    },
    { key: "longest", label: t("console.service.longest"), value: seconds(m.longest_wait_seconds) },
    { key: "attendance", label: t("console.service.attendance"), value: String(m.attendance_requests) },
    {
      key: "waiting-now",
      label: t("console.service.waitingNow"),
      value: String(report.waiting_now),
      note:
        report.oldest_wait_seconds === null
          ? t("console.service.queueEmpty")
          : t("console.service.oldest", { wait: seconds(report.oldest_wait_seconds) }),
    },
  ];
}

/** The outcomes in words, with their counts: `[["Verified", 1], …]`. */
export function outcomeRows(outcomes: Outcomes): [string, number][] {
  return (Object.keys(OUTCOME_LABEL) as (keyof Outcomes)[]).map((k) => [OUTCOME_LABEL[k], outcomes[k]]);
}

/** How many sergeants an hour lacks (0 when enough are on duty). */
export function shortfall(hour: HourOfStaffing): number {
  return Math.max(0, hour.sergeants_needed - hour.sergeants_on_duty);
}

/** An hour's staffing in words: `Short by 2`, `Enough`. */
export function staffingWord(hour: HourOfStaffing): string {
  const short = shortfall(hour);
  return short > 0 ? t("console.service.shortBy", { short }) : t("console.service.enough");
}

/** The hours that lack sergeants, as `07:00` labels. */
export function shortHours(hours: HourOfStaffing[]): string[] {
  return hours.filter((h) => shortfall(h) > 0).map((h) => hourLabel(h.hour));
}

/** An expected wait: `—` for none, `grows without end` when the queue would never empty. */
export function expectedWait(hour: HourOfStaffing): string {
  if (hour.expected_wait_seconds === null) return t("console.service.growsWithoutEnd");
  return seconds(hour.expected_wait_seconds);
}

/** The file name a `Content-Disposition` header gives, else `fallback`. */
export function attachmentName(header: string | null, fallback: string): string {
  const match = header ? /filename\*?=(?:UTF-8'')?"?([^";]+)"?/i.exec(header) : null;
  const name = match?.[1]?.trim();
  return name ? decodeURIComponent(name) : fallback;
}
