import { describe, expect, it } from "vitest";

import { ApiError } from "../shared/api";
import { ENGLISH, loadCatalogue, translator } from "../shared/i18n";
import type { PublicView } from "../shared/types";
import { attendanceSaid, awaitingAttendance, decidedBy, followsCall, followsCheck, officerCardHeading, problemText } from "./model";

const welsh = translator("cy", await loadCatalogue("cy"));

describe("her page's words for failures, in her language", () => {
  it("a wrong code, too many tries and an outage", () => {
    expect(problemText(new ApiError(404, "not_found", "Not found"))).toMatch(/^We cannot find that code/);
    expect(problemText(new ApiError(404, "not_found", "Not found"), welsh)).toMatch(/^Allwn ni ddim dod o hyd/);
    expect(problemText(new ApiError(429, "rate_limited", "Slow down", [], 60))).toContain("Try again in 1 minute.");
    expect(problemText(new ApiError(429, "rate_limited", "Slow down", [], 150))).toContain("Try again in 3 minutes.");
    expect(problemText(new ApiError(429, "rate_limited", "Slow down", [], 150), welsh)).toContain("ymhen 3 munud");
    expect(problemText(new ApiError(429, "rate_limited", "Slow down"))).toBe(ENGLISH.t("error.tooMany"));
    expect(problemText(new ApiError(503, "unavailable", "Down"), welsh)).toBe(welsh.t("error.outage"));
  });

  it("the API's own English words only on the English page", () => {
    const refused = new ApiError(400, "invalid", "shoulder_number: too long");
    expect(problemText(refused)).toBe("shoulder_number: too long");
    expect(problemText(refused, welsh)).toBe(welsh.t("error.other"));
  });

  it("the card's heading and who decided", () => {
    expect(officerCardHeading("verified", welsh)).toBe(welsh.t("card.confirmed"));
    expect(officerCardHeading("claimed")).toBe("Whose code this is (not confirmed yet)");
    expect(officerCardHeading("not_verified", welsh)).toBeNull();
    expect(decidedBy(null, welsh)).toBe("yr ystafell reoli");
    expect(decidedBy({ rank: "PS", shoulder_number: "118" }, welsh)).toBe("PS 118");
  });
});

describe("a uniformed officer, on her page", () => {
  const ASKED = "2026-12-03T21:05:00Z";
  const SENT = "2026-12-03T21:07:00Z";
  const view = (state: PublicView["state"], asked: string | null, sent: string | null): PublicView => ({
    state,
    reference: "SC-261203-7K3P9",
    message: "",
    officer: null,
    decision: null,
    attendance_requested_at: asked,
    attendance_sent_at: sent,
    updated_at: ASKED,
  });

  it("says nothing before she asks, that one was asked for, then that one is on the way", () => {
    expect(attendanceSaid(view("claimed", null, null))).toBeNull();
    expect(attendanceSaid(view("claimed", ASKED, null))).toBe(ENGLISH.t("attend.asked", { time: ENGLISH.time(ASKED) }));
    expect(attendanceSaid(view("claimed", ASKED, SENT))).toBe(`A uniformed officer is on the way (sent at ${ENGLISH.time(SENT)}). Stay somewhere safe and public.`);
    expect(attendanceSaid(view("verified", ASKED, SENT), welsh)).toBe(welsh.t("attend.sent", { time: welsh.time(SENT) }));
  });

  it("keeps asking after the check ended while she waits to hear one was sent", () => {
    expect(awaitingAttendance(view("not_verified", ASKED, null))).toBe(true);
    expect(awaitingAttendance(view("not_verified", ASKED, SENT))).toBe(false);
    expect(awaitingAttendance(view("not_verified", null, null))).toBe(false);
    expect(followsCheck(view("claimed", null, null))).toBe(true);
    expect(followsCheck(view("not_verified", null, null))).toBe(false);
    expect(followsCheck(view("not_verified", ASKED, null))).toBe(true);
    expect(followsCheck(view("verified", ASKED, SENT))).toBe(false);
    expect(followsCall(view("requested", null, null))).toBe(true);
    expect(followsCall(view("dropped", null, null))).toBe(false);
    expect(followsCall(view("dropped", ASKED, null))).toBe(true);
    expect(followsCall(view("verified", ASKED, SENT))).toBe(false);
  });
});
