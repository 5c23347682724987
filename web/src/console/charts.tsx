/**
 * Plain-SVG charts for the Service view: grouped bars and a line against a goal.
 *
 * Readable without colour (patterns and value labels on the bars, a legend in words), reachable
 * by keyboard (the chart is one Tab stop; the arrow keys, Home and End move from mark to mark and
 * the readout under it says the mark's numbers), and each has a table with the same numbers
 * behind *Show as table*. The geometry is charts-geometry.ts.
 */
import type { ComponentChildren } from "preact";
import { useState } from "preact/hooks";

import { t } from "./messages";
import { bars, FRAME, labelStep, linePath, nextIndex, plot, points, slot, ticks, niceMax, yOf } from "./charts-geometry";

export type Pattern = "solid" | "hatch";

export interface Series {
  name: string;
  pattern: Pattern;
}

const INK = "#0b0c0c";
const BRAND = "#1d3c6e";
const PATTERN_WORD: Record<Pattern, string> = { solid: t("console.chart.solid"), hatch: t("console.chart.hatch") };

function Patterns(props: { id: string }) {
  return (
    <defs>
      <pattern id={`${props.id}-solid`} width="6" height="6" patternUnits="userSpaceOnUse">
        <rect width="6" height="6" fill={BRAND} />
      </pattern>
      <pattern id={`${props.id}-hatch`} width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">
        <rect width="6" height="6" fill="#ffffff" />
        <rect width="3" height="6" fill={BRAND} />
      </pattern>
    </defs>
  );
}

function Swatch(props: { id: string; pattern: Pattern }) {
  return (
    <svg class="swatch" width="28" height="18" aria-hidden="true" focusable="false">
      <rect x="1" y="1" width="26" height="16" fill={`url(#${props.id}-${props.pattern})`} stroke={BRAND} stroke-width="2" />
    </svg>
  );
}

/** The x axis's labels and the y axis's ticks, hidden from screen readers (the marks and the table say it all). */
function Axes(props: { labels: string[]; top: number; format: (v: number) => string; tickValues: number[] }) {
  const area = plot();
  const step = labelStep(props.labels.length);
  return (
    <g aria-hidden="true" class="chart-axes">
      {props.tickValues.map((v) => (
        <g key={v}>
          <line x1={area.x} x2={area.x + area.width} y1={yOf(v, props.top)} y2={yOf(v, props.top)} stroke="#b1b4b6" stroke-width="1" />
          <text x={area.x - 6} y={yOf(v, props.top) + 4} text-anchor="end" font-size="12" fill={INK}>
            {props.format(v)}
          </text>
        </g>
      ))}
      <line x1={area.x} x2={area.x + area.width} y1={area.y + area.height} y2={area.y + area.height} stroke={INK} stroke-width="2" />
      {props.labels.map((label, i) =>
        i % step === 0 ? (
          <text key={label} x={slot(i, props.labels.length).middle} y={area.y + area.height + 18} text-anchor="middle" font-size="12" fill={INK}>
            {label}
          </text>
        ) : null,
      )}
    </g>
  );
}

/**
 * One focusable column per category (a roving Tab stop): what focus, arrows and the readout use.
 * `describe(i)` is the column's numbers in words.
 */
