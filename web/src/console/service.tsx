/**
 * The supervisor's Service view: a day's figures, three charts by hour, the staffing table
 * (Erlang C) and the record of stops as CSV. Followed every 30 s while open.
 */
import { useEffect, useState } from "preact/hooks";

import { ApiError, errorFrom, retryAfterMs, type ApiClient } from "../shared/api";
import type { ServiceReport, StaffingReport } from "../shared/api.generated";
import { idToken } from "../shared/auth";
import { poll } from "../shared/poll";
import { ErrorMessage, useFocusOnMount } from "../shared/ui";
import { BarChart, LevelChart } from "./charts";
import { t } from "./messages";
import {
  attachmentName,
  bucketLabels,
  expectedWait,
  figures,
  hourLabel,
  hourSpan,
  isDay,
  outcomeRows,
  percent,
  reportQuery,
  SERVICE_REFRESH_MS,
  shortfall,
  shortHours,
  staffingWord,
  todayIn,
  REPORT_TIME_ZONE,
} from "./service-model";

interface Reports {
  service: ServiceReport;
  staffing: StaffingReport;
  at: number;
}

export function ServiceView(props: { api: ApiClient; apiUrl: string; force: string | null }) {
  const { api, force } = props;
  const today = todayIn(REPORT_TIME_ZONE);
  const [day, setDay] = useState(today);
  const [reports, setReports] = useState<Reports | null>(null);
  const [error, setError] = useState<unknown>(null);
  const heading = useFocusOnMount<HTMLHeadingElement>();

  useEffect(() => {
    if (!force) return undefined;
    const service = `/reports/service?${reportQuery(force, day, "period")}`;
    const staffing = `/reports/staffing?${reportQuery(force, day, "day")}`;
    return poll(
      async () => {
        const [s, st] = await Promise.all([api.request<ServiceReport>(service), api.request<StaffingReport>(staffing)]);
        return { service: s, staffing: st, at: Date.now() };
      },
      {
        intervalMs: SERVICE_REFRESH_MS,
        maxBackoffMs: 2 * SERVICE_REFRESH_MS,
        retryAfterMs,
        onValue: (next) => {
          setReports(next);
          setError(null);
        },
        onError: setError,
      },
    );
  }, [api, force, day]);

  if (!force) return <p class="error" role="alert">{t("console.service.noForce")}</p>;
  return (
    <section aria-labelledby="service-heading" class="service">
      <h1 id="service-heading" ref={heading} tabIndex={-1}>
        {t("console.service.heading")}
      </h1>
      <div class="service-controls">
        <div>
          <label for="service-day">{t("console.service.day")}</label>
          <input
            id="service-day"
            type="date"
            value={day}
            max={today}
            aria-describedby="service-day-hint"
            onChange={(e) => {
              const value = (e.currentTarget as HTMLInputElement).value;
              if (isDay(value) && value !== day) {
                setReports(null);
                setDay(value);
              }
            }}
          />
          <p class="hint" id="service-day-hint">
            {t("console.service.dayHint", { zone: REPORT_TIME_ZONE })}
          </p>
        </div>
        <StopsDownload apiUrl={props.apiUrl} force={force} day={day} />
      </div>
      <ErrorMessage error={error} />
      {reports ? <Report reports={reports} /> : <p>{t("console.service.loading")}</p>}
    </section>
  );
}

function Report(props: { reports: Reports }) {
  const { service, staffing, at } = props.reports;
  const updated = new Date(at).toLocaleTimeString("en-GB");
  const period =
    service.first_day === service.last_day ? service.first_day : t("console.service.period", { first: service.first_day, last: service.last_day });
  return (
    <>
      <p class="hint">
        {service.area
          ? t("console.service.aboutArea", { period, force: service.force, area: service.area, time: updated })
          : t("console.service.about", { period, force: service.force, time: updated })}
      </p>
      <Figures report={service} />
      <Charts report={service} />
      <Staffing staffing={staffing} />
    </>
  );
}

function Figures(props: { report: ServiceReport }) {
  const { report } = props;
  return (
    <section aria-labelledby="figures-heading">
      <h2 id="figures-heading">{t("console.service.figures")}</h2>
      <dl class="figures">
        {figures(report).map((f) => (
          <div key={f.key} class={`figure${f.tone ? ` figure-${f.tone}` : ""}`} data-figure={f.key}>
            <dt>{f.label}</dt>
            <dd>
              <span class="figure-value">{f.value}</span>
              {f.note ? <span class="figure-note">{f.note}</span> : null}
            </dd>
          </div>
        ))}
      </dl>
      <h3 id="outcomes-heading">{t("console.service.outcomes")}</h3>
      <dl class="figures outcomes">
        {outcomeRows(report.totals.outcomes).map(([label, count]) => (
          <div key={label} class="figure">
            <dt>{label}</dt>
            <dd>
              <span class="figure-value">{count}</span>
            </dd>
          </div>
        ))}
      </dl>
    </section>
  );
}

