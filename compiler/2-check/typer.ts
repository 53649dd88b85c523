/**
 * Types of expressions. Every variable is seen as a stack of dimensions — its family's index
 * ranges, then the vector or matrix dimensions of one element — so `phi[k, j]`, `phi[k]`
 * (a row, a vector) and a bare `phi` (a matrix) are one rule: each index consumes a
 * dimension and is checked against its range; what remains is the result's shape.
 */
import type { CallExpr, Expr, IndexExpr, NameExpr } from "../ast.js";
import { add, constant, constantValue, difference, formatAffine, scale, sub, variable, type Affine } from "../lang/affine.js";
import { distributions } from "../lang/distributions.js";
import { functions } from "../lang/functions.js";
import { ERROR, formatRange, formatTy, isScalar, sizesAgree, type IndexRange, type Ty } from "../lang/types.js";
import { checkCall } from "./calls.js";
import type { CheckContext, Scope } from "./context.js";
import { reportUnknownName } from "./names.js";
import { didYouMean } from "./suggest.js";
import { foldLeftSpine } from "../walk.js";

/** A value seen as dimensions (outermost first) over a scalar element kind. */
interface Dims {
  ranges: (IndexRange | undefined)[];
  scalar: "int" | "real";
}

function rangeOfSize(n: Affine | undefined): IndexRange | undefined {
  return n && { lo: constant(1), hi: n };
}

function sizeOfRange(r: IndexRange | undefined): Affine | undefined {
  return r && add(sub(r.hi, r.lo), constant(1));
}

function dimsOf(family: IndexRange[], elem: Ty): Dims | undefined {
  switch (elem.kind) {
    case "int":
    case "real":
      return { ranges: [...family], scalar: elem.kind };
    case "vector":
      return { ranges: [...family, rangeOfSize(elem.n)], scalar: "real" };
    case "matrix":
      return { ranges: [...family, rangeOfSize(elem.rows), rangeOfSize(elem.cols)], scalar: "real" };
    case "error":
      return undefined;
  }
}

function tyOfDims(d: Dims): Ty | undefined {
  if (d.ranges.length === 0) return { kind: d.scalar };
  if (d.ranges.length === 1) return { kind: "vector", n: sizeOfRange(d.ranges[0]) };
  if (d.ranges.length === 2) return { kind: "matrix", rows: sizeOfRange(d.ranges[0]), cols: sizeOfRange(d.ranges[1]) };
  return undefined;
}

/** Types `e` in `scope`, records the type of every node, and reports what is wrong. */
export function typeOf(ctx: CheckContext, e: Expr, scope: Scope): Ty {
  const t = computeType(ctx, e, scope);
  ctx.exprTypes.set(e, t);
  return t;
}

function computeType(ctx: CheckContext, e: Expr, scope: Scope): Ty {
  switch (e.kind) {
    case "number": {
      if (!e.isInt) return { kind: "real" };
      const value = constant(e.value);
      return { kind: "int", lo: value, hi: value };
    }
    case "name":
      return nameType(ctx, e, scope);
    case "index":
      return indexType(ctx, e, scope);
    case "call":
      return callType(ctx, e, scope);
    case "negate": {
      const t = typeOf(ctx, e.operand, scope);
      if (t.kind !== "int") return t;
      return t.lo && t.hi ? { kind: "int", lo: scale(t.hi, -1), hi: scale(t.lo, -1) } : { kind: "int" };
    }
    case "binary":
      return foldLeftSpine(
        e,
        (x) => typeOf(ctx, x, scope),
        (left, b) => {
          const t = binaryType(ctx, b.op, left, typeOf(ctx, b.right, scope), b);
          ctx.exprTypes.set(b, t);
          return t;
        },
      );
  }
}

/** The dimensions a name refers to, or undefined after reporting. */
function nameDims(ctx: CheckContext, e: NameExpr, scope: Scope): Dims | undefined {
  const bound = scope.get(e.name);
  if (bound) return { ranges: [], scalar: "int" };
  const sym = ctx.symbols.get(e.name);
  if (!sym) {
    reportUnknownName(ctx, e.name, e.span, scope);
    return undefined;
  }
  switch (sym.kind) {
    case "hyper":
      if (!sym.array) return { ranges: [], scalar: sym.type };
      return sym.array.length ? { ranges: [{ lo: constant(1), hi: sym.array.length }], scalar: sym.type } : undefined;
    case "dim":
      return { ranges: [], scalar: "int" };
    case "data":
      return dimsOf([], sym.ty);
    case "variable":
      if (ctx.pending.has(sym.name)) return undefined; // on a dependency cycle, reported there
      return dimsOf(sym.family, sym.elem);
  }
}

