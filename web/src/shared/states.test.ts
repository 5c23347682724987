import { describe, expect, it } from "vitest";

import { herCallStatus, herStatus } from "./states";
import { FINAL_STATES, SESSION_STATES } from "./api.generated";


describe("her page's status", () => {
  it("says verified only for verified, in words and not only colour", () => {
    for (const state of SESSION_STATES) {
      const status = herStatus({ state, message: "" });
      expect(status.headline.length).toBeGreaterThan(0);
      expect(status.headline.startsWith("Verified")).toBe(state === "verified");
    }
    expect(herStatus({ state: "verified", message: "" }).tone).toBe("good");
  });

  it("urges 999 whenever the check did not end in verified", () => {
    for (const state of FINAL_STATES.filter((final) => final !== "verified")) {
      expect(herStatus({ state, message: "" }).urge999).toBe(true);
    }
    expect(herStatus({ state: "verified", message: "" }).urge999).toBe(false);
  });

  it("prefers the API's own message", () => {
    expect(herStatus({ state: "claimed", message: "From the API." }).detail).toBe("From the API.");
  });

  it("follows her own call until it ends", () => {
    expect(herCallStatus("requested").live).toBe(true);
    expect(herCallStatus("claimed").live).toBe(true);
    expect(herCallStatus("expired")).toMatchObject({ live: false, urge999: true });
  });
});
