/**
 * Binomial experts (rule `polya_gamma_binomial_linear`, spec §2.7) against exact answers: one
 * binomial expert with a column of trials, whose posterior and evidence come from a quadrature
 * over a grid of β — the evidence estimate is unbiased (mean of p̂/p over independent filters
 * within 4 Monte Carlo SEs of 1, with and without the sweeps) and the posterior mean matches;
 * under forgetting the sweep's MH-corrected move samples the tempered posterior; two experts
 * under a fixed gate against the sum over every allocation; the predictive is a mixture of
 * binomials over 0..n; a row with more successes than trials, or trials that are not a count,
 * is refused by row; snapshots continue bit for bit.
 */
import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { compile } from "../../api.js";
import { expectContinuation } from "../helpers/continuation.js";
import { chainAverages, expectChainsMatch } from "../helpers/chains.js";
import { gridPosterior } from "../helpers/grid.js";
import { allocationSumLogEvidence, expectUnbiasedEvidence } from "../helpers/evidence.js";
import { Rng } from "../../runtime/rng/rng.js";
import { BinomialExpertState } from "../../runtime/rules/binomial-expert.js";

const single = `model binom1(c: real = 4) {
  data x: vector[D]
  data n: int
  data y: int
  beta ~ mvnormal(0, c * I(D))
  y ~ binomial_logit(n, dot(beta, x))
}`;
const stdlib = readFileSync(new URL("../../stdlib/binomial-moe.moe", import.meta.url), "utf8");

const sigmoid = (u: number) => 1 / (1 + Math.exp(-u));

/** Rows x = [1, u], u ~ N(0, 1), n uniform on 1..8, y ~ Binomial(n, σ(0.5 − 1.5u)): the data row is [1, u, n]. */
function rows(count: number, seed: number, p = (u: number) => sigmoid(0.5 - 1.5 * u)) {
  const rng = Rng.fromSeed(seed);
  const X: number[][] = [];
  const Y: number[] = [];
  for (let s = 0; s < count; s++) {
    const u = rng.normal();
    const n = 1 + Math.floor(8 * rng.uniform());
    let y = 0;
    for (let t = 0; t < n; t++) if (rng.uniform() < p(u)) y++;
    X.push([1, u, n]);
    Y.push(y);
  }
  return { X, Y };
}

/** log C(n, y) as a sum of logs. */
function logChoose(n: number, y: number): number {
  let c = 0;
  for (let j = 1; j <= y; j++) c += Math.log(n - y + j) - Math.log(j);
  return c;
}

/**
 * log ∫ N(β; 0, cI) Π Binomial(y_s | n_s, σ(x_sᵀβ))^{w_s} dβ and the posterior mean, by the
 * midpoint rule on a G² grid over [−range, range]²: 241 nodes over [−3, 3] for 25 rows (posterior
 * sds ≈ 0.15–0.2, far inside), 201 over [−8, 8] for a few rows, whose posterior is nearly the
 * prior's N(0, 4).
 */
function grid(X: number[][], Y: number[], c: number, weights?: number[], range = 3, G = 241) {
  const logLik = (b0: number, b1: number) => {
    let l = 0;
    for (let s = 0; s < X.length; s++) {
      const e = b0 + b1 * X[s][1];
      const n = X[s][2];
      l += (weights ? weights[s] : 1) * (logChoose(n, Y[s]) - Y[s] * Math.log1p(Math.exp(-e)) - (n - Y[s]) * Math.log1p(Math.exp(e)));
    }
    return l;
  };
  return gridPosterior(logLik, c, -range, range, G);
}

describe("one binomial expert against quadrature", () => {
  const { X, Y } = rows(25, 3);
  const exact = grid(X, Y, 4);

  it.each([true, false])("the evidence estimate is unbiased (sweeps %s)", (rejuvenate) => {
    expectUnbiasedEvidence(single, X, Y, exact.logZ, 200, 40, rejuvenate, [2, 1]);
  });

  it("recovers the posterior mean of β", () => {
    // 4 sets of 1,000: posterior sds ≈ 0.15 and 0.2, Monte Carlo errors of the means below 0.01
    // after the final sweep; 0.03 is three of those
    const f = compile(single, {}).filter({ particles: 4000, seed: 5, inputs: [2, 1] });
    for (let s = 0; s < X.length; s++) f.observe(X[s], Y[s]);
    f.finish();
    const [e] = f.experts();
    expect(Math.abs(e.coefficients[0] - exact.mean[0])).toBeLessThan(0.03);
    expect(Math.abs(e.coefficients[1] - exact.mean[1])).toBeLessThan(0.03);
  });

  it("under row weights (forgetting), the sweep's MH-corrected move samples the tempered posterior", () => {
    const w = X.map((_, s) => 0.85 ** (X.length - s));
    const tempered = grid(X, Y, 4, w);
    const chains = 200;
    const st = BinomialExpertState.create(chains, 1, 2, { g: 4, m0: 0 });
    // the block's rows are [1, u, n]: the design row, then the trials
    const means = chainAverages(st, chains, Rng.fromSeed(9), Float64Array.from(X.flat()), Y, w);
    expectChainsMatch(means, tempered.mean, 0.02);
    expect(Math.abs(tempered.mean[1] - exact.mean[1]) + Math.abs(tempered.mean[0] - exact.mean[0])).toBeGreaterThan(0.1);
  });
});

