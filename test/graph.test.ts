import { describe, expect, it } from "vitest";
import { drawGraph, escapeXml, formatNumber } from "../src/autograd/draw.js";
import { Value, topologicalOrder } from "../src/autograd/value.js";
import { numericalGradient } from "../src/gradcheck.js";
import { relError } from "../src/metrics.js";
import { Rng } from "../src/random.js";
import { tensor } from "../src/tensor.js";

/** The slide's 2-layer net: y = w2·max(0, w1·x + b1) + b2, L = (y − t)². */
function slideNet(w1v = 3, b1v = 1, w2v = 2, b2v = -5) {
  const w1 = new Value(w1v, "w1");
  const b1 = new Value(b1v, "b1");
  const w2 = new Value(w2v, "w2");
  const b2 = new Value(b2v, "b2");
  const x = new Value(1, "x");
  const t = new Value(1, "t");
  const z = w1.mul(x).add(b1).named("z");
  const h = z.relu().named("h");
  const y = w2.mul(h).add(b2).named("y");
  const L = y.sub(t).pow(2).named("L");
  return { w1, b1, w2, b2, x, t, z, h, y, L };
}

describe("Value: the slide's 2-layer net", () => {
  it("forward: z = 4, h = 4, y = 3, L = 4", () => {
    const { z, h, y, L } = slideNet();
    expect([z.data, h.data, y.data, L.data]).toEqual([4, 4, 3, 4]);
  });

  it("backward: (dL/dw1, dL/db1, dL/dw2, dL/db2) = (8, 8, 16, 4)", () => {
    const { w1, b1, w2, b2, x, t, y, L } = slideNet();
    L.backward();
    expect([w1.grad, b1.grad, w2.grad, b2.grad]).toEqual([8, 8, 16, 4]);
    expect([L.grad, y.grad, x.grad, t.grad]).toEqual([1, 4, 24, -4]);
  });

  it("one SGD step with α = 0.25 gives (1, −1, −2, −6)", () => {
    const net = slideNet();
    net.L.backward();
    const params = [net.w1, net.b1, net.w2, net.b2];
    for (const p of params) p.data -= 0.25 * p.grad;
    expect(params.map((p) => p.data)).toEqual([1, -1, -2, -6]);
    // the new loss: z = 0, so h = 0 and y = −6: L = (−6 − 1)² = 49
    expect(slideNet(1, -1, -2, -6).L.data).toBe(49);
  });

  it("backward resets gradients: calling it twice gives the same numbers", () => {
    const { w1, L } = slideNet();
    L.backward();
    L.backward();
    expect(w1.grad).toBe(8);
  });
});

describe("Value: operations", () => {
  it("a value used twice receives both contributions", () => {
    const a = new Value(3);
    const sq = a.mul(a);
    sq.backward();
    expect(a.grad).toBe(6);
    const b = new Value(-2);
    const s = b.add(b).add(b);
    s.backward();
    expect(b.grad).toBe(3);
  });

  it("accepts numbers as operands on either side of the rule table", () => {
    const a = new Value(2);
    const out = a.add(1).mul(3).sub(4).div(5).pow(2); // ((2+1)·3 − 4)/5 = 1, squared 1
    expect(out.data).toBe(1);
    out.backward();
    // d/da of (((a+1)·3 − 4)/5)² = 2·1·3/5
    expect(a.grad).toBeCloseTo(1.2, 15);
  });

  it("each op has the derivative of its rule", () => {
    const a = new Value(0.7);
    const b = new Value(-1.3);
    const cases: [() => Value, number, number][] = [
      [() => a.sub(b), 1, -1],
      [() => a.mul(b), -1.3, 0.7],
      [() => a.div(b), 1 / -1.3, -0.7 / (1.3 * 1.3)],
      [() => a.neg().add(b.relu()), -1, 0],
      [() => a.exp().add(b.tanh()), Math.exp(0.7), 1 - Math.tanh(-1.3) ** 2],
      [() => a.pow(3).add(b.pow(-1)), 3 * 0.49, -1 / 1.69],
    ];
    for (const [build, da, db] of cases) {
      build().backward();
      expect(a.grad).toBeCloseTo(da, 13);
      expect(b.grad).toBeCloseTo(db, 13);
    }
  });

  it("relu passes no gradient at 0 or below", () => {
    for (const v of [0, -2]) {
      const a = new Value(v);
      a.relu().backward();
      expect(a.grad).toBe(0);
    }
  });

  it("records op, children and label", () => {
    const a = new Value(1, "a");
    const out = a.mul(2).relu().named("out");
    expect(out.op).toBe("relu");
    expect(out.label).toBe("out");
    expect(out.children[0].op).toBe("*");
    expect(out.children[0].children[0]).toBe(a);
    expect(out.children[0].children[1].data).toBe(2);
  });

  it("rejects what is not a number", () => {
    expect(() => new Value("3" as unknown as number)).toThrow(/Value: expected a number, got string/);
    expect(() => new Value(1).add({} as unknown as number)).toThrow(/operand must be a Value or a number/);
    expect(() => new Value(1).pow(new Value(2) as unknown as number)).toThrow(/Value.pow: the exponent must be a finite plain number/);
  });

  it("topologicalOrder lists each node once, after its children", () => {
    const { L } = slideNet();
    const order = topologicalOrder(L);
    expect(new Set(order).size).toBe(order.length);
    expect(order[order.length - 1]).toBe(L);
    const pos = new Map(order.map((v, i) => [v, i]));
    for (const v of order) for (const c of v.children) expect(pos.get(c)!).toBeLessThan(pos.get(v)!);
    // 6 leaves, w1·x, z, h, w2·h, y, y − t, L
    expect(order.length).toBe(13);
  });

  it("a chain of 30,000 operations backpropagates without overflowing the stack", () => {
    const a = new Value(1);
    let c = a;
    for (let i = 0; i < 30_000; i++) c = c.add(1);
    c.backward();
    expect(a.grad).toBe(1);
  });
});

