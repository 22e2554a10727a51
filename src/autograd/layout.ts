/**
 * Where drawGraph (./draw.ts) puts each piece of a `Value`'s graph. Layered left to right: the root
 * is the rightmost column and every value sits one column left of its nearest consumer's
 * operation, so inputs appear next to where they are used; an arrow that skips columns reserves a
 * thin slot in each and passes between their boxes. Within a column each box aims at the mean
 * height of what it feeds, boxes that would overlap are spaced evenly, and each operation sits
 * level with the value it produces.
 */
import { Value, topologicalOrder } from "./value.js";

/** Sizes in px: text, value boxes, op circles, arrow slots, the gaps between columns and rows, the margin. */
export const SIZES = {
  number: 12,
  label: 13,
  box: { height: 58, minWidth: 88, padX: 10 },
  minRadius: 16,
  waypoint: 6,
  gap: { column: 38, row: 22 },
  margin: 18,
} as const;
const MONO_CHAR = 0.61 * SIZES.number; // advance of one monospace character, in px
const SANS_CHAR = 0.62 * SIZES.label; // a generous average for the bold label

/** A number with `digits` significant digits and no trailing zeros: 3, -0.25, 1.235e+21, NaN. */
export function formatNumber(x: number, digits = 4): string {
  if (Number.isNaN(x)) return "NaN";
  if (!Number.isFinite(x)) return x > 0 ? "Infinity" : "-Infinity";
  if (x === 0) return "0";
  return String(Number(x.toPrecision(digits)));
}

/** How an op is printed in its circle ("*" as ×, "-" as −, "/" as ÷; others as they are). */
export function opText(op: string): string {
  return ({ "*": "×", "-": "−", "/": "÷" } as Record<string, string>)[op] ?? op;
}

/** The font size of an op's text in its circle. */
export function opFontSize(text: string): number {
  return text.length <= 2 ? 15 : 11;
}

/** The radius of the circle of an op printed as `text`. */
export function opRadius(text: string): number {
  return Math.max(SIZES.minRadius, (text.length * 0.6 * opFontSize(text)) / 2 + 6);
}

/** An edge from a value to the op that consumes it, with one waypoint per value column it crosses. */
export interface Edge {
  from: Value;
  to: Value;
  waypoints: { col: number; y: number }[];
}

/** What occupies a slot in a value column: a value box or an edge passing through. */
type Slot = { height: number; key: number; y: number } & ({ value: Value } | { waypoint: { col: number; y: number } });

/** Everything drawGraph draws, placed: x of each column's left side, y of each value's centre, the edges' waypoints. */
export interface GraphLayout {
  /** The values, inputs first and the root last. */
  order: Value[];
  /** The value column of v (its op is in the column before). */
  col: (v: Value) => number;
  colLeft: number[];
  colWidth: number[];
  boxWidth: number;
  y: Map<Value, number>;
  edges: Edge[];
  width: number;
  height: number;
}

/**
 * Ranks: the longest distance from the root, counting value → op → value as 2 steps; so values
 * sit at even ranks and each op one rank further than the value it produces.
 */
function ranks(order: readonly Value[], root: Value): Map<Value, number> {
  const rank = new Map<Value, number>([[root, 0]]);
  for (let i = order.length - 1; i >= 0; i--) {
    for (const c of order[i].children) rank.set(c, Math.max(rank.get(c) ?? 0, rank.get(order[i])! + 2));
  }
  return rank;
}

/** The edges; an edge that skips value columns gets a waypoint in each of them. Also each value's outgoing edges. */
function graphEdges(order: readonly Value[], col: (v: Value) => number): { edges: Edge[]; outgoing: Map<Value, Edge[]> } {
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
  return { edges, outgoing };
}

/** Box width: wide enough for the longest label or number line. */
function boxWidthOf(order: readonly Value[], digits: number): number {
  return maxOf([
    SIZES.box.minWidth,
    ...order.map((v) => {
      const numbers = Math.max(formatNumber(v.data, digits).length, formatNumber(v.grad, digits).length) + 5;
      return Math.max(v.label.length * SANS_CHAR, numbers * MONO_CHAR) + 2 * SIZES.box.padX;
    }),
  ]);
}

