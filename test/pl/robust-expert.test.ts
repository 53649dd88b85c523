/**
 * Robust experts (rules `normal_scale_mixture_studentt_linear` and
 * `normal_scale_mixture_laplace_linear`, spec §2.5) against exact answers, for each family:
 * one robust regression on a location, whose posterior and evidence come from a quadrature
 * over a grid of (μ, log σ²): the evidence estimate is unbiased (mean of p̂/p over independent
 * filters within 4 Monte Carlo SEs of 1, with and without the sweeps) and the posterior mean
 * of μ matches, where a Gaussian expert's is pulled by the outliers; each row's outlier weight
 * is the posterior mean of its precision given the rows up to it; under forgetting the sweep's
 * scale-mixture move samples the tempered posterior; snapshots continue bit for bit.
 */
import { describe, expect, it } from "vitest";
import { compile } from "../../api.js";
import { expectContinuation } from "../helpers/continuation.js";
import { chainAverages } from "../helpers/chains.js";
import { sampleMoments } from "../helpers/stats.js";
import { Rng } from "../../runtime/rng/rng.js";
import { StudentLinearState } from "../../runtime/rules/student-linear.js";
import { LaplaceLinearState } from "../../runtime/rules/laplace-linear.js";
import type { ScaleMixtureLinearState } from "../../runtime/rules/scale-mixture-linear.js";
import { lgamma } from "../../runtime/math/index.js";

const NU = 4;

/** A robust family: its likelihood in the language, its log density, its row weight and its block. */
interface Family {
  name: string;
  likelihood: (mean: string, scale: string) => string;
  logDensity: (r: number, s2: number) => number;
  /** The row weight the filter reports, at residual r and scale² s2 (its posterior mean is the reported weight). */
  weight: (r: number, s2: number) => number;
  /** Bounds for the weights of the outliers, and of the mean weight of the other rows. */
  outlierBelow: number;
  typicalAbove: number;
  block: (chains: number) => ScaleMixtureLinearState;
}

const logT = (r: number, s2: number) => lgamma((NU + 1) / 2) - lgamma(NU / 2) - 0.5 * Math.log(NU * Math.PI * s2) - ((NU + 1) / 2) * Math.log1p((r * r) / (NU * s2));

const FAMILIES: Family[] = [
  {
    name: "Student-t",
    likelihood: (m, s) => `studentt(${NU}, ${m}, ${s})`,
    logDensity: logT,
    // E[λ | r, σ²] = (ν + 1)/(ν + r²/σ²); ν/(ν + z) in its place is 20 % off
    weight: (r, s2) => (NU + 1) / (NU + (r * r) / s2),
    outlierBelow: 0.1,
    typicalAbove: 0.9,
    block: (chains) => StudentLinearState.create(chains, 1, 1, { g: 10, m0: 0, a0: 2, b0: 1, nu: NU }),
  },
  {
    name: "Laplace",
    likelihood: (m, s) => `laplace(${m}, ${s})`,
    logDensity: (r, s2) => -Math.LN2 - 0.5 * Math.log(s2) - Math.abs(r) / Math.sqrt(s2),
    // the relative precision 2/E[1/λ | r, σ] = 2/(1 + |r|/σ) (E[λ | r] = σ/|r| has an infinite posterior mean)
    weight: (r, s2) => 2 / (1 + Math.abs(r) / Math.sqrt(s2)),
    // the Laplace's scale grows with the outliers (its tails are lighter than the t's): on the
    // grid the three outliers weigh 0.29, 0.28 and 0.32
    outlierBelow: 0.4,
    typicalAbove: 0.8,
    block: (chains) => LaplaceLinearState.create(chains, 1, 1, { g: 10, m0: 0, a0: 2, b0: 1 }),
  },
];

