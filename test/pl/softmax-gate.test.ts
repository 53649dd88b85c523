/**
 * The softmax gate in the particle filter (spec §2.9):
 * - the evidence estimate is unbiased with a sweep after every row (resample-move with exact
 *   one-vs-rest Gibbs sweeps), with and without the window folding rows (W = 3): the mean of p̂/p
 *   over independent filters within 4 Monte Carlo standard errors of 1, p by enumeration of every
 *   allocation of 6 rows with the gate's integral over its two coefficients by quadrature, for
 *   K = 3 with the last logit pinned and for K = 2 with both free;
 * - recovery on data drawn from a softmax-gated mixture (known truth);
 * - a snapshot continues bit for bit, with the window and under forgetting.
 */
import { describe, expect, it } from "vitest";
import { compile } from "../../api.js";
import { Rng } from "../../runtime/rng/rng.js";
import { expectContinuation } from "../helpers/continuation.js";
import { nigPosterior } from "../helpers/nig.js";

const EVERY_ROW = { denseEvery: 1, denseUntil: 1000 };

/** A model of intercept-only experts routed by the scalar input u, softmax over `logits`. */
const source = (phi: string, logits: string, K: number) => `model sm(s: real = 1.5) {
  data x: vector[D]
  data u: real
  data y: real
  ${phi} ~ normal(0, s)
  sigma2[k in 1..${K}] ~ invgamma(2, 1)
  beta[k in 1..${K}] ~ mvnormal(0, 10 * sigma2[k] * I(D))
  z ~ categorical(softmax(${logits}))
  y ~ normal(dot(beta[z], x), sqrt(sigma2[z]))
}`;

/** log softmax of the logits (φ_l u for the free categories, 0 for a pinned last one). */
function logSoftmax(phi: readonly number[], u: number, K: number): number[] {
  const eta = Array.from({ length: K }, (_, k) => (k < phi.length ? phi[k] * u : 0));
  const m = Math.max(...eta);
  const norm = m + Math.log(eta.reduce((a, v) => a + Math.exp(v - m), 0));
  return eta.map((v) => v - norm);
}

/**
 * log p(y) exactly: Σ over every allocation z of log ∫ N(φ; 0, s²I) Π_t g_{z_t}(u_t; φ) dφ (a
 * midpoint rule over φ ∈ [−6s, 6s]², step s/20) plus each expert's NIG evidence of its rows.
 */
function exactLogEvidence(u: number[], y: number[], K: number, s: number): number {
  const n = y.length;
  const G = 241;
  const h = (12 * s) / G;
  // log g_k(u_t) and the prior's log density at every node
  const nodes: { prior: number; lg: number[][] }[] = [];
  for (let a = 0; a < G; a++) {
    for (let b = 0; b < G; b++) {
      const phi = [-6 * s + (a + 0.5) * h, -6 * s + (b + 0.5) * h];
      nodes.push({ prior: -(phi[0] ** 2 + phi[1] ** 2) / (2 * s * s) - Math.log(2 * Math.PI * s * s) + 2 * Math.log(h), lg: u.map((v) => logSoftmax(phi, v, K)) });
    }
  }
  const terms: number[] = [];
  const z = new Array<number>(n).fill(0);
  for (let code = 0; code < K ** n; code++) {
    let c = code;
    for (let t = 0; t < n; t++) {
      z[t] = c % K;
      c = Math.floor(c / K);
    }
    let gate = -Infinity;
    const logs = nodes.map((q) => q.prior + z.reduce((acc, k, t) => acc + q.lg[t][k], 0));
    const top = Math.max(...logs);
    gate = top + Math.log(logs.reduce((acc, v) => acc + Math.exp(v - top), 0));
    let experts = 0;
    for (let k = 0; k < K; k++) {
      const ys = y.filter((_, t) => z[t] === k);
      experts += nigPosterior(ys.map(() => [1]), ys, [10], 2, 1).logEvidence;
    }
    terms.push(gate + experts);
  }
  const top = Math.max(...terms);
  return top + Math.log(terms.reduce((a, v) => a + Math.exp(v - top), 0));
}