/** Column x positions: value columns are boxWidth wide, op columns as wide as their widest circle. */
function columns(order: readonly Value[], col: (v: Value) => number, maxRank: number, boxWidth: number): { colLeft: number[]; colWidth: number[]; width: number } {
  const colWidth = new Array<number>(maxRank + 1).fill(0);
  for (const v of order) {
    colWidth[col(v)] = boxWidth;
    if (v.op) colWidth[col(v) - 1] = Math.max(colWidth[col(v) - 1], 2 * opRadius(opText(v.op)));
  }
  const colLeft: number[] = [];
  let x = SIZES.margin;
  for (let c = 0; c <= maxRank; c++) {
    colLeft.push(x);
    x += colWidth[c] + SIZES.gap.column;
  }
  return { colLeft, colWidth, width: x - SIZES.gap.column + SIZES.margin };
}

/**
 * Heights, value column by value column from the root leftwards: each slot wants the mean height
 * of what it feeds (the next waypoint, or the value its op produces); slots keep that order and
 * are pushed apart evenly where they would overlap. Sets the edges' waypoints' y; returns each
 * value's y (centre) and the drawing's height, everything shifted into the margin.
 */
function heights(order: readonly Value[], root: Value, col: (v: Value) => number, maxRank: number, edges: Edge[], outgoing: Map<Value, Edge[]>): { y: Map<Value, number>; height: number } {
  const index = new Map(order.map((v, i) => [v, i]));
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
      slots.push({ value: v, height: SIZES.box.height, key: index.get(v)!, y: ys.length ? mean(ys) : 0 });
    }
    for (const [e, i] of passingIn.get(c) ?? []) {
      const next = i + 1 < e.waypoints.length ? e.waypoints[i + 1].y : y.get(e.to)!;
      slots.push({ waypoint: e.waypoints[i], height: SIZES.waypoint, key: index.get(e.from)! + 0.5, y: next });
    }
    slots.sort((a, b) => a.y - b.y || a.key - b.key);
    spreadApart(slots);
    for (const s of slots) {
      if ("value" in s) y.set(s.value, s.y);
      else s.waypoint.y = s.y;
    }
  }
  const allY = [...y.values(), ...edges.flatMap((e) => e.waypoints.map((w) => w.y))];
  const shift = SIZES.margin + SIZES.box.height / 2 + maxOf(allY.map((v) => -v));
  const height = maxOf(allY) + shift + SIZES.box.height / 2 + SIZES.margin;
  for (const [v, vy] of y) y.set(v, vy + shift);
  for (const e of edges) for (const w of e.waypoints) w.y += shift;
  return { y, height };
}

/** The layout of the graph ending in `root`, its numbers printed with `digits` significant digits. */
export function layoutGraph(root: Value, digits: number): GraphLayout {
  const order = topologicalOrder(root); // inputs first, root last
  const rank = ranks(order, root);
  const maxRank = maxOf([...rank.values()]);
  const col = (v: Value) => maxRank - rank.get(v)!; // the op of v is in column col(v) − 1
  const { edges, outgoing } = graphEdges(order, col);
  const boxWidth = boxWidthOf(order, digits);
  const { colLeft, colWidth, width } = columns(order, col, maxRank, boxWidth);
  const { y, height } = heights(order, root, col, maxRank, edges, outgoing);
  return { order, col, colLeft, colWidth, boxWidth, y, edges, width, height };
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
 * Move slots (sorted by wanted height .y) apart so that neighbours are SIZES.gap.row apart at
 * least, each run of touching slots evenly spaced and centred on the mean of its wanted heights
 * (pool-adjacent-violators: merge a run with the one above while they overlap).
 */
function spreadApart(slots: Slot[]): void {
  interface Run { first: number; last: number; offsets: number[]; top: number }
  const runs: Run[] = [];
  const sep = (i: number) => slots[i].height / 2 + SIZES.gap.row + slots[i + 1].height / 2;
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
