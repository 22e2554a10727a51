/**
 * drawGraph: the computational graph of a `Value` as a standalone SVG string (no external tools).
 *
 * One rounded box per value (label, data, grad), one circle per operation, arrows from inputs to
 * outputs. Layered left to right: the root is the rightmost column and every value sits one column
 * left of its nearest consumer's operation, so inputs appear next to where they are used; an arrow
 * that skips columns reserves a thin slot in each and passes between their boxes. Within a column
 * each box aims at the mean height of what it feeds, boxes that would overlap are spaced evenly,
 * and each operation sits level with the value it produces.
 */
import { Value, topologicalOrder } from "./value.js";

export interface DrawOptions {
  /** Significant digits for data and grad (default 4). */
  digits?: number;
}

const SANS = "'Helvetica Neue', Helvetica, Arial, 'DejaVu Sans', sans-serif";
const MONO = "ui-monospace, Menlo, Consolas, 'DejaVu Sans Mono', monospace";
const NUMBER_SIZE = 12;
const LABEL_SIZE = 13;
const MONO_CHAR = 0.61 * NUMBER_SIZE; // advance of one monospace character, in px
const SANS_CHAR = 0.62 * LABEL_SIZE; // a generous average for the bold label
const BOX_H = 58;
const MIN_BOX_W = 88;
const PAD_X = 10;
const MIN_R = 16;
const WAYPOINT_H = 6;
const COL_GAP = 38;
const ROW_GAP = 22;
const MARGIN = 18;
const COLORS = {
  data: "#1d4e89",
  grad: "#b83227",
  label: "#1f2933",
  box: "#52606d",
  leafFill: "#eaf2fb",
  constFill: "#f2f2f2",
  innerFill: "#ffffff",
  opFill: "#fff4e0",
  opStroke: "#c9822b",
  edge: "#7b8794",
};

/** A number with `digits` significant digits and no trailing zeros: 3, -0.25, 1.235e+21, NaN. */
export function formatNumber(x: number, digits = 4): string {
  if (Number.isNaN(x)) return "NaN";
  if (!Number.isFinite(x)) return x > 0 ? "Infinity" : "-Infinity";
  if (x === 0) return "0";
  return String(Number(x.toPrecision(digits)));
}

/** Text safe inside an XML element or a double-quoted attribute. */
export function escapeXml(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;").replace(/'/g, "&apos;");
}

/** How an op is printed in its circle ("*" as ×, "-" as −, "/" as ÷; others as they are). */
function opText(op: string): string {
  return ({ "*": "×", "-": "−", "/": "÷" } as Record<string, string>)[op] ?? op;
}

function opFontSize(text: string): number {
  return text.length <= 2 ? 15 : 11;
}

function opRadius(text: string): number {
  return Math.max(MIN_R, (text.length * 0.6 * opFontSize(text)) / 2 + 6);
}

/** An edge from a value to the op that consumes it, with one waypoint per value column it crosses. */
interface Edge {
  from: Value;
  to: Value;
  waypoints: { col: number; y: number }[];
}

/** What occupies a slot in a value column: a value box or an edge passing through. */
type Slot = { height: number; key: number; y: number } & ({ value: Value } | { waypoint: { col: number; y: number } });

/**
 * The computational graph ending in `root` as an SVG document (a string): value boxes with label,
 * data and grad (`digits` significant digits), op circles ("*" drawn as ×, "-" as −, "/" as ÷),
 * arrows from inputs to outputs.
 */