/** Mean of p̂/p over `runs` one-set filters and its standard error. */
function ratio(model: ReturnType<typeof compile>, u: number[], y: number[], exact: number, runs: number, window?: number) {
  const r: number[] = [];
  for (let seed = 1; seed <= runs; seed++) {
    const f = model.filter({ particles: 40, sets: 1, seed, inputs: [1, 1], schedule: EVERY_ROW, ...(window ? { window } : {}) });
    u.forEach((v, t) => f.observe([1, v], y[t]));
    r.push(Math.exp(f.logEvidence - exact));
  }
  const mean = r.reduce((a, b) => a + b, 0) / runs;
  const sd = Math.sqrt(r.reduce((a, b) => a + (b - mean) ** 2, 0) / (runs - 1));
  return { mean, se: sd / Math.sqrt(runs) };
}

describe.each([
  { what: "K = 3, the last logit pinned", K: 3, phi: "phi[k in 1..2]", logits: "append_row(phi * u, 0)" },
  { what: "K = 2, both categories free", K: 2, phi: "phi[k in 1..2]", logits: "phi * u" },
])("evidence against enumeration and quadrature: $what", ({ K, phi, logits }) => {
  const rng = Rng.fromSeed(`softmax-evidence-${K}`);
  const u = Array.from({ length: 6 }, () => 3 * rng.uniform() - 1.5);
  const y = u.map((v) => (v < 0 ? -1 : 1.5) + 0.5 * rng.normal());
  const exact = exactLogEvidence(u, y, K, 1.5);
  const model = compile(source(phi, logits, K));

  it("a sweep after every row: unbiased", () => {
    const { mean, se } = ratio(model, u, y, exact, 300);
    expect(se).toBeGreaterThan(0);
    expect(Math.abs(mean - 1)).toBeLessThan(4 * se);
  });

  it("a sweep after every row with a window of 3 rows (folded rows keep their ω and offsets): unbiased", () => {
    const { mean, se } = ratio(model, u, y, exact, 300, 3);
    expect(Math.abs(mean - 1)).toBeLessThan(4 * se);
  });
});

/** Rows of a three-expert mixture routed by a softmax of u: expert 1 above u = 1, expert 2 below −1, expert 3 between. */
function softmaxRows(n: number, seed: number) {
  const rng = Rng.fromSeed(seed);
  const lines = [(u: number) => 1 + 2 * u, (u: number) => -2 - u, (u: number) => 0.5 * u];
  const rows: { x: number[]; y: number; k: number }[] = [];
  for (let t = 0; t < n; t++) {
    const u = 6 * rng.uniform() - 3;
    const g = logSoftmax([3, -3], u, 3).map((v, k) => v + [-3, -3, 0][k]).map(Math.exp);
    const total = g.reduce((a, b) => a + b, 0);
    let r = rng.uniform() * total;
    let k = 0;
    while (k < 2 && (r -= g[k]) > 0) k++;
    rows.push({ x: [1, u], y: lines[k](u) + 0.3 * rng.normal(), k });
  }
  return { rows, lines };
}

const SOFTMAX_MOE = `model softmax_moe(K: int = 3) {
  data x: vector[D]
  data y: real
  tau ~ halfcauchy(1)
  lambda[k in 1..K-1, j in 1..D] ~ halfcauchy(1)
  phi[k in 1..K-1, j in 1..D] ~ normal(0, tau * lambda[k, j])
  sigma2[k in 1..K] ~ invgamma(2, 1)
  beta[k in 1..K] ~ mvnormal(0, 10 * sigma2[k] * I(D))
  z ~ categorical(softmax(append_row(phi * x, 0)))
  y ~ normal(dot(beta[z], x), sqrt(sigma2[z]))
}`;

describe("recovery on a softmax-gated truth", () => {
  it("each region's line and its expert's gate probability are found", () => {
    const { rows, lines } = softmaxRows(600, 11);
    const f = compile(SOFTMAX_MOE).filter({ particles: 300, seed: 3 });
    for (const r of rows) f.observe(r.x, r.y);
    for (const [u, k] of [[-2.5, 1], [0, 2], [2.5, 0]] as const) {
      // The predictive mean follows the true line of the expert that owns the region (noise sd 0.3).
      expect(Math.abs(f.predict([1, u]).mean - lines[k](u)), `mean at u = ${u}`).toBeLessThan(0.3);
      // Some expert takes the region (true gate probability ≥ 0.94 at these points).
      expect(Math.max(...f.gateProbabilities([1, u]).map((g) => g.mean)), `gate at u = ${u}`).toBeGreaterThan(0.85);
    }
  });

  it("a snapshot continues bit for bit (plain, with a window, under forgetting)", () => {
    const { rows } = softmaxRows(120, 12);
    expectContinuation(compile(SOFTMAX_MOE), 2, rows, 70, [{}, { window: 30 }, { forget: 0.97 }]);
  });
});
