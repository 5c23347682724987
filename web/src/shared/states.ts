/**
 * What each face says in each session state. Pure functions, so the wording and the decisions
 * (when to show 999, when to stop polling, what the sergeant may press) are unit-tested.
 */
import { FINAL_STATES } from "./api.generated";
import { ENGLISH, type MessageKey, type Translator } from "./i18n";
import type { PublicView, SessionState } from "./types";

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