const singleOf = (f: Family) => `model robust1() {
  data x: vector[D]
  data y: real
  sigma2 ~ invgamma(2, 1)
  beta ~ mvnormal(0, 10 * sigma2 * I(D))
  y ~ ${f.likelihood("dot(beta, x)", "sqrt(sigma2)")}
}`;

/** 25 rows around 1.0 with sd 0.5, and three outliers at 8, 9 and −6. */
function rows(seed: number) {
  const rng = Rng.fromSeed(seed);
  const Y = Array.from({ length: 25 }, () => 1 + 0.5 * rng.normal());
  Y.splice(5, 0, 8);
  Y.splice(12, 0, 9);
  Y.splice(20, 0, -6);
  return Y;
}

/**
 * log p(y) and E[μ | y] by the midpoint rule over μ ∈ [−4, 6] (500 nodes) and u = log σ² ∈
 * [−7, 4] (500 nodes), prior σ² ~ IG(2, 1), μ | σ² ~ N(0, 10σ²), density in u with the
 * Jacobian σ²; row s's likelihood raised to weights[s] when given.
 */
function grid(logDensity: Family["logDensity"], Y: number[], weights?: number[], f?: (mu: number, s2: number) => number) {
  const G = 500;
  const hm = 10 / G;
  const hu = 11 / G;
  let max = -Infinity;
  const lp = new Float64Array(G * G);
  for (let a = 0; a < G; a++) {
    const mu = -4 + (a + 0.5) * hm;
    for (let b = 0; b < G; b++) {
      const u = -7 + (b + 0.5) * hu;
      const s2 = Math.exp(u);
      // IG(2, 1) density of s2 times the Jacobian s2, then N(0, 10 s2) of μ
      let l = Math.log(1) - lgamma(2) - 3 * u - 1 / s2 + u - 0.5 * Math.log(2 * Math.PI * 10 * s2) - (mu * mu) / (20 * s2);
      for (let s = 0; s < Y.length; s++) l += (weights ? weights[s] : 1) * logDensity(Y[s] - mu, s2);
      lp[a * G + b] = l;
      max = Math.max(max, l);
    }
  }
  let Z = 0;
  let mean = 0;
  let expected = 0;
  for (let a = 0; a < G; a++) {
    for (let b = 0; b < G; b++) {
      const p = Math.exp(lp[a * G + b] - max);
      Z += p;
      mean += p * (-4 + (a + 0.5) * hm);
      if (f) expected += p * f(-4 + (a + 0.5) * hm, Math.exp(-7 + (b + 0.5) * hu));
    }
  }
  return { logZ: Math.log(Z * hm * hu) + max, mean: mean / Z, expected: expected / Z };
}

