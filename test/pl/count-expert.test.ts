/**
 * Count experts (rule `polya_gamma_negbinomial_linear`, spec §2.6) against exact answers:
 * - one negative-binomial expert, whose posterior and evidence come from a quadrature over a
 *   grid of β: the evidence estimate p̂ is unbiased (mean of p̂/p over independent filters
 *   within 4 Monte Carlo SEs of 1, with and without the sweeps) and the posterior mean matches;
 * - under forgetting the sweep's MH-corrected move samples the tempered posterior
 *   prior × Π NB(y_s | β)^{w_s}, also on the grid;
 * - two experts under a fixed gate: the exact evidence sums over every allocation;
 * - the predictive is a mixture of negative binomials (its mass sums to 1, its quantiles are
 *   counts), and the expected count's interval matches the grid's; rows that are not counts are
 *   refused; snapshots continue bit for bit.
 */
import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { compile } from "../../api.js";
import { expectContinuation } from "../helpers/continuation.js";
import { chainAverages, expectChainsMatch } from "../helpers/chains.js";
import { gridPosterior, pointMean, pointQuantile } from "../helpers/grid.js";
import { allocationSumLogEvidence, expectUnbiasedEvidence } from "../helpers/evidence.js";
import { Rng } from "../../runtime/rng/rng.js";
import { gamma } from "../../runtime/rng/samplers.js";
import { NegBinomialExpertState } from "../../runtime/rules/negbinomial-expert.js";
import { NbMixture } from "../../runtime/pl/count-mixture.js";

const R = 5;
const single = `model nb1(c: real = 4, r: real = ${R}) {
  data x: vector[D]
  data y: int
  beta ~ mvnormal(0, c * I(D))
  y ~ negbinomial_log(dot(beta, x), r)
}`;
const stdlib = readFileSync(new URL("../../stdlib/count-moe.moe", import.meta.url), "utf8");

/** A negative-binomial draw with mean μ and dispersion r: Poisson(Gamma(r, rate r/μ)). */
function negbin(rng: Rng, mu: number, r: number): number {
  const lambda = gamma(rng, r, r / mu);
  let k = 0;
  for (let t = rng.exponential(); t < lambda; t += rng.exponential()) k++;
  return k;
}

/** Rows x = [1, u], u ~ N(0, 1), y ~ NB(mean e^{1 + 0.8u}, r). */
function rows(n: number, seed: number) {
  const rng = Rng.fromSeed(seed);
  const X: number[][] = [];
  const Y: number[] = [];
  for (let s = 0; s < n; s++) {
    const u = rng.normal();
    X.push([1, u]);
    Y.push(negbin(rng, Math.exp(1 + 0.8 * u), R));
  }
  return { X, Y };
}

/** log NB(y; μ = e^η, r) for an integer r, its constant log C(y + r − 1, y) as a sum of logs. */
function logNb(y: number, eta: number, r: number): number {
  let c = 0;
  for (let j = 1; j <= y; j++) c += Math.log(r - 1 + j) - Math.log(j);
  const mu = Math.exp(eta);
  return c + y * Math.log(mu / (mu + r)) + r * Math.log(r / (mu + r));
}

/**
 * log ∫ N(β; 0, cI) Π NB(y_s | x_sᵀβ)^{w_s} dβ, the posterior mean and the posterior of the
 * expected count e^{β₀ + β₁} at x = (1, 1), by the midpoint rule on a G² grid over [lo, hi]²: 301
 * nodes over [−2, 4] for 30 rows (posterior sds ≈ 0.15, far inside), 201 over [−8, 8] for a few
 * rows, whose posterior is nearly the prior's N(0, 4).
 */
function grid(X: number[][], Y: number[], c: number, weights?: number[], lo = -2, hi = 4, G = 301) {
  const logLik = (b0: number, b1: number) => {
    let l = 0;
    for (let s = 0; s < X.length; s++) l += (weights ? weights[s] : 1) * logNb(Y[s], b0 * X[s][0] + b1 * X[s][1], R);
    return l;
  };
  return gridPosterior(logLik, c, lo, hi, G, (b0, b1) => Math.exp(b0 + b1));
}

