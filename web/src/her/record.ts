/**
 * Her record as she reads it afterwards, in her language, and what can go wrong reading it or
 * leaving feedback (docs/web.md, "Her record"). Loaded with the "Look up my record" screen.
 */
import { ApiError } from "../shared/api";
import type { FeedbackView, RecordView, Verdict } from "../shared/api.generated";
import { ENGLISH, type Translator } from "../shared/i18n";
import { herCallStatus, herStatus } from "../shared/states";
import { decidedBy, problemText } from "./model";

export type { Verdict };

/** Her free text and how to contact her, at most: the server's own limits. */
export { FEEDBACK_CONTACT_MAX, FEEDBACK_TEXT_MAX } from "../shared/api.generated";

/** Her feedback as kept beside her record. */
export type RecordFeedback = FeedbackView;

/** `GET /records/{reference}` (and her feedback's answer): the server's `RecordView`. */
export type HerRecord = RecordView;

/** A reference as typed (`sc 260901 7k3p9`), canonical (`SC-260901-7K3P9`); null if it is not one. */
export function normaliseReference(typed: string): string | null {
  const match = /^SC(\d{6})([0-9A-Z]{5})$/.exec(typed.replace(/[\s-]+/g, "").toUpperCase());
  return match ? `SC-${match[1]}-${match[2]}` : null;
}

export interface Fact {
  label: string;
  value: string;
  /** Data shown as it is (a name, a number): isolated from the sentence's direction. */
  data?: boolean;
}

/** "PS 118" inside a sentence: a bidi isolate, so a right-to-left sentence cannot reorder it. */
function isolate(text: string): string {
  return `\u2068${text}\u2069`;
}

/** Her record as rows of label and value, in her language. */
export function recordFacts(record: HerRecord, tr: Translator = ENGLISH, forceName: (code: string) => string = (code) => code): Fact[] {
  const { t } = tr;
  const outcome = record.channel === "public" ? herCallStatus(record.outcome, tr) : herStatus({ state: record.outcome, message: "" }, tr);
  const facts: Fact[] = [
    { label: t("record.when"), value: tr.dateTime(record.started_at) },
    { label: t("card.force"), value: forceName(record.force), data: true },
  ];
  const officer = record.officer;
  if (officer) {
    facts.push(
      { label: t("card.rank"), value: officer.rank, data: true },
      { label: t("card.shoulder"), value: officer.shoulder_number, data: true },
      { label: t("card.name"), value: officer.display_name, data: true },
    );
  } else {
    facts.push({ label: t("record.officer"), value: t("record.noOfficer") });
  }
  facts.push(
    { label: t("record.outcome"), value: outcome.headline },
    {
      label: t("record.decidedBy"),
      value: record.decided_at
        ? t("record.decidedWhen", { who: isolate(decidedBy(record.decided_by, tr)), time: tr.dateTime(record.decided_at) })
        : t("record.notDecided"),
    },
    {
      label: t("record.uniformed"),
      value: record.uniformed_officer_requested_at
        ? t("record.uniformedYes", { time: tr.dateTime(record.uniformed_officer_requested_at) })
        : t("record.uniformedNo"),
    },
    {
      // Sent is said by the control room: once she asked, a time or "not recorded", never "no".
      label: t("record.uniformedSent"),
      value: record.uniformed_officer_sent_at
        ? t("record.uniformedYes", { time: tr.dateTime(record.uniformed_officer_sent_at) })
        : record.uniformed_officer_requested_at
          ? t("record.uniformedNotSent")
          : t("record.uniformedNo"),
    },
    { label: t("record.keptUntil"), value: tr.dateTime(record.kept_until) },
  );
  return facts;
}

/** What went wrong reading her record or leaving feedback, in her words. */
export function recordProblem(error: unknown, tr: Translator = ENGLISH): string {
  if (error instanceof ApiError) {
    // A wrong key and an unknown reference get the same answer from the server, and from us.
    if (error.status === 404) return tr.t("record.notFound");
    if (error.code === "feedback_already_left") return tr.t("feedback.already");
    return problemText(error, tr);
  }
  return tr.t("error.other");
}

/** The feedback field the server refused (`text` or `contact`), if it named one. */
export function refusedField(error: unknown): "text" | "contact" | null {
  if (!(error instanceof ApiError) || error.status !== 400) return null;
  for (const detail of error.details) {
    const field = String(detail.field ?? "").split(".").pop();
    if (field === "text" || field === "contact") return field;
  }
  return null;
}