describe.each(FAMILIES)("one $name expert against quadrature", (family) => {
  const Y = rows(2);
  const exact = grid(family.logDensity, Y);
  const single = singleOf(family);

  it.each([true, false])("the evidence estimate is unbiased (sweeps %s)", (rejuvenate) => {
    const r: number[] = [];
    for (let seed = 1; seed <= 200; seed++) {
      const f = compile(single, {}).filter({ particles: 60, seed, D: 1, sets: 1, rejuvenate });
      for (const y of Y) f.observe([1], y);
      r.push(Math.exp(f.logEvidence - exact.logZ));
    }
    const { mean, variance } = sampleMoments(r);
    const se = Math.sqrt(variance / r.length);
    expect(Math.abs(mean - 1)).toBeLessThan(4 * se);
  });

  it("recovers the posterior mean of the location, which the outliers do not pull", () => {
    const f = compile(single, {}).filter({ particles: 4000, seed: 3, D: 1 });
    for (const y of Y) f.observe([1], y);
    f.finish();
    const [e] = f.experts();
    // posterior sd of μ ~0.1; 4,000 particles after a final sweep: 0.03 is three Monte Carlo errors
    expect(Math.abs(e.coefficients[0] - exact.mean)).toBeLessThan(0.03);
    // the mean of the rows, which a Gaussian expert tracks, is pulled ~0.3 above
    const raw = Y.reduce((a, b) => a + b, 0) / Y.length;
    expect(raw - exact.mean).toBeGreaterThan(0.25);
  });

  it("each row's outlier weight is the posterior mean of its row weight given the rows up to it", () => {
    // the family's weight at (y_t − μ, σ²) averaged over the posterior after row t, on the grid
    const f = compile(single, {}).filter({ particles: 4000, seed: 4, D: 1, trace: true });
    const weights = Y.map((y) => f.observe([1], y)!.weight);
    for (const t of [6, 13, 21, 25]) {
      const y = Y[t - 1];
      const exactWeight = grid(family.logDensity, Y.slice(0, t), undefined, (mu, s2) => family.weight(y - mu, s2)).expected;
      // 4 sets of 1,000 particles: over six seeds the Student-t outliers' weights spread by about
      // 6 % (sd), so 15 % is two and a half of those
      expect(Math.abs(weights[t - 1] / exactWeight - 1), `row ${t}`).toBeLessThan(0.15);
    }
    expect(Math.max(weights[5], weights[12], weights[20])).toBeLessThan(family.outlierBelow);
    const typical = weights.filter((_, s) => s !== 5 && s !== 12 && s !== 20);
    expect(typical.reduce((a, b) => a + b, 0) / typical.length).toBeGreaterThan(family.typicalAbove);
  });

  it("under row weights (forgetting), the sweep's scale-mixture move samples the tempered posterior", () => {
    const w = Y.map((_, s) => 0.85 ** (Y.length - s));
    // E[μ] and E[log σ²] under the tempered posterior: a row's weight enters both the precision
    // weights' conditional and the variance's shape (a wrong shape of λ's conditional moves
    // E[log σ²] by ~20 Monte Carlo errors and E[μ] by less than one)
    const tempered = grid(family.logDensity, Y, w, (_, s2) => Math.log(s2));
    const chains = 200;
    const st = family.block(chains);
    const [means, logS2] = chainAverages(st, chains, Rng.fromSeed(9), new Float64Array(Y.length).fill(1), Y, w, 50, 200, [(i) => Math.log(st.s2[i])]);
    const { mean: m, variance } = sampleMoments(means);
    const se = Math.sqrt(variance / chains);
    expect(Math.abs(m - tempered.mean)).toBeLessThan(4 * se);
    expect(se).toBeLessThan(0.02);
    expect(Math.abs(tempered.mean - exact.mean)).toBeGreaterThan(8 * se);
    const v = sampleMoments(logS2);
    const seV = Math.sqrt(v.variance / chains);
    expect(Math.abs(v.mean - tempered.expected)).toBeLessThan(4 * seV);
    expect(seV).toBeLessThan(0.03);
  });

  it("a mixture of these experts continues bit for bit from a snapshot (window, folds, forgetting)", () => {
    const source = `model tmix(K: int = 2) {
      data x: vector[D]
      data y: real
      phi[k in 1..K-1] ~ mvnormal(0, 4 * I(D))
      sigma2[k in 1..K] ~ invgamma(2, 1)
      beta[k in 1..K] ~ mvnormal(0, 10 * sigma2[k] * I(D))
      z ~ stickbreaking(logistic(phi * x))
      y ~ ${family.likelihood("dot(beta[z], x)", "sqrt(sigma2[z])")}
    }`;
    const rng = Rng.fromSeed(4);
    const data = Array.from({ length: 90 }, () => {
      const u = 6 * rng.uniform() - 3;
      return { x: [1, u], y: (u < 0 ? -1 - u : 1 + 2 * u) + 0.3 * rng.normal() + (rng.uniform() < 0.1 ? 5 : 0) };
    });
    expectContinuation(compile(source, {}), 2, data, 57, [{}, { window: 20 }, { window: 20, forget: 0.95 }]);
  });
});
