/**
 * Routes from a fixed set of posterior draws of the gate (issue 14 item 4, spec §3.9): what
 * `route` computes over the particle set, from M draws of the gate's coefficients resampled from
 * the pooled particles by weight, each with its particle's stable labels. The draws are a
 * compact JSON (M·S·d numbers and M·K labels) that routes new inputs without the particles, the
 * experts or the compiler; its routes agree with the filter's up to the Monte Carlo error of M
 * draws.
 */
import { log1pExpNeg, logSumExp } from "../math/special.js";
import { FilterError } from "./errors.js";

/** An exported router: M draws of a stick-breaking or softmax gate over the data row. */
export interface RouterJson {
  /** Marks a router written by `exportRouter`. */
  kind: "hsmoe-router";
  /** The gate: sticks (K − 1 rows) or a softmax (K − 1 rows with the last logit 0, or K rows). */
  gate: "stickbreaking" | "softmax";
  /** Experts. */
  K: number;
  /** Rows of coefficients per draw. */
  S: number;
  /** Coefficients per row: the length of the data row. */
  d: number;
  /** Draw m's row l at `phi[(m·S + l)·d …]`. */
  phi: number[];
  /** Draw m's raw expert label of reported expert r at `order[m·K + r]` (the stable labels of `experts()`). */
  order: number[];
}

/** One expert's gate probability summarised over draws (or particles): mean, sd, central interval. */
export interface GateSummary {
  /** Expert number, from 1. */
  expert: number;
  /** Posterior mean. */
  mean: number;
  /** Posterior sd. */
  sd: number;
  /** Lower end of the central interval. */
  lower: number;
  /** Upper end of the central interval. */
  upper: number;
}

/** One expert of a route (`route`). */
export interface RoutedExpert {
  /** Expert number, from 1 (the stable labels of `experts()`). */
  expert: number;
  /** Posterior mean of its gate probability. */
  mean: number;
  /** Posterior sd of its gate probability. */
  sd: number;
  /** The lower bound it is ranked by: mean − α·sd. */
  bound: number;
  /** Central credible interval of the gate probability. */
  interval: [number, number];
}

/** The route of one input: the top k experts, the routing entropy, and whether the cut is uncertain. */
export interface Route {
  /** The k experts of highest lower bound, best first (ties: higher mean, then lower number). */
  top: RoutedExpert[];
  /** −Σ_k p̄_k log p̄_k of the mean gate probabilities, in nats (0: one expert takes the input; log K: all alike). */
  entropy: number;
  /** Whether the credible intervals of the k-th and (k + 1)-th ranked experts overlap (false when k = K). */
  uncertain: boolean;
}


/** A difference of two summaries, or 0 when it is within rounding of them (1e−12 relative). */
function beyondRounding(difference: number, a: number, b: number): number {
  return Math.abs(difference) <= 1e-12 * Math.max(1, Math.abs(a), Math.abs(b)) ? 0 : difference;
}

/**
 * The experts ranked by the lower bound mean − α·sd (ties within rounding to the higher mean,
 * then the lower number), the first k kept; the entropy of the means; whether the k-th and
 * (k + 1)-th intervals overlap.
 */
export function rankRoute(gates: readonly GateSummary[], k: number, alpha: number): Route {
  const ranked = gates
    .map((g) => ({ expert: g.expert, mean: g.mean, sd: g.sd, bound: g.mean - alpha * g.sd, interval: [g.lower, g.upper] as [number, number] }))
    .sort((a, b) => beyondRounding(b.bound - a.bound, a.bound, b.bound) || beyondRounding(b.mean - a.mean, a.mean, b.mean) || a.expert - b.expert);
  let entropy = 0;
  for (const e of ranked) if (e.mean > 0) entropy -= e.mean * Math.log(e.mean);
  const uncertain = k < gates.length && ranked[k - 1].interval[0] <= ranked[k].interval[1];
  return { top: ranked.slice(0, k), entropy, uncertain };
}

/** The q-quantile of ascending values, as the particles' weighted quantile takes it with equal weights: the first whose cumulative share reaches q. */
function quantileOfSorted(v: Float64Array, q: number): number {
  const n = v.length;
  const at = Math.max(0, Math.ceil(q * n - 1e-12) - 1);
  return v[Math.min(n - 1, at)];
}

