/**
 * Calls of functions and distributions against their table signatures: argument count,
 * shapes (unifying size names such as `n` across arguments), constant arguments against
 * their supports, and the result type.
 */
import type { CallExpr } from "../ast.js";
import { add, constant, formatAffine, type Affine } from "../lang/affine.js";
import { inSupport, supportText, type ParamSpec, type ResultShape } from "../lang/signatures.js";
import { ERROR, formatTy, isScalar, sizesAgree, type Ty } from "../lang/types.js";
import type { CheckContext, Scope } from "./context.js";
import { constantOf, sizeOf } from "./sizes.js";

/** A table entry as calls see it: a distribution or a function. */
export interface Callable {
  name: string;
  params: readonly ParamSpec[];
  result: ResultShape;
}

function signature(c: Callable): string {
  return `${c.name}(${c.params.map((p) => p.name).join(", ")})`;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}

/** Binds or compares a size name; false on disagreement. */
function unify(ctx: CheckContext, sizes: Map<string, Affine | undefined>, name: string, size: Affine | undefined): boolean {
  if (!sizes.has(name)) {
    sizes.set(name, size);
    return true;
  }
  const bound = sizes.get(name);
  if (!sizesAgree(bound, size, ctx.values)) return false;
  if (bound === undefined) sizes.set(name, size);
  return true;
}

function shapeProblem(ctx: CheckContext, p: ParamSpec, t: Ty, sizes: Map<string, Affine | undefined>): string | undefined {
  const s = p.shape;
  switch (s.kind) {
    case "scalar":
      return isScalar(t) ? undefined : "a scalar";
    case "vectorOrScalar":
      if (isScalar(t)) return undefined;
      if (t.kind !== "vector") return "a vector or a scalar";
      return unify(ctx, sizes, s.n, t.n) ? undefined : `a vector of length ${formatAffine(sizes.get(s.n)!)}`;
    case "entries":
      if (isScalar(t)) return unify(ctx, sizes, s.n, constant(1)) ? undefined : `a vector of length ${formatAffine(sizes.get(s.n)!)}`;
      if (t.kind !== "vector") return "a vector or a scalar";
      return unify(ctx, sizes, s.n, t.n) ? undefined : `a vector of length ${formatAffine(sizes.get(s.n)!)}`;
    case "vector":
      if (t.kind !== "vector") return "a vector";
      return unify(ctx, sizes, s.n, t.n) ? undefined : `a vector of length ${formatAffine(sizes.get(s.n)!)}`;
    case "matrix": {
      if (t.kind !== "matrix") return "a matrix";
      const okRows = unify(ctx, sizes, s.rows, t.rows);
      const okCols = okRows && unify(ctx, sizes, s.cols, t.cols);
      if (okRows && okCols) return undefined;
      const rows = sizes.get(s.rows);
      const cols = sizes.get(s.cols);
      return `a ${rows ? formatAffine(rows) : "?"}×${cols ? formatAffine(cols) : "?"} matrix`;
    }
    case "size":
    case "elementwise":
      return undefined;
  }
}

function resultType(r: ResultShape, sizes: Map<string, Affine | undefined>, argTypes: Ty[]): Ty {
  switch (r.kind) {
    case "real":
      return { kind: "real" };
    case "vector": {
      const n = sizes.get(r.n);
      if (!r.plus) return { kind: "vector", n };
      const m = sizes.get(r.plus);
      return { kind: "vector", n: n && m && add(n, m) };
    }
    case "matrix":
      return { kind: "matrix", rows: sizes.get(r.rows), cols: sizes.get(r.cols) };
    case "same": {
      const t = argTypes[0];
      return t.kind === "int" ? { kind: "real" } : t;
    }
    case "int": {
      const hiBase = r.hi === undefined ? undefined : typeof r.hi === "number" ? constant(r.hi) : sizes.get(r.hi);
      const hi = hiBase && (r.plus ? add(hiBase, constant(r.plus)) : hiBase);
      return hi ? { kind: "int", lo: constant(r.lo), hi } : { kind: "int", lo: constant(r.lo) };
    }
  }
}

/**
 * Checks a call whose callee is `callee`, given its arguments' types (already computed), and
 * returns the result type (`error` after reporting a problem).
 */
export function checkCall(ctx: CheckContext, callee: Callable, call: CallExpr, argTypes: Ty[], scope: Scope): Ty {
  const { params } = callee;
  if (call.args.length !== params.length) {
    ctx.report("argument_count", call.span, {
      name: callee.name,
      expected: plural(params.length, "argument"),
      found: `${call.args.length} ${call.args.length === 1 ? "was" : "were"}`,
      signature: `the signature is ${signature(callee)}`,
    });
    return ERROR;
  }
  if (argTypes.some((t) => t.kind === "error")) return ERROR;
  const sizes = new Map<string, Affine | undefined>();
  let ok = true;
  params.forEach((p, i) => {
    const arg = call.args[i];
    if (p.shape.kind === "size") {
      const size = sizeOf(ctx, arg, scope);
      if (!size) ok = false;
      sizes.set(p.shape.n, size);
      return;
    }
    const problem = shapeProblem(ctx, p, argTypes[i], sizes);
    if (problem) {
      ok = false;
      ctx.report("shape_mismatch", arg.span, {
        detail: `the ${p.name} of \`${callee.name}\` must be ${problem}, but this is ${formatTy(argTypes[i])}`,
        fix: `the signature is ${signature(callee)}`,
      });
      return;
    }
    checkSupport(ctx, callee, p, arg);
  });
  return ok ? resultType(callee.result, sizes, argTypes) : ERROR;
}

function checkSupport(ctx: CheckContext, callee: Callable, p: ParamSpec, arg: CallExpr["args"][number]): void {
  const c = constantOf(ctx, arg);
  if (!c || inSupport(p.support, c.value) !== false) return;
  const via = ctx.explainValues(c.uses);
  ctx.report("support_violation", arg.span, {
    param: p.name,
    dist: callee.name,
    support: supportText[p.support],
    value: via ? `${c.value} (${via})` : String(c.value),
    fix: `use a value that is ${supportText[p.support]}`,
  });
}
