/**
 * The supervisor's list of her feedback, by force and period, newest first (beside Service).
 * Her words are rendered as text: Preact escapes them, and nothing here sets HTML.
 */
import { useEffect, useState } from "preact/hooks";

import type { ApiClient } from "../shared/api";
import { ErrorMessage, useFocusOnMount } from "../shared/ui";
import { defaultRange, feedbackQuery, newestFirst, rangeProblem, summaryKey, verdictKey, type FeedbackReport } from "./feedback-model";
import { t } from "./messages";
import { REPORT_TIME_ZONE, todayIn } from "./service-model";

export function FeedbackView(props: { api: ApiClient; force: string | null }) {
  const { api, force } = props;
  const today = todayIn(REPORT_TIME_ZONE);
  const [range, setRange] = useState(() => defaultRange(today));
  const [asked, setAsked] = useState(0);
  const [report, setReport] = useState<FeedbackReport | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [loading, setLoading] = useState(false);
  const heading = useFocusOnMount<HTMLHeadingElement>();
  const problem = rangeProblem(range.first, range.last);

  useEffect(() => {
    if (!force || problem) return undefined;
    let current = true;
    setLoading(true);
    api.request<FeedbackReport>(`/reports/feedback?${feedbackQuery(force, range.first, range.last)}`).then(
      (answer) => {
        if (!current) return;
        setReport(answer);
        setError(null);
        setLoading(false);
      },
      (err: unknown) => {
        if (!current) return;
        setError(err);
        setLoading(false);
      },
    );
    return () => {
      current = false;
    };
  }, [api, force, range.first, range.last, problem, asked]);

  if (!force) return <p class="error" role="alert">{t("console.service.noForce")}</p>;
  const items = report ? newestFirst(report.feedback) : [];
  const set = (which: "first" | "last") => (e: Event) => {
    const value = (e.currentTarget as HTMLInputElement).value;
    setRange((before) => ({ ...before, [which]: value }));
  };
  return (
    <section aria-labelledby="feedback-heading" class="feedback">
      <h1 id="feedback-heading" ref={heading} tabIndex={-1}>
        {t("console.feedback.heading")}
      </h1>
      <p class="lede">{t("console.feedback.lede")}</p>
      <div class="service-controls">
        <div>
          <label for="feedback-first">{t("console.feedback.first")}</label>
          <input id="feedback-first" type="date" value={range.first} max={today} aria-describedby="feedback-range-hint" onChange={set("first")} />
        </div>
        <div>
          <label for="feedback-last">{t("console.feedback.last")}</label>
          <input id="feedback-last" type="date" value={range.last} max={today} aria-describedby="feedback-range-hint" onChange={set("last")} />
        </div>
        <div>
          <button type="button" disabled={loading || problem !== null} onClick={() => setAsked((n) => n + 1)}>
            {t("console.feedback.refresh")}
          </button>
        </div>
      </div>
      <p class="hint" id="feedback-range-hint">
        {t("console.feedback.rangeHint", { zone: REPORT_TIME_ZONE })}
      </p>
      {problem ? (
        <p class="field-error" role="alert">
          {t(problem)}
        </p>
      ) : null}
      <ErrorMessage error={error} />
      {loading && !report ? <p>{t("console.feedback.loading")}</p> : null}
      {report ? (
        <>
          <p role="status">{t(summaryKey(items.length), { count: items.length, force: report.force, first: report.first, last: report.last })}</p>
          {items.length > 0 ? (
            <div class="table-scroll" tabIndex={0} role="region" aria-label={t("console.feedback.table")}>
              <table class="audit feedback-table">
                <caption class="sr-only">{t("console.feedback.caption")}</caption>
                <thead>
                  <tr>
                    <th scope="col">{t("console.feedback.leftAt")}</th>
                    <th scope="col">{t("console.feedback.reference")}</th>
                    <th scope="col">{t("console.feedback.verdict")}</th>
                    <th scope="col">{t("console.feedback.text")}</th>
                    <th scope="col">{t("console.feedback.contact")}</th>
                    <th scope="col">{t("console.feedback.officer")}</th>
                  </tr>
                </thead>
                <tbody>
                  {items.map((item) => (
                    <tr key={`${item.reference}-${item.left_at}`} data-verdict={item.verdict}>
                      <td>{new Date(item.left_at).toLocaleString("en-GB", { timeZone: REPORT_TIME_ZONE })}</td>
                      <td>
                        <span class="reference">{item.reference}</span>
                      </td>
                      <td>
                        {item.verdict === "something_wrong" ? <strong>{t(verdictKey(item.verdict))}</strong> : t(verdictKey(item.verdict))}
                      </td>
                      <td class="her-words">{item.text ?? t("console.feedback.nothing")}</td>
                      <td class="her-words">{item.contact ?? t("console.feedback.nothing")}</td>
                      <td>{item.officer ?? t("console.feedback.noOfficer")}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          ) : null}
        </>
      ) : null}
    </section>
  );
}
