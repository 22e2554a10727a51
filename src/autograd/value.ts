/**
 * Scalar reverse-mode autograd: a `Value` holds a number (`data`), its gradient (`grad`), the
 * values it was computed from (`children`) and the operation (`op`). Every operation builds its
 * output and a small closure that ADDS the chain rule's contribution to its inputs' `.grad`
 * (a value used twice receives both contributions). `backward()` walks the graph in reverse
 * topological order and runs those closures.
 *
 * Derivative rules, for out = f(a, b) and upstream gradient g = out.grad:
 *   a + b    a.grad += g             b.grad += g
 *   a − b    a.grad += g             b.grad −= g
 *   a · b    a.grad += b·g           b.grad += a·g
 *   a / b    a.grad += g/b           b.grad −= a·g/b²
 *   a^k      a.grad += k·a^(k−1)·g   (k a plain number)
 *   −a       a.grad −= g
 *   relu(a)  a.grad += (a > 0 ? g : 0)
 *   exp(a)   a.grad += out·g
 *   tanh(a)  a.grad += (1 − out²)·g
 */

/** A Value or a plain number (a number becomes a constant leaf of the graph). */
export type Operand = Value | number;

export class Value {
  /** The number this node holds. */
  data: number;
  /** dRoot/dThis after the last `backward()` of a graph containing this node (0 before). */
  grad = 0;
  /** A name shown by `drawGraph` (e.g. "w1"); empty for unnamed nodes. */
  label: string;
  /** The operation that produced this value ("+", "-", "*", "/", "^2", "neg", "relu", "exp", "tanh"); "" for a leaf. */
  readonly op: string;
  /** The inputs of `op`, in order (empty for a leaf). */
  readonly children: readonly Value[];
  private backwardStep: () => void = () => {};

  /**
   * A leaf holding the number x, optionally named (the name is shown by drawGraph).
   * `children` and `op` are filled in by the operations; user code passes only x and label.
   */
  constructor(x: number, label = "", children: readonly Value[] = [], op = "") {
    if (typeof x !== "number") throw new Error(`Value: expected a number, got ${typeof x}`);
    this.data = x;
    this.label = label;
    this.children = children;
    this.op = op;
  }

  /** Set the label and return this value, for naming intermediate results inline. */
  named(label: string): this {
    this.label = label;
    return this;
  }

  /** this + other. */
  add(other: Operand): Value {
    const b = asValue(other);
    return Value.result(this.data + b.data, "+", [this, b], (g) => {
      this.grad += g;
      b.grad += g;
    });
  }

  /** this − other. */
  sub(other: Operand): Value {
    const b = asValue(other);
    return Value.result(this.data - b.data, "-", [this, b], (g) => {
      this.grad += g;
      b.grad -= g;
    });
  }

  /** this · other. */
  mul(other: Operand): Value {
    const b = asValue(other);
    return Value.result(this.data * b.data, "*", [this, b], (g) => {
      this.grad += b.data * g;
      b.grad += this.data * g;
    });
  }

  /** this / other. */
  div(other: Operand): Value {
    const b = asValue(other);
    return Value.result(this.data / b.data, "/", [this, b], (g) => {
      this.grad += g / b.data;
      b.grad -= (this.data * g) / (b.data * b.data);
    });
  }

  /** this^k for a plain number k (shown as the op "^k"). */
  pow(k: number): Value {
    if (typeof k !== "number" || !Number.isFinite(k)) {
      throw new Error(`Value.pow: the exponent must be a finite plain number, got ${String(k)}`);
    }
    return Value.result(this.data ** k, `^${k}`, [this], (g) => {
      this.grad += k * this.data ** (k - 1) * g;
    });
  }

  /** −this. */
  neg(): Value {
    return Value.result(-this.data, "neg", [this], (g) => {
      this.grad -= g;
    });
  }

  /** max(0, this); the gradient at exactly 0 is taken as 0. */
  relu(): Value {
    return Value.result(Math.max(0, this.data), "relu", [this], (g) => {
      if (this.data > 0) this.grad += g;
    });
  }

  /** e^this. */
  exp(): Value {
    const out: Value = Value.result(Math.exp(this.data), "exp", [this], (g) => {
      this.grad += out.data * g;
    });
    return out;
  }

  /** tanh(this). */
  tanh(): Value {
    const out: Value = Value.result(Math.tanh(this.data), "tanh", [this], (g) => {
      this.grad += (1 - out.data * out.data) * g;
    });
    return out;
  }

  /**
   * Backpropagation from this value: every node reachable from it gets grad 0, this node gets
   * grad 1, then each node's closure runs in reverse topological order. Calling it twice gives the
   * same gradients (they are reset, not accumulated across calls); to combine several losses,
   * backpropagate from their sum.
   */
  backward(): void {
    const order = topologicalOrder(this);
    for (const v of order) v.grad = 0;
    this.grad = 1;
    for (let i = order.length - 1; i >= 0; i--) order[i].backwardStep();
  }

  toString(): string {
    const name = this.label ? `${this.label}: ` : "";
    return `Value(${name}data=${this.data}, grad=${this.grad})`;
  }

  /** A node computed by `op` from `children`, whose closure passes its grad on by `step`. */
  private static result(data: number, op: string, children: Value[], step: (g: number) => void): Value {
    const out = new Value(data, "", children, op);
    out.backwardStep = () => step(out.grad);
    return out;
  }
}

function asValue(x: Operand): Value {
  if (x instanceof Value) return x;
  if (typeof x === "number") return new Value(x);
  throw new Error(`Value: an operand must be a Value or a number, got ${typeof x}`);
}

/**
 * All nodes reachable from root, each after all of its children (inputs first, root last).
 * Iterative depth-first search, so long chains do not overflow the call stack.
 */
export function topologicalOrder(root: Value): Value[] {
  const order: Value[] = [];
  const seen = new Set<Value>([root]);
  const stack: [Value, number][] = [[root, 0]];
  while (stack.length > 0) {
    const top = stack[stack.length - 1];
    const [node, next] = top;
    if (next < node.children.length) {
      top[1]++;
      const child = node.children[next];
      if (!seen.has(child)) {
        seen.add(child);
        stack.push([child, 0]);
      }
    } else {
      stack.pop();
      order.push(node);
    }
  }
  return order;
}
