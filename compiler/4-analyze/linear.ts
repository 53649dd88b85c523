/**
 * Linear predictors: an expert mean or a gate logit written any way that is affine in the
 * coefficients given the data — sums and differences of terms, intercept parameters, a
 * coefficient times a data entry or a data-only transform, `dot` with a data vector, constant
 * and data-only offsets, and `=` definitions inlined — decomposed into coefficient groups, each
 * with its regressor, and an offset. The design row the kernel assembles per data row is the
 * groups' regressors in order. Anything else is a {@link Mismatch} saying what is not linear.
 *
 * Regressors are {@link DataExpr}s: expressions of constants and input entries only, with the
 * element index `j` standing for each entry of a vector regressor (`abs(x)` is `abs(x[j])`).
 */
import type { BinaryExpr, Expr, Span } from "../ast.js";
import { foldLeftSpine } from "../walk.js";
import type { GraphNode, ModelGraph } from "../3-graph/index.js";
import { printExpr } from "../print.js";
import type { Affine } from "../lang/affine.js";
import type { Mismatch } from "./matches.js";
import { constantValue, nodeRef } from "./patterns.js";
import { DATA_FUNCTIONS, type DataExpr } from "../lang/data-expr.js";

/** One group of coefficients and what multiplies them. */
export interface CoefficientTerm {
  /** The coefficient family. */
  node: GraphNode;
  /** Entries per expert (or stick): undefined for a scalar coefficient, the vector's length otherwise. */
  length: Affine | undefined;
  /** What multiplies each entry: a scalar expression, or one in the element index j. */
  regressor: DataExpr;
  /** Where the model writes it, for diagnostics. */
  span: Span;
}

/** An affine predictor: Σ terms + offset. */
export interface LinearForm {
  terms: CoefficientTerm[];
  /** The data-only part; undefined when it is zero. */
  offset: DataExpr | undefined;
}

/**
 * Which references are coefficients: `expert` — parameters indexed by the allocation alone
 * (`beta[z]`, of a family over the experts, `beta[k]` a vector or `beta[k, j]` scalars); `gate` — parameter families over the sticks, written bare (`phi`, meaning each
 * stick's row, as in `phi * x`).
 */
export interface LinearContext {
  role: "expert" | "gate";
  /** The allocation's name (expert role). */
  allocation?: string;
  /** Accept an expression without coefficients (a likelihood's data argument, such as a binomial's trials): its form then has no terms. */
  dataOnly?: boolean;
}

type Fail = { ok: false; why: Mismatch };
/** A value during the decomposition: data, a vector of coefficients not yet multiplied out, or an affine form. */
type Value =
  | { t: "data"; e: DataExpr; length: Affine | undefined }
  | { t: "coefvec"; node: GraphNode; length: Affine | undefined; span: Span }
  | { t: "lin"; terms: CoefficientTerm[]; offset: DataExpr | undefined };

/** Inlining deeper than this is refused (definitions of definitions …). */
const MAX_INLINE = 64;

const cst = (value: number): DataExpr => ({ kind: "const", value });
const isZero = (e: DataExpr | undefined) => e === undefined || (e.kind === "const" && e.value === 0);
const isOne = (e: DataExpr) => e.kind === "const" && e.value === 1;

function bin(op: "+" | "-" | "*" | "/" | "^", left: DataExpr, right: DataExpr): DataExpr {
  if (left.kind === "const" && right.kind === "const") {
    const a = left.value;
    const b = right.value;
    return cst(op === "+" ? a + b : op === "-" ? a - b : op === "*" ? a * b : op === "/" ? a / b : a ** b);
  }
  if (op === "*" && isOne(left)) return right;
  if ((op === "*" || op === "/") && isOne(right)) return left;
  if ((op === "+" || op === "-") && isZero(right)) return left;
  if (op === "+" && isZero(left)) return right;
  return { kind: "binary", op, left, right };
}

function addOffsets(a: DataExpr | undefined, b: DataExpr | undefined, sign: 1 | -1): DataExpr | undefined {
  if (isZero(b)) return a;
  if (isZero(a)) return sign === 1 ? b : b!.kind === "const" ? cst(-b!.value) : { kind: "negate", arg: b! };
  return bin(sign === 1 ? "+" : "-", a!, b!);
}