describe("two binomial experts, a fixed gate", () => {
  const source = `model fixed2(c: real = 4) {
    data x: vector[D]
    data n: int
    data y: int
    stop[k in 1..1] = 0.4
    beta[k in 1..2] ~ mvnormal(0, c * I(D))
    z ~ stickbreaking(stop)
    y ~ binomial_logit(n, dot(beta[z], x))
  }`;
  const { X, Y } = rows(6, 11);

  it("the evidence estimate is unbiased against the sum over every allocation", () => {
    const logZ = allocationSumLogEvidence(X.length, 0.4, (idx) => grid(idx.map((s) => X[s]), idx.map((s) => Y[s]), 4, undefined, 8, 201).logZ);
    expectUnbiasedEvidence(source, X, Y, logZ, 200, 30, true, [2, 1]);
  });
});

describe("binomial responses", () => {
  it("the predictive is a mixture of binomials over 0..n, and its quantiles are counts", () => {
    const { X, Y } = rows(100, 21);
    const f = compile(stdlib, { K: 2 }).filter({ particles: 200, seed: 7, inputs: [2, 1] });
    for (let s = 0; s < X.length; s++) f.observe(X[s], Y[s]);
    const pred = f.predict([1, 0.5, 6], [0.05, 0.5, 0.95]);
    let mass = 0;
    let mean = 0;
    let second = 0;
    for (let y = 0; y <= 6; y++) {
      const p = pred.density(y);
      mass += p;
      mean += y * p;
      second += y * y * p;
    }
    expect(mass).toBeCloseTo(1, 12);
    expect(pred.density(7)).toBe(0);
    expect(mean).toBeCloseTo(pred.mean, 9);
    expect(Math.sqrt(second - mean * mean)).toBeCloseTo(pred.sd, 9);
    for (const { p, value } of pred.quantiles) {
      let cdf = 0;
      for (let y = 0; y < value; y++) cdf += pred.density(y);
      expect(cdf).toBeLessThan(p);
      expect(cdf + pred.density(value)).toBeGreaterThanOrEqual(p - 1e-12);
    }
    // the expected count is n times the success probability
    expect(pred.expected!.quantiles.every((q) => q.value >= 0 && q.value <= 6)).toBe(true);
  });

  it("refuses more successes than trials, or trials that are not a count, by row; the filter is unchanged", () => {
    const f = compile(single, {}).filter({ particles: 20, seed: 1, inputs: [2, 1] });
    f.observe([1, 0.2, 5], 3);
    const before = JSON.stringify(f.snapshot());
    expect(() => f.observe([1, 0.3, 5], 6)).toThrow(/row 2: the response is 6, more successes than its 5 trials/);
    expect(() => f.observe([1, 0.3, 2.5], 1)).toThrow(/row 2: the trials are 2.5/);
    expect(() => f.observe([1, 0.3, 5], 1.5)).toThrow(/row 2: the response is 1.5; this model's experts take a count/);
    expect(JSON.stringify(f.snapshot())).toBe(before);
  });

  it("a row of no trials is certain (y = 0), changes no statistic and costs no evidence, with and without forgetting; predict refuses trials that are not a count", () => {
    for (const options of [{}, { forget: 0.95 }]) {
      const f = compile(stdlib, { K: 2 }).filter({ particles: 50, seed: 2, inputs: [2, 1], ...options });
      f.observe([1, 0.2, 4], 2);
      const before = f.logEvidence;
      f.observe([1, -0.4, 0], 0);
      expect(f.logEvidence).toBe(before);
      f.observe([1, 0.7, 3], 3);
      expect(Number.isFinite(f.logEvidence)).toBe(true);
      expect(() => f.observe([1, 0.3, 0], 1)).toThrow(/row 4: the response is 1, more successes than its 0 trials/);
    }
    const f = compile(single, {}).filter({ particles: 20, seed: 1, inputs: [2, 1] });
    f.observe([1, 0.2, 5], 3);
    expect(() => f.predict([1, 0.3, 2.5])).toThrow(/predict: the trials are 2.5/);
    expect(() => f.predict([1, 0.3, -3])).toThrow(/predict: the trials are -3/);
    expect(f.predict([1, 0.3, 0]).quantiles.every((q) => q.value === 0)).toBe(true);
  });

  it("a mixture of binomial experts continues bit for bit from a snapshot (window, folds, forgetting)", () => {
    const { X, Y } = rows(90, 4, (u) => sigmoid(u < 0 ? -1 - 2 * u : -1 + 2 * u));
    const data = X.map((x, s) => ({ x, y: Y[s] }));
    expectContinuation(compile(stdlib, { K: 3 }), 3, data, 57, [{ inputs: [2, 1] }, { inputs: [2, 1], window: 20 }, { inputs: [2, 1], window: 20, forget: 0.95 }]);
  });
});
