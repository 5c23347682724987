/** The Service view's charts as numbers: scales, bar geometry, line points (pure, unit-tested; drawn by charts.tsx). */

/** The drawing's own units (the SVG's viewBox); it scales to the page's width. */
export interface Frame {
  width: number;
  height: number;
  left: number;
  right: number;
  top: number;
  bottom: number;
}

export const FRAME: Frame = { width: 720, height: 260, left: 44, right: 12, top: 22, bottom: 40 };

/** The plotting area inside the frame's margins. */
export function plot(frame: Frame = FRAME): { x: number; y: number; width: number; height: number } {
  return {
    x: frame.left,
    y: frame.top,
    width: frame.width - frame.left - frame.right,
    height: frame.height - frame.top - frame.bottom,
  };
}

/** The smallest 1, 2 or 5 × 10ⁿ at or above `max` (at least 1): the top of a count axis. */
export function niceMax(max: number): number {
  if (!Number.isFinite(max) || max <= 1) return 1;
  const magnitude = 10 ** Math.floor(Math.log10(max));
  for (const step of [1, 2, 5, 10]) {
    if (step * magnitude >= max) return step * magnitude;
  }
  return 10 * magnitude;
}

/** Whole-number ticks from 0 to `top` (at most about five of them). */
export function ticks(top: number): number[] {
  const step = Math.max(1, niceMax(top / 5));
  const out: number[] = [];
  for (let v = 0; v <= top + 1e-9; v += step) out.push(v);
  if (out[out.length - 1] !== top) out.push(top);
  return out;
}

/** The y of `value` on an axis from 0 (bottom) to `top`. */
export function yOf(value: number, top: number, frame: Frame = FRAME): number {
  const area = plot(frame);
  const share = top > 0 ? Math.min(1, Math.max(0, value / top)) : 0;
  return area.y + area.height * (1 - share);
}

/** One category's slot across the x axis: where it starts, its width, its middle. */
export function slot(index: number, count: number, frame: Frame = FRAME): { x: number; width: number; middle: number } {
  const area = plot(frame);
  const width = area.width / Math.max(1, count);
  const x = area.x + index * width;
  return { x, width, middle: x + width / 2 };
}

export interface Bar {
  category: number;
  series: number;
  value: number;
  x: number;
  y: number;
  width: number;
  height: number;
}

/**
 * Grouped bars: `values[category][series]`, side by side within each category's slot (80% of
 * it), on one axis from 0 to `top` (default: `niceMax` of the largest value).
 */
export function bars(values: number[][], top: number = niceMax(Math.max(0, ...values.flat())), frame: Frame = FRAME): Bar[] {
  const out: Bar[] = [];
  const bottom = yOf(0, top, frame);
  values.forEach((group, category) => {
    const s = slot(category, values.length, frame);
    const barWidth = (s.width * 0.8) / Math.max(1, group.length);
    group.forEach((value, series) => {
      const y = yOf(value, top, frame);
      out.push({ category, series, value, x: s.x + s.width * 0.1 + series * barWidth, y, width: barWidth, height: bottom - y });
    });
  });
  return out;
}

export interface Point {
  index: number;
  value: number;
  x: number;
  y: number;
}

/** The points of a line over 0..`top` (shares: 0..1); a null value is no point, and breaks the line. */
export function points(values: (number | null)[], top = 1, frame: Frame = FRAME): Point[] {
  return values.flatMap((value, index) =>
    value === null || !Number.isFinite(value) ? [] : [{ index, value, x: slot(index, values.length, frame).middle, y: yOf(value, top, frame) }],
  );
}

/** An SVG path through `pts`, lifting the pen where an index is skipped (an hour with nothing to measure). */
export function linePath(pts: Point[]): string {
  return pts
    .map((p, i) => `${i > 0 && pts[i - 1]?.index === p.index - 1 ? "L" : "M"}${p.x.toFixed(1)},${p.y.toFixed(1)}`)
    .join(" ");
}

/** The index the arrow keys move to from `index` among `count` marks; null for any other key. */
export function nextIndex(key: string, index: number, count: number): number | null {
  if (count <= 0) return null;
  switch (key) {
    case "ArrowRight":
    case "ArrowDown":
      return Math.min(count - 1, index + 1);
    case "ArrowLeft":
    case "ArrowUp":
      return Math.max(0, index - 1);
    case "Home":
      return 0;
    case "End":
      return count - 1;
    default:
      return null;
  }
}

/** Every `step`-th label is drawn under the axis, so 24 hours do not crowd; all are in the table. */
export function labelStep(count: number, room = 12): number {
  return Math.max(1, Math.ceil(count / room));
}