/** Σ of two affine forms (terms of one coefficient merged: their regressors add). */
function addLin(a: Extract<Value, { t: "lin" }>, b: Extract<Value, { t: "lin" }>, sign: 1 | -1): Value {
  const terms = a.terms.map((t) => ({ ...t }));
  for (const t of b.terms) {
    const r = sign === 1 ? t.regressor : t.regressor.kind === "const" ? cst(-t.regressor.value) : ({ kind: "negate", arg: t.regressor } as DataExpr);
    const same = terms.find((x) => x.node === t.node);
    if (same) same.regressor = bin("+", same.regressor, r);
    else terms.push({ ...t, regressor: r });
  }
  return { t: "lin", terms, offset: addOffsets(a.offset, b.offset, sign) };
}

const asLin = (v: Value): Extract<Value, { t: "lin" }> | undefined =>
  v.t === "lin" ? v : v.t === "data" && v.length === undefined ? { t: "lin", terms: [], offset: isZero(v.e) ? undefined : v.e } : undefined;

/** Scales an affine form by a scalar data expression. */
function scale(v: Extract<Value, { t: "lin" }>, by: DataExpr, op: "*" | "/"): Value {
  return {
    t: "lin",
    terms: v.terms.map((t) => ({ ...t, regressor: bin(op, t.regressor, by) })),
    offset: v.offset === undefined ? undefined : bin(op, v.offset, by),
  };
}

/**
 * Decomposes `e` into coefficient groups and an offset, or says what is not linear. `what`
 * names the predictor in messages ("the mean of y"); `fix` is the rewrite offered.
 */
