import { describe, expect, it } from "vitest";

import { ApiError } from "../shared/api";
import { ENGLISH, loadCatalogue, translator } from "../shared/i18n";
import { decidedBy, officerCardHeading, problemText } from "./model";

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
