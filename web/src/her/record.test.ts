import { afterEach, describe, expect, it, vi } from "vitest";

import { ApiError } from "../shared/api";
import { ENGLISH, loadCatalogue, translator } from "../shared/i18n";
import { normaliseReference, recordFacts, recordProblem, refusedField, type HerRecord } from "./record";
import {
  acknowledged,
  CROCKFORD,
  groupKey,
  keepOnPhone,
  keepProblem,
  keptRecord,
  KEPT_RECORD,
  newRecordKey,
  normaliseKey,
  pendingKey,
  PENDING_KEY,
  RECORD_KEY_LENGTH,
} from "./recordkey";

const polish = translator("pl", await loadCatalogue("pl"));

/** An in-memory Storage; `refuse` makes every call throw, as a private window's may. */
function memory(refuse = false): Storage {
  const items = new Map<string, string>();
  const guard = () => {
    if (refuse) throw new DOMException("refused", "SecurityError");
  };
  return {
    get length() {
      return items.size;
    },
    clear: () => items.clear(),
    key: (i) => [...items.keys()][i] ?? null,
    getItem: (k) => (guard(), items.get(k) ?? null),
    setItem: (k, v) => (guard(), void items.set(k, v)),
    removeItem: (k) => (guard(), void items.delete(k)),
  };
}

afterEach(() => vi.restoreAllMocks());

describe("the record key her phone makes", () => {
  it("is 26 characters of Crockford base32", () => {
    expect(CROCKFORD).toHaveLength(32);
    expect(new Set(CROCKFORD).size).toBe(32);
    for (let i = 0; i < 50; i++) {
      const key = newRecordKey();
      expect(key).toHaveLength(RECORD_KEY_LENGTH);
      expect(key).toMatch(/^[0-9ABCDEFGHJKMNPQRSTVWXYZ]{26}$/);
    }
    expect(RECORD_KEY_LENGTH * Math.log2(CROCKFORD.length)).toBe(130);
  });

  it("comes from crypto.getRandomValues, one byte a character", () => {
    const spy = vi.spyOn(crypto, "getRandomValues");
    newRecordKey();
    expect(spy).toHaveBeenCalledTimes(1);
    const filled = spy.mock.calls[0]?.[0] as Uint8Array;
    expect(filled).toBeInstanceOf(Uint8Array);
    expect(filled).toHaveLength(RECORD_KEY_LENGTH);
  });

  it("maps every byte to a character, each character from exactly 8 of the 256 (no modulo bias)", () => {
    const counts = new Map<string, number>();
    for (let byte = 0; byte < 256; byte++) {
      const key = newRecordKey((bytes) => bytes.fill(byte));
      expect(new Set(key).size).toBe(1);
      counts.set(key[0] ?? "", (counts.get(key[0] ?? "") ?? 0) + 1);
    }
    expect(counts.size).toBe(32);
    expect([...counts.values()].every((n) => n === 8)).toBe(true);
  });

  it("two keys differ", () => {
    expect(newRecordKey()).not.toBe(newRecordKey());
  });
});

describe("reading the key back", () => {
  const key = "7K3P9XQ2MN4RT6VW8YZ0ABCDEF";

  it("is grouped in fours for reading and copying", () => {
    expect(groupKey(key)).toBe("7K3P-9XQ2-MN4R-T6VW-8YZ0-ABCD-EF");
  });

  it("accepts it as typed: any case, spaces and dashes, O/I/L for 0/1/1", () => {
    expect(normaliseKey(groupKey(key))).toBe(key);
    expect(normaliseKey(" 7k3p 9xq2-mn4r t6vw 8yzo abcd ef ")).toBe(key);
    expect(normaliseKey("IL00000000000000000000000O")).toBe("11000000000000000000000000");
  });

  it("refuses what cannot be a key", () => {
    expect(normaliseKey("")).toBeNull();
    expect(normaliseKey(key.slice(1))).toBeNull();
    expect(normaliseKey(`${key}A`)).toBeNull();
    expect(normaliseKey(`${key.slice(1)}U`)).toBeNull(); // U is not in the alphabet
  });

  it("reads a reference as typed", () => {
    expect(normaliseReference("SC-260901-7K3P9")).toBe("SC-260901-7K3P9");
    expect(normaliseReference(" sc 260901 7k3p9 ")).toBe("SC-260901-7K3P9");
    expect(normaliseReference("SC2609017K3P9")).toBe("SC-260901-7K3P9");
    expect(normaliseReference("260901-7K3P9")).toBeNull();
    expect(normaliseReference("SC-2609-7K3P9")).toBeNull();
  });
});