function Charts(props: { report: ServiceReport }) {
  const { report } = props;
  const labels = report.hours.map((h) => hourLabel(h.hour));
  const names = report.hours.map((h) => hourSpan(h.hour));
  const buckets = report.totals.answer_histogram;
  const targetBucket = buckets.findIndex((b) => b.up_to_seconds === report.target_seconds);
  const count = (n: number) => String(n);
  const target = t("console.service.target", { seconds: report.target_seconds });
  return (
    <section aria-labelledby="charts-heading">
      <h2 id="charts-heading">{t("console.service.byHour")}</h2>
      <BarChart
        id="chart-requests"
        title={t("console.service.requestsChart")}
        category={t("console.service.hour")}
        labels={labels}
        names={names}
        series={[
          { name: t("console.service.requests"), pattern: "solid" },
          { name: t("console.service.answered"), pattern: "hatch" },
        ]}
        values={report.hours.map((h) => [h.requests, h.answered])}
        unit={count}
      />
      <BarChart
        id="chart-answers"
        title={t("console.service.answersChart")}
        category={t("console.service.answerTime")}
        labels={bucketLabels(buckets)}
        names={bucketLabels(buckets)}
        series={[{ name: t("console.service.answers"), pattern: "solid" }]}
        values={buckets.map((b) => [b.answers])}
        unit={count}
        marker={targetBucket >= 0 ? { after: targetBucket, label: target } : undefined}
      />
      <LevelChart
        id="chart-level"
        title={t("console.service.levelChart", { seconds: report.target_seconds })}
        labels={labels}
        names={names}
        levels={report.hours.map((h) => h.service_level)}
        counts={report.hours.map((h) => h.requests)}
        goal={report.goal}
        format={percent}
        goalLabel={t("console.service.goal", { percent: percent(report.goal) })}
      />
    </section>
  );
}

function Staffing(props: { staffing: StaffingReport }) {
  const { staffing } = props;
  const short = shortHours(staffing.hours);
  return (
    <section aria-labelledby="staffing-heading">
      <h2 id="staffing-heading">{t("console.staffing.heading")}</h2>
      <p>
        {t("console.staffing.needed", { goal: percent(staffing.goal), seconds: staffing.target_seconds, onDuty: staffing.sergeants_on_duty })}{" "}
        <strong>
          {short.length === 0
            ? t("console.staffing.enough")
            : short.length === 1
              ? t("console.staffing.shortOne", { hours: short.join(", ") })
              : t("console.staffing.shortMany", { count: short.length, hours: short.join(", ") })}
        </strong>
      </p>
      <div class="table-scroll" tabIndex={0} role="region" aria-label={t("console.staffing.table")}>
        <table class="audit staffing">
          <caption class="sr-only">{t("console.staffing.caption")}</caption>
          <thead>
            <tr>
              <th scope="col">{t("console.staffing.hour")}</th>
              <th scope="col" class="num">{t("console.staffing.requests")}</th>
              <th scope="col" class="num">{t("console.staffing.handling")}</th>
              <th scope="col" class="num">{t("console.staffing.neededCol")}</th>
              <th scope="col" class="num">{t("console.staffing.onDuty")}</th>
              <th scope="col" class="num">{t("console.staffing.expectedWithin", { seconds: staffing.target_seconds })}</th>
              <th scope="col" class="num">{t("console.staffing.expectedWait")}</th>
              <th scope="col">{t("console.staffing.staffing")}</th>
            </tr>
          </thead>
          <tbody>
            {staffing.hours.map((h) => (
              <tr key={h.hour} class={shortfall(h) > 0 ? "row-short" : ""}>
                <th scope="row">{hourSpan(h.hour)}</th>
                <td class="num">{h.arrivals}</td>
                <td class="num">
                  {t(h.handling_measured ? "console.staffing.seconds" : "console.staffing.secondsAssumed", { seconds: Math.round(h.handling_seconds) })}
                </td>
                <td class="num">{h.sergeants_needed}</td>
                <td class="num">{h.sergeants_on_duty}</td>
                <td class="num">{percent(h.expected_service_level)}</td>
                <td class="num">{expectedWait(h)}</td>
                <td>{shortfall(h) > 0 ? <strong class="short">⚠ {staffingWord(h)}</strong> : staffingWord(h)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}

/** The record of stops: fetched with the bearer token (a plain link would carry none), saved as a file. */
function StopsDownload(props: { apiUrl: string; force: string; day: string }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const download = async () => {
    setBusy(true);
    setError(null);
    try {
      const { apiUrl, force, day } = props;
      const token = await idToken();
      let response: Response;
      try {
        response = await fetch(`${apiUrl}/reports/stops.csv?${reportQuery(force, day, "period")}`, {
          headers: { Accept: "text/csv", ...(token ? { Authorization: `Bearer ${token}` } : {}) },
          cache: "no-store",
          credentials: "omit",
        });
      } catch {
        throw new ApiError(0, "network", t("console.stops.offline"));
      }
      if (!response.ok) throw await errorFrom(response);
      const url = URL.createObjectURL(await response.blob());
      const link = document.createElement("a");
      link.href = url;
      link.download = attachmentName(response.headers.get("Content-Disposition"), `stops-${force}-${day}-${day}.csv`);
      document.body.append(link);
      link.click();
      link.remove();
      setTimeout(() => URL.revokeObjectURL(url), 60_000);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  return (
    <div class="stops-download">
      <button type="button" class="primary" disabled={busy} onClick={() => void download()}>
        {busy ? t("console.stops.busy") : t("console.stops.download")}
      </button>
      <ErrorMessage error={error} />
    </div>
  );
}