function nameType(ctx: CheckContext, e: NameExpr, scope: Scope): Ty {
  const bound = scope.get(e.name);
  if (bound) return { kind: "int", lo: bound.lo, hi: bound.hi };
  const sym = ctx.symbols.get(e.name);
  if (sym && (sym.kind === "dim" || (sym.kind === "hyper" && sym.type === "int" && !sym.array))) {
    const v = variable(e.name);
    return { kind: "int", lo: v, hi: v };
  }
  // Unindexed single values keep their full type (an allocation `z` keeps its range 1..K).
  if (sym?.kind === "data") return sym.ty;
  if (sym?.kind === "variable" && sym.family.length === 0 && !ctx.pending.has(sym.name)) return sym.elem;
  const d = nameDims(ctx, e, scope);
  if (!d) return ERROR;
  const t = tyOfDims(d);
  if (t) return t;
  ctx.report("shape_mismatch", e.span, {
    detail: `\`${e.name}\` has ${d.ranges.length} dimensions; a value can have at most two`,
    fix: `index it, e.g. \`${e.name}[k]\``,
  });
  return ERROR;
}

function indexType(ctx: CheckContext, e: IndexExpr, scope: Scope): Ty {
  let dims: Dims | undefined;
  let name: string;
  if (e.target.kind === "name") {
    name = e.target.name;
    dims = nameDims(ctx, e.target, scope);
    ctx.exprTypes.set(e.target, dims ? (tyOfDims(dims) ?? ERROR) : ERROR);
  } else {
    name = "this value";
    const t = typeOf(ctx, e.target, scope);
    dims = dimsOf([], t);
  }
  const indexTypes = e.indices.map((i) => typeOf(ctx, i, scope));
  if (!dims) return ERROR;
  if (e.indices.length > dims.ranges.length) {
    ctx.report("index_count", e.span, { name, expected: dims.ranges.length, found: `${e.indices.length} were` });
    return ERROR;
  }
  let ok = true;
  e.indices.forEach((index, i) => {
    ok = checkIndex(ctx, name, i + 1, index, indexTypes[i], dims!.ranges[i]) && ok;
  });
  if (!ok) return ERROR;
  // An entry of an integer array takes the values it lists, which is what proves `lambda[group[j]]` in range.
  const sym = e.target.kind === "name" && !scope.has(e.target.name) ? ctx.symbols.get(e.target.name) : undefined;
  const entries = sym?.kind === "hyper" && sym.type === "int" ? sym.array?.entries : undefined;
  if (entries && entries.length > 0) {
    let lo = Infinity;
    let hi = -Infinity;
    for (const v of entries) {
      lo = Math.min(lo, v);
      hi = Math.max(hi, v);
    }
    return { kind: "int", lo: constant(lo), hi: constant(hi) };
  }
  return tyOfDims({ ranges: dims.ranges.slice(e.indices.length), scalar: dims.scalar }) ?? ERROR;
}

function checkIndex(ctx: CheckContext, name: string, position: number, index: Expr, t: Ty, range: IndexRange | undefined): boolean {
  if (t.kind === "error") return false;
  if (t.kind !== "int") {
    ctx.report("argument_kind", index.span, {
      detail: `an index must be an integer, but this is ${formatTy(t)}`,
      fix: "index with an integer: a literal, an index variable or an allocation such as `z`",
    });
    return false;
  }
  if (!range) return true;
  const below = t.lo && difference(t.lo, range.lo, ctx.values);
  const above = t.hi && difference(t.hi, range.hi, ctx.values);
  const bad = below !== undefined && below < 0 ? t.lo : above !== undefined && above > 0 ? t.hi : undefined;
  if (!bad) return true;
  const takes = t.lo && t.hi ? `this index takes the values ${formatRange({ lo: t.lo, hi: t.hi })}` : "";
  const via = ctx.explainValues([...bad.terms, ...range.lo.terms, ...range.hi.terms].map(([n]) => n));
  ctx.report("index_out_of_range", index.span, {
    position,
    name,
    value: formatAffine(bad),
    range: formatRange(range),
    fix: [takes, via && `with ${via}`].filter((s) => s).join(", ") || `keep the index within ${formatRange(range)}`,
  });
  return false;
}

