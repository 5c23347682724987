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

  if (!force) return <p class="error" role="alert">Your account has no force, so there is no report to show.</p>;
  return (
    <section aria-labelledby="service-heading" class="service">
      <h1 id="service-heading" ref={heading} tabIndex={-1}>
        Service in the control room
      </h1>
      <div class="service-controls">
        <div>
          <label for="service-day">Day</label>
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
            Days and hours are {REPORT_TIME_ZONE} time. The figures refresh every 30 seconds.
          </p>
        </div>
        <StopsDownload apiUrl={props.apiUrl} force={force} day={day} />
      </div>
      <ErrorMessage error={error} />
      {reports ? <Report reports={reports} /> : <p>Loading the report…</p>}
    </section>
  );
}

function Report(props: { reports: Reports }) {
  const { service, staffing, at } = props.reports;
  const updated = new Date(at).toLocaleTimeString("en-GB");
  const period = service.first_day === service.last_day ? service.first_day : `${service.first_day} to ${service.last_day}`;
  return (
    <>
      <p class="hint">
        {period}, force {service.force}
        {service.area ? `, area ${service.area}` : ""}. Updated at {updated}.
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
      <h2 id="figures-heading">Figures</h2>
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
      <h3 id="outcomes-heading">How the requests ended</h3>
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
  const target = `target ${report.target_seconds} s`;
  return (
    <section aria-labelledby="charts-heading">
      <h2 id="charts-heading">By hour</h2>
      <BarChart
        id="chart-requests"
        title="Requests and answers by hour"
        category="Hour"
        labels={labels}
        names={names}
        series={[
          { name: "Requests", pattern: "solid" },
          { name: "Answered", pattern: "hatch" },
        ]}
        values={report.hours.map((h) => [h.requests, h.answered])}
        unit={count}
      />
      <BarChart
        id="chart-answers"
        title="How long answers took"
        category="Answer time"
        labels={bucketLabels(buckets)}
        names={bucketLabels(buckets)}
        series={[{ name: "Answers", pattern: "solid" }]}
        values={buckets.map((b) => [b.answers])}
        unit={count}
        marker={targetBucket >= 0 ? { after: targetBucket, label: target } : undefined}
      />
      <LevelChart
        id="chart-level"
        title={`Service level by hour (answered within ${report.target_seconds} s)`}
        labels={labels}
        names={names}
        levels={report.hours.map((h) => h.service_level)}
        counts={report.hours.map((h) => h.requests)}
        goal={report.goal}
        format={percent}
        goalLabel={`Goal ${percent(report.goal)}`}
      />
    </section>
  );
}

function Staffing(props: { staffing: StaffingReport }) {
  const { staffing } = props;
  const short = shortHours(staffing.hours);
  return (
    <section aria-labelledby="staffing-heading">
      <h2 id="staffing-heading">Staffing by hour</h2>
      <p>
        Sergeants needed to answer {percent(staffing.goal)} within {staffing.target_seconds} s (Erlang C), against the{" "}
        {staffing.sergeants_on_duty} on duty now.{" "}
        <strong>{short.length > 0 ? `Short of sergeants in ${short.length} hour${short.length === 1 ? "" : "s"}: ${short.join(", ")}.` : "Enough sergeants in every hour."}</strong>
      </p>
      <div class="table-scroll" tabIndex={0} role="region" aria-label="Staffing table">
        <table class="audit staffing">
          <caption class="sr-only">Staffing by hour: sergeants needed against on duty</caption>
          <thead>
            <tr>
              <th scope="col">Hour</th>
              <th scope="col" class="num">Requests</th>
              <th scope="col" class="num">Handling time</th>
              <th scope="col" class="num">Needed</th>
              <th scope="col" class="num">On duty</th>
              <th scope="col" class="num">Expected within {staffing.target_seconds} s</th>
              <th scope="col" class="num">Expected wait</th>
              <th scope="col">Staffing</th>
            </tr>
          </thead>
          <tbody>
            {staffing.hours.map((h) => (
              <tr key={h.hour} class={shortfall(h) > 0 ? "row-short" : ""}>
                <th scope="row">{hourSpan(h.hour)}</th>
                <td class="num">{h.arrivals}</td>
                <td class="num">
                  {Math.round(h.handling_seconds)} s{h.handling_measured ? "" : " (assumed)"}
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
        throw new ApiError(0, "network", "No connection to the service. Try the download again.");
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
        {busy ? "Preparing the record of stops…" : "Download record of stops (CSV)"}
      </button>
      <ErrorMessage error={error} />
    </div>
  );
}
