/**
 * Expression patterns the rules match against: constants, products split into factors,
 * references `v` / `v[i, …]` to graph nodes, and calls. Each helper answers a structural
 * question and returns undefined when the expression does not have that shape.
 */
import type { Expr } from "../ast.js";
import type { GraphNode, ModelGraph } from "../3-graph/index.js";

const scalarFunctions: ReadonlyMap<string, (v: number) => number> = new Map([
  ["sqrt", Math.sqrt], ["exp", Math.exp], ["log", Math.log], ["log1p", Math.log1p], ["abs", Math.abs],
  ["logistic", (v: number) => 1 / (1 + Math.exp(-v))],
]);

/** The value of an expression of literals and hyperparameters (and constant `=` nodes). */
export function constantValue(g: ModelGraph, e: Expr): number | undefined {
  switch (e.kind) {
    case "number":
      return e.value;
    case "name": {
      const n = g.byName.get(e.name);
      if (n?.kind === "hyper") return n.hyperValue;
      if (n?.kind === "deterministic" && n.plates.length === 0 && n.value) return constantValue(g, n.value);
      return undefined;
    }
    case "negate": {
      const v = constantValue(g, e.operand);
      return v === undefined ? undefined : -v;
    }
    case "binary": {
      const l = constantValue(g, e.left);
      const r = constantValue(g, e.right);
      if (l === undefined || r === undefined) return undefined;
      return e.op === "+" ? l + r : e.op === "-" ? l - r : e.op === "*" ? l * r : e.op === "/" ? l / r : l ** r;
    }
    case "call": {
      const args = e.args.map((a) => constantValue(g, a));
      if (args.some((a) => a === undefined)) return undefined;
      const [a] = args as number[];
      const f = scalarFunctions.get(e.callee.name);
      return args.length === 1 && f ? f(a) : undefined;
    }
    default:
      return undefined;
  }
}

/** The factors of a product `a * b * c` (a single factor when it is not a product). */
export function factors(e: Expr): Expr[] {
  return e.kind === "binary" && e.op === "*" ? [...factors(e.left), ...factors(e.right)] : [e];
}

/** A reference to a graph node, bare or indexed. */
export interface NodeRef {
  node: GraphNode;
  indices: Expr[];
  expr: Expr;
}

/** `v` or `v[i, j]` where v is a graph node (indices must be written as one bracket). */
export function nodeRef(g: ModelGraph, e: Expr): NodeRef | undefined {
  if (e.kind === "name") {
    const node = g.byName.get(e.name);
    return node && { node, indices: [], expr: e };
  }
  if (e.kind === "index" && e.target.kind === "name") {
    const node = g.byName.get(e.target.name);
    return node && { node, indices: e.indices, expr: e };
  }
  return undefined;
}

/** True when `indices` are exactly the index variables `names`, in order. */
export function indexedBy(indices: Expr[], names: string[]): boolean {
  return indices.length === names.length && indices.every((ix, i) => ix.kind === "name" && ix.name === names[i]);
}

/** The call `name(args)`, if `e` is one. */
export function call(e: Expr, name: string): Expr[] | undefined {
  return e.kind === "call" && e.callee.name === name ? e.args : undefined;
}

/** `I(D)` (possibly written with a size expression): the identity matrix. */
export function isIdentity(e: Expr): boolean {
  return e.kind === "call" && e.callee.name === "I";
}