function callType(ctx: CheckContext, e: CallExpr, scope: Scope): Ty {
  const argTypes = e.args.map((a) => typeOf(ctx, a, scope));
  const fn = functions.get(e.callee.name);
  if (fn) return checkCall(ctx, fn, e, argTypes, scope);
  if (distributions.has(e.callee.name)) {
    ctx.report("argument_kind", e.callee.span, {
      detail: `\`${e.callee.name}\` is a distribution, not a function`,
      fix: `a distribution can only stand on the right of \`~\`, as in \`v ~ ${e.callee.name}(…)\``,
    });
    return ERROR;
  }
  ctx.report("unknown_function", e.callee.span, didYouMean(e.callee.name, () => functions.keys()));
  return ERROR;
}

/** The value of an int type whose bounds are one and the same constant. */
function constantInt(t: Ty & { kind: "int" }): number | undefined {
  const lo = t.lo && constantValue(t.lo);
  return lo !== undefined && t.hi && constantValue(t.hi) === lo ? lo : undefined;
}

function intBounds(op: "+" | "-" | "*", a: Ty & { kind: "int" }, b: Ty & { kind: "int" }): Ty {
  if (!a.lo || !a.hi || !b.lo || !b.hi) return { kind: "int" };
  if (op === "+") return { kind: "int", lo: add(a.lo, b.lo), hi: add(a.hi, b.hi) };
  if (op === "-") return { kind: "int", lo: sub(a.lo, b.hi), hi: sub(a.hi, b.lo) };
  // Products keep bounds only for a non-negative constant factor.
  const [k, v] = constantInt(b) !== undefined ? [constantInt(b)!, a] : [constantInt(a), b];
  if (k === undefined || k < 0 || !v.lo || !v.hi) return { kind: "int" };
  return { kind: "int", lo: scale(v.lo, k), hi: scale(v.hi, k) };
}

function binaryType(ctx: CheckContext, op: string, l: Ty, r: Ty, e: Expr): Ty {
  if (l.kind === "error" || r.kind === "error") return ERROR;
  const mismatch = (fix: string): Ty => {
    ctx.report("shape_mismatch", e.span, { detail: `\`${op}\` cannot combine ${formatTy(l)} and ${formatTy(r)}`, fix });
    return ERROR;
  };
  if (isScalar(l) && isScalar(r)) {
    if (l.kind === "int" && r.kind === "int" && (op === "+" || op === "-" || op === "*")) return intBounds(op, l, r);
    return { kind: "real" };
  }
  if (op === "^") return mismatch("`^` raises a scalar to a scalar power");
  if (op === "/") return isScalar(r) ? l : mismatch("only division by a scalar is supported");
  if (op === "*") {
    if (isScalar(l)) return r;
    if (isScalar(r)) return l;
    if (l.kind === "matrix" && r.kind === "vector") {
      return sizesAgree(l.cols, r.n, ctx.values) ? { kind: "vector", n: l.rows } : mismatch("the matrix's columns must match the vector's length");
    }
    if (l.kind === "matrix" && r.kind === "matrix") {
      return sizesAgree(l.cols, r.rows, ctx.values)
        ? { kind: "matrix", rows: l.rows, cols: r.cols }
        : mismatch("the left matrix's columns must match the right matrix's rows");
    }
    if (l.kind === "vector" && r.kind === "vector") return mismatch("for the inner product of two vectors write `dot(a, b)`");
    return mismatch("multiply a matrix by a vector, or anything by a scalar");
  }
  // + and -: same shape, or a scalar broadcast.
  if (isScalar(l)) return r;
  if (isScalar(r)) return l;
  if (l.kind === "vector" && r.kind === "vector" && sizesAgree(l.n, r.n, ctx.values)) return l;
  if (l.kind === "matrix" && r.kind === "matrix" && sizesAgree(l.rows, r.rows, ctx.values) && sizesAgree(l.cols, r.cols, ctx.values)) return l;
  return mismatch("both sides must have the same shape");
}