// A random expression: a list of instructions over the leaves, re-playable with other leaf data.
type Step = { op: string; i: number; j: number };

function randomProgram(rng: Rng, leaves: number, steps: number): Step[] {
  const ops = ["add", "sub", "mul", "div", "pow2", "pow3", "relu", "tanh", "exp", "neg"];
  return Array.from({ length: steps }, (_, s) => ({
    op: ops[rng.int(ops.length)],
    i: rng.int(leaves + s),
    j: rng.int(leaves + s),
  }));
}

function run(program: Step[], leaves: Value[]): Value {
  const nodes = [...leaves];
  for (const { op, i, j } of program) {
    const a = nodes[i];
    const b = nodes[j];
    const next: Record<string, () => Value> = {
      add: () => a.add(b),
      sub: () => a.sub(b),
      mul: () => a.mul(b),
      div: () => a.div(b.pow(2).add(1)), // denominators stay ≥ 1
      pow2: () => a.pow(2),
      pow3: () => a.tanh().pow(3),
      relu: () => a.relu(),
      tanh: () => a.tanh(),
      exp: () => a.tanh().exp(), // bounded, so nothing overflows
      neg: () => a.neg(),
    };
    nodes.push(next[op]());
  }
  // sum everything, so every step reaches the root
  return nodes.slice(leaves.length).reduce((s, v) => s.add(v.tanh()), new Value(0));
}

describe("Value: gradients of random expressions match centred differences", () => {
  for (const seed of [1, 2, 3, 4, 5, 6, 7, 8]) {
    it(`seed ${seed}`, () => {
      const rng = new Rng(seed);
      const program = randomProgram(rng, 4, 14);
      const x = tensor(Array.from({ length: 4 }, () => 2 * rng.normal()));
      const leaves = Array.from(x.data, (v) => new Value(v));
      run(program, leaves).backward();
      const numeric = numericalGradient(() => run(program, Array.from(x.data, (v) => new Value(v))).data, x);
      expect(relError(leaves.map((l) => l.grad), numeric)).toBeLessThan(1e-7);
    });
  }
});

/**
 * A small well-formedness check for the XML drawGraph writes: tags balanced and properly nested,
 * attributes quoted, only the five predefined entities, no stray '<' or '&' in text; one root.
 * Returns the list of element names in document order.
 */
function checkXml(xml: string): string[] {
  const tag = /<(\/?)([A-Za-z][\w:-]*)((?:\s+[\w:-]+="[^"<]*")*)\s*(\/?)>/y;
  const entity = /&(amp|lt|gt|quot|apos);/g;
  const stack: string[] = [];
  const names: string[] = [];
  let roots = 0;
  let p = 0;
  while (p < xml.length) {
    if (xml[p] === "<") {
      tag.lastIndex = p;
      const m = tag.exec(xml);
      if (!m) throw new Error(`malformed tag at ${p}: ${xml.slice(p, p + 40)}`);
      const [whole, closing, name, attrs, selfClosing] = m;
      if (attrs.replace(entity, "").includes("&")) throw new Error(`bare & in attributes of <${name}>`);
      if (closing) {
        const open = stack.pop();
        if (open !== name) throw new Error(`</${name}> closes <${open}>`);
      } else {
        if (stack.length === 0) roots++;
        names.push(name);
        if (!selfClosing) stack.push(name);
      }
      p += whole.length;
    } else {
      const next = xml.indexOf("<", p);
      const text = xml.slice(p, next < 0 ? xml.length : next);
      if (text.replace(entity, "").includes("&")) throw new Error(`bare & in text: ${text}`);
      if (stack.length === 0 && text.trim()) throw new Error(`text outside the root: ${text}`);
      p = next < 0 ? xml.length : next;
    }
  }
  if (stack.length > 0) throw new Error(`unclosed <${stack.join("> <")}>`);
  if (roots !== 1) throw new Error(`${roots} root elements`);
  return names;
}

function unescape(s: string): string {
  return s.replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&quot;/g, '"').replace(/&apos;/g, "'").replace(/&amp;/g, "&");
}

