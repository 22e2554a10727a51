/**
 * drawGraph: the computational graph of a `Value` as a standalone SVG string (no external tools).
 * One rounded box per value (label, data, grad), one circle per operation, arrows from inputs to
 * outputs, placed as ./layout.ts lays them out.
 */
import { Value } from "./value.js";
import { SIZES, formatNumber, layoutGraph, opFontSize, opRadius, opText, type GraphLayout } from "./layout.js";

export { formatNumber };

export interface DrawOptions {
  /** Significant digits for data and grad (default 4). */
  digits?: number;
}

const SANS = "'Helvetica Neue', Helvetica, Arial, 'DejaVu Sans', sans-serif";
const MONO = "ui-monospace, Menlo, Consolas, 'DejaVu Sans Mono', monospace";
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

/** Text safe inside an XML element or a double-quoted attribute. */
export function escapeXml(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;").replace(/'/g, "&apos;");
}

/**
 * The computational graph ending in `root` as an SVG document (a string): value boxes with label,
 * data and grad (`digits` significant digits), op circles ("*" drawn as ×, "-" as −, "/" as ÷),
 * arrows from inputs to outputs.
 */
export function drawGraph(root: Value, opts: DrawOptions = {}): string {
  if (!(root instanceof Value)) throw new Error("drawGraph: expected a Value (the output of a computation)");
  const digits = opts.digits ?? 4;
  const layout = layoutGraph(root, digits);
  const { shapes, lines } = drawValues(layout, root, digits);
  lines.push(...layout.edges.map((e) => edgePath(layout, e)));
  const { width, height } = layout;
  const name = root.label ? ` of ${root.label}` : "";
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${f(width)}" height="${f(height)}" viewBox="0 0 ${f(width)} ${f(height)}">`,
    `<title>${escapeXml(`Computational graph${name}: ${layout.order.length} values`)}</title>`,
    `<defs><marker id="nnkit-arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="8" markerHeight="8" markerUnits="userSpaceOnUse" orient="auto"><path d="M0,0 L10,5 L0,10 z" fill="${COLORS.edge}"/></marker></defs>`,
    `<rect width="100%" height="100%" fill="#ffffff"/>`,
    `<g fill="none" stroke="${COLORS.edge}" stroke-width="1.4">`,
    ...lines,
    `</g>`,
    ...shapes,
    `</svg>`,
  ].join("\n");
}

/** Each value's box and, for a computed value, its op's circle and the arrow from the circle to the box. */
function drawValues(layout: GraphLayout, root: Value, digits: number): { shapes: string[]; lines: string[] } {
  const { col, colLeft, colWidth, boxWidth } = layout;
  const lines: string[] = [];
  const shapes: string[] = [];
  for (const v of layout.order) {
    const left = colLeft[col(v)];
    const vy = layout.y.get(v)!;
    shapes.push(valueBox(v, left, vy, boxWidth, digits, v === root));
    if (!v.op) continue;
    const text = opText(v.op);
    const r = opRadius(text);
    const cx = colLeft[col(v) - 1] + colWidth[col(v) - 1] / 2;
    shapes.push(opCircle(text, cx, vy, r));
    lines.push(arrow(`M${f(cx + r)},${f(vy)} L${f(left)},${f(vy)}`));
  }
  return { shapes, lines };
}

/** The arrow of edge `e`: from its value's box, through its waypoints, to the circle of the op that takes it. */
function edgePath(layout: GraphLayout, e: GraphLayout["edges"][number]): string {
  const { col, colLeft, colWidth, boxWidth, y } = layout;
  let sx = colLeft[col(e.from)] + boxWidth;
  let sy = y.get(e.from)!;
  let d = `M${f(sx)},${f(sy)}`;
  for (const w of e.waypoints) {
    d += ` ${sCurve(sx, sy, colLeft[w.col], w.y)} L${f(colLeft[w.col] + boxWidth)},${f(w.y)}`;
    [sx, sy] = [colLeft[w.col] + boxWidth, w.y];
  }
  const to = e.to;
  d += ` ${curveToCircle(sx, sy, colLeft[col(to) - 1] + colWidth[col(to) - 1] / 2, y.get(to)!, opRadius(opText(to.op)))}`;
  return arrow(d);
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
    `<rect x="${f(left)}" y="${f(y - SIZES.box.height / 2)}" width="${f(w)}" height="${SIZES.box.height}" rx="7" fill="${fill}" stroke="${COLORS.box}" stroke-width="${isRoot ? 2.2 : 1.2}"/>`,
  ];
  if (v.label) {
    parts.push(`<text x="${f(cx)}" y="${f(rows[0])}" text-anchor="middle" font-family="${escapeXml(SANS)}" font-size="${SIZES.label}" font-weight="bold" fill="${COLORS.label}">${escapeXml(v.label)}</text>`);
  }
  const number = (row: number, color: string, text: string) =>
    `<text x="${f(cx)}" y="${f(row)}" text-anchor="middle" font-family="${escapeXml(MONO)}" font-size="${SIZES.number}" fill="${color}">${escapeXml(text)}</text>`;
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
