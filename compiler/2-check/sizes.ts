/**
 * Sizes and constants. A size (a vector length, a range bound, the argument of `I`) must be
 * an integer affine expression of integer hyperparameters, data-bound sizes and literals. A
 * constant (for support checks and hyperparameter defaults) is an arithmetic expression of
 * literals and hyperparameters with known values.
 */
import type { BinaryExpr, Expr } from "../ast.js";
import { add, constant, formatAffine, mul, scale, sub, variable, type Affine } from "../lang/affine.js";
import type { CheckContext, Scope } from "./context.js";
import { reportUnknownName } from "./names.js";
import { foldLeftSpine } from "../walk.js";
import { foldConstant } from "../lang/arithmetic.js";

/** `l op r` as a size, or undefined after reporting an operator sizes do not allow. */
function combineSizes(ctx: CheckContext, e: BinaryExpr, l: Affine, r: Affine): Affine | undefined {
  if (e.op === "+") return add(l, r);
  if (e.op === "-") return sub(l, r);
  if (e.op === "*") {
    const p = mul(l, r);
    if (p) return p;
    ctx.report("invalid_dimension", e.span, {
      detail: `\`${formatAffine(l)}\` times \`${formatAffine(r)}\` is not supported as a size (one factor must be a literal)`,
    });
    return undefined;
  }
  ctx.report("invalid_dimension", e.span, { detail: `\`${e.op}\` is not allowed in a size; use +, - and * by an integer` });
  return undefined;
}

/**
 * The affine form of a size expression, or undefined (after reporting) when it is not one.
 * Index variables in `scope` are not sizes.
 */
export function sizeOf(ctx: CheckContext, e: Expr, scope: Scope): Affine | undefined {
  switch (e.kind) {
    case "number":
      if (!e.isInt) {
        ctx.report("invalid_dimension", e.span, { detail: `a size must be an integer, not ${e.value}` });
        return undefined;
      }
      return constant(e.value);
    case "name": {
      const sym = ctx.symbols.get(e.name);
      if (sym?.kind === "dim") return variable(e.name);
      if (sym?.kind === "hyper") {
        if (sym.type === "int" && !sym.array) return variable(e.name);
        ctx.report("invalid_dimension", e.span, { detail: `\`${e.name}\` is ${sym.array ? "an array" : "a real hyperparameter"}, and a size must be an integer` });
        return undefined;
      }
      if (sym || scope.has(e.name)) {
        ctx.report("invalid_dimension", e.span, { detail: `\`${e.name}\` is not known before the data are read, so it cannot be a size` });
        return undefined;
      }
      reportUnknownName(ctx, e.name, e.span, scope);
      return undefined;
    }
    case "negate": {
      const inner = sizeOf(ctx, e.operand, scope);
      return inner && scale(inner, -1);
    }
    case "binary":
      return foldLeftSpine<Affine | undefined>(
        e,
        (x) => sizeOf(ctx, x, scope),
        (l, b) => {
          const r = sizeOf(ctx, b.right, scope);
          return l && r && combineSizes(ctx, b, l, r);
        },
      );
    default:
      ctx.report("invalid_dimension", e.span, { detail: "a size must be an integer expression, not a call or an indexed value" });
      return undefined;
  }
}

/** A constant's value and the hyperparameters it used. */
export interface ConstantValue {
  value: number;
  uses: string[];
}

/** Evaluates a constant expression; undefined (silently) when it is not constant. */
export function constantOf(ctx: CheckContext, e: Expr): ConstantValue | undefined {
  const uses: string[] = [];
  const value = valueOf(ctx, e, uses);
  return value === undefined ? undefined : { value, uses };
}

/** The value of a constant expression, adding the hyperparameters it reads to `uses`. */
function valueOf(ctx: CheckContext, e: Expr, uses: string[]): number | undefined {
  return foldConstant(e, (id) => {
    const v = ctx.values.get(id);
    if (v !== undefined) uses.push(id);
    return v;
  });
}