/** The value boxes of a drawing: every <rect> with rounded corners. */
function boxes(svg: string): { x: number; y: number; w: number; h: number }[] {
  return [...svg.matchAll(/<rect x="([\d.-]+)" y="([\d.-]+)" width="([\d.]+)" height="([\d.]+)" rx/g)].map((m) => ({
    x: +m[1],
    y: +m[2],
    w: +m[3],
    h: +m[4],
  }));
}

describe("drawGraph", () => {
  const net = slideNet();
  net.L.backward();
  const svg = drawGraph(net.L);

  it("is a well-formed SVG document", () => {
    const names = checkXml(svg);
    expect(names[0]).toBe("svg");
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
  });

  it("shows every node's label, data and grad", () => {
    const text = unescape(svg);
    for (const v of topologicalOrder(net.L)) {
      expect(text).toContain(`data ${formatNumber(v.data)}`);
      expect(text).toContain(`grad ${formatNumber(v.grad)}`);
      if (v.label) expect(text).toContain(`>${v.label}<`);
    }
    for (const s of ["grad 16", "data -5", "grad -4", "grad 24", ">w1<", ">L<"]) expect(text).toContain(s);
  });

  it("has one box per value, one circle per op and an arrow per edge", () => {
    expect(boxes(svg)).toHaveLength(13);
    expect(svg.match(/<circle /g)).toHaveLength(7);
    // 7 op → output arrows + 12 input → op arrows
    expect(svg.match(/marker-end=/g)).toHaveLength(19);
    for (const op of [">×<", ">+<", ">relu<", ">−<", ">^2<"]) expect(svg).toContain(op);
  });

  it("lays the graph out left to right: inputs left of the ops that use them", () => {
    const xOf = (label: string) => {
      const i = svg.indexOf(`>${label}<`);
      return +svg.slice(svg.lastIndexOf("<rect", i)).match(/x="([\d.]+)"/)![1];
    };
    expect(xOf("w1")).toBeLessThan(xOf("z"));
    expect(xOf("z")).toBeLessThan(xOf("h"));
    expect(xOf("h")).toBeLessThan(xOf("y"));
    expect(xOf("y")).toBeLessThan(xOf("L"));
    expect(xOf("w1")).toBe(xOf("x"));
  });

  it("no two boxes overlap, also in a larger random graph", () => {
    const rng = new Rng(42);
    const leaves = Array.from({ length: 6 }, (_, i) => new Value(rng.normal(), `x${i}`));
    const root = run(randomProgram(rng, 6, 30), leaves);
    root.backward();
    const drawing = drawGraph(root);
    checkXml(drawing);
    const b = boxes(drawing);
    expect(b).toHaveLength(topologicalOrder(root).length);
    const overlapping: string[] = [];
    for (let i = 0; i < b.length; i++) {
      for (let j = i + 1; j < b.length; j++) {
        const apart = b[i].x + b[i].w <= b[j].x || b[j].x + b[j].w <= b[i].x || b[i].y + b[i].h <= b[j].y || b[j].y + b[j].h <= b[i].y;
        if (!apart) overlapping.push(`${i}/${j}`);
      }
    }
    expect(overlapping).toEqual([]);
  });

  it("escapes labels for XML", () => {
    const a = new Value(1, `a<b & "c"`);
    const drawing = drawGraph(a.mul(2).named("<out>"));
    checkXml(drawing);
    expect(drawing).toContain("a&lt;b &amp; &quot;c&quot;");
    expect(drawing).toContain("&lt;out&gt;");
    expect(escapeXml(`'&'`)).toBe("&apos;&amp;&apos;");
  });

  it("formats numbers with 4 significant digits", () => {
    expect(formatNumber(3)).toBe("3");
    expect(formatNumber(-0.123456)).toBe("-0.1235");
    expect(formatNumber(1 / 3)).toBe("0.3333");
    expect(formatNumber(123456)).toBe("123500");
    expect(formatNumber(1.5e-9)).toBe("1.5e-9");
    expect(formatNumber(NaN)).toBe("NaN");
    expect(formatNumber(-Infinity)).toBe("-Infinity");
    expect(formatNumber(Math.PI, 6)).toBe("3.14159");
  });

  it("draws a single leaf", () => {
    const drawing = drawGraph(new Value(2.5, "x"));
    expect(checkXml(drawing)).toContain("rect");
    expect(drawing).toContain("data 2.5");
  });
});
