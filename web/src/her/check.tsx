/**
 * What her check of a code and her own call both show: the officer's card, the decision, asking
 * for a uniformed officer to come; and the helpers both use (a code inside a sentence, an error in
 * her words).
 */
import { useState } from "preact/hooks";

import { ApiError } from "../shared/api";
import type { AppConfig } from "../shared/config";
import { useT, type Translator } from "../shared/i18n";
import type { PublicView } from "../shared/types";
import { ErrorMessage, RegisterPhoto } from "../shared/ui";
import { attendanceSaid, decidedBy, officerCardHeading, problemText, type AttendanceTimes } from "./model";

/**
 * A code inside a sentence: kept left to right in a right-to-left language (a bidi isolate) and
 * never broken at its dash (a non-breaking hyphen), so "ABCD-2345" cannot read "2345 … ABCD-".
 */
export function ltr(code: string): string {
  return `\u2066${code.replace(/-/g, "\u2011")}\u2069`;
}

/** What went wrong, in her words: the API's failures explained, anything else in her language. */
export function herError(err: unknown, tr: Translator): unknown {
  if (err instanceof ApiError) return new Error(problemText(err, tr));
  return tr.lang === "en" ? err : new Error(tr.t("error.other"));
}


/** The officer behind the code, headed by what is known: confirmed only once verified. */
export function OfficerCard(props: { view: PublicView; config: AppConfig }) {
  const tr = useT();
  const { t } = tr;
  const officer = props.view.officer;
  const heading = officerCardHeading(props.view.state, tr);
  if (!officer || !heading) return null;
  const confirmed = props.view.state === "verified";
  return (
    <section class={confirmed ? "card confirmed" : "card"} aria-labelledby="who">
      <h2 id="who">{heading}</h2>
      <div class="card-body">
        <RegisterPhoto url={officer.photo_url} alt={t("card.photoAlt", { rank: officer.rank, name: officer.display_name })} />
        <dl class="facts">
          <dt>{t("card.name")}</dt>
          <dd>
            <bdi>{officer.display_name}</bdi>
          </dd>
          <dt>{t("card.rank")}</dt>
          <dd>
            <bdi>{officer.rank}</bdi>
          </dd>
          <dt>{t("card.shoulder")}</dt>
          <dd class="big">
            <bdi>{officer.shoulder_number}</bdi>
          </dd>
          <dt>{t("card.force")}</dt>
          <dd>
            <bdi>{forceName(props.config, officer.force)}</bdi>
          </dd>
        </dl>
      </div>
      <p class="hint">{confirmed ? t("card.checkMatch") : t("card.notYet")}</p>
    </section>
  );
}

export function Decision(props: { view: PublicView }) {
  const tr = useT();
  const decision = props.view.decision;
  if (!decision) return null;
  return <p>{tr.t("check.decidedBy", { who: decidedBy(decision.decided_by, tr), time: tr.time(decision.decided_at) })}</p>;
}

export function Attendance(props: { view: AttendanceTimes | null; ask: () => Promise<PublicView>; onView: (view: PublicView) => void }) {
  const tr = useT();
  const { t } = tr;
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  // One live region, from "asked" to "on the way": the change is read out where she heard the first.
  const said = props.view && attendanceSaid(props.view, tr);
  if (said) {
    return (
      <p class="status tone-active" role="status">
        {said}
      </p>
    );
  }
  const ask = async () => {
    setBusy(true);
    setError(null);
    try {
      props.onView(await props.ask());
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  return (
    <section class="panel" aria-labelledby="attend">
      <h2 id="attend">{t("attend.heading")}</h2>
      <p>{t("attend.text")}</p>
      <ErrorMessage error={error && herError(error, tr)} />
      <button type="button" disabled={busy} onClick={() => void ask()}>
        {t("attend.ask")}
      </button>
    </section>
  );
}

function forceName(config: AppConfig, code: string): string {
  return config.forces.find((f) => f.code === code)?.name ?? code;
}

