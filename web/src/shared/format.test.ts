import { describe, expect, it } from "vitest";

import { clockTime, codeProblem, formatCode, formatWaiting, normaliseCode, spokenWaiting } from "./format";

describe("her code", () => {
  it("ignores case, spaces and dashes, as the API does", () => {
    expect(normaliseCode(" abcd-efgh ")).toBe("ABCDEFGH");
    expect(normaliseCode("abcd efgh")).toBe("ABCDEFGH");
  });

  it("says what is wrong before any request is made", () => {
    expect(codeProblem("")).toMatch(/Type the code/);
    expect(codeProblem("ABC")).toMatch(/8 letters and numbers; you typed 3/);
    expect(codeProblem("ABCDEFG0")).toMatch(/never contains 0/);
    expect(codeProblem("IOL1ABCD")).toMatch(/never contains I, O, L, 1/);
    expect(codeProblem("rbe6-w5fw")).toBeNull();
  });

  it("is shown in two groups of four", () => {
    expect(formatCode("rbe6w5fw")).toBe("RBE6-W5FW");
    expect(formatCode("short")).toBe("SHORT");
  });
});

describe("times", () => {
  it("shows waiting as minutes and seconds, and says it in words", () => {
    expect(formatWaiting(5)).toBe("0:05");
    expect(formatWaiting(125)).toBe("2:05");
    expect(formatWaiting(3725)).toBe("1:02:05");
    expect(formatWaiting(-3)).toBe("0:00");
    expect(spokenWaiting(125)).toBe("2 minutes 5 seconds");
    expect(spokenWaiting(60)).toBe("1 minute");
    expect(spokenWaiting(0)).toBe("0 seconds");
  });

  it("shows a clock time, and nothing for a missing or broken timestamp", () => {
    expect(clockTime("2026-11-23T21:04:00Z")).toMatch(/^\d\d:\d\d$/);
    expect(clockTime(null)).toBe("");
    expect(clockTime("not a time")).toBe("");
  });
});
