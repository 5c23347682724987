import { describe, expect, it } from "vitest";

import type { ServiceMeasures, ServiceReport, HourOfStaffing } from "../shared/api.generated";
import {
  againstGoal,
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
  seconds,
  shortfall,
  shortHours,
  staffingWord,
  todayIn,
} from "./service-model";

const measures: ServiceMeasures = {
  requests: 3,
  officer_requests: 3,
  public_requests: 0,
  answered: 2,
  answered_within_target: 2,
  service_level: 2 / 3,
  answer_seconds_mean: 4,
  answer_seconds_median: 4,
  answer_seconds_p90: 5.5,
  abandoned: 1,
  abandonment_rate: 1 / 3,
  still_waiting: 0,
  outcomes: { verified: 1, not_verified: 1, dropped: 0, cancelled: 1, expired: 0 },
  escalations: [],
  longest_wait_seconds: 65,
  attendance_requests: 0,
  handling_seconds_mean: 20,
  answer_histogram: [
    { up_to_seconds: 10, answers: 2 },
    { up_to_seconds: 30, answers: 0 },
    { up_to_seconds: null, answers: 0 },
  ],
};

const report: ServiceReport = {
  force: "MET",
  area: null,
  first_day: "2026-12-03",
  last_day: "2026-12-03",
  time_zone: "Europe/London",
  target_seconds: 30,
  goal: 0.8,
  totals: measures,
  hours: [],
  waiting_now: 0,
  oldest_wait_seconds: null,
};

function hour(fields: Partial<HourOfStaffing>): HourOfStaffing {
  return {
    hour: "2026-12-03T07:00:00+00:00",
    arrivals: 3,
    period_seconds: 3600,
    handling_seconds: 180,
    handling_measured: true,
    traffic_erlangs: 0.15,
    sergeants_on_duty: 1,
    sergeants_needed: 1,
    expected_service_level: 0.9,
    expected_wait_seconds: 3,
    expected_service_level_needed: 0.9,
    ...fields,
  };
}

describe("days", () => {
  it("is today in London, not in the machine's zone", () => {
    // 23:30 UTC on 30 June is 00:30 on 1 July in London (summer time).
    expect(todayIn("Europe/London", new Date("2026-06-30T23:30:00Z"))).toBe("2026-07-01");
    expect(todayIn("Europe/London", new Date("2026-12-03T23:30:00Z"))).toBe("2026-12-03");
  });

  it("accepts only real dates", () => {
    expect(isDay("2026-12-03")).toBe(true);
    expect(isDay("2026-02-30")).toBe(false);
    expect(isDay("3/12/2026")).toBe(false);
    expect(isDay("")).toBe(false);
  });

  it("asks for one day: a period for the service report, a date for staffing", () => {
    expect(reportQuery("MET", "2026-12-03", "period")).toBe("force=MET&from=2026-12-03&to=2026-12-03");
    expect(reportQuery("MET", "2026-12-03", "day")).toBe("force=MET&date=2026-12-03");
  });
});

describe("numbers in words", () => {
  it("writes shares as whole percentages and nothing as a dash", () => {
    expect(percent(2 / 3)).toBe("67%");
    expect(percent(1)).toBe("100%");
    expect(percent(0)).toBe("0%");
    expect(percent(null)).toBe("—");
    expect(percent(Number.NaN)).toBe("—");
  });

  it("writes seconds as a waiting time", () => {
    expect(seconds(65)).toBe("1:05");
    expect(seconds(4.4)).toBe("0:04");
    expect(seconds(null)).toBe("—");
  });

  it("reads the hour from the report's own offset, not the browser's zone", () => {
    expect(hourLabel("2026-07-01T07:00:00+01:00")).toBe("07:00");
    expect(hourSpan("2026-07-01T23:00:00+01:00")).toBe("23:00–00:00");
  });

  it("names the histogram's buckets, the last one open", () => {
    expect(bucketLabels(measures.answer_histogram)).toEqual(["0–10 s", "10–30 s", "over 30 s"]);
  });

  it("says in words whether the goal is met", () => {
    expect(againstGoal(0.8, 0.8)).toEqual({ word: "meets the goal", met: true });
    expect(againstGoal(0.5, 0.8).word).toBe("below the goal");
    expect(againstGoal(null, 0.8).met).toBeNull();
  });
});

describe("figures", () => {
  it("gives the day's headline numbers", () => {
    const byKey = Object.fromEntries(figures(report).map((f) => [f.key, f]));
    expect(byKey.requests?.value).toBe("3");
    expect(byKey["within-target"]?.label).toBe("Answered within 30 s");
    expect(byKey["within-target"]?.note).toBe("of 2 answered");
    expect(byKey["service-level"]?.value).toBe("67%");
    expect(byKey["service-level"]?.note).toBe("goal 80% within 30 s: below the goal");
    expect(byKey["service-level"]?.tone).toBe("bad");
    expect(byKey.abandoned?.value).toBe("1");
    expect(byKey.abandoned?.note).toBe("33% of requests");
    expect(byKey.longest?.value).toBe("1:05");
    expect(byKey["waiting-now"]?.note).toBe("nobody in the queue");
    expect(figures({ ...report, waiting_now: 1, oldest_wait_seconds: 12 }).find((f) => f.key === "waiting-now")?.note).toBe("oldest has waited 0:12");
  });

  it("lists every outcome in words", () => {
    expect(outcomeRows(measures.outcomes)).toEqual([
      ["Verified", 1],
      ["Not verified", 1],
      ["Dropped", 0],
      ["Cancelled", 1],
      ["Nobody answered", 0],
    ]);
  });
});

describe("staffing", () => {
  it("finds the hours short of sergeants and says by how many", () => {
    const hours = [hour({}), hour({ hour: "2026-12-03T08:00:00+00:00", sergeants_needed: 3 }), hour({ sergeants_on_duty: 2 })];
    expect(hours.map(shortfall)).toEqual([0, 2, 0]);
    expect(hours.map(staffingWord)).toEqual(["Enough", "Short by 2", "Enough"]);
    expect(shortHours(hours)).toEqual(["08:00"]);
  });

  it("says when the queue would grow without end", () => {
    expect(expectedWait(hour({ expected_wait_seconds: null }))).toBe("grows without end");
    expect(expectedWait(hour({ expected_wait_seconds: 75 }))).toBe("1:15");
  });
});

describe("the export's file name", () => {
  it("comes from Content-Disposition, else the fallback", () => {
    expect(attachmentName('attachment; filename="stops-MET-2026-12-03-2026-12-03.csv"', "x.csv")).toBe("stops-MET-2026-12-03-2026-12-03.csv");
    expect(attachmentName("attachment; filename=plain.csv", "x.csv")).toBe("plain.csv");
    expect(attachmentName(null, "x.csv")).toBe("x.csv");
  });
});