export function drawGraph(root: Value, opts: DrawOptions = {}): string {
  if (!(root instanceof Value)) throw new Error("drawGraph: expected a Value (the output of a computation)");
  const digits = opts.digits ?? 4;
  const order = topologicalOrder(root); // inputs first, root last
  const index = new Map(order.map((v, i) => [v, i]));

  // Ranks: the longest distance from the root, counting value → op → value as 2 steps; so values
  // sit at even ranks and each op one rank further than the value it produces.
  const rank = new Map<Value, number>([[root, 0]]);
  for (let i = order.length - 1; i >= 0; i--) {
    for (const c of order[i].children) rank.set(c, Math.max(rank.get(c) ?? 0, rank.get(order[i])! + 2));
  }
  const maxRank = maxOf([...rank.values()]);
  const col = (v: Value) => maxRank - rank.get(v)!; // the op of v is in column col(v) − 1

  // Edges; an edge that skips value columns gets a waypoint in each of them.
  const edges: Edge[] = [];
  const outgoing = new Map<Value, Edge[]>(order.map((v) => [v, []]));
  for (const v of order) {
    for (const c of new Set(v.children)) {
      const waypoints = [];
      for (let k = col(c) + 2; k < col(v); k += 2) waypoints.push({ col: k, y: 0 });
      const e = { from: c, to: v, waypoints };
      edges.push(e);
      outgoing.get(c)!.push(e);
    }
  }

  // Box width: wide enough for the longest label or number line.
  const boxW = maxOf([
    MIN_BOX_W,
    ...order.map((v) => {
      const numbers = Math.max(formatNumber(v.data, digits).length, formatNumber(v.grad, digits).length) + 5;
      return Math.max(v.label.length * SANS_CHAR, numbers * MONO_CHAR) + 2 * PAD_X;
    }),
  ]);

  // Column x positions: value columns are boxW wide, op columns as wide as their widest circle.
  const colWidth = new Array<number>(maxRank + 1).fill(0);
  for (const v of order) {
    colWidth[col(v)] = boxW;
    if (v.op) colWidth[col(v) - 1] = Math.max(colWidth[col(v) - 1], 2 * opRadius(opText(v.op)));
  }
  const colLeft: number[] = [];
  let x = MARGIN;
  for (let c = 0; c <= maxRank; c++) {
    colLeft.push(x);
    x += colWidth[c] + COL_GAP;
  }
  const width = x - COL_GAP + MARGIN;

  // Heights, value column by value column from the root leftwards: each slot wants the mean
  // height of what it feeds (the next waypoint, or the value its op produces); slots keep that
  // order and are pushed apart evenly where they would overlap.
  const y = new Map<Value, number>([[root, 0]]);
  const feedY = (e: Edge) => (e.waypoints.length > 0 ? e.waypoints[0].y : y.get(e.to)!);
  const valuesIn = new Map<number, Value[]>();
  for (const v of order) pushTo(valuesIn, col(v), v);
  const passingIn = new Map<number, [Edge, number][]>();
  for (const e of edges) e.waypoints.forEach((w, i) => pushTo(passingIn, w.col, [e, i]));
  for (let c = maxRank; c >= 0; c -= 2) {
    const slots: Slot[] = [];
    for (const v of valuesIn.get(c) ?? []) {
      const ys = outgoing.get(v)!.map(feedY);
      slots.push({ value: v, height: BOX_H, key: index.get(v)!, y: ys.length ? mean(ys) : 0 });
    }
    for (const [e, i] of passingIn.get(c) ?? []) {
      const next = i + 1 < e.waypoints.length ? e.waypoints[i + 1].y : y.get(e.to)!;
      slots.push({ waypoint: e.waypoints[i], height: WAYPOINT_H, key: index.get(e.from)! + 0.5, y: next });
    }
    slots.sort((a, b) => a.y - b.y || a.key - b.key);
    spreadApart(slots);
    for (const s of slots) {
      if ("value" in s) y.set(s.value, s.y);
      else s.waypoint.y = s.y;
    }
  }
  const allY = [...y.values(), ...edges.flatMap((e) => e.waypoints.map((w) => w.y))];
  const shift = MARGIN + BOX_H / 2 + maxOf(allY.map((v) => -v));
  const height = maxOf(allY) + shift + BOX_H / 2 + MARGIN;
  for (const [v, vy] of y) y.set(v, vy + shift);
  for (const e of edges) for (const w of e.waypoints) w.y += shift;

  const lines: string[] = [];
  const shapes: string[] = [];
  for (const v of order) {
    const left = colLeft[col(v)];
    const vy = y.get(v)!;
    shapes.push(valueBox(v, left, vy, boxW, digits, v === root));
    if (!v.op) continue;
    const text = opText(v.op);
    const r = opRadius(text);
    const cx = colLeft[col(v) - 1] + colWidth[col(v) - 1] / 2;
    shapes.push(opCircle(text, cx, vy, r));
    lines.push(arrow(`M${f(cx + r)},${f(vy)} L${f(left)},${f(vy)}`));
  }
  for (const e of edges) {
    let sx = colLeft[col(e.from)] + boxW;
    let sy = y.get(e.from)!;
    let d = `M${f(sx)},${f(sy)}`;
    for (const w of e.waypoints) {
      d += ` ${sCurve(sx, sy, colLeft[w.col], w.y)} L${f(colLeft[w.col] + boxW)},${f(w.y)}`;
      [sx, sy] = [colLeft[w.col] + boxW, w.y];
    }
    const to = e.to;
    d += ` ${curveToCircle(sx, sy, colLeft[col(to) - 1] + colWidth[col(to) - 1] / 2, y.get(to)!, opRadius(opText(to.op)))}`;
    lines.push(arrow(d));
  }

  const name = root.label ? ` of ${root.label}` : "";
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${f(width)}" height="${f(height)}" viewBox="0 0 ${f(width)} ${f(height)}">`,
    `<title>${escapeXml(`Computational graph${name}: ${order.length} values`)}</title>`,
    `<defs><marker id="nnkit-arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="8" markerHeight="8" markerUnits="userSpaceOnUse" orient="auto"><path d="M0,0 L10,5 L0,10 z" fill="${COLORS.edge}"/></marker></defs>`,
    `<rect width="100%" height="100%" fill="#ffffff"/>`,
    `<g fill="none" stroke="${COLORS.edge}" stroke-width="1.4">`,
    ...lines,
    `</g>`,
    ...shapes,
    `</svg>`,
  ].join("\n");
}

function pushTo<T>(m: Map<number, T[]>, key: number, item: T): void {
  const list = m.get(key);
  if (list) list.push(item);
  else m.set(key, [item]);
}