describe("one negative-binomial expert against quadrature", () => {
  const { X, Y } = rows(30, 3);
  const exact = grid(X, Y, 4);

  it.each([true, false])("the evidence estimate is unbiased (sweeps %s)", (rejuvenate) => {
    expectUnbiasedEvidence(single, X, Y, exact.logZ, 200, 40, rejuvenate);
  });

  it("recovers the posterior mean of β, and the expected count's interval", () => {
    // 4 sets of 1,000: posterior sds ≈ 0.15 and 0.13, so the Monte Carlo error of the means is
    // below 0.01 after the final sweep; 0.03 is three of those.
    const f = compile(single, {}).filter({ particles: 4000, seed: 5, D: 2 });
    for (let s = 0; s < X.length; s++) f.observe(X[s], Y[s]);
    f.finish();
    const [e] = f.experts();
    expect(Math.abs(e.coefficients[0] - exact.mean[0])).toBeLessThan(0.03);
    expect(Math.abs(e.coefficients[1] - exact.mean[1])).toBeLessThan(0.03);
    expect(e.noiseVariance).toBeNull();
    // E[y | x = (1, 1)] = e^{β₀ + β₁}: its posterior mean and 90 % interval against the grid's
    const quantile = (q: number) => pointQuantile(exact.points, q);
    const gridMean = pointMean(exact.points);
    const pred = f.predict([1, 1], [0.05, 0.95]);
    const [lo, hi] = pred.expected!.quantiles.map((q) => q.value);
    // the rate's posterior sd is ≈ 1 at a mean ≈ 6; quantiles to ~0.05 with 4,000 particles
    expect(Math.abs(pred.mean - gridMean) / gridMean).toBeLessThan(0.02);
    expect(Math.abs(lo - quantile(0.05)) / quantile(0.05)).toBeLessThan(0.03);
    expect(Math.abs(hi - quantile(0.95)) / quantile(0.95)).toBeLessThan(0.03);
  });

  it("under row weights (forgetting), the sweep's MH-corrected move samples the tempered posterior", () => {
    const w = X.map((_, s) => 0.85 ** (X.length - s));
    const tempered = grid(X, Y, 4, w);
    const chains = 200;
    const st = NegBinomialExpertState.create(chains, 1, 2, { g: 4, m0: 0, r: R });
    const means = chainAverages(st, chains, Rng.fromSeed(9), Float64Array.from(X.flat()), Y, w);
    expectChainsMatch(means, tempered.mean, 0.02);
    // the tempered target is far from the untempered one in Monte Carlo errors
    expect(Math.abs(tempered.mean[1] - exact.mean[1]) + Math.abs(tempered.mean[0] - exact.mean[0])).toBeGreaterThan(0.1);
  });
});

describe("under forgetting, few counts and a small dispersion", () => {
  it("the reported coefficients are the tempered posterior's, from the particles' draws", () => {
    // r = 0.5 and a mean near 0.2: most rows are 0, whose PG(round(w·b), ·) terms in the sweeps'
    // nearby factor vanish, so N(m, P̃⁻¹) is far from the tempered posterior (a review measured
    // −3.0 against −1.4 for an intercept); the draws, MH-corrected, are not
    const small = `model nbsmall(c: real = 4, r: real = 0.5) {
      data x: vector[D]
      data y: int
      beta ~ mvnormal(0, c * I(D))
      y ~ negbinomial_log(dot(beta, x), r)
    }`;
    const rng = Rng.fromSeed(8);
    const X: number[][] = [];
    const Y: number[] = [];
    for (let s = 0; s < 150; s++) {
      const u = rng.normal();
      X.push([1, u]);
      Y.push(negbin(rng, Math.exp(-1.5 + 0.5 * u), 0.5));
    }
    const rho = 0.97;
    // after n rows, row s (0-based) weighs ρ^{n−s}; the β-free constant of each row is left out
    const logLik = (b0: number, b1: number) => {
      let l = 0;
      for (let s = 0; s < X.length; s++) {
        const mu = Math.exp(b0 + b1 * X[s][1]);
        l += rho ** (X.length - s) * (Y[s] * Math.log(mu / (mu + 0.5)) + 0.5 * Math.log(0.5 / (mu + 0.5)));
      }
      return l;
    };
    const tempered = gridPosterior(logLik, 4, -6, 4, 401);
    const f = compile(small, {}).filter({ particles: 1000, seed: 3, D: 2, forget: rho });
    for (let s = 0; s < X.length; s++) f.observe(X[s], Y[s]);
    f.finish();
    // The tempered posterior's sds are ≈ 0.5. The draws report (−1.59, 0.76) against (−1.44,
    // 0.59), at 4,000 particles over five seeds (±0.006) as at these 1,000: the cloud between sweeps only approximates the
    // tempered posterior, and one final sweep does not remove 0.3 sd (200 chains of the sweep
    // alone on these rows average (−1.46, 0.61)). N(m, P̃⁻¹) reported (−2.88, 1.56), which this bound fails.
    const [e] = f.experts();
    expect(Math.abs(e.coefficients[0] - tempered.mean[0])).toBeLessThan(0.25);
    expect(Math.abs(e.coefficients[1] - tempered.mean[1])).toBeLessThan(0.25);
    expect(e.lower[0]).toBeLessThan(tempered.mean[0]);
    expect(e.upper[0]).toBeGreaterThan(tempered.mean[0]);
  });
});

