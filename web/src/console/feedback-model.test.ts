import { describe, expect, it } from "vitest";

import { addDays, defaultRange, feedbackQuery, newestFirst, rangeProblem, summaryKey, verdictKey, type FeedbackItem } from "./feedback-model";
import { t } from "./messages";

const item = (reference: string, left_at: string, verdict: FeedbackItem["verdict"] = "fine"): FeedbackItem => ({
  reference,
  left_at,
  verdict,
  text: null,
  contact: null,
  officer: "PC 1234",
});

describe("her feedback for supervisors", () => {
  it("shows the last week by default, today included, across a month's end", () => {
    expect(defaultRange("2026-03-03")).toEqual({ first: "2026-02-25", last: "2026-03-03" });
    expect(addDays("2024-02-28", 1)).toBe("2024-02-29");
  });

  it("asks for the force and both days", () => {
    expect(feedbackQuery("MET", "2026-03-01", "2026-03-07")).toBe("force=MET&from=2026-03-01&to=2026-03-07");
    expect(feedbackQuery("A&B", "2026-03-01", "2026-03-01")).toBe("force=A%26B&from=2026-03-01&to=2026-03-01");
  });

  it("refuses a period that ends before it starts, or is not made of days", () => {
    expect(rangeProblem("2026-03-01", "2026-03-07")).toBeNull();
    expect(rangeProblem("2026-03-01", "2026-03-01")).toBeNull();
    expect(rangeProblem("2026-03-08", "2026-03-07")).toBe("console.feedback.badRange");
    expect(rangeProblem("2026-02-30", "2026-03-07")).toBe("console.feedback.badRange");
    expect(rangeProblem("", "2026-03-07")).toBe("console.feedback.badRange");
  });

  it("lists the newest first whatever order the answer came in", () => {
    const list = [
      item("SC-A", "2026-03-01T10:00:00Z"),
      item("SC-B", "2026-03-02T09:00:00+00:00"),
      item("SC-C", "2026-03-01T10:30:00+01:00"), // 09:30Z: older than SC-A, though it sorts later as text
    ];
    expect(newestFirst(list).map((f) => f.reference)).toEqual(["SC-B", "SC-A", "SC-C"]);
    expect(list.map((f) => f.reference)).toEqual(["SC-A", "SC-B", "SC-C"]);
  });

  it("says each verdict and how many there are in words", () => {
    expect(t(verdictKey("fine"))).toBe("This was fine");
    expect(t(verdictKey("something_wrong"))).toBe("Something was wrong");
    const params = { force: "MET", first: "2026-03-01", last: "2026-03-07" };
    expect(t(summaryKey(0), { ...params, count: 0 })).toBe("No feedback in MET from 2026-03-01 to 2026-03-07.");
    expect(t(summaryKey(1), { ...params, count: 1 })).toBe("1 piece of feedback in MET from 2026-03-01 to 2026-03-07.");
    expect(t(summaryKey(3), { ...params, count: 3 })).toBe("3 pieces of feedback in MET from 2026-03-01 to 2026-03-07.");
  });
});