/** The largest entry (a loop: spreading a huge array into Math.max overflows the stack). */
function maxOf(xs: number[]): number {
  let m = -Infinity;
  for (const x of xs) if (x > m) m = x;
  return m;
}

function mean(xs: number[]): number {
  return xs.reduce((a, b) => a + b, 0) / xs.length;
}

/**
 * Move slots (sorted by wanted height .y) apart so that neighbours are ROW_GAP apart at least,
 * each run of touching slots evenly spaced and centred on the mean of its wanted heights
 * (pool-adjacent-violators: merge a run with the one above while they overlap).
 */
function spreadApart(slots: Slot[]): void {
  interface Run { first: number; last: number; offsets: number[]; top: number }
  const runs: Run[] = [];
  const sep = (i: number) => slots[i].height / 2 + ROW_GAP + slots[i + 1].height / 2;
  const place = (run: Run) => {
    run.top = mean(run.offsets.map((o, j) => slots[run.first + j].y - o));
  };
  for (let i = 0; i < slots.length; i++) {
    let run: Run = { first: i, last: i, offsets: [0], top: slots[i].y };
    while (runs.length > 0) {
      const prev = runs[runs.length - 1];
      const prevBottom = prev.top + prev.offsets[prev.offsets.length - 1];
      if (run.top - prevBottom >= sep(prev.last)) break;
      runs.pop();
      const base = prev.offsets[prev.offsets.length - 1] + sep(prev.last);
      run = { first: prev.first, last: run.last, offsets: [...prev.offsets, ...run.offsets.map((o) => o + base)], top: 0 };
      place(run);
    }
    runs.push(run);
  }
  for (const run of runs) run.offsets.forEach((o, j) => (slots[run.first + j].y = run.top + o));
}

/** A coordinate rounded to 0.1 px. */
function f(x: number): string {
  return String(Math.round(x * 10) / 10);
}

function arrow(d: string): string {
  return `<path d="${d}" marker-end="url(#nnkit-arrow)"/>`;
}

/** Path segment: a smooth curve from (sx, sy) to the side of a circle facing it, arriving radially. */
function curveToCircle(sx: number, sy: number, cx: number, cy: number, r: number): string {
  const maxTilt = (55 * Math.PI) / 180;
  const tilt = Math.max(-maxTilt, Math.min(maxTilt, Math.atan2(sy - cy, cx - sx)));
  const ux = -Math.cos(tilt);
  const uy = Math.sin(tilt);
  const ex = cx + r * ux;
  const ey = cy + r * uy;
  const k = Math.max(12, Math.min(48, (ex - sx) / 2));
  return `C${f(sx + k)},${f(sy)} ${f(ex + k * ux)},${f(ey + k * uy)} ${f(ex)},${f(ey)}`;
}

/** A curve from (sx, sy) to (ex, ey) leaving and arriving horizontally. */
function sCurve(sx: number, sy: number, ex: number, ey: number): string {
  const k = (ex - sx) / 2;
  return `C${f(sx + k)},${f(sy)} ${f(ex - k)},${f(ey)} ${f(ex)},${f(ey)}`;
}

function valueBox(v: Value, left: number, y: number, w: number, digits: number, isRoot: boolean): string {
  const fill = v.op ? COLORS.innerFill : v.label ? COLORS.leafFill : COLORS.constFill;
  const cx = left + w / 2;
  const rows = v.label ? [y - 12, y + 5, y + 21] : [NaN, y - 3, y + 13];
  const parts = [
    `<g>`,
    `<rect x="${f(left)}" y="${f(y - BOX_H / 2)}" width="${f(w)}" height="${BOX_H}" rx="7" fill="${fill}" stroke="${COLORS.box}" stroke-width="${isRoot ? 2.2 : 1.2}"/>`,
  ];
  if (v.label) {
    parts.push(`<text x="${f(cx)}" y="${f(rows[0])}" text-anchor="middle" font-family="${escapeXml(SANS)}" font-size="${LABEL_SIZE}" font-weight="bold" fill="${COLORS.label}">${escapeXml(v.label)}</text>`);
  }
  const number = (row: number, color: string, text: string) =>
    `<text x="${f(cx)}" y="${f(row)}" text-anchor="middle" font-family="${escapeXml(MONO)}" font-size="${NUMBER_SIZE}" fill="${color}">${escapeXml(text)}</text>`;
  parts.push(number(rows[1], COLORS.data, `data ${formatNumber(v.data, digits)}`));
  parts.push(number(rows[2], COLORS.grad, `grad ${formatNumber(v.grad, digits)}`));
  parts.push(`</g>`);
  return parts.join("");
}

function opCircle(text: string, cx: number, cy: number, r: number): string {
  const size = opFontSize(text);
  return (
    `<g><circle cx="${f(cx)}" cy="${f(cy)}" r="${f(r)}" fill="${COLORS.opFill}" stroke="${COLORS.opStroke}" stroke-width="1.4"/>` +
    `<text x="${f(cx)}" y="${f(cy + size * 0.35)}" text-anchor="middle" font-family="${escapeXml(SANS)}" font-size="${size}" font-weight="bold" fill="#7a4a10">${escapeXml(text)}</text></g>`
  );
}
