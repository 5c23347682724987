/**
 * After the stop (docs/web.md, "After the stop"): the one sentence to show her in her language,
 * and whether she kept her record and left feedback. Pure, unit-tested in after.test.ts.
 */
import type { SessionRecordStatus } from "../shared/api.generated";
import { LANGUAGE_INFO, type Lang, type Translator } from "../shared/i18n";
import type { OfficerKey } from "./messages";

/** What `GET /sessions/{id}/record` says to the officer: never her feedback's text nor its verdict. */
export type RecordStatus = SessionRecordStatus;

/** The sentence to show her: her words, then the address and the code, which stay left to right. */
export interface SaySentence {
  /** The `lang` attribute: the page's own tag for English (`en-GB`), else the language's code. */
  lang: string;
  dir: "ltr" | "rtl";
  sentence: string;
  address: string;
  code: string;
}

export function sayToHer(words: Translator, address: string, code: string): SaySentence {
  return {
    lang: words.lang === "en" ? "en-GB" : words.lang,
    dir: LANGUAGE_INFO[words.lang].dir,
    sentence: words.t("say.typeThis"),
    address,
    code,
  };
}

/** The picker's choices, each named in itself, in the order her page's switcher shows them. */
export function languageChoices(): { lang: Lang; name: string; dir: "ltr" | "rtl" }[] {
  return (Object.keys(LANGUAGE_INFO) as Lang[]).map((lang) => ({ lang, name: LANGUAGE_INFO[lang].name, dir: LANGUAGE_INFO[lang].dir }));
}

/**
 * When to ask again after the stop ends, counted from the first answer: her feedback may come
 * minutes later, so a few spaced re-checks and a *Check again* button, never a tight poll.
 * Once she has left feedback nothing more can change for the officer, so asking stops.
 */
export const RECHECK_AFTER_MS: readonly number[] = [30_000, 120_000, 300_000];

export function recordWords(status: RecordStatus): { record: OfficerKey; feedback: OfficerKey } {
  return {
    record: status.record_kept ? "officer.after.recordKept" : "officer.after.recordNotKept",
    feedback: status.feedback_left ? "officer.after.feedbackLeft" : "officer.after.feedbackNone",
  };
}

/** Nothing more to learn: she kept her record and left feedback. */
export function settled(status: RecordStatus | null): boolean {
  return status !== null && status.record_kept && status.feedback_left;
}

/**
 * Ask now, then after each of `delays` (from the previous answer), one request at a time, until
 * `settled`; `stop()` ends it. Returns the stop function; `again()` asks at once (the button).
 */
export function followRecord(
  fetch: () => Promise<RecordStatus>,
  handlers: { onValue: (status: RecordStatus) => void; onError: (error: unknown) => void },
  delays: readonly number[] = RECHECK_AFTER_MS,
): { stop: () => void; again: () => void } {
  let stopped = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let next = 0;
  let inFlight = false;
  const ask = async () => {
    if (stopped || inFlight) return;
    clearTimeout(timer);
    inFlight = true;
    let done = false;
    try {
      const status = await fetch();
      if (stopped) return;
      handlers.onValue(status);
      done = settled(status);
    } catch (error) {
      if (stopped) return;
      handlers.onError(error);
    } finally {
      inFlight = false;
    }
    const delay = delays[next];
    if (!done && delay !== undefined) {
      next += 1;
      timer = setTimeout(() => void ask(), delay);
    }
  };
  void ask();
  return {
    stop: () => {
      stopped = true;
      clearTimeout(timer);
    },
    again: () => void ask(),
  };
}