describe("where the key is kept", () => {
  it("a retry sends the key already made, until the server has it", () => {
    const session = memory();
    let made = 0;
    const make = () => `${"A".repeat(25)}${++made}`;
    const first = pendingKey(session, "code:ABCD2345", make);
    expect(pendingKey(session, "code:ABCD2345", make)).toBe(first);
    expect(made).toBe(1);
    expect(session.getItem(PENDING_KEY + "code:ABCD2345")).toBe(first);
    // Another stop has its own key.
    expect(pendingKey(session, "call:xyz", make)).not.toBe(first);
    acknowledged(session, "code:ABCD2345");
    expect(session.getItem(PENDING_KEY + "code:ABCD2345")).toBeNull();
  });

  it("with no storage the key lives in memory for this page", () => {
    expect(normaliseKey(pendingKey(memory(true), "code:X"))).not.toBeNull();
    expect(normaliseKey(pendingKey(undefined, "code:X"))).not.toBeNull();
  });

  it("on the phone only when she ticks it, and forgotten when she unticks it", () => {
    const local = memory();
    const record = { reference: "SC-260901-7K3P9", key: "7K3P9XQ2MN4RT6VW8YZ0ABCDEF" };
    expect(keptRecord(local)).toBeNull();
    expect(keepOnPhone(local, record, true)).toBe(true);
    expect(keptRecord(local)).toEqual(record);
    expect(JSON.parse(local.getItem(KEPT_RECORD) ?? "")).toEqual(record);
    // Unticking another record's box leaves this one.
    expect(keepOnPhone(local, { ...record, reference: "SC-260902-22222" }, false)).toBe(true);
    expect(keptRecord(local)).toEqual(record);
    expect(keepOnPhone(local, record, false)).toBe(true);
    expect(keptRecord(local)).toBeNull();
  });

  it("a refused or spoiled storage keeps nothing and says so", () => {
    expect(keepOnPhone(memory(true), { reference: "SC-260901-7K3P9", key: "X" }, true)).toBe(false);
    expect(keptRecord(memory(true))).toBeNull();
    const spoiled = memory();
    spoiled.setItem(KEPT_RECORD, "{not json");
    expect(keptRecord(spoiled)).toBeNull();
    spoiled.setItem(KEPT_RECORD, JSON.stringify({ reference: 5 }));
    expect(keptRecord(spoiled)).toBeNull();
  });
});

const RECORD: HerRecord = {
  reference: "SC-261203-7K3P9",
  started_at: "2026-12-03T21:04:00Z",
  ended_at: "2026-12-03T21:06:00Z",
  force: "MET",
  channel: "officer",
  outcome: "verified",
  officer: { rank: "PC", shoulder_number: "4521", display_name: "Sam Patel" },
  decided_by: { rank: "PS", shoulder_number: "118" },
  decided_at: "2026-12-03T21:05:30Z",
  uniformed_officer_requested_at: null,
  uniformed_officer_sent_at: null,
  kept_until: "2027-03-03T21:06:00Z",
  feedback: null,
};