function Columns(props: { count: number; describe: (i: number) => string; onShow: (text: string | null) => void }) {
  const [active, setActive] = useState(0);
  const area = plot();
  const current = Math.min(active, Math.max(0, props.count - 1));
  const onKeyDown = (e: KeyboardEvent) => {
    const next = nextIndex(e.key, current, props.count);
    if (next === null) return;
    e.preventDefault();
    setActive(next);
    const svg = (e.currentTarget as SVGGraphicsElement).ownerSVGElement;
    (svg?.querySelectorAll<SVGElement>(".chart-hit")[next])?.focus();
  };
  return (
    <g>
      {Array.from({ length: props.count }, (_, i) => {
        const s = slot(i, props.count);
        return (
          <rect
            key={i}
            class="chart-hit"
            x={s.x}
            y={area.y}
            width={s.width}
            height={area.height}
            role="img"
            aria-label={props.describe(i)}
            tabIndex={i === current ? 0 : -1}
            onFocus={() => {
              setActive(i);
              props.onShow(props.describe(i));
            }}
            onBlur={() => props.onShow(null)}
            onMouseEnter={() => props.onShow(props.describe(i))}
            onMouseLeave={() => props.onShow(null)}
            onKeyDown={onKeyDown}
          />
        );
      })}
    </g>
  );
}

export interface TableSpec {
  head: string[];
  rows: (string | number)[][];
}

