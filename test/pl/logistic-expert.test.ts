/**
 * Binary experts (rule `polya_gamma_logistic_linear`, spec §2.4) against exact answers:
 * - one logistic expert, whose posterior and evidence come from a quadrature over a grid of β:
 *   the evidence estimate p̂ is unbiased (mean of p̂/p over independent filters within 4 Monte
 *   Carlo SEs of 1, with and without the sweeps) and the posterior mean of β matches;
 * - under forgetting (ρ < 1) the filter targets the tempered posterior, prior × Π σ(±η_s)^{ρ^{n−s}},
 *   also computed on the grid: the MH-corrected sweep move is what makes that exact;
 * - a two-expert mixture with a fixed gate: the exact evidence sums over every allocation
 *   (each allocation's evidence a product of grid integrals);
 * - P(y = 1 | x) and its credible interval against the grid; responses other than 0/1 refused
 *   by row; snapshots continue bit for bit.
 */
import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { compile } from "../../api.js";
import { expectContinuation } from "../helpers/continuation.js";
import { chainAverages, expectChainsMatch } from "../helpers/chains.js";
import { gridPosterior, pointMean, pointQuantile } from "../helpers/grid.js";
import { allocationSumLogEvidence, expectUnbiasedEvidence } from "../helpers/evidence.js";
import { Rng } from "../../runtime/rng/rng.js";
import { LogisticExpertState } from "../../runtime/rules/logistic-expert.js";

const single = `model logit1(c: real = 4) {
  data x: vector[D]
  data y: int
  beta ~ mvnormal(0, c * I(D))
  y ~ bernoulli_logit(dot(beta, x))
}`;
const stdlib = readFileSync(new URL("../../stdlib/logistic-moe.moe", import.meta.url), "utf8");

const sigmoid = (u: number) => 1 / (1 + Math.exp(-u));

/** Rows x = [1, u], u ~ N(0, 1), y ~ Bernoulli(σ(0.5 − 1.5u)). */
function rows(n: number, seed: number) {
  const rng = Rng.fromSeed(seed);
  const X: number[][] = [];
  const Y: number[] = [];
  for (let s = 0; s < n; s++) {
    const u = rng.normal();
    X.push([1, u]);
    Y.push(rng.uniform() < sigmoid(0.5 - 1.5 * u) ? 1 : 0);
  }
  return { X, Y };
}

/**
 * log ∫ N(β; 0, cI) Π σ(±x_sᵀβ)^{w_s} dβ and the posterior mean, by the midpoint rule on a
 * 241² grid over [−6, 6]² (the posterior sd is ~0.4, so the grid step 0.05 and the range leave
 * errors far below the tests' Monte Carlo tolerances).
 */
function grid(X: number[][], Y: number[], c: number, weights?: number[]) {
  const logLik = (b0: number, b1: number) => {
    let l = 0;
    for (let s = 0; s < X.length; s++) {
      const e = b0 * X[s][0] + b1 * X[s][1];
      l += (weights ? weights[s] : 1) * (Y[s] ? -Math.log1p(Math.exp(-e)) : -Math.log1p(Math.exp(e)));
    }
    return l;
  };
  return gridPosterior(logLik, c, -6, 6, 241);
}

describe("one logistic expert against quadrature", () => {
  const { X, Y } = rows(30, 3);
  const exact = grid(X, Y, 4);

  it.each([true, false])("the evidence estimate is unbiased (sweeps %s)", (rejuvenate) => {
    expectUnbiasedEvidence(single, X, Y, exact.logZ, 200, 40, rejuvenate);
  });

  it("recovers the posterior mean of β", () => {
    // 4 sets of 1,000: the coefficients' posterior sd is ~0.4 and ~0.5, the Monte Carlo error of
    // the mean about 0.02 after the final sweep; 0.06 is three of those.
    const f = compile(single, {}).filter({ particles: 4000, seed: 5, D: 2 });
    for (let s = 0; s < X.length; s++) f.observe(X[s], Y[s]);
    f.finish();
    const [e] = f.experts();
    expect(Math.abs(e.coefficients[0] - exact.mean[0])).toBeLessThan(0.06);
    expect(Math.abs(e.coefficients[1] - exact.mean[1])).toBeLessThan(0.06);
    expect(e.noiseVariance).toBeNull();
  });

  it("under row weights (forgetting), the sweep's MH-corrected move samples the tempered posterior", () => {
    // The block alone: 200 chains of the sweep's β move (ω at the chain's β, the statistics
    // rebuilt, β drawn and tested) on fixed rows with weights 0.9^{n−s}. The target is
    // prior × Π σ(±x_sᵀβ)^{w_s}, on the grid; the untempered posterior mean is ~0.5 away.
    const w = X.map((_, s) => 0.9 ** (X.length - s));
    const tempered = grid(X, Y, 4, w);
    const chains = 200;
    const st = LogisticExpertState.create(chains, 1, 2, { g: 4, m0: 0 });
    // acceptance is ~0.66 here; the chains' spread gives the Monte Carlo error
    const means = chainAverages(st, chains, Rng.fromSeed(9), Float64Array.from(X.flat()), Y, w);
    expectChainsMatch(means, tempered.mean, 0.05);
    expect(Math.abs(tempered.mean[1] - exact.mean[1])).toBeGreaterThan(0.3);
  });
});

