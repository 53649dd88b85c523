/**
 * A prior's variance as a monomial `c · Π vᵢ^pᵢ` of constants and parameter references,
 * whether it is written as a standard deviation (`normal(0, tau * lambda[k, j])`,
 * `normal(0, sqrt(g * sigma2[k]))`) or as a covariance (`mvnormal(0, tau^2 * lambda[k]^2 *
 * I(D))`). The rules then ask which references the variance scales with; the spelling no longer
 * matters.
 */
import type { Expr } from "../ast.js";
import type { ModelGraph } from "../3-graph/index.js";
import { printExpr } from "../print.js";
import { call, constantValue, factors, isIdentity, nodeRef, type NodeRef } from "./patterns.js";

/** How many factors `I(…)` a product has. */
function identityIn(e: Expr): number {
  return factors(e).filter(isIdentity).length;
}

/** `c · Π ref^power`, the variance; `constants` are the factors c came from. */
export interface Monomial {
  c: number;
  factors: { ref: NodeRef; power: number }[];
  constants: Expr[];
}

/**
 * The variance of a prior given its second argument: an sd (`kind = "sd"`, squared here), a
 * covariance that must be a multiple of `I(n)`, or a plain product (the inside of a `sqrt`).
 * Returns a sentence saying what does not fit.
 */
export function varianceMonomial(g: ModelGraph, e: Expr, kind: "sd" | "covariance" | "product"): Monomial | string {
  const out: Monomial = { c: 1, factors: [], constants: [] };
  let identity = 0;
  const addRef = (ref: NodeRef, power: number) => {
    const same = out.factors.find((f) => f.ref.node === ref.node && printExpr(f.ref.expr) === printExpr(ref.expr));
    if (same) same.power += power;
    else out.factors.push({ ref, power });
  };
  // Each factor contributes to the variance with this multiplicity: squared when it is a factor of an sd.
  const unit = kind === "sd" ? 2 : 1;
  for (const f of factors(e)) {
    const c = constantValue(g, f);
    if (c !== undefined) {
      out.c *= c ** unit;
      out.constants.push(f);
      continue;
    }
    if (kind === "covariance" && isIdentity(f)) {
      identity++;
      continue;
    }
    const root = call(f, "sqrt");
    if (root && root.length === 1) {
      // sqrt(X) contributes X^(unit/2): a variance inside an sd, or a scale inside a covariance.
      const inner = varianceMonomial(g, root[0], "product");
      if (typeof inner === "string") return inner;
      out.c *= inner.c ** (unit / 2);
      out.constants.push(...inner.constants);
      for (const x of inner.factors) addRef(x.ref, (x.power * unit) / 2);
      continue;
    }
    if (f.kind === "binary" && f.op === "^") {
      // (a product)^p: every factor of the product to the power p, `(sqrt(g) * sqrt(s2))^2` included.
      const p = constantValue(g, f.right);
      const inner = p === undefined ? undefined : varianceMonomial(g, f.left, "product");
      if (p !== undefined && inner !== undefined && typeof inner !== "string") {
        out.c *= inner.c ** (p * unit);
        out.constants.push(...inner.constants);
        for (const x of inner.factors) addRef(x.ref, x.power * p * unit);
        continue;
      }
    }
    if (f.kind === "binary" && f.op === "/") {
      // Division by a constant scales the variance.
      const c = constantValue(g, f.right);
      const holdsIdentity = kind === "covariance" && identityIn(f.left) > 0;
      const inner = c === undefined ? undefined : varianceMonomial(g, f.left, kind === "covariance" && !holdsIdentity ? "product" : kind);
      if (c !== undefined && inner !== undefined && typeof inner !== "string") {
        out.c *= inner.c / c ** unit;
        out.constants.push(...inner.constants, f.right);
        for (const x of inner.factors) addRef(x.ref, x.power);
        if (holdsIdentity) identity++;
        continue;
      }
    }
    const ref = nodeRef(g, f);
    if (ref && ref.node.kind === "parameter") {
      addRef(ref, unit);
      continue;
    }
    return `\`${printExpr(f)}\` is neither a constant nor a parameter (a product of constants and parameters is expected)`;
  }
  if (kind === "covariance" && identity !== 1) return "it must be a multiple of the identity, `… * I(D)`";
  return out;
}