export function linearize(g: ModelGraph, e: Expr, ctx: LinearContext, what: string, fix: string): { ok: true; form: LinearForm } | Fail {
  const fail = (span: Span, reason: string, depth = 1): Fail => ({ ok: false, why: { reason, fix, span, depth } });
  const notLinear = (x: Expr, because: string) => fail(x.span, `${what} is not linear in the ${ctx.role === "expert" ? "expert" : "gate"} coefficients: ${because}`);

  function ref(x: Expr, depth: number, subst: ReadonlyMap<string, Expr>): Value | Fail {
    const r = nodeRef(g, x);
    if (!r) return notLinear(x, `\`${printExpr(x)}\` is not a reference this decomposition understands`);
    const n = r.node;
    const c = constantValue(g, x);
    if (c !== undefined) return { t: "data", e: cst(c), length: undefined };
    if (n.kind === "input") {
      // A scalar input is its one entry; a vector input bare is each of its entries j.
      if (r.indices.length === 0) {
        const elem = n.elem;
        if (elem.kind !== "vector") return { t: "data", e: { kind: "input", input: n.name, index: 0 }, length: undefined };
        return { t: "data", e: { kind: "input", input: n.name, index: "j" }, length: elem.n };
      }
      const at = r.indices.length === 1 ? constantValue(g, r.indices[0]) : undefined;
      if (at === undefined || !Number.isInteger(at) || at < 1) return notLinear(x, `the input entry \`${printExpr(x)}\` must be at a constant index`);
      return { t: "data", e: { kind: "input", input: n.name, index: at - 1 }, length: undefined };
    }
    if (n.kind === "deterministic" && n.value) {
      if (depth > MAX_INLINE) return notLinear(x, "definitions nest too deeply to inline");
      if (r.indices.length !== n.plates.length) return notLinear(x, `\`${n.name}\` is used with ${r.indices.length} indices but declared with ${n.plates.length}`);
      const inner = new Map<string, Expr>();
      n.plates.forEach((p, i) => inner.set(p.index, substituted(r.indices[i], subst)));
      return walk(n.value, depth + 1, inner);
    }
    if (n.kind !== "parameter") return notLinear(x, `\`${n.name}\` is ${n.kind === "latent" ? "a per-row latent variable" : "the response"}`);
    if (ctx.role === "expert" && ctx.allocation === undefined) {
      // One expert: its coefficients are plain parameters.
      if (r.indices.length > 0 || n.plates.length > 0) return fail(x.span, `\`${n.name}\` is indexed, but the model has no allocation to index the experts by`);
    } else if (ctx.role === "expert") {
      const z = r.indices.length === 1 ? substituted(r.indices[0], subst) : undefined;
      // `beta[z]` is expert z's coefficients: a family over the experts, of vectors or (as the
      // gate's `phi[k, j]`) of scalars over a second plate.
      const rows = n.plates.length === 1 || (n.plates.length === 2 && n.elem.kind !== "vector");
      if (!z || z.kind !== "name" || z.name !== ctx.allocation || !rows) {
        return fail(x.span, `the expert coefficients \`${printExpr(x)}\` must be indexed by the allocation alone`, 1);
      }
    } else if (r.indices.length !== 0) {
      return notLinear(x, `write the gate coefficients \`${n.name}\` bare, one row per stick or softmax category (\`${n.name} * x\`)`);
    }
    const rowIsVector = n.elem.kind === "vector" || n.plates.length === 2;
    if (!rowIsVector) return { t: "lin", terms: [{ node: n, length: undefined, regressor: cst(1), span: x.span }], offset: undefined };
    const length = n.elem.kind === "vector" ? n.elem.n : n.plates[1].range.hi;
    return { t: "coefvec", node: n, length, span: x.span };
  }

  /** Multiplies out a coefficient vector with a data vector (a dot product, or a gate's matrix row). */
  function product(cv: Extract<Value, { t: "coefvec" }>, dv: Value, at: Expr): Value | Fail {
    if (dv.t !== "data" || dv.length === undefined) return notLinear(at, `\`${cv.node.name}\` must be multiplied by a data vector`);
    return { t: "lin", terms: [{ node: cv.node, length: cv.length, regressor: dv.e, span: cv.span }], offset: undefined };
  }

  function walk(x: Expr, depth: number, subst: ReadonlyMap<string, Expr>): Value | Fail {
    switch (x.kind) {
      case "number":
        return { t: "data", e: cst(x.value), length: undefined };
      case "name":
      case "index": {
        const s = x.kind === "name" ? subst.get(x.name) : undefined;
        if (s) return walk(s, depth, new Map());
        return ref(x.kind === "index" ? { ...x, indices: x.indices.map((i) => substituted(i, subst)) } : x, depth, subst);
      }
      case "negate": {
        const v = walk(x.operand, depth, subst);
        if ("ok" in v) return v;
        if (v.t === "data") return { t: "data", e: v.e.kind === "const" ? cst(-v.e.value) : { kind: "negate", arg: v.e }, length: v.length };
        const l = asLin(v);
        return l ? scale(l, cst(-1), "*") : notLinear(x, `\`${printExpr(x.operand)}\` is a vector of coefficients; use \`dot\``);
      }
      case "call": {
        const name = x.callee.name;
        const args: Value[] = [];
        for (const a of x.args) {
          const v = walk(a, depth, subst);
          if ("ok" in v) return v;
          args.push(v);
        }
        if (name === "dot" && args.length === 2) {
          const [a, b] = args;
          if (a.t === "coefvec") return product(a, b, x);
          if (b.t === "coefvec") return product(b, a, x);
          if (a.t === "data" && b.t === "data" && a.length) return { t: "data", e: { kind: "sum", arg: bin("*", a.e, b.e), length: a.length }, length: undefined };
          return notLinear(x, "`dot` needs a coefficient vector and a data vector");
        }
        if (name === "sum" && args.length === 1) {
          const [a] = args;
          if (a.t === "coefvec") return { t: "lin", terms: [{ node: a.node, length: a.length, regressor: cst(1), span: a.span }], offset: undefined };
          if (a.t === "data" && a.length) return { t: "data", e: { kind: "sum", arg: a.e, length: a.length }, length: undefined };
          return notLinear(x, "`sum` needs a vector");
        }
        const js = DATA_FUNCTIONS.get(name);
        if (js && args.length === 1 && args[0].t === "data") return { t: "data", e: { kind: "call", fn: name, arg: args[0].e }, length: args[0].length };
        return notLinear(x, `\`${name}(…)\` of ${args.some((a) => a.t !== "data") ? "the coefficients" : "these arguments"} is not linear in them`);
      }
      case "binary":
        // Left spines (`a + b + c …`, as long as the model likes) are folded without recursion.
        return foldLeftSpine<Value | Fail>(
          x,
          (first) => walk(first, depth, subst),
          (l, node) => {
            if ("ok" in l) return l;
            const r = walk(node.right, depth, subst);
            return "ok" in r ? r : combine(node, l, r);
          },
        );
    }
  }

  function combine(x: BinaryExpr, l: Value, r: Value): Value | Fail {
    if (l.t === "data" && r.t === "data") return { t: "data", e: bin(x.op, l.e, r.e), length: l.length ?? r.length };
    if (x.op === "+" || x.op === "-") {
      const a = asLin(l);
      const b = asLin(r);
      if (!a || !b) return notLinear(x, "a vector is added to a scalar; multiply coefficient vectors out with `dot`");
      return addLin(a, b, x.op === "+" ? 1 : -1);
    }
    if (x.op === "*") {
      if (ctx.role === "gate" && l.t === "coefvec") return product(l, r, x);
      const [data, other] = l.t === "data" ? [l, r] : r.t === "data" ? [r, l] : [undefined, undefined];
      if (!data || !other) return notLinear(x, `it multiplies coefficients by coefficients in \`${printExpr(x)}\``);
      const lin = asLin(other);
      if (!lin || data.length !== undefined) return notLinear(x, "a vector multiplies the coefficients; use `dot`");
      return scale(lin, data.e, "*");
    }
    if (x.op === "/" && r.t === "data" && r.length === undefined) {
      const lin = asLin(l);
      if (lin) return scale(lin, r.e, "/");
    }
    return notLinear(x, `\`${printExpr(x)}\` ${x.op === "/" ? "divides by" : "raises to a power of"} an expression of the coefficients`);
  }

  const v = walk(e, 0, new Map());
  if ("ok" in v) return v;
  const lin = asLin(v);
  if (!lin) return notLinear(e, v.t === "coefvec" ? `\`${v.node.name}\` is a vector of coefficients; use \`dot(${v.node.name}[…], x)\`` : "it is a vector, not a number");
  if (lin.terms.length === 0 && !ctx.dataOnly) return notLinear(e, "it has no coefficients at all");
  if ([lin.offset, ...lin.terms.map((t) => t.regressor)].some((d) => d !== undefined && depthOf(d) > MAX_DATA_DEPTH)) {
    return notLinear(e, `its data-only part nests more than ${MAX_DATA_DEPTH} operations deep`);
  }
  return { ok: true, form: { terms: lin.terms, offset: isZero(lin.offset) ? undefined : lin.offset } };
}

