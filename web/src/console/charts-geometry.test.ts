import { describe, expect, it } from "vitest";

import { bars, FRAME, labelStep, linePath, nextIndex, niceMax, plot, points, slot, ticks, yOf } from "./charts-geometry";

describe("axes", () => {
  it("rounds the top of a count axis up to 1, 2 or 5 × 10ⁿ", () => {
    expect([0, 1, 2, 3, 7, 10, 11, 26, 99, 101].map(niceMax)).toEqual([1, 1, 2, 5, 10, 10, 20, 50, 100, 200]);
  });

  it("gives whole-number ticks ending at the top", () => {
    expect(ticks(1)).toEqual([0, 1]);
    expect(ticks(5)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(ticks(20)).toEqual([0, 5, 10, 15, 20]);
  });

  it("puts 0 on the bottom of the plot and the top at its top, clamping outside values", () => {
    const area = plot();
    expect(yOf(0, 10)).toBe(area.y + area.height);
    expect(yOf(10, 10)).toBe(area.y);
    expect(yOf(20, 10)).toBe(area.y);
    expect(yOf(-1, 10)).toBe(area.y + area.height);
    expect(yOf(5, 0)).toBe(area.y + area.height);
  });

  it("divides the x axis into equal slots", () => {
    const area = plot();
    expect(slot(0, 4).x).toBe(area.x);
    expect(slot(3, 4).x + slot(3, 4).width).toBeCloseTo(area.x + area.width);
    expect(slot(1, 2).middle).toBeCloseTo(area.x + (area.width * 3) / 4);
  });

  it("labels every hour of a day only every other hour", () => {
    expect(labelStep(8)).toBe(1);
    expect(labelStep(24)).toBe(2);
  });
});

describe("bars", () => {
  it("groups each category's series side by side, heights in proportion", () => {
    const drawn = bars([
      [3, 2],
      [0, 0],
    ]);
    expect(drawn).toHaveLength(4);
    const [requests, answered, empty] = drawn;
    const bottom = FRAME.height - FRAME.bottom;
    // top = niceMax(3) = 5
    expect(requests?.height).toBeCloseTo(plot().height * 0.6);
    expect(answered?.height).toBeCloseTo(plot().height * 0.4);
    expect((requests?.y ?? 0) + (requests?.height ?? 0)).toBeCloseTo(bottom);
    expect(answered?.x).toBeCloseTo((requests?.x ?? 0) + (requests?.width ?? 0));
    expect(empty?.height).toBe(0);
    expect(empty?.category).toBe(1);
  });

  it("draws nothing tall when every value is 0", () => {
    expect(bars([[0], [0]]).every((b) => b.height === 0)).toBe(true);
  });
});

describe("the line", () => {
  it("skips hours with nothing to measure and lifts the pen over them", () => {
    const pts = points([1, 0.5, null, 0]);
    expect(pts.map((p) => p.index)).toEqual([0, 1, 3]);
    expect(pts[0]?.y).toBe(plot().y);
    const path = linePath(pts);
    expect(path.match(/M/g)).toHaveLength(2);
    expect(path.match(/L/g)).toHaveLength(1);
  });

  it("is empty with no points", () => {
    expect(linePath(points([null, null]))).toBe("");
  });
});

describe("keyboard", () => {
  it("moves with the arrows, Home and End, within the marks", () => {
    expect(nextIndex("ArrowRight", 0, 3)).toBe(1);
    expect(nextIndex("ArrowRight", 2, 3)).toBe(2);
    expect(nextIndex("ArrowLeft", 0, 3)).toBe(0);
    expect(nextIndex("ArrowUp", 2, 3)).toBe(1);
    expect(nextIndex("Home", 2, 3)).toBe(0);
    expect(nextIndex("End", 0, 3)).toBe(2);
    expect(nextIndex("Enter", 0, 3)).toBeNull();
    expect(nextIndex("ArrowRight", 0, 0)).toBeNull();
  });
});