/** @throws FilterError unless `router` is what `exportRouter` writes: sizes that agree, finite coefficients, labels that permute the experts. */
export function checkRouter(router: RouterJson): void {
  const bad = () => new FilterError("bad_input", "routeWith: not a router written by exportRouter");
  if (typeof router !== "object" || router === null || router.kind !== "hsmoe-router" || (router.gate !== "stickbreaking" && router.gate !== "softmax")) throw bad();
  const { K, S, d, phi, order, gate } = router;
  if (![K, S, d].every((v) => Number.isInteger(v) && v >= 1) || !Array.isArray(phi) || !Array.isArray(order)) throw bad();
  const M = order.length / K;
  if (!(Number.isInteger(M) && M >= 1) || phi.length !== M * S * d || (gate === "stickbreaking" ? S !== K - 1 : S !== K - 1 && S !== K)) throw bad();
  if (!phi.every(Number.isFinite)) throw bad();
  const seen = new Uint8Array(K);
  for (let m = 0; m < M; m++) {
    seen.fill(0);
    for (let r = 0; r < K; r++) {
      const k = order[m * K + r];
      if (!(Number.isInteger(k) && k >= 0 && k < K) || seen[k]) throw bad();
      seen[k] = 1;
    }
  }
}

/** Routes a data row as {@link routeWith} does, from a router checked once (see {@link routerFrom}). */
export type RouteFn = (x: ArrayLike<number>, options?: { k?: number; alpha?: number; level?: number } | null) => Route;

/**
 * A router checked once and its draws copied (later changes to the JSON do not reach it), as a
 * function that routes many rows: per draw the gate's probabilities (stick-breaking or softmax of
 * xᵀφ_l, in logs), relabelled to the stable labels, summarised over the draws as `route`
 * summarises the particles, and ranked by {@link rankRoute}.
 * @throws FilterError on a malformed router; the function throws it for a row of the wrong
 *   length or options out of range.
 */
export function routerFrom(router: RouterJson): RouteFn {
  checkRouter(router);
  const { K, S, d, gate } = router;
  const phi = Float64Array.from(router.phi);
  const order = Int32Array.from(router.order);
  const M = order.length / K;
  const g = Array.from({ length: K }, () => new Float64Array(M));
  const raw = new Float64Array(K);
  const eta = new Float64Array(K);
  return (x, options) => {
    const { k = 1, alpha = 1, level = 0.9 } = options ?? {};
    if (x.length !== d || !Array.from(x).every(Number.isFinite)) throw new FilterError("bad_input", `routeWith: the row must be ${d} finite numbers`);
    if (!(Number.isInteger(k) && k >= 1 && k <= K)) throw new FilterError("bad_input", `routeWith: k must be an integer from 1 to ${K}, not ${k}`);
    if (!(Number.isFinite(alpha) && alpha >= 0)) throw new FilterError("bad_input", `routeWith: alpha must be a finite number ≥ 0, not ${alpha}`);
    if (!(level > 0 && level < 1)) throw new FilterError("bad_input", `routeWith: the credible level must lie strictly between 0 and 1, not ${level}`);
    for (let m = 0; m < M; m++) {
      for (let l = 0; l < S; l++) {
        let s = 0;
        for (let j = 0; j < d; j++) s += x[j] * phi[(m * S + l) * d + j];
        eta[l] = s;
      }
      if (gate === "stickbreaking") {
        // g_k = σ(η_k) Π_{l<k} σ(−η_l), in logs as the stick gate takes them
        let pass = 0;
        for (let l = 0; l < S; l++) {
          const e = eta[l];
          const tail = log1pExpNeg(Math.abs(e));
          raw[l] = Math.exp(pass - ((e < 0 ? -e : 0) + tail));
          pass -= (e > 0 ? e : 0) + tail;
        }
        raw[S] = Math.exp(pass);
      } else {
        if (S < K) eta[S] = 0;
        const norm = logSumExp(eta, 0, K);
        for (let l = 0; l < K; l++) raw[l] = Math.exp(eta[l] - norm);
      }
      for (let r = 0; r < K; r++) {
        const v = raw[order[m * K + r]];
        if (!Number.isFinite(v)) throw new FilterError("bad_input", "routeWith: the gate at this x overflows; rescale the inputs");
        g[r][m] = v;
      }
    }
    const gates = g.map((values, r) => {
      let mean = 0;
      for (const v of values) mean += v / M;
      let variance = 0;
      for (const v of values) variance += (v - mean) ** 2 / M;
      const sorted = Float64Array.from(values).sort();
      return { expert: r + 1, mean, sd: Math.sqrt(variance), lower: quantileOfSorted(sorted, (1 - level) / 2), upper: quantileOfSorted(sorted, (1 + level) / 2) };
    });
    return rankRoute(gates, k, alpha);
  };
}

/**
 * The route of the data row x from an exported router (one row; {@link routerFrom} checks a
 * router once for many).
 * @throws FilterError on a malformed router, a row of the wrong length, or options out of range.
 */
export function routeWith(router: RouterJson, x: ArrayLike<number>, options?: { k?: number; alpha?: number; level?: number } | null): Route {
  return routerFrom(router)(x, options);
}
