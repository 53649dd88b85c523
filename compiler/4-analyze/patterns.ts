/**
 * Expression patterns the rules match against: constants, products split into factors,
 * references `v` / `v[i, …]` to graph nodes, and calls. Each helper answers a structural
 * question and returns undefined when the expression does not have that shape.
 */
import type { Expr } from "../ast.js";
import type { GraphNode, ModelGraph } from "../3-graph/index.js";
import { foldConstant } from "../lang/arithmetic.js";
import { foldLeftSpine } from "../walk.js";
import { formatRange } from "../lang/types.js";
import { printExpr } from "../print.js";

const scalarFunctions: ReadonlyMap<string, (v: number) => number> = new Map([
  ["sqrt", Math.sqrt], ["exp", Math.exp], ["log", Math.log], ["log1p", Math.log1p], ["abs", Math.abs],
  ["logistic", (v: number) => 1 / (1 + Math.exp(-v))],
]);

/**
 * The values of a graph's single constant `=` nodes, worked out once in dependency order, so
 * a chain of definitions `c2 = c1 + 1` is a loop, not a recursion per definition.
 */
const nodeConstants = new WeakMap<ModelGraph, ReadonlyMap<string, number | undefined>>();

function constantNodes(g: ModelGraph): ReadonlyMap<string, number | undefined> {
  let values = nodeConstants.get(g);
  if (!values) {
    const building = new Map<string, number | undefined>();
    for (const n of g.nodes) {
      if (n.kind === "deterministic" && n.plates.length === 0 && n.value) building.set(n.name, evaluate(g, n.value, building));
    }
    nodeConstants.set(g, building);
    values = building;
  }
  return values;
}

/**
 * The value of an expression of literals and hyperparameters (and constant `=` nodes), with
 * index variables given values by `bindings` (a family's value at one index).
 */
export function constantValue(g: ModelGraph, e: Expr, bindings?: ReadonlyMap<string, number>): number | undefined {
  return evaluate(g, e, constantNodes(g), bindings);
}

function evaluate(g: ModelGraph, e: Expr, nodes: ReadonlyMap<string, number | undefined>, bindings?: ReadonlyMap<string, number>): number | undefined {
  return foldConstant(
    e,
    (id) => {
      const bound = bindings?.get(id);
      if (bound !== undefined) return bound;
      const n = g.byName.get(id);
      return n?.kind === "hyper" ? n.hyperValue : nodes.get(id);
    },
    (callee, args) => {
      const f = scalarFunctions.get(callee);
      return args.length === 1 && f ? f(args[0]) : undefined;
    },
  );
}

/**
 * A prior mean: a constant (every entry), or for a vector family the name of an array
 * hyperparameter with its entries (`mvnormal(m0, …)`, `m0: vector[D] = [0, 1]`); undefined otherwise.
 */
export function priorMean(g: ModelGraph, e: Expr, vector: boolean): number | { name: string; entries: readonly number[] } | undefined {
  const c = constantValue(g, e);
  if (c !== undefined) return c;
  const n = e.kind === "name" ? g.byName.get(e.name) : undefined;
  return vector && n?.kind === "hyper" && n.hyperEntries ? { name: n.name, entries: n.hyperEntries } : undefined;
}

/** A parameter's prior as a hint quotes it: `normal(0, 1)`. */
export function prior(n: GraphNode): string {
  return `${n.distribution!.name}(${n.distribution!.args.map((a) => printExpr(a)).join(", ")})`;
}

/** A parameter's declaration as a hint quotes it, `c ~ normal(0, 1)`, or with `definition` (`= 1`) in place of its prior. */
export function declaration(n: GraphNode, definition = `~ ${prior(n)}`): string {
  const plates = n.plates.length ? `[${n.plates.map((p) => `${p.index} in ${formatRange(p.range)}`).join(", ")}]` : "";
  return `${n.name}${plates} ${definition}`;
}

/** The factors of a product `a * b * c`, in source order (a single factor when it is not a product). */
export function factors(e: Expr): Expr[] {
  const out: Expr[] = [];
  const stack: Expr[] = [e];
  while (stack.length > 0) {
    const x = stack.pop()!;
    if (x.kind === "binary" && x.op === "*") stack.push(x.right, x.left);
    else out.push(x);
  }
  return out;
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

/**
 * `e` with each reference to a family of equal constants (`s[k in 1..K] = 0.5`, used as `s[z]`)
 * replaced by that constant's expression, so {@link constantValue} sees through it.
 */
export function inlineConstantFamilies(g: ModelGraph, e: Expr): Expr {
  switch (e.kind) {
    case "index": {
      const n = e.target.kind === "name" ? g.byName.get(e.target.name) : undefined;
      if (n?.kind === "deterministic" && n.value && n.plates.length === e.indices.length && constantValue(g, n.value) !== undefined) return n.value;
      return e;
    }
    case "call":
      return { ...e, args: e.args.map((a) => inlineConstantFamilies(g, a)) };
    case "binary":
      // Left spines (a 50,000-term sum) are rebuilt without recursion.
      return foldLeftSpine<Expr>(e, (x) => inlineConstantFamilies(g, x), (left, node) => ({ ...node, left, right: inlineConstantFamilies(g, node.right) }));
    case "negate":
      return { ...e, operand: inlineConstantFamilies(g, e.operand) };
    default:
      return e;
  }
}