describe("two logistic experts, a fixed gate", () => {
  const source = `model fixed2(c: real = 4) {
    data x: vector[D]
    data y: int
    stop[k in 1..1] = 0.4
    beta[k in 1..2] ~ mvnormal(0, c * I(D))
    z ~ stickbreaking(stop)
    y ~ bernoulli_logit(dot(beta[z], x))
  }`;
  const { X, Y } = rows(6, 11);

  it("the evidence estimate is unbiased against the sum over every allocation", () => {
    // p(y) = Σ_z Π_k p(z) ∫ Π_{s: z_s = k} σ(±x_sᵀβ) N(β; 0, cI) dβ; an empty expert integrates to 1.
    // mask bit s set: row s is the second expert's (probability 0.6)
    const logZ = allocationSumLogEvidence(X.length, 0.4, (idx) => grid(idx.map((s) => X[s]), idx.map((s) => Y[s]), 4).logZ);
    expectUnbiasedEvidence(source, X, Y, logZ, 200, 30, true);
  });
});

describe("binary responses", () => {
  it("P(y = 1 | x) and its 90 % interval match the grid posterior of σ(xᵀβ)", () => {
    const { X, Y } = rows(200, 21);
    const x = [1, 1];
    // the grid's posterior of p = σ(β0 + β1) at x, as weighted points
    const logLik = (b0: number, b1: number) => {
      let l = 0;
      for (let s = 0; s < X.length; s++) l -= Math.log1p(Math.exp(Y[s] ? -(b0 + b1 * X[s][1]) : b0 + b1 * X[s][1]));
      return l;
    };
    const { points } = gridPosterior(logLik, 4, -6, 6, 241, (b0, b1) => sigmoid(b0 + b1));
    const quantile = (q: number) => pointQuantile(points, q);
    const mean = pointMean(points);
    const f = compile(single, {}).filter({ particles: 4000, seed: 7, D: 2 });
    for (let s = 0; s < X.length; s++) f.observe(X[s], Y[s]);
    f.finish();
    const pred = f.predict(x, [0.05, 0.95]);
    const [lo, hi] = pred.probability!.quantiles.map((q) => q.value);
    // p's posterior sd is ~0.055 here (90 % interval ~[0.22, 0.40]); 4,000 particles after a
    // final sweep give its mean and quantiles to ~0.002–0.004, so 0.012 is about three Monte
    // Carlo errors of a quantile. Means given the auxiliaries (E[σ] under N(m, P̃⁻¹)) in place
    // of the particles' draws make the interval about a third too narrow and fail this.
    expect(Math.abs(pred.mean - mean)).toBeLessThan(0.008);
    expect(Math.abs(lo - quantile(0.05))).toBeLessThan(0.012);
    expect(Math.abs(hi - quantile(0.95))).toBeLessThan(0.012);
    expect(pred.sd).toBeCloseTo(Math.sqrt(pred.mean * (1 - pred.mean)), 12);
    // y's own quantiles are those of Bernoulli(p̄): 0 up to probability 1 − p̄, then 1
    expect(pred.quantiles.map((q) => q.value)).toEqual([0.05, 0.95].map((q) => (q <= 1 - pred.mean ? 0 : 1)));
  });

  it("refuses a response other than 0 or 1 with its row, and the filter is unchanged", () => {
    const f = compile(single, {}).filter({ particles: 20, seed: 1, D: 2 });
    f.observe([1, 0.2], 1);
    const before = JSON.stringify(f.snapshot());
    expect(() => f.observe([1, 0.3], 0.5)).toThrow(/row 2: the response is 0.5; this model's experts take 0 or 1/);
    expect(() => f.observe([1, 0.3], 2)).toThrow(/row 2/);
    expect(JSON.stringify(f.snapshot())).toBe(before);
  });

  it("a mixture of logistic experts continues bit for bit from a snapshot (window, folds, forgetting)", () => {
    const rng = Rng.fromSeed(4);
    const data = Array.from({ length: 90 }, () => {
      const u = 6 * rng.uniform() - 3;
      return { x: [1, u], y: rng.uniform() < sigmoid(u < 0 ? -2 - 2 * u : -2 + 3 * u) ? 1 : 0 };
    });
    expectContinuation(compile(stdlib, { K: 3 }), 2, data, 57, [{}, { window: 20 }, { window: 20, forget: 0.95 }]);
  });
});
