import { describe, expect, it } from "vitest";

import { REASON_MAX_LENGTH } from "../shared/api.generated";
import type { IdentityCard, QueueItem } from "../shared/types";
import { arrivals, queueTitle, reasonProblem, urgency, verifyBlocked, waitedNow } from "./words";

const item = (id: string, extra: Partial<QueueItem> = {}): QueueItem => ({
  session_id: id,
  state: "requested",
  channel: "officer",
  force: "MET",
  area: "CENTRAL",
  rank: "PC",
  shoulder_number: "4521",
  display_name: "Sam Ahmed",
  created_at: "2026-11-23T10:00:00Z",
  waiting_seconds: 0,
  escalation_level: 0,
  ...extra,
});

describe("the console queue", () => {
  it("turns amber, then red, with a word for each (not colour alone)", () => {
    expect(urgency(5, 0)).toEqual({ level: "waiting", label: "New" });
    expect(urgency(30, 0)).toEqual({ level: "amber", label: "Overdue" });
    expect(urgency(61, 0)).toEqual({ level: "red", label: "Urgent" });
  });

  it("shows an escalated request red at once", () => {
    expect(urgency(1, 2)).toEqual({ level: "red", label: "Escalated (level 2)" });
  });

  it("honours other thresholds", () => {
    expect(urgency(10, 0, { amber: 10, red: 20 }).level).toBe("amber");
  });

  it("counts waiting time on from the server's figure between fetches", () => {
    expect(waitedNow({ waiting_seconds: 12 }, 1_000, 4_500)).toBeCloseTo(15.5);
    expect(waitedNow({ waiting_seconds: 12 }, 5_000, 4_000)).toBe(12); // a clock step back never subtracts
  });

  it("announces only requests that were not there before, and nothing on the first load", () => {
    expect(arrivals(null, [item("a")])).toEqual([]);
    expect(arrivals([item("a")], [item("a"), item("b")]).map((i) => i.session_id)).toEqual(["b"]);
    expect(arrivals([item("a"), item("b")], [item("b")])).toEqual([]);
  });

  it("names an officer's request and her own call", () => {
    expect(queueTitle(item("a"))).toBe("PC 4521 Sam Ahmed");
    expect(queueTitle(item("b", { channel: "public", rank: null, display_name: null, shoulder_number: "77" }))).toBe(
      "Member of the public, about officer 77",
    );
    expect(queueTitle(item("c", { channel: "public", shoulder_number: null }))).toBe("Member of the public");
  });
});

describe("the sergeant's decision", () => {
  it("blocks verified for a suspended or former officer, naming why", () => {
    const suspended: Pick<IdentityCard, "warnings"> = {
      warnings: [
        { code: "not_on_duty", message: "Not on duty" },
        { code: "officer_suspended", message: "Officer is suspended" },
      ],
    };
    expect(verifyBlocked(suspended)).toBe("Verified is not possible: Officer is suspended");
    expect(verifyBlocked({ warnings: [{ code: "no_photo", message: "No photo" }] })).toBeNull();
    expect(verifyBlocked(null)).toBeNull();
  });

  it("requires a reason for not verified, within the API's limit", () => {
    expect(reasonProblem("   ")).toMatch(/Give a reason/);
    expect(reasonProblem("x".repeat(REASON_MAX_LENGTH + 1))).toMatch(new RegExp(`at most ${REASON_MAX_LENGTH}`));
    expect(reasonProblem("x".repeat(REASON_MAX_LENGTH))).toBeNull();
    expect(reasonProblem("Face does not match the register photo")).toBeNull();
  });
});
