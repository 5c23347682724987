import { describe, expect, it } from "vitest";

import { FINAL_STATES, SESSION_STATES } from "../shared/api.generated";
import { isFinal } from "../shared/states";
import { messages } from "./messages";
import { officerStatus } from "./status";

describe("the officer app's status", () => {
  it("keeps following every live state and stops at every final one", () => {
    for (const state of SESSION_STATES) {
      expect(officerStatus(state).live).toBe(!isFinal(state));
    }
  });

  it("calls final exactly the server's terminal states", () => {
    expect(SESSION_STATES.filter(isFinal)).toEqual([...FINAL_STATES]);
  });

  it("tells the officer to call 999 when nobody answered or the call dropped", () => {
    expect(officerStatus("expired")).toMatchObject({ urge999: true, tone: "bad", headline: "Nobody answered: call 999" });
    expect(officerStatus("dropped").urge999).toBe(true);
    expect(officerStatus("requested").urge999).toBe(false);
  });

  it("tells the officer to call 999 when the service cannot be reached, whatever the state", () => {
    const status = officerStatus("requested", { failed: true });
    expect(status.urge999).toBe(true);
    expect(status.detail).toMatch(/999/);
    expect(status.live).toBe(true); // keep trying: the answer may come back
  });

  it("uses the API's advice for a failure state, and the sergeant's reason for a refusal", () => {
    expect(officerStatus("expired", { advice: "Call 999 now." }).detail).toBe("Call 999 now.");
    expect(officerStatus("requested", { advice: "ignored" }).detail).not.toBe("ignored");
    expect(officerStatus("not_verified", { reason: "face does not match" }).detail).toContain("face does not match");
  });
});

describe("the officer app's status words", () => {
  it("come from the officer catalogue in every state", () => {
    const words = new Set<string>(Object.values(messages));
    for (const state of [null, ...SESSION_STATES]) {
      const status = officerStatus(state);
      expect(words.has(status.headline)).toBe(true);
      if (status.detail) expect(words.has(status.detail)).toBe(true);
    }
  });
});