/** Deepest data expression the kernel is written with (its printer recurses). */
const MAX_DATA_DEPTH = 512;

/** The depth of a data expression, without recursion. */
function depthOf(e: DataExpr): number {
  let max = 0;
  const stack: [DataExpr, number][] = [[e, 1]];
  while (stack.length > 0) {
    const [x, d] = stack.pop()!;
    if (d > max) max = d;
    if (x.kind === "binary") stack.push([x.left, d + 1], [x.right, d + 1]);
    else if (x.kind === "call" || x.kind === "negate" || x.kind === "sum") stack.push([x.arg, d + 1]);
  }
  return max;
}

/** `e` with the index variables of an inlined definition replaced by the indices it is used with. */
function substituted(e: Expr, subst: ReadonlyMap<string, Expr>): Expr {
  if (subst.size === 0) return e;
  switch (e.kind) {
    case "name":
      return subst.get(e.name) ?? e;
    case "index":
      return { ...e, target: substituted(e.target, subst), indices: e.indices.map((i) => substituted(i, subst)) };
    case "call":
      return { ...e, args: e.args.map((a) => substituted(a, subst)) };
    case "binary":
      return { ...e, left: substituted(e.left, subst), right: substituted(e.right, subst) };
    case "negate":
      return { ...e, operand: substituted(e.operand, subst) };
    default:
      return e;
  }
}