describe("two negative-binomial experts, a fixed gate", () => {
  const source = `model fixed2(c: real = 4, r: real = ${R}) {
    data x: vector[D]
    data y: int
    stop[k in 1..1] = 0.4
    beta[k in 1..2] ~ mvnormal(0, c * I(D))
    z ~ stickbreaking(stop)
    y ~ negbinomial_log(dot(beta[z], x), r)
  }`;
  const { X, Y } = rows(6, 11);

  it("the evidence estimate is unbiased against the sum over every allocation", () => {
    // mask bit s set: row s is the second expert's (probability 0.6)
    const logZ = allocationSumLogEvidence(X.length, 0.4, (idx) => grid(idx.map((s) => X[s]), idx.map((s) => Y[s]), 4, undefined, -8, 8, 201).logZ);
    expectUnbiasedEvidence(source, X, Y, logZ, 200, 30, true);
  });
});

describe("count responses", () => {
  it("the predictive is a mixture of negative binomials over the counts", () => {
    const { X, Y } = rows(100, 21);
    const f = compile(stdlib, { K: 2 }).filter({ particles: 200, seed: 7, D: 2 });
    for (let s = 0; s < X.length; s++) f.observe(X[s], Y[s]);
    const pred = f.predict([1, 0.5], [0.05, 0.5, 0.95]);
    let mass = 0;
    let mean = 0;
    let second = 0;
    // Far enough into the tail that the rest is below 1e−10 (a count mixture's tail is heavy).
    for (let y = 0; y < 4000; y++) {
      const p = pred.density(y);
      mass += p;
      mean += y * p;
      second += y * y * p;
    }
    expect(mass).toBeCloseTo(1, 9);
    expect(mean).toBeCloseTo(pred.mean, 6);
    expect(Math.sqrt(second - mean * mean)).toBeCloseTo(pred.sd, 6);
    expect(pred.density(1.5)).toBe(0);
    expect(pred.density(-1)).toBe(0);
    // each quantile is the smallest count whose predictive CDF reaches p
    for (const { p, value } of pred.quantiles) {
      expect(Number.isInteger(value)).toBe(true);
      let cdf = 0;
      for (let y = 0; y < value; y++) cdf += pred.density(y);
      expect(cdf).toBeLessThan(p);
      expect(cdf + pred.density(value)).toBeGreaterThanOrEqual(p - 1e-12);
    }
    expect(pred.expected!.mean).toBe(pred.mean);
  });

  it("quantiles of components with huge means come from the normal approximation, not a CDF that lost its digits", () => {
    // at μ = 1e15 the incomplete beta's normaliser cancels; below 1e12 it is exact
    const mu = 1e15;
    const huge = new NbMixture([0.5, mu, 5, 0.5, 2 * mu, 5]);
    const sd = Math.sqrt(0.5 * (mu + (mu * mu) / 5) + 0.5 * (2 * mu + (4 * mu * mu) / 5) + 0.25 * mu * mu);
    const [lo, mid, hi] = [0.05, 0.5, 0.95].map((p) => huge.quantile(p, 1.5 * mu, sd));
    expect(0 <= lo && lo < mid && mid < hi && Number.isFinite(hi)).toBe(true);
    const moderate = new NbMixture([1, 1e6, 5]);
    const q = moderate.quantile(0.5, 1e6, Math.sqrt(1e6 + 1e12 / 5));
    expect(moderate.cdf(q)).toBeGreaterThanOrEqual(0.5);
    expect(moderate.cdf(q - 1)).toBeLessThan(0.5);
  });

  it("refuses a response that is not a count with its row, and the filter is unchanged", () => {
    const f = compile(single, {}).filter({ particles: 20, seed: 1, D: 2 });
    f.observe([1, 0.2], 3);
    const before = JSON.stringify(f.snapshot());
    expect(() => f.observe([1, 0.3], 2.5)).toThrow(/row 2: the response is 2.5; this model's experts take a count/);
    expect(() => f.observe([1, 0.3], -1)).toThrow(/row 2/);
    expect(JSON.stringify(f.snapshot())).toBe(before);
  });

  it("a mixture of count experts continues bit for bit from a snapshot (window, folds, forgetting)", () => {
    const rng = Rng.fromSeed(4);
    const data = Array.from({ length: 90 }, () => {
      const u = 4 * rng.uniform() - 2;
      return { x: [1, u], y: negbin(rng, Math.exp(u < 0 ? 2 + u : 0.5 + u), R) };
    });
    expectContinuation(compile(stdlib, { K: 3 }), 2, data, 57, [{}, { window: 20 }, { window: 20, forget: 0.95 }]);
  });
});