describe("her record, as she reads it", () => {
  it("every fact in order, in English", () => {
    const facts = recordFacts(RECORD, ENGLISH, (code) => (code === "MET" ? "Metropolitan Police" : code));
    expect(facts.map((f) => f.label)).toEqual([
      "Date and time",
      "Force",
      "Rank",
      "Shoulder number",
      "Name",
      "Outcome",
      "Decided by",
      "Uniformed officer asked for",
      "Uniformed officer sent",
      "Kept until",
    ]);
    const value = (label: string) => facts.find((f) => f.label === label)?.value;
    expect(value("Date and time")).toBe(ENGLISH.dateTime(RECORD.started_at));
    expect(value("Date and time")).toMatch(/3 December 2026/);
    expect(value("Force")).toBe("Metropolitan Police");
    expect(value("Shoulder number")).toBe("4521");
    expect(value("Outcome")).toBe("Verified: this is a police officer");
    expect(value("Decided by")).toBe(`\u2068PS 118\u2069 on ${ENGLISH.dateTime(RECORD.decided_at)}`);
    expect(value("Uniformed officer asked for")).toBe("No");
    expect(value("Uniformed officer sent")).toBe("No");
    expect(value("Kept until")).toMatch(/March 2027/);
    // Names and numbers are data, isolated from the sentence's direction.
    expect(facts.filter((f) => f.data).map((f) => f.value)).toEqual(["Metropolitan Police", "PC", "4521", "Sam Patel"]);
  });

  it("in Polish, with Polish month names and the register's data as it is", () => {
    const asked = { ...RECORD, outcome: "not_verified" as const, uniformed_officer_requested_at: "2026-12-03T21:05:00Z" };
    const facts = recordFacts(asked, polish);
    const value = (key: Parameters<typeof polish.t>[0]) => facts.find((f) => f.label === polish.t(key))?.value;
    expect(value("record.when")).toMatch(/grudnia 2026/);
    expect(value("card.shoulder")).toBe("4521");
    expect(value("record.outcome")).toBe(polish.t("her.notVerified"));
    expect(value("record.uniformed")).toBe(polish.t("record.uniformedYes", { time: polish.dateTime(asked.uniformed_officer_requested_at) }));
    // Asked for, and the control room did not say it sent one: not recorded, not "no".
    expect(value("record.uniformedSent")).toBe(polish.t("record.uniformedNotSent"));
    const sent = recordFacts({ ...asked, uniformed_officer_sent_at: "2026-12-03T21:08:00Z" }, polish);
    expect(sent.find((f) => f.label === polish.t("record.uniformedSent"))?.value).toBe(
      polish.t("record.uniformedYes", { time: polish.dateTime("2026-12-03T21:08:00Z") }),
    );
    expect(value("record.decidedBy")).toBe(`\u2068PS 118\u2069, ${polish.dateTime(RECORD.decided_at)}`);
  });

  it("her own call, no officer named, nobody decided", () => {
    const call: HerRecord = { ...RECORD, channel: "public", outcome: "dropped", officer: null, decided_by: null, decided_at: null };
    const facts = recordFacts(call);
    const value = (label: string) => facts.find((f) => f.label === label)?.value;
    expect(value("Officer")).toBe("Not recorded");
    expect(value("Rank")).toBeUndefined();
    expect(value("Outcome")).toBe("The call ended");
    expect(value("Decided by")).toBe("No decision was made");
  });
});

describe("a uniformed officer, in her record", () => {
  it("says when one was asked for and when one was sent", () => {
    const record = { ...RECORD, uniformed_officer_requested_at: "2026-12-03T21:05:00Z", uniformed_officer_sent_at: "2026-12-03T21:06:00Z" };
    const facts = recordFacts(record);
    const value = (label: string) => facts.find((f) => f.label === label)?.value;
    expect(value("Uniformed officer asked for")).toBe(`Yes, on ${ENGLISH.dateTime("2026-12-03T21:05:00Z")}`);
    expect(value("Uniformed officer sent")).toBe(`Yes, on ${ENGLISH.dateTime("2026-12-03T21:06:00Z")}`);
    expect(value("Uniformed officer sent")).toMatch(/3 December 2026/);
  });

  it("asked for and not said sent: not recorded", () => {
    const record = { ...RECORD, uniformed_officer_requested_at: "2026-12-03T21:05:00Z" };
    expect(recordFacts(record).find((f) => f.label === "Uniformed officer sent")?.value).toBe("Not recorded");
  });
});

describe("what went wrong, in her words", () => {
  it("a wrong key and an unknown reference say the same", () => {
    expect(recordProblem(new ApiError(404, "not_found", "No record matches"))).toBe(ENGLISH.t("record.notFound"));
    expect(recordProblem(new ApiError(404, "not_found", "x"), polish)).toBe(polish.t("record.notFound"));
  });

  it("too many tries as for her code lookups", () => {
    expect(recordProblem(new ApiError(429, "rate_limited", "Slow down", [], 120))).toBe(ENGLISH.t("error.tooManyWait", { minutes: 2 }));
  });

  it("another phone kept the record; feedback already left", () => {
    expect(keepProblem(new ApiError(409, "record_key_taken", "taken"), polish)).toBe(polish.t("record.taken"));
    expect(recordProblem(new ApiError(409, "feedback_already_left", "left"), polish)).toBe(polish.t("feedback.already"));
    expect(keepProblem(new TypeError("boom"), polish)).toBe(polish.t("error.other"));
  });

  it("the field the server refused as too long", () => {
    expect(refusedField(new ApiError(400, "validation_failed", "bad", [{ field: "text", message: "too long" }]))).toBe("text");
    expect(refusedField(new ApiError(400, "validation_failed", "bad", [{ field: "body.contact", message: "too long" }]))).toBe("contact");
    expect(refusedField(new ApiError(400, "validation_failed", "bad", [{ field: "verdict", message: "x" }]))).toBeNull();
    expect(refusedField(new ApiError(409, "conflict", "x", [{ field: "text", message: "x" }]))).toBeNull();
  });
});
