/** Quadrature over a grid of two coefficients, the exact answers of the expert families' tests. */

/** What {@link gridPosterior} returns. */
export interface GridPosterior {
  /** log of the integral of prior × likelihood. */
  logZ: number;
  /** Posterior means of the two coefficients. */
  mean: number[];
  /** Every node's value of `f` with its posterior weight, ascending by value (when `f` is given). */
  points: { v: number; w: number }[];
}

/**
 * log ∫ N(β; 0, cI) L(β) dβ over β ∈ [lo, hi]², the posterior mean and, given `f`, the posterior
 * of f(β) as weighted points, by the midpoint rule on G² nodes (the range must hold the posterior
 * mass, the step resolve its sd); `logLik(b0, b1)` is log L.
 */
export function gridPosterior(logLik: (b0: number, b1: number) => number, c: number, lo: number, hi: number, G: number, f?: (b0: number, b1: number) => number): GridPosterior {
  const h = (hi - lo) / (G - 1);
  const lp = new Float64Array(G * G);
  let max = -Infinity;
  for (let a = 0; a < G; a++) {
    for (let b = 0; b < G; b++) {
      const b0 = lo + a * h;
      const b1 = lo + b * h;
      const l = (-0.5 * (b0 * b0 + b1 * b1)) / c - Math.log(2 * Math.PI * c) + logLik(b0, b1);
      lp[a * G + b] = l;
      max = Math.max(max, l);
    }
  }
  let Z = 0;
  const mean = [0, 0];
  const points: { v: number; w: number }[] = [];
  for (let a = 0; a < G; a++) {
    for (let b = 0; b < G; b++) {
      const p = Math.exp(lp[a * G + b] - max) * h * h;
      Z += p;
      mean[0] += p * (lo + a * h);
      mean[1] += p * (lo + b * h);
      if (f) points.push({ v: f(lo + a * h, lo + b * h), w: p });
    }
  }
  points.forEach((q) => (q.w /= Z));
  points.sort((u, v) => u.v - v.v);
  return { logZ: Math.log(Z) + max, mean: mean.map((m) => m / Z), points };
}

/** The q-quantile of weighted points ascending by value (from {@link gridPosterior}). */
export function pointQuantile(points: readonly { v: number; w: number }[], q: number): number {
  let acc = 0;
  for (const t of points) if ((acc += t.w) >= q) return t.v;
  return points[points.length - 1].v;
}

/** The mean of weighted points. */
export function pointMean(points: readonly { v: number; w: number }[]): number {
  return points.reduce((a, t) => a + t.w * t.v, 0);
}