/** A chart's frame: its title, the legend in words, the drawing, the readout, and its table behind a toggle. */
function ChartFigure(props: { id: string; title: string; legend: ComponentChildren; table: TableSpec; children: ComponentChildren; readout: string | null }) {
  const [table, setTable] = useState(false);
  const { id } = props;
  return (
    <figure class="chart" aria-labelledby={`${id}-title`}>
      <figcaption>
        <h3 id={`${id}-title`}>{props.title}</h3>
        <div class="legend">{props.legend}</div>
      </figcaption>
      <svg viewBox={`0 0 ${FRAME.width} ${FRAME.height}`} class="chart-svg" role="group" aria-labelledby={`${id}-title`} aria-describedby={`${id}-help`}>
        {props.children}
      </svg>
      <p class="chart-readout" id={`${id}-help`}>
        {props.readout ?? t("console.chart.help")}
      </p>
      <button type="button" aria-expanded={table} aria-controls={`${id}-table`} onClick={() => setTable(!table)}>
        {table ? t("console.chart.hideTable") : t("console.chart.showTable")}
        <span class="sr-only">: {props.title}</span>
      </button>
      <div id={`${id}-table`} hidden={!table}>
        {table ? (
          <table class="audit chart-table">
            <caption>{props.title}</caption>
            <thead>
              <tr>
                {props.table.head.map((h, i) => (
                  <th key={h} scope="col" class={i > 0 ? "num" : ""}>
                    {h}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {props.table.rows.map((row) => (
                <tr key={String(row[0])}>
                  {row.map((cell, i) => (i === 0 ? <th key={i} scope="row">{cell}</th> : <td key={i} class="num">{cell}</td>))}
                </tr>
              ))}
            </tbody>
          </table>
        ) : null}
      </div>
    </figure>
  );
}

/**
 * Grouped bars: `values[category][series]`, each series in its own pattern with its value over
 * each bar. `names` are the categories in full (the readout and the table); `labels` are short.
 * `marker` draws a dashed line after category `marker.after` with its words (the target).
 */
export function BarChart(props: {
  id: string;
  title: string;
  /** The table's first column: what a category is (`Hour`, `Answer time`). */
  category: string;
  labels: string[];
  names: string[];
  series: Series[];
  values: number[][];
  unit: (v: number) => string;
  marker?: { after: number; label: string };
}) {
  const [readout, setReadout] = useState<string | null>(null);
  const { id, series, values } = props;
  const top = niceMax(Math.max(0, ...values.flat()));
  const area = plot();
  const describe = (i: number) =>
    `${props.names[i]}: ${series.map((s, k) => `${s.name} ${props.unit(values[i]?.[k] ?? 0)}`).join(", ")}`;
  const markerX = props.marker ? slot(props.marker.after, props.labels.length).x + slot(0, props.labels.length).width : null;
  return (
    <ChartFigure
      id={id}
      title={props.title}
      readout={readout}
      legend={
        <ul>
          {series.map((s) => (
            <li key={s.name}>
              <Swatch id={id} pattern={s.pattern} /> {s.name} ({PATTERN_WORD[s.pattern]})
            </li>
          ))}
          {props.marker ? <li>{t("console.chart.dashed", { label: props.marker.label })}</li> : null}
        </ul>
      }
      table={{ head: [props.category, ...series.map((s) => s.name)], rows: values.map((group, i) => [props.names[i] ?? "", ...group.map(props.unit)]) }}
    >
      <Patterns id={id} />
      <Axes labels={props.labels} top={top} tickValues={ticks(top)} format={String} />
      <g aria-hidden="true">
        {bars(values, top).map((b) => (
          <g key={`${b.category}-${b.series}`}>
            <rect x={b.x} y={b.y} width={b.width} height={b.height} fill={`url(#${id}-${series[b.series]?.pattern ?? "solid"})`} stroke={BRAND} stroke-width="1" />
            {b.value > 0 ? (
              <text x={b.x + b.width / 2} y={b.y - 4} text-anchor="middle" font-size="11" fill={INK}>
                {b.value}
              </text>
            ) : null}
          </g>
        ))}
        {markerX !== null && props.marker ? (
          <g>
            <line x1={markerX} x2={markerX} y1={area.y - 6} y2={area.y + area.height} stroke={INK} stroke-width="2" stroke-dasharray="6 4" />
            <text x={markerX + 4} y={area.y + 6} font-size="12" fill={INK}>
              {props.marker.label}
            </text>
          </g>
        ) : null}
      </g>
      <Columns count={values.length} describe={describe} onShow={setReadout} />
    </ChartFigure>
  );
}

/** A share (0..1) by category as a line with labelled points, against a dashed goal line. */
export function LevelChart(props: {
  id: string;
  title: string;
  labels: string[];
  names: string[];
  levels: (number | null)[];
  counts: number[];
  goal: number;
  format: (share: number | null) => string;
  goalLabel: string;
}) {
  const [readout, setReadout] = useState<string | null>(null);
  const { id, levels } = props;
  const pts = points(levels, 1);
  const area = plot();
  const goalY = yOf(props.goal, 1);
  const describe = (i: number) =>
    levels[i] === null || levels[i] === undefined
      ? t("console.chart.noRequests", { hour: props.names[i] ?? "" })
      : t("console.chart.level", { hour: props.names[i] ?? "", level: props.format(levels[i] ?? null), count: props.counts[i] ?? 0 });
  return (
    <ChartFigure
      id={id}
      title={props.title}
      readout={readout}
      legend={
        <ul>
          <li>{t("console.chart.levelLegend")}</li>
          <li>{t("console.chart.dashed", { label: props.goalLabel })}</li>
        </ul>
      }
      table={{ head: [t("console.service.hour"), t("console.service.serviceLevel"), t("console.service.requests")], rows: levels.map((l, i) => [props.names[i] ?? "", props.format(l), props.counts[i] ?? 0]) }}
    >
      <Axes labels={props.labels} top={1} tickValues={[0, 0.25, 0.5, 0.75, 1]} format={(v) => props.format(v)} />
      <g aria-hidden="true">
        <line x1={area.x} x2={area.x + area.width} y1={goalY} y2={goalY} stroke={INK} stroke-width="2" stroke-dasharray="8 5" />
        <text x={area.x + area.width} y={goalY - 6} text-anchor="end" font-size="12" fill={INK}>
          {props.goalLabel}
        </text>
        <path d={linePath(pts)} fill="none" stroke={BRAND} stroke-width="3" />
        {pts.map((p) => (
          <g key={p.index}>
            <circle cx={p.x} cy={p.y} r="5" fill="#ffffff" stroke={BRAND} stroke-width="3" />
            <text x={p.x} y={p.y - 10} text-anchor="middle" font-size="11" fill={INK}>
              {props.format(p.value)}
            </text>
          </g>
        ))}
      </g>
      <Columns count={levels.length} describe={describe} onShow={setReadout} />
    </ChartFigure>
  );
}
