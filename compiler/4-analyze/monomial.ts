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

/** Whether two monomials are the same product (constants and factors, in any order). */
function sameMonomial(a: Monomial, b: Monomial): boolean {
  if (Math.abs(a.c - b.c) > 1e-12 * Math.max(1, Math.abs(a.c)) || a.factors.length !== b.factors.length) return false;
  return a.factors.every((f) => b.factors.some((h) => h.ref.node === f.ref.node && printExpr(h.ref.expr) === printExpr(f.ref.expr) && h.power === f.power));
}

/**
 * The regularised horseshoe's spelling in an sd: a factor `sqrt(c2 * M / (c2 + M))` (either
 * order in the product and the sum), c2 a scalar parameter and M a product of scales. Returns
 * c2's reference, the sd with that factor replaced by `sqrt(M)` (the plain horseshoe's sd the
 * slab regularises) and the sd's other factors; undefined when the sd has no such factor.
 */
export function splitSlab(g: ModelGraph, sd: Expr): { slab: NodeRef; sd: Expr; outside: Expr[] } | undefined {
  const all = factors(sd);
  for (let q = 0; q < all.length; q++) {
    const inner = call(all[q], "sqrt");
    const x = inner?.length === 1 ? inner[0] : undefined;
    if (x?.kind !== "binary" || x.op !== "/" || x.right.kind !== "binary" || x.right.op !== "+") continue;
    const sum = x.right;
    for (const [a, m] of [
      [sum.left, sum.right],
      [sum.right, sum.left],
    ]) {
      const ref = nodeRef(g, a);
      if (!ref || ref.node.kind !== "parameter" || ref.indices.length > 0 || ref.node.plates.length > 0) continue;
      const num = factors(x.left);
      const at = num.findIndex((f) => nodeRef(g, f)?.node === ref.node);
      if (at < 0) continue;
      const rest = num.filter((_, t) => t !== at);
      if (rest.length === 0) continue;
      const restExpr = rest.reduce((l, r) => ({ kind: "binary", op: "*", left: l, right: r, span: l.span }) as Expr);
      const restMono = varianceMonomial(g, restExpr, "product");
      const mMono = varianceMonomial(g, m, "product");
      if (typeof restMono === "string" || typeof mMono === "string" || !sameMonomial(restMono, mMono)) continue;
      // c2 inside M would be a scale node and the slab at once: not this spelling.
      if (mMono.factors.some((f) => f.ref.node === ref.node)) continue;
      const root: Expr = { kind: "call", callee: { name: "sqrt", span: all[q].span }, args: [m], span: all[q].span };
      const replaced = all.map((f, t) => (t === q ? root : f));
      return { slab: ref, sd: replaced.reduce((l, r) => ({ kind: "binary", op: "*", left: l, right: r, span: sd.span }) as Expr), outside: all.filter((_, t) => t !== q) };
    }
  }
  return undefined;
}
